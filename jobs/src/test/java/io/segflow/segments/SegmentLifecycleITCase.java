package io.segflow.segments;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.pipeline.JobSettings;
import io.segflow.registry.ModelMessages;
import io.segflow.registry.ModelRegistry;
import io.segflow.testing.Feeds;
import io.segflow.testing.SegflowITCaseBase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

/**
 * Provisional and confirmed segments and the segment history, through the running job with every
 * option at its default: a customer with only a CRM row is provisional and becomes confirmed once
 * their events are in; each change of segment is one segment_history row, and a retrained version
 * that moves nobody writes none.
 */
class SegmentLifecycleITCase extends SegflowITCaseBase {

    private static final int CUSTOMERS = 60;

    /** Persona 3 of SegmentationITCase.behave: a CRM row, nothing else. */
    private static final long CRM_ONLY = 3;

    @Test
    void aCrmRowIsProvisionalUntilEventsConfirmItAndEachChangeIsHistory() throws Exception {
        JobSettings settings = defaultSettings().withCreatedTopicPartitions(2);
        createTopics(settings);
        Random random = new Random(22);
        try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            for (long id = 1; id <= CUSTOMERS; id++) {
                SegmentationITCase.behave(feeds, id, (int) (id % 4), random);
            }
        }
        JobClient job = startStreaming(settings);
        try {
            List<Map<String, Object>> segments =
                    awaitRows(
                            settings,
                            "SELECT customer_id, segment_id, status FROM customer_segment"
                                    + " WHERE status IS NOT NULL",
                            rows -> rows.size() == CUSTOMERS);
            Map<Long, Map<String, Object>> byCustomer = new HashMap<>();
            segments.forEach(row -> byCustomer.put(id(row), row));
            // the CRM-only customers: provisional, however clear their segment
            for (long id = CRM_ONLY; id <= CUSTOMERS; id += 4) {
                assertThat(byCustomer.get(id).get("status"))
                        .as("customer %d", id)
                        .isEqualTo("provisional");
            }
            int crmOnlySegment = (Integer) byCustomer.get(CRM_ONLY).get("segment_id");
            awaitHistoryInStepWithSegments(settings);

            // the CRM-only customer uses the product and reads: 11 of the 17 features have data
            try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
                becomeActive(feeds, CRM_ONLY);
            }
            Map<String, Object> confirmed =
                    awaitRows(
                                    settings,
                                    "SELECT segment_id, status, confidence FROM customer_segment"
                                            + " WHERE customer_id = "
                                            + CRM_ONLY
                                            + " AND status = 'confirmed'",
                                    rows -> rows.size() == 1)
                            .get(0);
            List<Map<String, Object>> history = awaitHistoryInStepWithSegments(settings);
            List<Map<String, Object>> ofCustomer =
                    history.stream().filter(row -> id(row) == CRM_ONLY).toList();
            assertThat(ofCustomer.get(0).get("to_segment")).isEqualTo(crmOnlySegment);
            assertThat(ofCustomer.get(ofCustomer.size() - 1).get("to_segment"))
                    .isEqualTo(confirmed.get("segment_id"));
            System.out.printf(
                    "customer %d: provisional in segment %d, confirmed in segment %s (confidence"
                            + " %.3f); %d history rows for %d customers%n",
                    CRM_ONLY,
                    crmOnlySegment,
                    confirmed.get("segment_id"),
                    (Double) confirmed.get("confidence"),
                    history.size(),
                    CUSTOMERS);

