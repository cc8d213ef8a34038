package io.segflow.pipeline;

import static io.segflow.testing.Feeds.customer;
import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.testing.Feeds;
import io.segflow.testing.SegflowITCaseBase;
import io.segflow.testing.TopicContents;
import io.segflow.udfs.Pseudonymiser;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The identity limit with every option at its default: a customer the CRM links to more web ids
 * than {@link JobSettings#DEFAULT_MAX_IDS_PER_SYSTEM} keeps the earliest ones; each link beyond is
 * a dead letter (too_many_ids) and its visitor's events count for nobody, until an earlier link
 * goes and the next one takes its place.
 */
class IdentityLimitITCase extends SegflowITCaseBase {

    private static final long CROWDED = 660_066_001L;
    private static final long ORDINARY = 660_066_002L;
    private static final int LIMIT = JobSettings.DEFAULT_MAX_IDS_PER_SYSTEM;

    private static final Pseudonymiser PSEUDONYMS = Pseudonymiser.withKey(TEST_PSEUDONYM_KEY);

    @Test
    void linksBeyondTheLimitAreDeadLettersUntilAnEarlierOneGoes() throws Exception {
        JobSettings settings = defaultSettings();
        createTopics(settings);
        try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            for (long id : List.of(CROWDED, ORDINARY)) {
                feeds.customerInsert(
                        customer(
                                id,
                                LocalDate.of(1985, 3, 9),
                                "FR",
                                false,
                                null,
                                Instant.parse("2026-11-19T00:00:00Z")),
                        false);
            }
            // one integration links every kiosk visitor to the same customer, in this order
            for (int i = 0; i < LIMIT + 2; i++) {
                feeds.link("web", "kiosk-visitor-" + i, CROWDED, false);
                feeds.flush(); // each link its own Kafka timestamp or offset, in order
            }
            feeds.link("web", "own-visitor", ORDINARY, false);
            feeds.link("product", "kiosk-user", CROWDED, false);
            feeds.product(
                    "kiosk-p-1",
                    "kiosk-user",
                    "kiosk-ps",
                    "feature_used",
                    "reports",
                    null,
                    "2026-11-20T11:00:00Z");
            // every kiosk visitor but the fourth views a page
            for (int i = 0; i < LIMIT + 2; i++) {
                if (i == 3) {
                    continue;
                }
                feeds.web(
                        "kiosk-ev-" + i,
                        "kiosk-visitor-" + i,
                        "kiosk-session-" + i,
                        "page_view",
                        "2026-11-20T10:00:00Z");
            }
            feeds.web("own-ev-1", "own-visitor", "own-s", "page_view", "2026-11-20T10:00:00Z");
            feeds.web("own-ev-2", "own-visitor", "own-s", "blog_view", "2026-11-20T10:01:00Z");
        }

        JobClient job = startStreaming(settings);
        try {
            // the first LIMIT links count (one of them without a view), the two after them do not
            awaitViews(settings, CROWDED, LIMIT - 1);
            // another customer's profile is written on its own schedule: wait for it too
            awaitViews(settings, ORDINARY, 2);
            List<Map<String, Object>> refused =
                    awaitRows(
                            settings,
                            "SELECT id, raw_payload, reason FROM dead_letter"
                                    + " WHERE reason LIKE 'too_many_ids:%' ORDER BY source_offset",
                            rows -> rows.size() == 2);
            assertThat(refused)
                    .extracting(row -> (String) row.get("raw_payload"))
                    .satisfiesExactly(
                            first ->
                                    assertThat(first)
                                            .contains(PSEUDONYMS.pseudonym("kiosk-visitor-50"))
                                            .contains(PSEUDONYMS.pseudonym(Long.toString(CROWDED)))
                                            .doesNotContain("kiosk-visitor")
                                            .doesNotContain(Long.toString(CROWDED)),
                            second ->
                                    assertThat(second)
                                            .contains(PSEUDONYMS.pseudonym("kiosk-visitor-51")));
            assertThat(refused.get(0).get("reason"))
                    .isEqualTo(
                            "too_many_ids: the customer has more than 50 web ids linked; the links"
                                    + " made after those are refused");
            String refusedFirst = (String) refused.get(0).get("id");
            String refusedSecond = (String) refused.get(1).get("id");
            // the product link of the same customer is within its own system's limit
            assertThat(
                            query(
                                            settings,
                                            "SELECT product_features_used FROM customer_profile"
                                                    + " WHERE customer_id = "
                                                    + CROWDED)
                                    .get(0)
                                    .get("product_features_used"))
                    .isEqualTo(1L);

            // the CRM removes one of the early links: the 51st takes its place
            try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
                feeds.unlink("web", "kiosk-visitor-3", false);
            }
            awaitRows(
                    settings,
                    "SELECT id FROM dead_letter WHERE reason LIKE 'too_many_ids:%'",
                    rows -> rows.size() == 1 && rows.get(0).get("id").equals(refusedSecond));
            // kiosk-visitor-50's view counts now
            awaitViews(settings, CROWDED, LIMIT);

            // the topic says the same, read as its consumers should: committed, last per key
            Map<String, String> lastByKey = Map.of();
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (System.nanoTime() < deadline) {
                lastByKey =
                        TopicContents.readCommitted(
                                        settings.kafkaBootstrapServers(),
                                        settings.deadLetterTopic())
                                .stream()
                                .filter(r -> List.of(refusedFirst, refusedSecond).contains(r.key()))
                                .collect(
                                        Collectors.toMap(
                                                ConsumerRecord::key,
                                                r -> String.valueOf(r.value()),
                                                (earlier, later) -> later));
                if ("null".equals(lastByKey.get(refusedFirst))
                        && lastByKey.containsKey(refusedSecond)) {
                    break;
                }
                Thread.sleep(500);
            }
            assertThat(lastByKey.get(refusedFirst))
                    .as("the lifted refusal, tombstoned")
                    .isEqualTo("null");
            assertThat(lastByKey.get(refusedSecond)).contains("\"reason\":\"too_many_ids: ");
        } finally {
            cancel(job);
        }
    }

    private static void awaitViews(JobSettings settings, long customerId, long views)
            throws Exception {
        awaitRows(
                settings,
                "SELECT website_views FROM customer_profile WHERE customer_id = " + customerId,
                rows ->
                        rows.size() == 1
                                && Long.valueOf(views).equals(rows.get(0).get("website_views")));
    }
}
