package io.segflow.segments;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.pipeline.JobSettings;
import io.segflow.testing.Feeds;
import io.segflow.testing.SegflowITCaseBase;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

/**
 * A small customer base is segmented with every option at its default (k = 6, init size 500): 60
 * customers, far fewer than the init size, each get a segment, whether the job runs on and waits
 * for more customers or reads what there is and stops.
 */
class SmallCustomerBaseITCase extends SegflowITCaseBase {

    private static final int CUSTOMERS = 60;

    @Test
    void sixtyCustomersAreSegmentedByTheRunningJob() throws Exception {
        JobSettings settings = defaultSettings().withCreatedTopicPartitions(2);
        createTopics(settings);
        feed(settings);
        JobClient job = startStreaming(settings);
        try {
            List<Map<String, Object>> rows =
                    awaitRows(
                            settings,
                            "SELECT customer_id, segment_id FROM customer_segment",
                            current -> current.size() == CUSTOMERS);
            assertThat(rows).extracting(row -> row.get("segment_id")).doesNotContainNull();
            // each table is written every second by its own sink: the model's row may come a
            // flush after the segments that use it
            List<Map<String, Object>> models =
                    awaitRows(
                            settings, "SELECT k FROM segment_model", current -> !current.isEmpty());
            assertThat(models.get(0).get("k")).isEqualTo(6);
        } finally {
            cancel(job);
        }
    }

    @Test
    void sixtyCustomersAreSegmentedByABoundedRun() throws Exception {
        JobSettings settings = defaultSettings().withCreatedTopicPartitions(2);
        createTopics(settings);
        feed(settings);
        runBounded(settings);
        assertThat(
                        query(settings, "SELECT count(segment_id) AS n FROM customer_segment")
                                .get(0)
                                .get("n"))
                .isEqualTo((long) CUSTOMERS);
    }

    private static void feed(JobSettings settings) {
        Random random = new Random(60);
        try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            for (long id = 1; id <= CUSTOMERS; id++) {
                SegmentationITCase.behave(feeds, id, (int) (id % 4), random);
            }
        }
    }
}
