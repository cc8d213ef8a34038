package io.segflow.cli;

import io.segflow.infra.FlinkRest;
import io.segflow.infra.TopicOffsets;
import io.segflow.pipeline.BoundedOffsets;
import io.segflow.pipeline.CheckpointSources;
import io.segflow.pipeline.FinishedPartitions;
import io.segflow.pipeline.InputTopics;
import io.segflow.pipeline.JobSettings;
import io.segflow.pipeline.LocalCluster;
import io.segflow.pipeline.SegflowJob;
import io.segflow.pipeline.StateStorage;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
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
                    + " SEGFLOW_JDBC_PASSWORD; the pseudonym key of external ids too:"
                    + " SEGFLOW_PSEUDONYM_KEY (or a file named by SEGFLOW_PSEUDONYM_KEY_FILE).",
            "",
            "While the job runs, every failed checkpoint and every failure of the job prints one"
                    + " line with its root cause (class and message); after more than"
                    + " --max-restarts-without-checkpoint failures with no checkpoint completed"
                    + " in between, the job is cancelled and run exits with 1, printing the cause."
                    + " Alert on Flink's job metrics numRestarts and numberOfFailedCheckpoints."
                    + " A local run and an attached `flink run` watch the job; `flink run -d` and"
                    + " a jar run through the REST API return once it is submitted and watch"
                    + " nothing.",
            "A local run that resumes first checks that its checkpoint read this Kafka cluster"
                    + " and these topics (none deleted, recreated or with fewer partitions), and"
                    + " otherwise exits with 1, saying what differs.",
            "Before the start, run compares the SQL's model features with the latest published"
                    + " segment model and propensity version in the database and, when they"
                    + " differ, prints what differs, what the job does and what to run (segflow"
                    + " retrain)."
        })
final class RunCommand implements Callable<Integer> {

    /** Where segflow.jar's logging (log4j2.xml) writes Flink's log of a local run. */
    private static final String LOCAL_LOG = "logs/segflow.log";

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

    @Option(
            names = "--max-restarts-without-checkpoint",
            paramLabel = "N",
            description =
                    "How many times in a row Flink may restart the failed job without a checkpoint"
                        + " completing in between; at the next failure run cancels the job and"
                        + " exits with 1. With Flink's backoff (1 s, 1.5 times longer each time, at"
                        + " most 1 min) the default rides out about two minutes of outage; 0 stops"
                        + " at the first failure. Default: ${DEFAULT-VALUE}.")
    int maxRestartsWithoutCheckpoint;

    @Mixin JobOptions job;

    @Mixin TopicOptions topics;

    @Mixin StreamOptions stream;

    @Mixin TrainerOptions trainer;

    @Mixin Pseudonymisation pseudonymisation;

    /** The job's settings; the database credentials only ever come from the environment. */
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    JobSettings settings(Map<String, String> environment) {
        if (spec != null) {
            trainer.validate(spec.commandLine());
        }
        return pseudonymisation.applyTo(
                addresses
                        .applyTo(
                                trainer.applyTo(
                                        stream.applyTo(
                                                topics.applyTo(
                                                        job.applyTo(JobSettings.defaults())))),
                                environment)
                        .withKafkaProperties(kafkaClient.properties(environment))
                        .withStateDirectory(stateDirectory)
                        .withMaxRestartsWithoutCheckpoint(maxRestartsWithoutCheckpoint)
                        .withBoundedMode(bounded ? "latest-offset" : "unbounded"),
                environment);
    }

    @Override
    public Integer call() throws Exception {
        JobSettings settings = settings(System.getenv());
        if (!Pseudonymisation.check(settings, spec.commandLine().getErr())) {
            return 2;
        }
        System.out.println("segflow: starting with " + settings);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        boolean local = env instanceof LocalStreamEnvironment;
        URI rest;
        if (local) {
            // our own MiniCluster: choose its REST port, so that the job can be watched through it
            int port = DemoCommand.freePort("8081-8099");
            env = LocalCluster.withWebUi(settings, port);
            rest = URI.create("http://localhost:" + port);
            System.out.println("segflow: Flink web UI at " + rest);
        } else {
            rest = FlinkRest.addressOf(env.getConfiguration());
        }
        if (local && !settings.checkpointInterval().isZero()) {
            Optional<JobSettings> resumed = resumeWhereTheLastRunStopped(settings);
            if (resumed.isEmpty()) {
                return 1;
            }
            settings = resumed.get();
        }
        if (local && bounded) {
            settings = fixWhereTheRunStops(settings);
            if (settings.resumeFrom() != null) {
                commitWhatTheCheckpointFinished(settings);
            }
        }
        try {
            JobSettings planned = settings;
            JobClient client =
                    new SegflowJob(settings)
                            .start(
                                    env,
                                    features ->
                                            FeatureChange.warnAtStart(
                                                    planned,
                                                    features.names(),
                                                    planned.resumeFrom() == null
                                                            ? FeatureChange.Moment.RUN
                                                            : FeatureChange.Moment.RUN_RESUMING,
                                                    new PrintWriter(System.out, true)));
            System.out.println("segflow: job " + client.getJobID() + " submitted");
            if (local && !settings.checkpointInterval().isZero()) {
                keepWhatTheRunReads(settings, client.getJobID().toString());
            }
            if (!followsJobToItsEnd(env)) {
                return 0; // detached: nothing here lives to watch the job
            }
            return follow(
                    client,
                    settings,
                    rest,
                    local,
                    local && bounded && settings.resumeFrom() != null);
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
            if (e instanceof ExecutionException && e.getCause() != null) {
                System.err.println(
                        "segflow: the job failed and Flink does not restart it: "
                                + FailureWatch.rootCause(e.getCause()));
            }
            throw e;
        }
    }

