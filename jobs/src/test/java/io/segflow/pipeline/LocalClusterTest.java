package io.segflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

class LocalClusterTest {

    @Test
    void theLocalTaskManagerGetsEnoughManagedMemoryForRocksDbWithDefaultsOnly() {
        StreamExecutionEnvironment env = LocalCluster.headless(JobSettings.defaults());
        Configuration config = (Configuration) env.getConfiguration();
        // Flink's MiniCluster default is 128 MB, shared by every RocksDB instance of a slot
        assertThat(config.get(TaskManagerOptions.MANAGED_MEMORY_SIZE))
                .isEqualTo(MemorySize.parse("1g"));
        // a restart of a job whose TaskManager is gone fails within a minute, not Flink's five
        assertThat(config.get(JobManagerOptions.SLOT_REQUEST_TIMEOUT))
                .isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void theUsersFlinkConfWins() {
        JobSettings settings =
                JobSettings.defaults()
                        .withFlinkConfiguration(Map.of("taskmanager.memory.managed.size", "256m"));
        Configuration config = (Configuration) LocalCluster.headless(settings).getConfiguration();
        assertThat(config.get(TaskManagerOptions.MANAGED_MEMORY_SIZE))
                .isEqualTo(MemorySize.parse("256m"));
    }
}