            // a retrained version with the same centres and ids re-scores everyone: every row
            // names it, and nobody changed segment, so the history gets nothing
            awaitQuietTrainer(settings);
            long historyRows = awaitHistoryInStepWithSegments(settings).size();
            long republished = republishLatestAsRetrained(settings);
            awaitRows(
                    settings,
                    "SELECT customer_id FROM customer_segment WHERE model_version = " + republished,
                    rows -> rows.size() == CUSTOMERS);
            // the history sink flushes at the same checkpoints (10 s by default): wait for three
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < until) {
                assertThat(
                                query(
                                        settings,
                                        "SELECT customer_id FROM segment_history WHERE"
                                                + " model_version = "
                                                + republished))
                        .isEmpty();
                Thread.sleep(1_000);
            }
            assertThat(query(settings, "SELECT count(*) AS n FROM segment_history").get(0).get("n"))
                    .isEqualTo(historyRows);
        } finally {
            cancel(job);
        }
    }

    /**
     * Waits until every customer's history ends in their current segment, and checks what every
     * history must be: numbered 1, 2, ... per customer, starting from no segment, each change
     * leaving the segment the previous one entered, none from a segment to itself.
     */
    private static List<Map<String, Object>> awaitHistoryInStepWithSegments(JobSettings settings)
            throws Exception {
        List<Map<String, Object>> history =
                awaitRows(
                        settings,
                        "SELECT h.customer_id, h.seq, h.from_segment, h.to_segment,"
                                + " h.model_version FROM segment_history h"
                                + " ORDER BY h.customer_id, h.seq",
                        rows -> {
                            Map<Long, Object> last = new HashMap<>();
                            rows.forEach(row -> last.put(id(row), row.get("to_segment")));
                            try {
                                List<Map<String, Object>> segments =
                                        query(
                                                settings,
                                                "SELECT customer_id, segment_id FROM"
                                                        + " customer_segment");
                                return segments.size() == CUSTOMERS
                                        && segments.stream()
                                                .allMatch(
                                                        s ->
                                                                Objects.equals(
                                                                        last.get(id(s)),
                                                                        s.get("segment_id")));
                            } catch (Exception e) {
                                return false;
                            }
                        });
        Map<Long, List<Map<String, Object>>> perCustomer = new HashMap<>();
        history.forEach(
                row -> perCustomer.computeIfAbsent(id(row), c -> new ArrayList<>()).add(row));
        perCustomer.forEach(
                (customer, rows) -> {
                    Object previous = null;
                    for (int i = 0; i < rows.size(); i++) {
                        Map<String, Object> row = rows.get(i);
                        assertThat(row.get("seq")).as("customer %d", customer).isEqualTo(i + 1);
                        assertThat(row.get("from_segment"))
                                .as("customer %d", customer)
                                .isEqualTo(previous);
                        assertThat(row.get("to_segment")).isNotEqualTo(row.get("from_segment"));
                        previous = row.get("to_segment");
                    }
                });
        return history;
    }

    /** Product use on three days and one visit reading a blog, a video and a whitepaper. */
    private static void becomeActive(Feeds feeds, long id) {
        String visitor = "v" + id;
        String user = "u" + id;
        int e = 0;
        for (String type : List.of("page_view", "blog_view", "video_view", "whitepaper_view")) {
            feeds.web(
                    id + "-late-w" + e,
                    visitor,
                    visitor + "-late",
                    type,
                    "2026-11-20T10:0" + e++ + ":00Z");
        }
        for (int day = 0; day < 3; day++) {
            String session = user + "-late-p" + day;
            String date = "2026-11-2" + day;
            feeds.product(
                    id + "-late-p" + day + "-s",
                    user,
                    session,
                    "session_start",
                    null,
                    null,
                    date + "T08:00:00Z");
            for (int f = 0; f < 8; f++) {
                feeds.product(
                        id + "-late-p" + day + "-f" + f,
                        user,
                        session,
                        "feature_used",
                        "feature-" + (f % 6),
                        null,
                        date + "T08:0" + f + ":00Z");
            }
            feeds.product(
                    id + "-late-p" + day + "-e",
                    user,
                    session,
                    "session_end",
                    null,
                    1_800_000L,
                    date + "T08:40:00Z");
        }
    }

    /**
     * The latest model again, as a retrain would publish it (trained_by batch), under a new
     * version: the same centres with the same ids.
     */
    /**
     * The version the assigners score with reaches segment_model a checkpoint after they got it:
     * waits until the trainer has been quiet for three checkpoints (10 s by default).
     */
    private static void awaitQuietTrainer(JobSettings settings) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        Object newest = null;
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(30)) {
            assertThat(System.nanoTime()).as("the trainer never went quiet").isLessThan(deadline);
            Object now =
                    query(settings, "SELECT max(model_version) AS v FROM segment_model")
                            .get(0)
                            .get("v");
            if (!Objects.equals(now, newest)) {
                newest = now;
                quietSince = System.nanoTime();
            }
            Thread.sleep(1_000);
        }
    }

    private static long republishLatestAsRetrained(JobSettings settings) {
        var latest =
                ModelRegistry.loadLatest(
                        settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword());
        long version = latest.version() + 1_000;
        String message =
                ModelMessages.toMessage(latest, Map.of())
                        .replaceFirst(
                                "\"model_version\":" + latest.version(),
                                "\"model_version\":" + version)
                        .replaceFirst("\"trained_by\":\"[^\"]*\"", "\"trained_by\":\"batch\"");
        try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            feeds.raw(settings.modelsTopic(), String.valueOf(version), message);
        }
        return version;
    }

    private static long id(Map<String, Object> row) {
        return ((Number) row.get("customer_id")).longValue();
    }
}
