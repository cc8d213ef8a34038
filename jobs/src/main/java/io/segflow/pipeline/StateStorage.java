package io.segflow.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Where and how the streaming job keeps its state: RocksDB with incremental checkpoints in a
 * directory, kept when the job is cancelled, a few failed checkpoints tolerated, restarts that back
 * off. The same choices as deploy/flink/config.yaml and the Kubernetes manifests (a test holds them
 * together); never the JobManager's memory, whose 5 MB limit a few thousand customers exceed.
 *
 * <p>On a local MiniCluster everything comes from here. On a cluster its configuration wins: this
 * only fills in what the cluster leaves unset, and refuses to run when no checkpoint directory is
 * known at all (a local path on one machine is no place for the checkpoints of many).
 *
 * <p>Layout of a state directory: {@code <dir>/<consumer group>/checkpoints/<job id>/chk-<n>} (and
 * {@code savepoints/}), so that two streaming jobs of different consumer groups never resume each
 * other's state.
 */
public final class StateStorage {

    /** The state directory of a local run when none is given: under the working directory. */
    public static final Path DEFAULT_LOCAL_DIRECTORY = Path.of("segflow-state");

    /** Consecutive failed checkpoints the job rides out before it restarts. */
    static final int TOLERABLE_FAILED_CHECKPOINTS = 3;

    /**
     * What every deployment of the streaming job sets the same way: deploy/flink/config.yaml and
     * deploy/k8s/segflow-streaming.yaml say the same (DeployManifestsTest).
     */
    public static final Map<ConfigOption<?>, Object> DEFAULTS =
            Map.of(
                    StateBackendOptions.STATE_BACKEND,
                    "rocksdb",
                    CheckpointingOptions.INCREMENTAL_CHECKPOINTS,
                    true,
                    CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                    ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION,
                    CheckpointingOptions.TOLERABLE_FAILURE_NUMBER,
                    TOLERABLE_FAILED_CHECKPOINTS,
                    RestartStrategyOptions.RESTART_STRATEGY,
                    "exponential-delay",
                    RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
                    Duration.ofSeconds(1),
                    RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
                    Duration.ofMinutes(1));

    /** A completed checkpoint found in a state directory. */
    public record Checkpoint(Path directory, Instant completedAt) {}

    private StateStorage() {}

