package io.segflow.cli;

import io.segflow.infra.FlinkRest;
import io.segflow.infra.TopicOffsets;
import io.segflow.pipeline.ArchiveSources;
import io.segflow.pipeline.InputTopics;
import io.segflow.pipeline.JobSettings;
import io.segflow.pipeline.LocalCluster;
import io.segflow.pipeline.SegflowJob;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Rebuilds customer_profile and customer_segment from everything the input topics hold: the
 * streaming job's graph in Flink's BATCH runtime mode, bounded from the earliest to the latest
 * offsets at start, with a progress line on the console.
 */
@Command(
        name = "backfill",
        mixinStandardHelpOptions = true,
        description = {
            "Rebuild customer_profile and customer_segment from all the records the input topics"
                    + " hold now:",
            "the streaming job's SQL and operators in Flink's BATCH mode, from the earliest to the"
                    + " latest offsets",
            "(--startup-mode and --checkpoint-interval do not apply). Writes are upserts; nothing"
                    + " is deleted.",
            "Database credentials come from the environment: SEGFLOW_JDBC_USER,"
                    + " SEGFLOW_JDBC_PASSWORD; the pseudonym key of external ids too (the"
                    + " streaming job's: the same key gives the same pseudonyms):"
                    + " SEGFLOW_PSEUDONYM_KEY (or a file named by SEGFLOW_PSEUDONYM_KEY_FILE).",
            "Before the start it compares the SQL's model features with the latest published"
                    + " models and, when they differ, prints what differs and what to run after"
                    + " it (segflow retrain)."
        })
final class BackfillCommand implements Callable<Integer> {

    private static final long PLAIN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);

    @Spec CommandSpec spec;

    @Mixin Addresses addresses;

    @Mixin KafkaClientOptions kafkaClient;

    @Option(
            names = "--backfill-group-id",
            paramLabel = "GROUP",
            description =
                    "Kafka consumer group of the backfill. Default: the --group-id with -backfill"
                            + " appended, so the streaming job's group is untouched.")
    String backfillGroupId;

    @Option(
            names = "--archive",
            paramLabel = "DIR",
            description =
                    "Read the input records from an archive written by `segflow archive` instead of"
                            + " the input topics.")
    Path archive;

    @Option(
            names = "--plain",
            description =
                    "Print a progress line every 5 s instead of redrawing one (the default when the"
                            + " output is not a terminal).")
    boolean plain;

    @Mixin JobOptions job;

    @Mixin TopicOptions topics;

    @Mixin StreamOptions stream;

    @Mixin TrainerOptions trainer;

    @Mixin Pseudonymisation pseudonymisation;

    JobSettings settings(Map<String, String> environment) {
        JobSettings settings =
                addresses
                        .applyTo(
                                trainer.applyTo(
                                        stream.applyTo(
                                                topics.applyTo(
                                                        job.applyTo(JobSettings.defaults())))),
                                environment)
                        .withKafkaProperties(kafkaClient.properties(environment))
                        .withConsumerGroup(
                                backfillGroupId != null
                                        ? backfillGroupId
                                        : topics.groupId + "-backfill")
                        .withBackfill(true)
                        .withArchiveDirectory(archive);
        settings = pseudonymisation.applyTo(settings, environment);
        if (archive != null && !Files.isDirectory(archive)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--archive "
                            + archive
                            + " is not a directory (write one with `segflow archive`)");
        }
        trainer.validate(spec.commandLine());
        return settings;
    }

    @Override
    public Integer call() throws Exception {
        JobSettings settings = settings(System.getenv());
        if (!Pseudonymisation.check(settings, spec.commandLine().getErr())) {
            return 2;
        }
        System.out.println("segflow: backfill with " + settings);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        URI rest;
        if (env instanceof LocalStreamEnvironment) {
            // our own MiniCluster: choose its REST port, so the progress can be read from it
            int port = DemoCommand.freePort("8081-8099");
            env = LocalCluster.withWebUi(settings, port);
            rest = URI.create("http://localhost:" + port);
            System.out.println("segflow: Flink web UI at " + rest);
        } else {
            rest = FlinkRest.addressOf(env.getConfiguration());
        }
        JobSettings planned = settings;
        JobClient client =
                new SegflowJob(settings)
                        .start(
                                env,
                                features ->
                                        FeatureChange.warnAtStart(
                                                planned,
                                                features.names(),
                                                FeatureChange.Moment.BACKFILL,
                                                new PrintWriter(System.out, true)));
        System.out.println("segflow: backfill job " + client.getJobID() + " submitted");
        long total;
        if (settings.archiveDirectory() != null) {
            total = ArchiveSources.records(settings.archiveDirectory());
        } else {
            try (TopicOffsets offsets = new TopicOffsets(settings.kafkaConnection())) {
                // taken right after the sources fixed their end offsets: records written since
                // count in neither; the topics of every input table of the SQL
                total =
                        offsets.recordsHeld(InputTopics.of(settings)).values().stream()
                                .mapToLong(Long::longValue)
                                .sum();
            }
        }
        BackfillProgress progress = new BackfillProgress(total, System.nanoTime());
        report(
                client.getJobExecutionResult(),
                new SourceRecordsRead(
                        rest, client.getJobID(), InputTopics.byTable(settings).keySet()),
                progress,
                !plain && System.console() != null);
        return 0;
    }

    private static void report(
            CompletableFuture<JobExecutionResult> result,
            SourceRecordsRead source,
            BackfillProgress progress,
            boolean redraw)
            throws Exception {
        long lastPrinted = System.nanoTime();
        while (!result.isDone()) {
            try {
                result.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException stillRunning) {
                long read = source.read();
                long now = System.nanoTime();
                if (read >= 0) {
                    progress.update(now, read);
                }
                if (redraw) {
                    System.out.print("\r" + progress.line(30));
                    System.out.flush();
                } else if (now - lastPrinted >= PLAIN_EVERY_NANOS) {
                    System.out.println(progress.line(30));
                    lastPrinted = now;
                }
            }
        }
        result.get(); // a failed job ends here, with its cause
        // finished bounded sources have read up to the end offsets they fixed at start
        progress.update(System.nanoTime(), Math.max(progress.read(), progress.total()));
        System.out.println((redraw ? "\r" : "") + progress.line(30));
        System.out.println(progress.summary());
    }
}
