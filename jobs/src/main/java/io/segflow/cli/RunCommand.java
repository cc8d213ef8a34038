package io.segflow.cli;

import io.segflow.infra.TopicOffsets;
import io.segflow.pipeline.BoundedOffsets;
import io.segflow.pipeline.JobSettings;
import io.segflow.pipeline.LocalCluster;
import io.segflow.pipeline.SegflowJob;
import io.segflow.pipeline.StateStorage;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs the streaming job against real infrastructure. With {@code java -jar} it runs on a local
 * MiniCluster; with {@code flink run segflow-cluster.jar run ...} or a REST jar run on the cluster.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run the streaming job against a real Kafka and PostgreSQL.",
            "Database credentials come from the environment: SEGFLOW_JDBC_USER,"
                    + " SEGFLOW_JDBC_PASSWORD."
        })
final class RunCommand implements Callable<Integer> {

    @Mixin Addresses addresses;

    @Mixin KafkaClientOptions kafkaClient;

    @Option(
            names = "--bounded",
            description = "Stop at the Kafka offsets current at start instead of running forever.")
    boolean bounded;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            description =
                    "Where checkpoints go: a directory or a URI (s3://..., hdfs://...). Default:"
                            + " ./segflow-state for a local run; on a cluster, its"
                            + " execution.checkpointing.dir.")
    String stateDirectory;

    @Option(
            names = "--fresh",
            description =
                    "Start over from the topics instead of resuming from the latest checkpoint in"
                            + " the state directory (a local run resumes by itself).")
    boolean fresh;

    @Mixin JobOptions job;

    @Mixin TopicOptions topics;

    @Mixin StreamOptions stream;

    @Mixin TrainerOptions trainer;

    /** The job's settings; the database credentials only ever come from the environment. */
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    JobSettings settings(Map<String, String> environment) {
        if (spec != null) {
            trainer.validate(spec.commandLine());
        }
        return addresses
                .applyTo(
                        trainer.applyTo(
                                stream.applyTo(
                                        topics.applyTo(job.applyTo(JobSettings.defaults())))),
                        environment)
                .withKafkaProperties(kafkaClient.properties(environment))
                .withStateDirectory(stateDirectory)
                .withBoundedMode(bounded ? "latest-offset" : "unbounded");
    }

    @Override
    public Integer call() throws Exception {
        JobSettings settings = settings(System.getenv());
        System.out.println("segflow: starting with " + settings);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        boolean local = env instanceof LocalStreamEnvironment;
        if (local) {
            env = LocalCluster.headless(settings);
        }
        if (local && !settings.checkpointInterval().isZero()) {
            settings = resumeWhereTheLastRunStopped(settings);
        }
        if (local && bounded) {
            settings = fixWhereTheRunStops(settings);
        }
        try {
            JobClient client = new SegflowJob(settings).start(env);
            System.out.println("segflow: job " + client.getJobID() + " submitted");
            if (local && bounded && settings.resumeFrom() != null) {
                endWhenCaughtUp(client, settings);
            } else if (followsJobToItsEnd(env)) {
                client.getJobExecutionResult().get();
            }
        } catch (Exception e) {
            if (settings.resumeFrom() != null && StateStorage.isStateMismatch(e)) {
                System.err.println(
                        "segflow: the checkpoint "
                                + settings.resumeFrom()
                                + " does not fit this job (its SQL or operators changed since it"
                                + " was taken). Start over with --fresh: the job reads the topics"
                                + " again and rewrites every row (or run a backfill).");
                return 1;
            }
            throw e;
        }
        return 0;
    }

    /**
     * A local run continues from the latest checkpoint that an earlier run (cancelled, killed, or
     * on a machine that went down) left in the state directory, unless told to start fresh.
     */
    private JobSettings resumeWhereTheLastRunStopped(JobSettings settings) {
        Optional<StateStorage.Checkpoint> latest = StateStorage.latestCompleted(settings);
        if (fresh) {
            System.out.println(
                    "segflow: starting fresh from the topics (--fresh)"
                            + latest.map(
                                            c ->
                                                    "; the earlier checkpoints stay in "
                                                            + c.directory().getParent().getParent())
                                    .orElse(""));
        } else if (latest.isPresent()) {
            StateStorage.Checkpoint checkpoint = latest.get();
            System.out.println(
                    "segflow: resuming from checkpoint "
                            + checkpoint.directory()
                            + " (completed "
                            + checkpoint.completedAt()
                            + "; --fresh starts over)");
            return settings.withResumeFrom(checkpoint.directory());
        } else {
            System.out.println(
                    "segflow: no checkpoint in "
                            + StateStorage.checkpointLocation(settings)
                            + ": starting from the topics (--startup-mode "
                            + settings.startupMode()
                            + ")");
        }
        return settings;
    }

    /**
     * A bounded run stops at the offsets current when it first started; a resumption of it, at the
     * same ones (kept in the state directory), so that it ends where the first run would have.
     */
    private static JobSettings fixWhereTheRunStops(JobSettings settings) throws Exception {
        new SegflowJob(settings).ensureTopics(); // the offsets of topics the job would create are 0
        Path directory = StateStorage.localJobDirectory(settings);
        Optional<Map<TopicPartition, Long>> kept =
                settings.resumeFrom() == null || directory == null
                        ? Optional.empty()
                        : BoundedOffsets.load(directory);
        Map<TopicPartition, Long> stops;
        if (kept.isPresent()) {
            stops = kept.get();
        } else {
            try (TopicOffsets offsets = new TopicOffsets(settings.kafkaConnection())) {
                stops = offsets.latest(settings.topicsRead());
            }
            if (directory != null) {
                BoundedOffsets.save(directory, stops);
            }
        }
        return settings.withBoundedOffsets(stops);
    }

    /**
     * A bounded Kafka source restored from a checkpoint reads to its end and then waits forever
     * (FLINK-31006), so a resumed bounded run is ended here: once the job has committed the offsets
     * it stops at, a checkpoint has completed after the last of those records, and every sink had
     * flushed their results before it completed.
     */
    private static void endWhenCaughtUp(JobClient client, JobSettings settings) throws Exception {
        try (TopicOffsets offsets = new TopicOffsets(settings.kafkaConnection())) {
            while (!offsets.committedUpTo(settings.consumerGroup(), settings.boundedOffsets())) {
                if (client.getJobStatus().get().isGloballyTerminalState()) {
                    client.getJobExecutionResult().get(); // finished by itself, or failed: say so
                    return;
                }
                Thread.sleep(500);
            }
        }
        System.out.println(
                "segflow: the resumed run has processed every record up to where it was bounded;"
                        + " stopping it");
        client.cancel().get();
        try {
            while (!client.getJobStatus().get().isGloballyTerminalState()) {
                Thread.sleep(100);
            }
        } catch (ExecutionException | IllegalStateException clusterGone) {
            // the local cluster shuts down with its last job
        }
    }

    /**
     * Whether this process should stay with the job until it ends. A local MiniCluster lives in
     * this JVM, so returning would end the job; {@code flink run} waits unless given {@code -d}. A
     * detached submission returns at once: that includes a jar run through the REST API ({@code
     * POST /jars/:id/run}), where this main runs inside the JobManager and the job client cannot
     * even be asked for the result.
     */
    static boolean followsJobToItsEnd(StreamExecutionEnvironment env) {
        return env instanceof LocalStreamEnvironment
                || env.getConfiguration().get(DeploymentOptions.ATTACHED);
    }
}
