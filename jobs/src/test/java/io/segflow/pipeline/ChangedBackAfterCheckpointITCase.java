package io.segflow.pipeline;

import static io.segflow.testing.Feeds.customer;
import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.testing.FaultRun;
import io.segflow.testing.Feeds;
import io.segflow.testing.SegflowITCaseBase;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.Test;

/**
 * The database sinks write every second, so after a crash the database holds values made after the
 * checkpoint the job resumes from. Here three changes are made after that point, reach the
 * database, and are undone while no job runs; the resumed job's replay reads each change and its
 * undoing at once and folds them into nothing, so only the undo log's rewind to the checkpoint can
 * leave the rows as an uninterrupted run does (docs/reliability.md):
 *
 * <ul>
 *   <li>a visitor with page views of their own is linked to customer 7 and unlinked again;
 *   <li>a visitor of customer 8 is re-linked to customer 9 and back to 8: the change reaches
 *       customers 8 and 9 through the visitor's key, not their own;
 *   <li>customer 41 is created and deleted again.
 * </ul>
 */
class ChangedBackAfterCheckpointITCase extends SegflowITCaseBase {

    private static final LocalDate BORN = LocalDate.of(1990, 4, 1);
    private static final String VIEWS =
            "SELECT customer_id, website_views FROM customer_profile WHERE customer_id IN (1, 7, 8,"
                    + " 9)";

    @Test
    void changesMadeAndUndoneAfterTheCheckpointLeaveTheRowsAsTheyWere() throws Exception {
        // no checkpoint of its own between the savepoint and the stop: the savepoint is the latest
        JobSettings settings =
                FaultRun.frozenModel(freshSettings())
                        .withCheckpointInterval(Duration.ofMinutes(10));
        createTopics(settings);
        FaultRun.publishModel(settings);
        Random random = new Random(3);
        Map<Long, Long> before = new HashMap<>();
        try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            for (long id = 1; id <= 40; id++) {
                feeds.customerInsert(customer(id, BORN, "DE", false, null, at(0)), false);
                feeds.link("web", "v" + id, id, false);
                int views = 1 + random.nextInt(5);
                before.put(id, (long) views);
                for (int e = 0; e < views; e++) {
                    feeds.web(
                            id + "-" + e, "v" + id, "s" + id, "page_view", "2026-11-20T10:00:00Z");
                }
            }
            // a visitor nobody is linked to yet, and a second visitor of customer 8's
            for (int e = 0; e < 6; e++) {
                feeds.web("x-" + e, "visitor-x", "sx", "page_view", "2026-11-20T11:00:00Z");
                feeds.web("y-" + e, "visitor-y", "sy", "page_view", "2026-11-20T11:00:00Z");
            }
            feeds.link("web", "visitor-y", 8, false);
            before.put(8L, before.get(8L) + 6);
            before.keySet().retainAll(List.of(1L, 7L, 8L, 9L));
            feeds.flush();

            JobClient job = startStreaming(settings);
            Path savepoint;
            try {
                awaitRows(
                        settings,
                        "SELECT customer_id FROM customer_segment",
                        rows -> rows.size() == 40);
                // everything so far is in the job's state (the database is written after it)
                awaitRows(settings, VIEWS, rows -> byCustomer(rows).equals(before));
                // the point the job will resume from
                String written =
                        job.triggerSavepoint(
                                        STATE_DIRECTORY
                                                .resolve("savepoint-" + settings.consumerGroup())
                                                .toUri()
                                                .toString(),
                                        SavepointFormatType.CANONICAL)
                                .get(2, TimeUnit.MINUTES);
                savepoint =
                        written.startsWith("file:")
                                ? Path.of(URI.create(written))
                                : Path.of(written);
                feeds.link("web", "visitor-x", 7, false);
                feeds.relink("web", "visitor-y", 9, false);
                feeds.customerInsert(customer(41, BORN, "FR", false, null, at(5)), false);
                feeds.flush();
                // the changes reached the database, after the point
                awaitRows(
                        settings,
                        VIEWS,
                        rows -> {
                            Map<Long, Long> now = byCustomer(rows);
                            return now.get(7L) == before.get(7L) + 6
                                    && now.get(8L) == before.get(8L) - 6
                                    && now.get(9L) == before.get(9L) + 6;
                        });
                awaitRows(
                        settings,
                        "SELECT customer_id FROM customer_segment WHERE customer_id = 41",
                        rows -> rows.size() == 1);
            } finally {
                cancel(job);
            }
            // undone while no job runs: the resumed job reads each change and its undoing at once
            feeds.unlink("web", "visitor-x", false);
            feeds.relink("web", "visitor-y", 8, false);
            feeds.customerDelete(41, false);
            feeds.flush();
            JobClient resumed = startStreaming(settings.withResumeFrom(savepoint));
            try {
                // the replay is done once a view made after it is in
                feeds.web("after-1", "v1", "s1-after", "page_view", "2026-11-22T10:00:00Z");
                feeds.flush();
                awaitRows(settings, VIEWS, rows -> byCustomer(rows).get(1L) == before.get(1L) + 1);
                Thread.sleep(5_000);
                Map<Long, Long> expected = new HashMap<>(before);
                expected.put(1L, before.get(1L) + 1);
                assertThat(views(settings))
                        .as("views after the resume, as an uninterrupted run leaves them")
                        .isEqualTo(expected);
                for (String table : new String[] {"customer_profile", "customer_segment"}) {
                    assertThat(query(settings, "SELECT customer_id FROM " + table))
                            .as(
                                    "%s: the customer created and deleted after the point is gone",
                                    table)
                            .hasSize(40);
                }
            } finally {
                cancel(resumed);
            }
        }
    }

    private static Map<Long, Long> views(JobSettings settings) throws Exception {
        return byCustomer(query(settings, VIEWS));
    }

    private static Map<Long, Long> byCustomer(List<Map<String, Object>> rows) {
        return rows.stream()
                .collect(
                        Collectors.toMap(
                                row -> ((Number) row.get("customer_id")).longValue(),
                                row ->
                                        row.get("website_views") == null
                                                ? 0L
                                                : ((Number) row.get("website_views")).longValue()));
    }

    private static Instant at(int minutes) {
        return Instant.parse("2026-11-21T00:00:00Z").plusSeconds(60L * minutes);
    }
}
