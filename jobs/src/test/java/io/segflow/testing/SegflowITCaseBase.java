package io.segflow.testing;

import io.segflow.cli.SegflowCli;
import io.segflow.embedded.EmbeddedKafka;
import io.segflow.embedded.EmbeddedPostgresDatabase;
import io.segflow.infra.KafkaTopics;
import io.segflow.pipeline.InputTopics;
import io.segflow.pipeline.JobSettings;
import io.segflow.pipeline.SegflowJob;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * Integration tests run the real job on a real stack: a Flink MiniCluster at parallelism 2 (so
 * keying mistakes show), a KRaft Kafka broker and a PostgreSQL server, the last two started once
 * per test JVM. Each test gets its own topics and its own database.
 */
public abstract class SegflowITCaseBase {

    /**
     * The metrics of the current test class's MiniCluster (a reporter lives as long as its
     * cluster).
     */
    protected static volatile InMemoryReporter metrics;

    @RegisterExtension
    protected static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    () -> {
                        metrics = InMemoryReporter.createWithRetainedMetrics();
                        return new MiniClusterResourceConfiguration.Builder()
                                .setNumberTaskManagers(1)
                                .setNumberSlotsPerTaskManager(2)
                                .setConfiguration(metrics.addToConfiguration(new Configuration()))
                                .build();
                    });

    private static final AtomicInteger RUNS = new AtomicInteger();

    /**
     * The pseudonym key of every test run, as a deployment gives one in SEGFLOW_PSEUDONYM_KEY
     * (subprocesses get it there: {@link #PSEUDONYM_KEY_ENV}).
     */
    public static final byte[] TEST_PSEUDONYM_KEY =
            "segflow-test-pseudonym-key-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    public static final String PSEUDONYM_KEY_ENV = "SEGFLOW_PSEUDONYM_KEY";

    protected static EmbeddedKafka kafka() {
        return Stack.INSTANCE.kafka;
    }

    protected static EmbeddedPostgresDatabase postgres() {
        return Stack.INSTANCE.postgres;
    }

    /** Settings for one test: fresh topics and a fresh database, the repository's SQL. */
    protected static JobSettings freshSettings() throws Exception {
        String run = "run" + RUNS.incrementAndGet() + "_" + ProcessHandle.current().pid();
        String database = postgres().createDatabase(run);
        return JobSettings.defaults()
                .withKafkaBootstrapServers(kafka().bootstrapServers())
                .withJdbcUrl(postgres().plainJdbcUrl(database))
                .withJdbcUser(EmbeddedPostgresDatabase.USER)
                .withJdbcPassword("")
                .withPseudonymKey(TEST_PSEUDONYM_KEY)
                .withCustomersTopic(run + ".crm.public.customers")
                .withIdentitiesTopic(run + ".crm.public.customer_identities")
                .withWebEventsTopic(run + ".web.events")
                .withProductEventsTopic(run + ".product.events")
                .withDeadLetterTopic(run + ".segflow.dead_letter")
                .withSegmentsTopic(run + ".segflow.customer_segments")
                .withModelsTopic(run + ".segflow.segment_models")
                .withConsumerGroup(run)
                .withSqlDirectory(repositorySql())
                .withJdbcFlushInterval(Duration.ofMillis(200))
                .withCheckpointInterval(Duration.ofSeconds(2))
                .withStateDirectory(STATE_DIRECTORY.toString())
                .withCreatedTopicPartitions(2);
    }

    /**
     * Settings for one test with every option at its default: only what keeps tests apart (topics,
     * database, consumer group, state directory) is set. For the tests that show what a user gets
     * without tuning anything.
     */
    protected static JobSettings defaultSettings() throws Exception {
        JobSettings fresh = freshSettings();
        return JobSettings.defaults()
                .withKafkaBootstrapServers(fresh.kafkaBootstrapServers())
                .withJdbcUrl(fresh.jdbcUrl())
                .withJdbcUser(fresh.jdbcUser())
                // the one setting a deployment must give: from its environment, here a test key
                .withPseudonymKey(TEST_PSEUDONYM_KEY)
                .withCustomersTopic(fresh.customersTopic())
                .withIdentitiesTopic(fresh.identitiesTopic())
                .withWebEventsTopic(fresh.webEventsTopic())
                .withProductEventsTopic(fresh.productEventsTopic())
                .withDeadLetterTopic(fresh.deadLetterTopic())
                .withSegmentsTopic(fresh.segmentsTopic())
                .withModelsTopic(fresh.modelsTopic())
                .withConsumerGroup(fresh.consumerGroup())
                .withSqlDirectory(fresh.sqlDirectory())
                .withStateDirectory(fresh.stateDirectory());
    }

    /**
     * {@code java -jar segflow.jar <command>} pointed at this test's broker, database and topics,
     * as a user types it; the caller adds the command's own options.
     */
    protected static List<String> segflowJar(String command, JobSettings settings) {
        String jar = System.getProperty("segflow.jar", "target/segflow.jar");
        return new ArrayList<>(
                List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        new File(jar).getAbsolutePath(),
                        command,
                        "--kafka",
                        settings.kafkaBootstrapServers(),
                        "--jdbc-url",
                        settings.jdbcUrl(),
                        "--topic-customers",
                        settings.customersTopic(),
                        "--topic-identities",
                        settings.identitiesTopic(),
                        "--topic-web-events",
                        settings.webEventsTopic(),
                        "--topic-product-events",
                        settings.productEventsTopic(),
                        "--topic-dead-letter",
                        settings.deadLetterTopic(),
                        "--topic-segments",
                        settings.segmentsTopic(),
                        "--topic-models",
                        settings.modelsTopic()));
    }

    /** The REST address of the test MiniCluster. */
    protected static URI restAddress() {
        var client = FLINK.getClientConfiguration();
        return URI.create(
                "http://" + client.get(RestOptions.ADDRESS) + ":" + client.get(RestOptions.PORT));
    }

    /** Checkpoints of every test run, each under its own consumer group. */
    protected static final Path STATE_DIRECTORY =
            Path.of("target", "segflow-state").toAbsolutePath();

    protected static Path repositorySql() {
        Path here = Path.of("").toAbsolutePath();
        Path sql = here.resolve("sql");
        return sql.toFile().isDirectory() ? sql : here.getParent().resolve("sql");
    }

    /** Runs the job over what the topics hold now and waits for it to finish. */
    /** What a `segflow` command printed (out and err together) and its exit code. */
    protected record Typed(int exit, String console) {}

    /** Runs a `segflow` command in this JVM as a user types it, and echoes what it printed. */
    protected static Typed segflow(String... args) {
        StringWriter printed = new StringWriter();
        CommandLine cli = SegflowCli.commandLine(new String[0], Map.of());
        cli.setOut(new PrintWriter(printed, true));
        cli.setErr(new PrintWriter(printed, true));
        int exit = cli.execute(args);
        String console = printed.toString();
        System.out.println(console);
        return new Typed(exit, console);
    }

    protected static JobClient runBounded(JobSettings settings) throws Exception {
        SegflowJob job = new SegflowJob(settings.withBoundedMode("latest-offset"));
        JobClient client = job.start(flinkEnvironment());
        client.getJobExecutionResult().get(300, TimeUnit.SECONDS);
        return client;
    }

    /** Starts the streaming job; the caller cancels it. */
    protected static JobClient startStreaming(JobSettings settings) throws Exception {
        return new SegflowJob(settings.withBoundedMode("unbounded")).start(flinkEnvironment());
    }

    /**
     * An environment on the shared MiniCluster; also valid in {@code @BeforeAll}, where the
     * extension has not yet made it the context environment.
     */
    protected static StreamExecutionEnvironment flinkEnvironment() {
        StreamExecutionEnvironment env = FLINK.getTestStreamEnvironment();
        // jobs of the tests may not fall back to Kryo: a type Flink cannot serialize itself fails
        // the test (state that Kryo wrote breaks when a class changes)
        Configuration noGenericTypes = new Configuration();
        noGenericTypes.set(PipelineOptions.GENERIC_TYPES, false);
        env.configure(noGenericTypes);
        return env;
    }

    /** Cancels a streaming job and waits until it has stopped writing anywhere. */
    protected static void cancel(JobClient job) throws Exception {
        job.cancel().get(60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!job.getJobStatus().get().isGloballyTerminalState()
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    /** Creates the topics before anything is produced, so they have the test's partitions. */
    protected static void createTopics(JobSettings settings) {
        List<String> topics = new ArrayList<>(InputTopics.of(settings));
        topics.add(settings.deadLetterTopic());
        topics.add(settings.segmentsTopic());
        topics.add(settings.modelsTopic());
        KafkaTopics.ensure(
                settings.kafkaBootstrapServers(), topics, settings.createdTopicPartitions());
    }

    protected static List<Map<String, Object>> query(JobSettings settings, String sql)
            throws Exception {
        String database = settings.jdbcUrl().substring(settings.jdbcUrl().lastIndexOf('/') + 1);
        try (Connection connection = postgres().connect(database);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            List<Map<String, Object>> rows = new ArrayList<>();
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnName(i), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /** Polls the database until the rows satisfy the condition; fails with the last rows. */
    protected static List<Map<String, Object>> awaitRows(
            JobSettings settings, String sql, Predicate<List<Map<String, Object>>> condition)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        List<Map<String, Object>> rows = List.of();
        while (System.nanoTime() < deadline) {
            try {
                rows = query(settings, sql);
                if (condition.test(rows)) {
                    return rows;
                }
            } catch (SQLException tableNotThereYet) {
                rows = List.of();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting on `" + sql + "`; last rows: " + rows);
    }

    private static final class Stack {
        static final Stack INSTANCE = new Stack();
        private final AtomicBoolean closed = new AtomicBoolean();

        final EmbeddedKafka kafka;
        final EmbeddedPostgresDatabase postgres;

        private Stack() {
            try {
                kafka = EmbeddedKafka.start();
                postgres = EmbeddedPostgresDatabase.start();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the embedded test stack", e);
            }
            // closed by StackClosingListener when the test run ends; the hook is the fallback
            StackClosingListener.closeAtEnd(this::close);
            Runtime.getRuntime().addShutdownHook(new Thread(this::close));
        }

        void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            try {
                kafka.close();
            } catch (Exception e) {
                System.err.println("embedded Kafka did not close cleanly: " + e);
            }
            try {
                postgres.close();
            } catch (Exception e) {
                System.err.println("embedded PostgreSQL did not close cleanly: " + e);
            }
        }
    }
}
