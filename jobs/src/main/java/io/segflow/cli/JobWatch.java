package io.segflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.segflow.infra.FlinkRest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.JobID;

/**
 * Reads a job's failures and checkpoints from Flink's REST API for a {@link FailureWatch}: {@code
 * GET /jobs/:id/exceptions} (the exception history: each failure the scheduler handled, with its
 * time and stack trace) and {@code GET /jobs/:id/checkpoints} (the latest completed checkpoint and
 * the recent ones, failed ones with their reason). The same API serves the MiniCluster of a local
 * run and the cluster of {@code flink run}.
 */
final class JobWatch {

    private final FlinkRest rest;
    private final String job;

    JobWatch(URI restAddress, JobID job) {
        this.rest = new FlinkRest(restAddress);
        this.job = "/jobs/" + job;
    }

    /** What the API shows now; empty when it does not answer (the next poll asks again). */
    Optional<FailureWatch.Observation> poll() {
        Optional<JsonNode> exceptions = rest.get(job + "/exceptions");
        Optional<JsonNode> checkpoints = rest.get(job + "/checkpoints");
        if (exceptions.isEmpty() || checkpoints.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(observation(exceptions.get(), checkpoints.get()));
    }

    static FailureWatch.Observation observation(JsonNode exceptions, JsonNode checkpoints) {
        List<FailureWatch.Failure> failures = new ArrayList<>();
        for (JsonNode entry : exceptions.path("exceptionHistory").path("entries")) {
            failures.add(
                    new FailureWatch.Failure(
                            entry.path("timestamp").asLong(),
                            FailureWatch.rootCause(entry.path("stacktrace").asText(null))));
        }
        List<FailureWatch.FailedCheckpoint> failed = new ArrayList<>();
        for (JsonNode checkpoint : checkpoints.path("history")) {
            if ("FAILED".equals(checkpoint.path("status").asText())) {
                failed.add(
                        new FailureWatch.FailedCheckpoint(
                                checkpoint.path("id").asLong(),
                                checkpoint.path("failure_message").asText("(no reason given)")));
            }
        }
        JsonNode completed = checkpoints.path("latest").path("completed");
        boolean any = completed.isObject();
        return new FailureWatch.Observation(
                failures,
                failed,
                any ? completed.path("id").asLong() : -1,
                any ? completed.path("latest_ack_timestamp").asLong() : Long.MIN_VALUE);
    }
}
