package io.segflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.pipeline.JobSettings;
import io.segflow.testing.Feeds;
import io.segflow.testing.SegflowITCaseBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code segflow run} as someone leaves it running: a job that can no longer work (its database
 * gone) ends by itself, with each failure and its root cause on the console in one line and exit
 * code 1; a healthy run with the defaults prints no such line; a state directory whose checkpoint
 * read other topics is refused with what differs, and {@code --fresh} then runs.
 */
class RunWatchITCase extends SegflowITCaseBase {

    /** The lines of the watch, none of which a healthy run prints. */
    private static final List<String> FAILURE_LINES =
            List.of("segflow: checkpoint", "segflow: the job failed", "Flink restarts it");

    @Test
    void aRunWhoseDatabaseGoesAwayStopsWithTheCauseAndExitCode1(@TempDir Path workDir)
            throws Exception {
        JobSettings settings = freshSettings();
        createTopics(settings);
        try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            feeds.customerInsert(customer(1, "PL"), true);
        }
        List<String> command = segflowJar("run", settings);
        command.addAll(
                List.of("--group-id", settings.consumerGroup(), "--checkpoint-interval", "2s"));
        // from the environment, as every option can be
        Process run =
                start(
                        command,
                        workDir,
                        "run.txt",
                        Map.of("SEGFLOW_MAX_RESTARTS_WITHOUT_CHECKPOINT", "3"));
        try {
            awaitRows(
                    settings, "SELECT customer_id FROM customer_profile", rows -> rows.size() == 1);
            // and a checkpoint holds it: it forgot what the row's write overwrote (UndoLog)
            awaitRows(
                    settings,
                    "SELECT key FROM segflow_undo WHERE table_name = 'customer_profile'",
                    List::isEmpty);
            long goneAt = System.nanoTime();
            allowConnections(settings, false);
            try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
                feeds.customerInsert(customer(2, "NL"), true); // something to write, and fail on
            }
            boolean ended = run.waitFor(10, TimeUnit.MINUTES);
            String printed = read(workDir.resolve("run.txt"));
            assertThat(ended).as("the run ends by itself; output:%n%s", printed).isTrue();
            System.out.printf(
                    "run ended %d s after the database went away%n",
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - goneAt));
            System.out.println(
                    Arrays.stream(printed.split("\\R"))
                            .filter(line -> line.startsWith("segflow: "))
                            .collect(Collectors.joining("\n")));
            assertThat(run.exitValue()).as("exit code; output:%n%s", printed).isEqualTo(1);
            List<String> restarts =
                    Arrays.stream(printed.split("\\R"))
                            .filter(line -> line.startsWith("segflow: the job failed, Flink"))
                            .toList();
            assertThat(restarts).as(printed).hasSize(3);
            for (int i = 0; i < 3; i++) {
                // each with its root cause: an exception's class and message
                assertThat(restarts.get(i))
                        .as(printed)
                        .startsWith(
                                "segflow: the job failed, Flink restarts it ("
                                        + (i + 1)
                                        + " of at most 3 restarts without a completed"
                                        + " checkpoint): ")
                        .containsPattern("\\): [a-z]+(\\.[a-z0-9]+)+\\.[A-Z]\\w*(Exception|Error)");
            }
            assertThat(printed)
                    .containsPattern(
                            "segflow: the job failed 4 times since checkpoint \\d+ completed"
                                    + " \\(--max-restarts-without-checkpoint 3\\): stopping it."
                                    + " Cause: [a-z]+(\\.[a-z0-9]+)+\\.[A-Z]\\w*");
        } finally {
            run.destroyForcibly();
            allowConnections(settings, true);
        }
    }

    @Test
    void aCheckpointOfOtherTopicsIsRefusedWithWhatDiffersAndFreshThenRuns(@TempDir Path workDir)
            throws Exception {
        JobSettings settings = freshSettings(); // topics of two partitions each
        createTopics(settings);
        try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            feeds.customerInsert(customer(1, "PL"), true);
        }
        // every option at its default but the addresses: checkpoints every 10 s
        List<String> command = segflowJar("run", settings);
        command.addAll(List.of("--group-id", settings.consumerGroup()));
        Process first = start(command, workDir, "first.txt", Map.of());
        Path checkpoints =
                workDir.resolve("segflow-state")
                        .resolve(settings.consumerGroup())
                        .resolve("checkpoints");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (!completedCheckpointIn(checkpoints)
                && first.isAlive()
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        awaitRows(settings, "SELECT customer_id FROM customer_profile", rows -> rows.size() == 1);
        first.destroyForcibly();
        first.waitFor(1, TimeUnit.MINUTES);
        String healthy = read(workDir.resolve("first.txt"));
        assertThat(completedCheckpointIn(checkpoints)).as(healthy).isTrue();
        assertThat(healthy).doesNotContain(FAILURE_LINES);

        // the broker changes under the state directory: one topic gone, one created again
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka().bootstrapServers()))) {
            admin.deleteTopics(List.of(settings.webEventsTopic(), settings.productEventsTopic()))
                    .all()
                    .get(1, TimeUnit.MINUTES);
            recreate(admin, settings.productEventsTopic(), 1);
        }
        Process stale = start(command, workDir, "stale.txt", Map.of());
        boolean ended = stale.waitFor(3, TimeUnit.MINUTES);
        String refused = read(workDir.resolve("stale.txt"));
        if (!ended) {
            stale.destroyForcibly();
        }
        assertThat(ended).as("the stale run ends; output:%n%s", refused).isTrue();
        assertThat(stale.exitValue()).as(refused).isEqualTo(1);
        assertThat(refused)
                .contains("does not fit this broker and these topics:")
                .contains(
                        "  topic "
                                + settings.webEventsTopic()
                                + " (2 partitions): does not exist on this broker")
                .containsPattern(
                        "  topic "
                                + settings.productEventsTopic().replace(".", "\\.")
                                + " \\(2 partitions\\): is a different topic now \\(deleted and"
                                + " created again: id \\S+ then, \\S+ now\\), with 1 partition")
                .contains("Start over with --fresh")
                .doesNotContain("segflow: resuming from checkpoint");

        List<String> fresh = new ArrayList<>(command);
        fresh.addAll(List.of("--fresh", "--bounded"));
        Process again = start(fresh, workDir, "fresh.txt", Map.of());
        boolean finished = again.waitFor(5, TimeUnit.MINUTES);
        String printed = read(workDir.resolve("fresh.txt"));
        if (!finished) {
            again.destroyForcibly();
        }
        assertThat(finished).as("the fresh run finishes; output:%n%s", printed).isTrue();
        assertThat(again.exitValue()).as(printed).isZero();
        assertThat(printed)
                .contains("segflow: starting fresh from the topics (--fresh)")
                .doesNotContain(FAILURE_LINES);
        assertThat(query(settings, "SELECT customer_id FROM customer_profile")).hasSize(1);
    }

    /**
     * The REST API the watch reads reports a real job's failures with their root cause, and Flink's
     * own job metrics count them: numRestarts and numberOfFailedCheckpoints, the figures to alert
     * on.
     */
    @Test
    void flinkReportsTheFailuresTheWatchReadsAndCountsThemInItsMetrics() throws Exception {
        JobSettings settings = freshSettings();
        createTopics(settings);
        try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            feeds.customerInsert(customer(1, "PL"), true);
        }
        JobClient job = startStreaming(settings);
        try {
            awaitRows(
                    settings, "SELECT customer_id FROM customer_profile", rows -> rows.size() == 1);
            assertThat(gauge(job, "numRestarts")).contains(0L);
            assertThat(gauge(job, "numberOfFailedCheckpoints")).isPresent();
            // the rows are written while the first checkpoint is taken, before it completes
            assertThat(awaitGauge(job, "numberOfCompletedCheckpoints")).isPositive();

            allowConnections(settings, false);
            try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
                feeds.customerInsert(customer(2, "NL"), true);
            }
            // stops at the first failure: the test cluster's slot requests wait Flink's 5 minutes
            FailureWatch failures = new FailureWatch(0);
            JobWatch watch = new JobWatch(restAddress(), job.getJobID());
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            StringBuilder printed = new StringBuilder();
            while (failures.stopReason().isEmpty() && System.nanoTime() < deadline) {
                watch.poll()
                        .ifPresent(
                                now ->
                                        failures.observe(now)
                                                .forEach(l -> printed.append(l).append('\n')));
                Thread.sleep(500);
            }
            System.out.print(printed);
            assertThat(failures.stopReason()).as(printed.toString()).isPresent();
            assertThat(failures.stopReason().get())
                    .containsPattern(
                            // one failure or more: the restart after the first can fail too
                            // before the REST API shows the first
                            "segflow: the job failed \\d+ times? since checkpoint \\d+ completed"
                                    + " \\(--max-restarts-without-checkpoint 0\\): stopping it."
                                    + " Cause: [a-z]+(\\.[a-z0-9]+)+\\.[A-Z]\\w*: \\S+");
            // Flink counts a restart once it has happened, after its backoff
            assertThat(awaitGauge(job, "numRestarts")).isPositive();
        } finally {
            try {
                cancel(job);
            } catch (ExecutionException alreadyOver) {
                // nothing to cancel
            }
            allowConnections(settings, true);
        }
    }

    /** A job metric's value as Flink's reporters see it (a gauge of a number). */
    private static Optional<Long> gauge(JobClient job, String name) {
        // the reporter retains the metrics of every incarnation of the job's group: the highest
        return metrics.findJobMetricGroups(job.getJobID(), name).stream()
                .filter(found -> name.equals(found.f1))
                .map(found -> found.f2)
                .filter(Gauge.class::isInstance)
                .map(RunWatchITCase::value)
                .max(Long::compare);
    }

    /** The gauge's value once it is above zero, or its last value after two minutes. */
    private static long awaitGauge(JobClient job, String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (gauge(job, name).orElse(0L) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        return gauge(job, name).orElse(0L);
    }

    private static Long value(Metric gauge) {
        return ((Number) ((Gauge<?>) gauge).getValue()).longValue();
    }

    /**
     * The database goes away as in a failover: new connections are refused and the open ones cut;
     * or it comes back.
     */
    private static void allowConnections(JobSettings settings, boolean allowed) throws Exception {
        String database = settings.jdbcUrl().substring(settings.jdbcUrl().lastIndexOf('/') + 1);
        try (Connection admin = postgres().connect("postgres");
                Statement statement = admin.createStatement()) {
            statement.execute("ALTER DATABASE \"" + database + "\" ALLOW_CONNECTIONS " + allowed);
            if (!allowed) {
                statement.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                                + database
                                + "'");
            }
        }
    }

    private static void recreate(Admin admin, String topic, int partitions) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (true) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                // the deleted topic of the same name is still being removed
                if (!(e.getCause() instanceof TopicExistsException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static Process start(
            List<String> command, Path workDir, String output, Map<String, String> environment)
            throws IOException {
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().put("SEGFLOW_JDBC_USER", "postgres");
        builder.environment()
                .put(PSEUDONYM_KEY_ENV, new String(TEST_PSEUDONYM_KEY, StandardCharsets.US_ASCII));
        builder.environment().putAll(environment);
        builder.redirectOutput(workDir.resolve(output).toFile());
        return builder.start();
    }

    private static boolean completedCheckpointIn(Path checkpoints) {
        if (!Files.isDirectory(checkpoints)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(checkpoints, 3)) {
            return files.anyMatch(p -> p.getFileName().toString().equals("_metadata"));
        } catch (IOException | UncheckedIOException changing) {
            return false;
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    /** A minimal CRM customer row. */
    private static Map<String, Object> customer(long id, String country) {
        return Feeds.customer(
                id,
                LocalDate.of(1980, 1, 1),
                country,
                true,
                null,
                Instant.parse("2026-11-20T00:00:00Z"));
    }
}
