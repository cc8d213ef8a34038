package io.segflow.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.util.SerializedThrowable;

/**
 * What {@code run} says about its job's failures, and when it gives up on the job. Flink restarts a
 * failed job by itself, forever with segflow's restart strategy: right for an outage that ends,
 * wrong for a job that can never run again (its TaskManager gone, so every restart fails for want
 * of slots; a database that does not come back). The console gets one line for each failed
 * checkpoint and each failure with its root cause; once the job has failed more than {@code
 * maxRestarts} times without a checkpoint completing in between, {@link #stopReason()} says why
 * {@code run} should cancel it.
 *
 * <p>Plain Java over what Flink's REST API reports ({@code /jobs/:id/exceptions}, {@code
 * /jobs/:id/checkpoints}): each observation may repeat what an earlier one held, and failures are
 * told apart by their time, checkpoints by their id.
 */
final class FailureWatch {

    /** A failure of the job as Flink's exception history keeps it: when, and its stack trace. */
    record Failure(long timestamp, String rootCause) {}

    /** A checkpoint that failed, with Flink's reason. */
    record FailedCheckpoint(long id, String reason) {}

    /**
     * What the REST API shows at one moment.
     *
     * @param lastCompletedCheckpoint id of the latest completed checkpoint, -1 for none
     * @param lastCompletedAt when it completed (epoch ms, the JobManager's clock, as the failures')
     */
    record Observation(
            List<Failure> failures,
            List<FailedCheckpoint> failedCheckpoints,
            long lastCompletedCheckpoint,
            long lastCompletedAt) {}

    private final int maxRestarts;

    /** Every failure seen, by time: the history Flink keeps is short (16 entries by default). */
    private final TreeMap<Long, String> failures = new TreeMap<>();

    private final Set<Long> failedCheckpointsSeen = new HashSet<>();
    private long lastCompletedCheckpoint = -1;
    private long lastCompletedAt = Long.MIN_VALUE;

    FailureWatch(int maxRestarts) {
        if (maxRestarts < 0) {
            throw new IllegalArgumentException("maxRestarts must not be negative: " + maxRestarts);
        }
        this.maxRestarts = maxRestarts;
    }

    /** Takes in what the REST API shows now; returns the lines to print, oldest first. */
    List<String> observe(Observation now) {
        List<String> lines = new ArrayList<>();
        for (FailedCheckpoint failed :
                now.failedCheckpoints().stream()
                        .sorted((a, b) -> Long.compare(a.id(), b.id()))
                        .toList()) {
            if (failedCheckpointsSeen.add(failed.id())) {
                lines.add(
                        "segflow: checkpoint "
                                + failed.id()
                                + " failed: "
                                + oneLine(failed.reason()));
            }
        }
        if (now.lastCompletedCheckpoint() > lastCompletedCheckpoint) {
            int before = failuresInARow();
            lastCompletedCheckpoint = now.lastCompletedCheckpoint();
            lastCompletedAt = now.lastCompletedAt();
            if (before > 0) {
                lines.add(
                        "segflow: checkpoint "
                                + lastCompletedCheckpoint
                                + " completed: the job runs again after "
                                + before
                                + (before == 1 ? " failure" : " failures"));
            }
        }
        List<Failure> fresh =
                now.failures().stream()
                        .filter(f -> !failures.containsKey(f.timestamp()))
                        .sorted((a, b) -> Long.compare(a.timestamp(), b.timestamp()))
                        .toList();
        for (Failure failure : fresh) {
            failures.put(failure.timestamp(), failure.rootCause());
            // a failure from before the last checkpoint, seen late, is not in this row
            int inARow = failuresInARow();
            if (failure.timestamp() > lastCompletedAt && inARow <= maxRestarts) {
                lines.add(
                        "segflow: the job failed, Flink restarts it ("
                                + inARow
                                + " of at most "
                                + maxRestarts
                                + " restarts without a completed checkpoint): "
                                + oneLine(failure.rootCause()));
            }
        }
        return lines;
    }

    /** Failures since the last completed checkpoint (or the start). */
    int failuresInARow() {
        return failures.tailMap(lastCompletedAt, false).size();
    }

    /**
     * Why the job should be stopped: it failed more than the allowed restarts in a row without a
     * checkpoint completing, so it is not getting anywhere. Empty while it may go on.
     */
    Optional<String> stopReason() {
        int inARow = failuresInARow();
        if (inARow <= maxRestarts) {
            return Optional.empty();
        }
        String cause = failures.lastEntry().getValue();
        return Optional.of(
                "segflow: the job failed "
                        + inARow
                        + (inARow == 1 ? " time" : " times")
                        + (lastCompletedCheckpoint < 0
                                ? " and completed no checkpoint"
                                : " since checkpoint " + lastCompletedCheckpoint + " completed")
                        + " (--max-restarts-without-checkpoint "
                        + maxRestarts
                        + "): stopping it. Cause: "
                        + oneLine(cause));
    }

    /** A failure's cause as one console line: the innermost exception's class and message. */
    static String rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.toString();
        // Flink ships exceptions as SerializedThrowable, whose message is the original's toString
        if (root instanceof SerializedThrowable shipped) {
            String message = String.valueOf(shipped.getMessage());
            String type = shipped.getOriginalErrorClassName();
            text = message.startsWith(type) ? message : type + ": " + message;
        }
        return oneLine(text);
    }

    /**
     * The root cause in a printed stack trace, as Flink's REST API returns it: the last top-level
     * {@code Caused by:}, or the first line when there is none; a message that runs over several
     * lines (up to the first {@code at} frame) is joined into one.
     */
    static String rootCause(String stackTrace) {
        if (stackTrace == null || stackTrace.isBlank()) {
            return "(no stack trace)";
        }
        String[] lines = stackTrace.split("\\R");
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            // causes of suppressed exceptions are indented: they are not the chain of this one
            if (lines[i].startsWith("Caused by: ")) {
                start = i;
            }
        }
        StringBuilder header =
                new StringBuilder(lines[start].replaceFirst("^Caused by: ", "").strip());
        for (int i = start + 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("at ")
                    || line.startsWith("... ")
                    || line.startsWith("Caused by: ")
                    || line.startsWith("Suppressed: ")) {
                break;
            }
            if (!line.isEmpty()) {
                header.append(' ').append(line);
            }
        }
        return oneLine(header.toString());
    }

    private static String oneLine(String text) {
        String line = text == null ? "(no message)" : text.replaceAll("\\s+", " ").strip();
        return line.length() > 500 ? line.substring(0, 497) + "..." : line;
    }
}