    /**
     * Stays with the job until it ends, printing each failed checkpoint and each failure with its
     * root cause; cancels it once it has failed more than --max-restarts-without-checkpoint times
     * without a checkpoint completing in between, and returns 1 then.
     *
     * @param endWhenCaughtUp a resumed bounded run, which the command ends itself (see {@link
     *     #caughtUp})
     */
    private static int follow(
            JobClient client,
            JobSettings settings,
            URI rest,
            boolean local,
            boolean endWhenCaughtUp)
            throws Exception {
        FailureWatch failures = new FailureWatch(settings.maxRestartsWithoutCheckpoint());
        JobWatch watch = new JobWatch(rest, client.getJobID());
        CompletableFuture<JobExecutionResult> result = client.getJobExecutionResult();
        try (TopicOffsets offsets =
                endWhenCaughtUp ? new TopicOffsets(settings.kafkaConnection()) : null) {
            while (true) {
                try {
                    result.get(1, TimeUnit.SECONDS);
                    return 0;
                } catch (TimeoutException stillRunning) {
                    // look at it
                }
                watch.poll().ifPresent(now -> failures.observe(now).forEach(System.err::println));
                Optional<String> stop = failures.stopReason();
                if (stop.isPresent()) {
                    System.err.println(stop.get());
                    if (local) {
                        // a lost TaskManager reports only that it shut down; its log says why
                        System.err.println("segflow: every stack trace is in " + LOCAL_LOG);
                    }
                    cancelAndWait(client);
                    return 1;
                }
                if (offsets != null && caughtUp(offsets, settings)) {
                    System.out.println(
                            "segflow: the resumed run has processed every record up to where it"
                                    + " was bounded; stopping it");
                    cancelAndWait(client);
                    return 0;
                }
            }
        }
    }

    /**
     * A local run continues from the latest checkpoint that an earlier run (cancelled, killed, or
     * on a machine that went down) left in the state directory, unless told to start fresh. Empty
     * when that checkpoint read another Kafka cluster or other topics than this run would: the
     * differences are printed instead.
     */
    private Optional<JobSettings> resumeWhereTheLastRunStopped(JobSettings settings)
            throws Exception {
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
            Optional<CheckpointSources> read =
                    CheckpointSources.load(checkpoint.directory().getParent());
            if (read.isPresent()) {
                List<String> differences =
                        read.get().differencesFrom(CheckpointSources.current(settings));
                if (!differences.isEmpty()) {
                    System.err.println(
                            "segflow: the checkpoint "
                                    + checkpoint.directory()
                                    + " does not fit this broker and these topics:");
                    differences.forEach(d -> System.err.println("  " + d));
                    System.err.println(
                            "segflow: resumed from it, the job would wait for partitions that are"
                                + " not there. Start over with --fresh (the job reads the topics"
                                + " again from --startup-mode and rewrites every row), or give"
                                + " --kafka and the --topic-* options the checkpoint read.");
                    return Optional.empty();
                }
            }
            System.out.println(
                    "segflow: resuming from checkpoint "
                            + checkpoint.directory()
                            + " (completed "
                            + checkpoint.completedAt()
                            + "; --fresh starts over)");
            return Optional.of(settings.withResumeFrom(checkpoint.directory()));
        } else {
            System.out.println(
                    "segflow: no checkpoint in "
                            + StateStorage.checkpointLocation(settings)
                            + ": starting from the topics (--startup-mode "
                            + settings.startupMode()
                            + ")");
        }
        return Optional.of(settings);
    }

    /**
     * Keeps, beside the new job's checkpoints, the Kafka cluster and topics it reads (created by
     * now where missing), so that a later run can tell whether they still fit.
     */
    private static void keepWhatTheRunReads(JobSettings settings, String jobId) throws Exception {
        Path checkpoints = StateStorage.localCheckpointsOfJob(settings, jobId);
        if (checkpoints != null) {
            CheckpointSources.current(settings).save(checkpoints);
        }
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
                stops = offsets.latest(InputTopics.readBy(settings));
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
    private static boolean caughtUp(TopicOffsets offsets, JobSettings settings) throws Exception {
        return offsets.committedUpTo(settings.consumerGroup(), settings.boundedOffsets());
    }

    /**
     * Commits for the group the stops of the partitions that the checkpoint's sources had read to
     * the end, where the earlier run did not get to commit them (it was stopped after the
     * checkpoint completed and before its sources committed): no reader of the resumed run holds
     * those partitions, so nothing else would, and {@link #caughtUp} would wait for them forever.
     * When the checkpoint cannot be read, the run goes on and says so.
     */
    private static void commitWhatTheCheckpointFinished(JobSettings settings) throws Exception {
        Map<TopicPartition, Long> finished;
        try {
            finished = FinishedPartitions.in(settings.resumeFrom());
        } catch (IOException | RuntimeException unreadable) {
            System.err.println(
                    "segflow: cannot tell from the checkpoint which partitions it had read to the"
                            + " end ("
                            + unreadable.getMessage()
                            + "); if the run does not stop once it has read everything, stop it"
                            + " (Ctrl-C) and run it again with --fresh");
            return;
        }
        try (TopicOffsets offsets = new TopicOffsets(settings.kafkaConnection())) {
            Map<TopicPartition, Long> committed =
                    offsets.commitWhereBehind(settings.consumerGroup(), finished);
            if (!committed.isEmpty()) {
                System.out.println(
                        "segflow: the checkpoint had read "
                                + committed.keySet()
                                + " to the end; their offsets committed for group "
                                + settings.consumerGroup()
                                + " (the stopped run had not)");
            }
        }
    }

    private static void cancelAndWait(JobClient client) throws Exception {
        try {
            client.cancel().get(60, TimeUnit.SECONDS);
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
