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
 * the checkpoint the job resumes from. Here a visitor with page views of their own is linked to a
 * customer after that point (their views are added, written to the database), the job stops, the
 * link is removed again, and the job resumes from the point: its replay reads the link and the
 * unlink at once, the customer's aggregate ends where it was, and their row must end as an
 * uninterrupted run leaves it, not with the views in between (docs/freshness-plan.md, case 1).
 */
class ChangedBackAfterCheckpointITCase extends SegflowITCaseBase {

    private static final long CHANGED = 7;
    private static final LocalDate BORN = LocalDate.of(1990, 4, 1);

    private JobSettings settings;

    @Test
    void aValueChangedAndChangedBackAfterTheCheckpointEndsAsItWas() throws Exception {
        // no checkpoint of its own between the savepoint and the stop: the savepoint is the latest
        settings =
                FaultRun.frozenModel(freshSettings())
                        .withCheckpointInterval(java.time.Duration.ofMinutes(10));
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
            // a visitor nobody is linked to yet, with six page views of their own
            for (int e = 0; e < 6; e++) {
                feeds.web("x-" + e, "visitor-x", "sx", "page_view", "2026-11-20T11:00:00Z");
            }
        }
        JobClient job = startStreaming(settings);
        Path savepoint;
        try {
            awaitRows(
                    settings,
                    "SELECT customer_id FROM customer_segment",
                    rows -> rows.size() == 40);
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
                    written.startsWith("file:") ? Path.of(URI.create(written)) : Path.of(written);
            long before = views();
            try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
                feeds.link("web", "visitor-x", CHANGED, false);
            }
            // the change reached the database, after the point
            awaitRows(settings, viewsQuery(), rows -> viewsOf(rows) == before + 6);
            VIEWS_BEFORE = before;
        } finally {
            cancel(job);
        }
        // changed back while no job runs: the resumed job reads both changes at once
        try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            feeds.unlink("web", "visitor-x", false);
        }
        JobClient resumed = startStreaming(settings.withResumeFrom(savepoint));
        try {
            // the replay done (another customer's new view is in), the views are as before the link
            try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
                feeds.web("after-1", "v1", "s1-after", "page_view", "2026-11-22T10:00:00Z");
            }
            awaitRows(
                    settings,
                    "SELECT website_views FROM customer_profile WHERE customer_id = 1",
                    rows -> rows.size() == 1);
            Thread.sleep(5_000);
            assertThat(views()).as("the customer's views after the resume").isEqualTo(VIEWS_BEFORE);
            assertThat(query(settings, "SELECT customer_id FROM customer_profile")).hasSize(40);
        } finally {
            cancel(resumed);
        }
    }

    private static long VIEWS_BEFORE;

    private static String viewsQuery() {
        return "SELECT website_views FROM customer_profile WHERE customer_id = " + CHANGED;
    }

    private static long viewsOf(List<Map<String, Object>> rows) {
        return rows.size() == 1 && rows.get(0).get("website_views") != null
                ? ((Number) rows.get(0).get("website_views")).longValue()
                : -1;
    }

    private long views() throws Exception {
        return viewsOf(query(settings, viewsQuery()));
    }

    private static Instant at(int minutes) {
        return Instant.parse("2026-11-21T00:00:00Z").plusSeconds(60L * minutes);
    }
}
