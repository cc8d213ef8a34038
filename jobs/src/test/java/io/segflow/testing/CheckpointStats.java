package io.segflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.segflow.infra.FlinkRest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.JobID;

/**
 * A job's checkpoints as Flink's REST API reports them ({@code GET /jobs/:jobid/checkpoints}): how
 * many completed and failed, and the size and duration of the latest completed one. The same API
 * serves the local MiniCluster and a cluster, and keeps the figures of a finished job.
 */
public final class CheckpointStats {

    /**
     * @param stateBytes the full size of the latest completed checkpoint's state (for an
     *     incremental checkpoint, what it references, not only what it added)
     * @param failureMessage why the latest failed checkpoint failed, or null
     * @param failureMessages why each failed checkpoint of the recent history failed
     */
    public record Summary(
            long completed,
            long failed,
            long inProgress,
            long stateBytes,
            long checkpointedBytes,
            Duration latestDuration,
            String failureMessage,
            List<String> failureMessages) {

        /**
         * Failed checkpoints other than those declined because a task was not running yet or any
         * more: the first checkpoint may come before every task runs, and the last ones of a
         * bounded run reach tasks that are closing or gone.
         */
        public long failedWhileRunning() {
            return failureMessages.stream()
                    .filter(
                            m ->
                                    m == null
                                            || !(m.contains("task is closing")
                                                    || m.contains("unknown task")
                                                    || m.contains("tasks not ready")))
                    .count();
        }
    }

    private final FlinkRest rest;
    private final String checkpoints;

    public CheckpointStats(URI restAddress, JobID job) {
        this.rest = new FlinkRest(restAddress);
        this.checkpoints = "/jobs/" + job + "/checkpoints";
    }

    /** The summary now, or empty when the REST API does not answer. */
    public Optional<Summary> read() {
        return rest.get(checkpoints).map(CheckpointStats::summary);
    }

    static Summary summary(JsonNode body) {
        List<String> failures = new ArrayList<>();
        for (JsonNode checkpoint : body.path("history")) {
            if ("FAILED".equals(checkpoint.path("status").asText())) {
                failures.add(checkpoint.path("failure_message").asText(null));
            }
        }
        JsonNode counts = body.path("counts");
        JsonNode completed = body.path("latest").path("completed");
        JsonNode failed = body.path("latest").path("failed");
        return new Summary(
                counts.path("completed").asLong(),
                counts.path("failed").asLong(),
                counts.path("in_progress").asLong(),
                completed.path("state_size").asLong(),
                completed.path("checkpointed_size").asLong(),
                Duration.ofMillis(completed.path("end_to_end_duration").asLong()),
                failed.isMissingNode() || failed.isNull()
                        ? null
                        : failed.path("failure_message").asText(null),
                List.copyOf(failures));
    }
}
