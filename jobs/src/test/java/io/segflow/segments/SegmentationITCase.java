package io.segflow.segments;

import static io.segflow.testing.Feeds.customer;
import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.model.ClusteringMetrics;
import io.segflow.pipeline.JobSettings;
import io.segflow.testing.Feeds;
import io.segflow.testing.SegflowITCaseBase;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

/**
 * Segments on the real stack: customers of four hidden personas produce CRM rows and events on
 * Kafka; the job builds their profiles in SQL, learns segments as the profiles arrive and writes
 * them to PostgreSQL while it runs. The segments must recover the personas, and a deleted
 * customer's segment must go.
 */
class SegmentationITCase extends SegflowITCaseBase {

    private static final int PER_PERSONA = 100;

    @Test
    void customerSegmentRecoversThePersonas() throws Exception {
        // on a cluster that refuses Kryo, so a type that would need it fails here
        assertThat(flinkEnvironment().getConfig().getSerializerConfig().hasGenericTypesDisabled())
                .isTrue();
        JobSettings settings =
                freshSettings()
                        .withTrainer(
                                new TrainerSettings(
                                        4,
                                        64,
                                        Duration.ofSeconds(1),
                                        1.0,
                                        2_000,
                                        0.02,
                                        200,
                                        10_000,
                                        1,
                                        0.1,
                                        5));
        createTopics(settings);
        Map<Long, Integer> persona = new HashMap<>();
        Random random = new Random(17);
        try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            long id = 1;
            for (int p = 0; p < 4; p++) {
                for (int i = 0; i < PER_PERSONA; i++, id++) {
                    persona.put(id, p);
                    behave(feeds, id, p, random);
                }
            }
        }
        JobClient job = startStreaming(settings);
        try {
            List<Map<String, Object>> rows =
                    awaitRows(
                            settings,
                            "SELECT customer_id, segment_id, segment_name, confidence,"
                                    + " model_version FROM customer_segment",
                            current ->
                                    current.size() == persona.size()
                                            && ari(current, persona) >= 0.9);
            System.out.printf(
                    "segments vs personas: ARI %.4f over %d customers%n",
                    ari(rows, persona), rows.size());
            assertThat(rows)
                    .allSatisfy(row -> assertThat((String) row.get("segment_name")).isNotBlank());

            // the trainer publishes a version once a checkpoint holds it, which may come after
            // the customers' segments are written
            List<Map<String, Object>> models =
                    awaitRows(
                            settings,
                            "SELECT model_version, trained_by, k, features, centroids, sizes FROM"
                                    + " segment_model ORDER BY model_version",
                            current -> !current.isEmpty());
            assertThat(models).isNotEmpty();
            assertThat(models.get(0).get("trained_by")).isEqualTo("stream");
            assertThat(models.get(0).get("k")).isEqualTo(4);
            assertThat((String) models.get(0).get("features"))
                    .contains("website_views", "avg_time_per_session");
            assertThat((String) models.get(models.size() - 1).get("sizes")).startsWith("{");

            // right to erasure reaches the segments too
            try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
                feeds.customerDelete(1, false);
                feeds.customerDelete(2, false);
            }
            awaitRows(
                    settings,
                    "SELECT customer_id FROM customer_segment WHERE customer_id IN (1, 2)",
                    List::isEmpty);
            assertThat(
                            query(settings, "SELECT count(*) AS n FROM customer_segment")
                                    .get(0)
                                    .get("n"))
                    .isEqualTo((long) persona.size() - 2);
        } finally {
            cancel(job);
        }
    }

    private static double ari(List<Map<String, Object>> rows, Map<Long, Integer> persona) {
        int[] truth = new int[rows.size()];
        int[] found = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            truth[i] = persona.get(((Number) rows.get(i).get("customer_id")).longValue());
            found[i] = ((Number) rows.get(i).get("segment_id")).intValue();
        }
        return ClusteringMetrics.adjustedRandIndex(truth, found);
    }

    /** One customer's CRM row, identity links and events, by persona. */
    static void behave(Feeds feeds, long id, int persona, Random random) {
        int age =
                switch (persona) {
                            case 0 -> 30;
                            case 1 -> 45;
                            case 2 -> 35;
                            default -> 60;
                        }
                        + random.nextInt(5);
        feeds.customerInsert(
                customer(
                        id,
                        LocalDate.now().minusYears(age).minusDays(40),
                        "DE",
                        false,
                        null,
                        Instant.parse("2026-11-01T00:00:00Z")),
                false);
        String visitor = "v" + id;
        String user = "u" + id;
        feeds.link("web", visitor, id, false);
        feeds.link("product", user, id, false);
        switch (persona) {
            case 0 -> { // reads: blogs and whitepapers over several sessions
                for (int s = 0; s < 3 + random.nextInt(2); s++) {
                    for (int e = 0; e < 6 + random.nextInt(3); e++) {
                        feeds.web(
                                id + "-w" + s + "-" + e,
                                visitor,
                                visitor + "-s" + s,
                                e % 3 == 0 ? "whitepaper_view" : "blog_view",
                                "2026-11-1" + s + "T10:0" + (e % 10) + ":00Z");
                    }
                }
            }
            case 1 -> { // watches videos
                for (int s = 0; s < 2; s++) {
                    for (int e = 0; e < 5 + random.nextInt(3); e++) {
                        feeds.web(
                                id + "-w" + s + "-" + e,
                                visitor,
                                visitor + "-s" + s,
                                "video_view",
                                "2026-11-1" + s + "T20:0" + (e % 10) + ":00Z");
                    }
                }
            }
            case 2 -> { // lives in the product
                feeds.web(
                        id + "-w0", visitor, visitor + "-s0", "page_view", "2026-11-10T09:00:00Z");
                for (int day = 0; day < 3; day++) {
                    String session = user + "-p" + day;
                    String date = "2026-11-1" + day;
                    feeds.product(
                            id + "-p" + day + "-s",
                            user,
                            session,
                            "session_start",
                            null,
                            null,
                            date + "T08:00:00Z");
                    for (int f = 0; f < 8; f++) {
                        feeds.product(
                                id + "-p" + day + "-f" + f,
                                user,
                                session,
                                "feature_used",
                                "feature-" + (f % 6),
                                null,
                                date + "T08:0" + f + ":00Z");
                    }
                    feeds.product(
                            id + "-p" + day + "-e",
                            user,
                            session,
                            "session_end",
                            null,
                            1_500_000L + random.nextInt(600_000),
                            date + "T08:40:00Z");
                }
            }
            default -> {} // only in the CRM
        }
    }
}
