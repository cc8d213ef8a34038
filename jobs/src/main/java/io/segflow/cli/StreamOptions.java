package io.segflow.cli;

import io.segflow.pipeline.JobSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How the job runs on Flink: where a stream starts, checkpoints, deduplication, how the SQL batches
 * and when the database is written, and which input it refuses (the guards of 20_staging.sql).
 * Defaults come from {@link JobSettings#defaults()}.
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
                    "How often the database sinks write what they buffered (they also write at"
                        + " every checkpoint); 0s writes at checkpoints only. A resumed run stays"
                        + " exact either way: the sinks note what each write overwrites"
                        + " (segflow_undo), and a job resumed from a checkpoint puts the tables"
                        + " back where it left them before it writes again. Default:"
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
            names = "--max-payload-bytes",
            paramLabel = "BYTES",
            description =
                    "The largest input record read; a larger one is a dead letter (too_large)."
                            + " Default: ${DEFAULT-VALUE} (Kafka's default largest message).")
    Long maxPayloadBytes;

    @Option(
            names = "--earliest-event-time",
            paramLabel = "INSTANT",
            description =
                    "Analytics events before this time are dead letters (time_out_of_range)."
                            + " Default: ${DEFAULT-VALUE}.")
    Instant earliestEventTime;

    @Option(
            names = "--max-time-ahead",
            description =
                    "How far an event time (or a CRM row's created_at, updated_at) may lie after"
                            + " its record reached Kafka; further is a dead letter"
                            + " (time_out_of_range). Default: ${DEFAULT-VALUE}.")
    Duration maxTimeAhead;

    @Option(
            names = "--blocked-ids",
            split = ",",
            paramLabel = "ID",
            description =
                    "External ids refused on identity links and events (blocked_id): they would"
                            + " fuse unrelated people into one customer. Compared trimmed, ignoring"
                            + " case; /REGEX/ matches the whole id. Empty and blank ids are always"
                            + " refused. Default: ${DEFAULT-VALUE}.")
    List<String> blockedIds;

    @Option(
            names = "--max-ids-per-system",
            paramLabel = "N",
            description =
                    "External ids of one system (web, product, ...) that count for one customer,"
                            + " the earliest linked first; links beyond are dead letters"
                            + " (too_many_ids) until an earlier one goes. One external id always"
                            + " belongs to one customer. Default: ${DEFAULT-VALUE}.")
    Integer maxIdsPerSystem;

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
                .withFlinkConfiguration(flinkConfiguration)
                .withMaxPayloadBytes(maxPayloadBytes)
                .withEarliestEventTime(earliestEventTime)
                .withMaxTimeAhead(maxTimeAhead)
                .withBlockedIds(blockedIds)
                .withMaxIdsPerSystem(maxIdsPerSystem);
    }
}
