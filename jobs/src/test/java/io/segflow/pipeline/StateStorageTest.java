package io.segflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStorageTest {

    @TempDir Path dir;

    @Test
    void aLocalRunKeepsDurableStateInItsDirectoryWithDefaultsOnly() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StateStorage.configure(env, JobSettings.defaults(), true);
        Configuration config = (Configuration) env.getConfiguration();
        assertThat(config.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(config.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(config.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(config.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER)).isPositive();
        assertThat(config.get(RestartStrategyOptions.RESTART_STRATEGY))
                .isEqualTo("exponential-delay");
        // under the working directory, one subdirectory per consumer group
        assertThat(config.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo(
                        Path.of("segflow-state", "segflow", "checkpoints")
                                .toAbsolutePath()
                                .toUri()
                                .toString());
        assertThat(config.get(CheckpointingOptions.SAVEPOINT_DIRECTORY))
                .isEqualTo(
                        Path.of("segflow-state", "segflow", "savepoints")
                                .toAbsolutePath()
                                .toUri()
                                .toString());
        assertThat(config.getOptional(StateRecoveryOptions.SAVEPOINT_PATH)).isEmpty();
    }

    @Test
    void aClusterKeepsWhatItConfiguresItself() {
        Configuration cluster = new Configuration();
        cluster.set(StateBackendOptions.STATE_BACKEND, "forst");
        cluster.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "s3://bucket/checkpoints");
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(cluster);
        StateStorage.configure(env, JobSettings.defaults(), false);
        Configuration config = (Configuration) env.getConfiguration();
        assertThat(config.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("forst");
        assertThat(config.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo("s3://bucket/checkpoints");
        assertThat(config.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
    }

    @Test
    void aClusterWithoutACheckpointDirectoryNeedsAStateDirectory() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        assertThatThrownBy(() -> StateStorage.configure(env, JobSettings.defaults(), false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--state-dir");
        StateStorage.configure(
                env,
                JobSettings.defaults()
                        .withStateDirectory("s3://bucket/segflow")
                        .withConsumerGroup("crm"),
                false);
        assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo("s3://bucket/segflow/crm/checkpoints");
    }

    @Test
    void theLatestCompletedCheckpointOfAnyEarlierRunIsFound() throws Exception {
        JobSettings settings =
                JobSettings.defaults().withStateDirectory(dir.toString()).withConsumerGroup("g");
        assertThat(StateStorage.latestCompleted(settings)).isEmpty();
        Path checkpoints = dir.resolve("g/checkpoints");
        Path older = completed(checkpoints.resolve("job-a/chk-7"), "2026-11-30T10:00:00Z");
        Path newer = completed(checkpoints.resolve("job-b/chk-2"), "2026-11-30T11:00:00Z");
        Files.createDirectories(
                checkpoints.resolve("job-b/chk-3")); // in progress: no _metadata yet
        Files.createDirectories(checkpoints.resolve("job-b/shared"));
        assertThat(StateStorage.latestCompleted(settings))
                .get()
                .extracting(StateStorage.Checkpoint::directory)
                .isEqualTo(newer);
        assertThat(older).exists();
        // another consumer group's checkpoints are another job's
        assertThat(
                        StateStorage.latestCompleted(
                                JobSettings.defaults()
                                        .withStateDirectory(dir.toString())
                                        .withConsumerGroup("other")))
                .isEmpty();
    }

    @Test
    void aResumedRunClaimsTheCheckpointItStartsFrom() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Path checkpoint = dir.resolve("g/checkpoints/job-a/chk-7");
        StateStorage.configure(
                env,
                JobSettings.defaults()
                        .withStateDirectory(dir.toString())
                        .withResumeFrom(checkpoint),
                true);
        assertThat(env.getConfiguration().get(StateRecoveryOptions.SAVEPOINT_PATH))
                .isEqualTo(checkpoint.toString());
        assertThat(env.getConfiguration().get(StateRecoveryOptions.RESTORE_MODE))
                .isEqualTo(RecoveryClaimMode.CLAIM);
    }

    private static Path completed(Path checkpoint, String at) throws Exception {
        Files.createDirectories(checkpoint);
        Path metadata = Files.writeString(checkpoint.resolve("_metadata"), "x");
        Files.setLastModifiedTime(metadata, FileTime.from(Instant.parse(at)));
        return checkpoint;
    }
}
