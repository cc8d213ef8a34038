package io.segflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.pipeline.JobSettings;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * When a resumed bounded run is done (FLINK-31006 keeps its restored sources waiting, so `run` ends
 * it): once the committed offsets reach the stops of every topic but the models topic, whose
 * finished source may never commit its offset (ResumeAfterKillITCase hung on it on 2026-12-06).
 */
class ResumedBoundedRunTest {

    @Test
    void aResumedRunWaitsForTheEventTopicsNotForTheModelsTopic() {
        JobSettings defaults = JobSettings.defaults();
        TopicPartition web = new TopicPartition(defaults.webEventsTopic(), 0);
        TopicPartition crm = new TopicPartition(defaults.customersTopic(), 0);
        TopicPartition models = new TopicPartition(defaults.modelsTopic(), 0);
        JobSettings bounded = defaults.withBoundedOffsets(Map.of(web, 120L, crm, 40L, models, 3L));
        assertThat(RunCommand.offsetsToWaitFor(bounded))
                .containsOnly(Map.entry(web, 120L), Map.entry(crm, 40L));
    }
}