    /**
     * The checkpoint settings of the streaming job onto the environment.
     *
     * @param local whether the job runs on a MiniCluster in this JVM, where a missing state
     *     directory defaults to {@link #DEFAULT_LOCAL_DIRECTORY}; on a cluster it must be known
     */
    static void configure(StreamExecutionEnvironment env, JobSettings settings, boolean local) {
        ReadableConfig existing = env.getConfiguration();
        Configuration chosen = new Configuration();
        DEFAULTS.forEach((option, value) -> setIfAbsent(existing, chosen, option, value));
        if (settings.stateDirectory() != null
                || existing.getOptional(CheckpointingOptions.CHECKPOINTS_DIRECTORY).isEmpty()) {
            URI checkpoints = checkpointDirectory(settings, local);
            chosen.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toString());
            chosen.set(
                    CheckpointingOptions.SAVEPOINT_DIRECTORY,
                    savepointDirectory(checkpoints).toString());
        }
        if (settings.resumeFrom() != null) {
            chosen.set(StateRecoveryOptions.SAVEPOINT_PATH, settings.resumeFrom().toString());
            // the new run takes the checkpoint over: its files go once no checkpoint needs them
            chosen.set(StateRecoveryOptions.RESTORE_MODE, RecoveryClaimMode.CLAIM);
        }
        env.configure(chosen);
    }

    /**
     * Where this job's checkpoints go: {@code <state dir>/<group>/checkpoints}.
     *
     * @throws IllegalStateException on a cluster that configures no checkpoint directory, when no
     *     state directory is given either
     */
    static URI checkpointDirectory(JobSettings settings, boolean local) {
        String directory = settings.stateDirectory();
        if (directory == null) {
            if (!local) {
                throw new IllegalStateException(
                        "the cluster configures no checkpoint directory"
                            + " (execution.checkpointing.dir): set one there (see"
                            + " deploy/flink/config.yaml) or pass --state-dir with storage every"
                            + " TaskManager reaches (s3://..., hdfs://..., a shared mount)");
            }
            directory = DEFAULT_LOCAL_DIRECTORY.toString();
        }
        return under(toUri(directory), settings.consumerGroup(), "checkpoints");
    }

    private static URI under(URI base, String... names) {
        if ("file".equals(base.getScheme())) {
            Path path = Path.of(base);
            for (String name : names) {
                path = path.resolve(name);
            }
            return path.toUri();
        }
        String text = base.toString();
        for (String name : names) {
            text = (text.endsWith("/") ? text : text + "/") + name;
        }
        return URI.create(text);
    }

    /** {@code <state dir>/<group>/savepoints}, beside the checkpoints. */
    private static URI savepointDirectory(URI checkpoints) {
        String text = checkpoints.toString();
        return URI.create(text.substring(0, text.lastIndexOf("checkpoints")) + "savepoints");
    }

    /**
     * The directory of this job's state when it is local ({@code <state dir>/<group>}), or null.
     */
    public static Path localJobDirectory(JobSettings settings) {
        URI checkpoints = checkpointDirectory(settings, true);
        return "file".equals(checkpoints.getScheme()) ? Path.of(checkpoints).getParent() : null;
    }

    /**
     * The directory of one job's checkpoints in a local state directory ({@code
     * <dir>/<group>/checkpoints/<job id>}), or null when the state directory is not local.
     */
    public static Path localCheckpointsOfJob(JobSettings settings, String jobId) {
        Path job = localJobDirectory(settings);
        return job == null ? null : job.resolve("checkpoints").resolve(jobId);
    }

    /** Where a local run of these settings keeps its checkpoints, for people to read. */
    public static URI checkpointLocation(JobSettings settings) {
        return checkpointDirectory(settings, true);
    }

    /** Whether a job failed because the state it was started from does not fit its operators. */
    public static boolean isStateMismatch(Throwable failure) {
        for (Throwable cause = failure;
                cause != null;
                cause = cause.getCause() == cause ? null : cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            if (message.contains("Cannot map checkpoint/savepoint state")
                    || message.contains("Failed to rollback to checkpoint/savepoint")) {
                return true;
            }
        }
        return false;
    }

    /** A path or URI as a URI: a plain path is a local directory, made absolute. */
    static URI toUri(String directory) {
        URI uri = URI.create(directory.replace('\\', '/'));
        if (uri.getScheme() == null || uri.getScheme().length() == 1) {
            return Path.of(directory).toAbsolutePath().normalize().toUri();
        }
        return uri;
    }

    /**
     * The most recently completed checkpoint of this job's state directory (local ones only), of
     * any earlier run: a checkpoint is complete once Flink has written its {@code _metadata}.
     */
    public static Optional<Checkpoint> latestCompleted(JobSettings settings) {
        URI directory = checkpointDirectory(settings, true);
        if (!"file".equals(directory.getScheme())) {
            return Optional.empty();
        }
        Path checkpoints = Path.of(directory);
        if (!Files.isDirectory(checkpoints)) {
            return Optional.empty();
        }
        try (Stream<Path> jobs = Files.list(checkpoints)) {
            return jobs.filter(Files::isDirectory)
                    .flatMap(StateStorage::completedCheckpoints)
                    .max(Comparator.comparing(Checkpoint::completedAt));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the state directory " + checkpoints, e);
        }
    }

    private static Stream<Checkpoint> completedCheckpoints(Path job) {
        try (Stream<Path> entries = Files.list(job)) {
            return entries
                    .filter(p -> p.getFileName().toString().startsWith("chk-"))
                    .filter(p -> Files.isRegularFile(p.resolve("_metadata")))
                    .map(p -> new Checkpoint(p, modified(p.resolve("_metadata"))))
                    .toList()
                    .stream();
        } catch (IOException e) {
            return Stream.empty(); // a job directory removed while we looked
        }
    }

    private static Instant modified(Path file) {
        try {
            FileTime time = Files.getLastModifiedTime(file);
            return time.toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void setIfAbsent(
            ReadableConfig existing, Configuration chosen, ConfigOption option, Object value) {
        if (existing.getOptional(option).isEmpty()) {
            chosen.set(option, value);
        }
    }
}
