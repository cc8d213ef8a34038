package io.segflow.pipeline;

import static io.segflow.testing.Feeds.customer;
import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.testing.Feeds;
import io.segflow.testing.SegflowITCaseBase;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

/**
 * The streaming job as it runs in production: started on empty topics, it keeps customer_profile in
 * PostgreSQL current while CRM changes, identity links and events arrive, including a link that
 * arrives after its events, an update and a right-to-erasure delete.
 */
class StreamingPipelineITCase extends SegflowITCaseBase {

    @Test
    void profileFollowsTheStreams() throws Exception {
        JobSettings settings = freshSettings();
        JobClient job = startStreaming(settings);
        try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            feeds.customerInsert(
                    customer(
                            10,
                            LocalDate.of(1991, 1, 1),
                            "DE",
                            false,
                            null,
                            Instant.parse("2026-11-20T00:00:00Z")),
                    true);
            feeds.link("web", "v-10", 10, true);
            feeds.web("a1", "v-10", "s1", "page_view", "2026-11-20T10:00:00Z");
            feeds.web("a2", "v-10", "s1", "blog_view", "2026-11-20T10:01:00Z");
            feeds.web("a3", "v-10", "s2", "video_view", "2026-11-20T11:00:00Z");
            feeds.flush();
            awaitRows(
                    settings,
                    "SELECT * FROM customer_profile WHERE customer_id = 10",
                    rows -> rows.size() == 1 && rows.get(0).get("website_views").equals(3L));

            // events first, the identity link later
            feeds.customerInsert(
                    customer(11, null, "FR", false, null, Instant.parse("2026-11-20T00:00:00Z")),
                    false);
            feeds.web("b1", "v-late", "s9", "page_view", "2026-11-20T12:00:00Z");
            feeds.web("b2", "v-late", "s9", "whitepaper_view", "2026-11-20T12:01:00Z");
            feeds.flush();
            awaitRows(
                    settings,
                    "SELECT * FROM customer_profile WHERE customer_id = 11",
                    rows -> rows.size() == 1 && rows.get(0).get("website_views").equals(0L));
            feeds.link("web", "v-late", 11, false);
            feeds.flush();
            List<Map<String, Object>> linked =
                    awaitRows(
                            settings,
                            "SELECT * FROM customer_profile WHERE customer_id = 11",
                            rows ->
                                    rows.size() == 1
                                            && rows.get(0).get("website_views").equals(2L));
            assertThat(linked.get(0).get("whitepapers_viewed")).isEqualTo(1L);

            // an update: the customer bought
            feeds.customerUpdate(
                    customer(
                            10,
                            LocalDate.of(1991, 1, 1),
                            "AT",
                            true,
                            "vip",
                            Instant.parse("2026-11-21T00:00:00Z")),
                    true);
            feeds.flush();
            List<Map<String, Object>> updated =
                    awaitRows(
                            settings,
                            "SELECT * FROM customer_profile WHERE customer_id = 10",
                            rows ->
                                    rows.size() == 1
                                            && Boolean.TRUE.equals(
                                                    rows.get(0).get("converted_to_sale")));
            assertThat(updated.get(0).get("segment_label")).isEqualTo("vip");
            assertThat(updated.get(0).get("website_views")).isEqualTo(3L);

            // right to erasure
            feeds.customerDelete(11, false);
            feeds.flush();
            awaitRows(
                    settings,
                    "SELECT * FROM customer_profile WHERE customer_id = 11",
                    List::isEmpty);

            // bad input on a running job
            feeds.raw(settings.webEventsTopic(), null, "{oops");
            feeds.flush();
            List<Map<String, Object>> dead =
                    awaitRows(settings, "SELECT * FROM dead_letter", rows -> rows.size() == 1);
            assertThat((String) dead.get(0).get("reason")).contains("malformed JSON");

            assertThat(query(settings, "SELECT customer_id FROM customer_profile"))
                    .extracting(row -> row.get("customer_id"))
                    .containsExactly(10L);
        } finally {
            cancel(job);
        }
    }
}
