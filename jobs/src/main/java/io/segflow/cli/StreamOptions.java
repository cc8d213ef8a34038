package io.segflow.cli;

import io.segflow.pipeline.JobSettings;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How the job runs on Flink: where a stream starts, checkpoints, deduplication, how the SQL batches
 * and when the database is written. Defaults come from {@link JobSettings#defaults()}.
 */
final class StreamOptions {

    @Option(
            names = "--startup-mode",
            description =
                    "Where to start reading without a checkpoint: earliest-offset, latest-offset,"
                            + " group-offsets. Default: ${DEFAULT-VALUE}.")
    String startupMode;

    @Option(
            names = "--checkpoint-interval",
            description =
                    "Checkpoint interval; 0s turns checkpoints off. Default: ${DEFAULT-VALUE}.")
    Duration checkpointInterval;

    @Option(
            names = "--dedup-window",
            description =
                    "How long an analytics event id is remembered, so that a copy of the event is"
                            + " not counted twice; a copy arriving later counts again (a backfill"
                            + " repairs that). Default: ${DEFAULT-VALUE}.")
    Duration dedupWindow;

    @Option(
            names = "--jdbc-flush-interval",
            description =
                    "How often the database sinks write what they buffered; 0s writes at"
                        + " checkpoints only, so that the database always holds a state the job"
                        + " resumes from (a shorter delay between an event and its row needs a"
                        + " shorter --checkpoint-interval, or this; with it, a crash may leave rows"
                        + " of customers created and deleted since the last checkpoint). Default:"
                        + " ${DEFAULT-VALUE}.")
    Duration jdbcFlushInterval;

    @Option(
            names = "--mini-batch-latency",
            description =
                    "How long the SQL operators buffer changes to fold each customer's into one"
                        + " (Flink mini-batch); 0s turns it off. Adds at most this much latency."
                        + " Default: ${DEFAULT-VALUE}.")
    Duration miniBatchLatency;

    @Option(
            names = "--flink-conf",
            paramLabel = "KEY=VALUE",
            description =
                    "A Flink option for the job (e.g. table.exec.mini-batch.size=10000); wins over"
                            + " segflow's choices. Repeatable.")
    Map<String, String> flinkConfiguration;

    JobSettings applyTo(JobSettings settings) {
        return settings.withStartupMode(startupMode)
                .withCheckpointInterval(checkpointInterval)
                .withDedupWindow(dedupWindow)
                .withMiniBatchLatency(miniBatchLatency)
                .withJdbcFlushInterval(jdbcFlushInterval)
                .withFlinkConfiguration(flinkConfiguration);
    }
}
