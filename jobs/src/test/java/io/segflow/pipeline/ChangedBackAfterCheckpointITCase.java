package io.segflow.pipeline;

import static io.segflow.testing.Feeds.customer;
import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.testing.FaultRun;
import io.segflow.testing.Feeds;
import io.segflow.testing.SegflowITCaseBase;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.Test;

/**
 * The database sinks write every second, so after a crash the database can hold a value made after
 * the checkpoint the job resumes from. Here a customer's outcome changes after that point (written
 * to the database), the job stops, the outcome changes back, and the job resumes from the point:
 * its replay reads both changes at once, and the customer's row must end as an uninterrupted run
 * leaves it, not with the value in between (docs/freshness-plan.md, case 1).
 */
class ChangedBackAfterCheckpointITCase extends SegflowITCaseBase {

    private static final long CHANGED = 7;
    private static final LocalDate BORN = LocalDate.of(1990, 4, 1);

    @Test
    void aValueChangedAndChangedBackAfterTheCheckpointEndsAsItWas() throws Exception {
        JobSettings settings = FaultRun.frozenModel(freshSettings());
        createTopics(settings);
        FaultRun.publishModel(settings);
        Random random = new Random(3);
        try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            for (long id = 1; id <= 40; id++) {
                feeds.customerInsert(customer(id, BORN, "DE", false, null, at(0)), false);
                feeds.link("web", "v" + id, id, false);
                for (int e = 0; e < 1 + random.nextInt(5); e++) {
                    feeds.web(
                            id + "-" + e, "v" + id, "s" + id, "page_view", "2026-11-20T10:00:00Z");
                }
            }
        }
        JobClient job = startStreaming(settings);
        Path savepoint;
        try {
            awaitRows(
                    settings,
                    "SELECT customer_id FROM customer_segment",
                    rows -> rows.size() == 40);
            // the point the job will resume from, with the customer not converted
            String written =
                    job.triggerSavepoint(
                                    STATE_DIRECTORY
                                            .resolve("savepoint-" + settings.consumerGroup())
                                            .toUri()
                                            .toString(),
                                    SavepointFormatType.CANONICAL)
                            .get(2, TimeUnit.MINUTES);
            savepoint = written.startsWith("file:") ? Path.of(URI.create(written)) : Path.of(written);
            try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
                feeds.customerUpdate(customer(CHANGED, BORN, "DE", true, null, at(1)), false);
            }
            // the change reached the database, after the point
            awaitRows(settings, converted(), rows -> Boolean.TRUE.equals(value(rows)));
        } finally {
            cancel(job);
        }
        // changed back while no job runs: the resumed job reads both changes at once
        try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            feeds.customerUpdate(customer(CHANGED, BORN, "DE", false, null, at(2)), false);
        }
        JobClient resumed = startStreaming(settings.withResumeFrom(savepoint));
        try {
            awaitRows(settings, converted(), rows -> Boolean.FALSE.equals(value(rows)));
            assertThat(query(settings, "SELECT customer_id FROM customer_profile")).hasSize(40);
        } finally {
            cancel(resumed);
        }
    }

    private static String converted() {
        return "SELECT converted_to_sale FROM customer_profile WHERE customer_id = " + CHANGED;
    }

    private static Object value(List<Map<String, Object>> rows) {
        return rows.size() == 1 ? rows.get(0).get("converted_to_sale") : null;
    }

    private static Instant at(int minutes) {
        return Instant.parse("2026-11-21T00:00:00Z").plusSeconds(60L * minutes);
    }
}
