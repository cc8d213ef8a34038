package io.segflow.cluster;

import static io.segflow.testing.Feeds.customer;
import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.embedded.EmbeddedKafka;
import io.segflow.embedded.EmbeddedPostgresDatabase;
import io.segflow.infra.KafkaTopics;
import io.segflow.infra.TopicOffsets;
import io.segflow.pipeline.InputTopics;
import io.segflow.pipeline.JobSettings;
import io.segflow.testing.Feeds;
import io.segflow.testing.PublishedModels;
import io.segflow.testing.RecordedHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * segflow deployed as on a real cluster: a standalone Flink session cluster (JobManager and
 * TaskManager in their own JVMs, started from deploy/flink/config.yaml and nothing but Flink's own
 * jars in lib/) gets segflow-cluster.jar through the REST API, and the job it runs reads Debezium
 * changes and events from Kafka and keeps customer profiles in PostgreSQL.
 *
 * <p>That the job runs at all proves the cluster jar brings what the cluster lacks (Kafka and JDBC
 * connectors, kafka-clients, the PostgreSQL driver, the SQL files) and leaves out what it has; that
 * rows keep changing after the first ones proves it streams.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StandaloneClusterITCase {

    private static final Duration CLUSTER_START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration ROWS_TIMEOUT = Duration.ofSeconds(120);

    /** Never written anywhere by the job: checked against every log of the cluster. */
    private static final String JDBC_PASSWORD = "cluster-it-secret-not-logged";

    private static final long FROZEN_MODEL = 1_770_000_000_000L;

    /** The key of the external ids' pseudonyms in the JobManager, where `run` starts. */
    private static final String PSEUDONYM_KEY = "cluster-it-pseudonym-key-0123456789abcdef";

    private static EmbeddedKafka kafka;
    private static EmbeddedPostgresDatabase postgres;
    private static StandaloneFlinkCluster cluster;
    private static String database;

    @RegisterExtension
    static final PrintClusterLogsOnFailure PRINT_LOGS = new PrintClusterLogsOnFailure();

    @BeforeAll
    static void startStack() throws Exception {
        kafka = EmbeddedKafka.start();
        postgres = EmbeddedPostgresDatabase.start();
        database = postgres.createDatabase("segflow_cluster_it");

        Path home =
                Path.of(System.getProperty("segflow.cluster.work.dir", "target/flink-cluster"))
                        .toAbsolutePath();
        deleteRecursively(home);
        Files.createDirectories(home);
        Map<String, String> overrides = StandaloneFlinkCluster.singleMachineOverrides(home);
        // small enough for a 2-core CI machine that also runs Kafka, PostgreSQL and Maven
        overrides.put("jobmanager.memory.process.size", "1280m");
        overrides.put("taskmanager.memory.process.size", "1536m");
        // two workers of one slot each: a job of parallelism 2 runs on both, so losing one
        // TaskManager loses part of every running job
        overrides.put("taskmanager.numberOfTaskSlots", "1");

        cluster =
                StandaloneFlinkCluster.start(
                        Path.of(System.getProperty("segflow.flink.lib.dir", "target/flink/lib")),
                        Path.of(System.getProperty("segflow.flink.deploy.dir", "../deploy/flink")),
                        home,
                        overrides,
                        // a REST jar run calls main() inside the JobManager: credentials live there
                        Map.of(
                                "SEGFLOW_JDBC_USER",
                                EmbeddedPostgresDatabase.USER,
                                "SEGFLOW_JDBC_PASSWORD",
                                JDBC_PASSWORD,
                                "SEGFLOW_PSEUDONYM_KEY",
                                PSEUDONYM_KEY),
                        2,
                        CLUSTER_START_TIMEOUT);
        PRINT_LOGS.cluster = cluster;
    }

    @AfterAll
    static void stopStack() throws Exception {
        // each one stopped even when another fails: nothing may outlive the test JVM's run
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            try {
                if (kafka != null) {
                    kafka.close();
                }
            } finally {
                if (postgres != null) {
                    postgres.close();
                }
            }
        }
    }

    @Test
    void restSubmittedClusterJarStreamsProfilesIntoPostgres() throws Exception {
        JobSettings topics =
                JobSettings.defaults()
                        .withCustomersTopic("cluster.crm.public.customers")
                        .withIdentitiesTopic("cluster.crm.public.customer_identities")
                        .withWebEventsTopic("cluster.web.events")
                        .withProductEventsTopic("cluster.product.events")
                        .withDeadLetterTopic("cluster.segflow.dead_letter")
                        .withSegmentsTopic("cluster.segflow.customer_segments");
        try (Feeds feeds = new Feeds(kafka.newProducer(), topics)) {
            feeds.customerInsert(
                    customer(
                            21,
                            LocalDate.of(1980, 3, 3),
                            "DE",
                            false,
                            null,
                            Instant.parse("2026-11-20T00:00:00Z")),
                    true);
            feeds.customerInsert(
                    customer(
                            22,
                            LocalDate.of(1995, 7, 7),
                            "FR",
                            false,
                            null,
                            Instant.parse("2026-11-20T00:00:00Z")),
                    false);
            feeds.link("product", "app-21", 21, true);
            feeds.product(
                    "c1", "app-21", "s1", "session_start", null, null, "2026-11-20T08:00:00Z");
            feeds.product(
                    "c2", "app-21", "s1", "feature_used", "search", null, "2026-11-20T08:01:00Z");
            feeds.product(
                    "c3", "app-21", "s1", "session_end", null, 60_000L, "2026-11-20T08:02:00Z");
        }

        FlinkRestClient rest = cluster.rest();
        Path clusterJar =
                Path.of(
                        System.getProperty(
                                "segflow.cluster.jar", "../jobs/target/segflow-cluster.jar"));
        assertThat(clusterJar).as("built by the jobs module").exists();
        String jarId = rest.uploadJar(clusterJar);
        // two, as parallelism.default says: keying mistakes show only with more than one
        String jobId =
                rest.runJar(
                        jarId,
                        2,
                        List.of(
                                "run",
                                "--kafka",
                                kafka.bootstrapServers(),
                                "--jdbc-url",
                                postgres.plainJdbcUrl(database),
                                "--topic-customers",
                                topics.customersTopic(),
                                "--topic-identities",
                                topics.identitiesTopic(),
                                "--topic-web-events",
                                topics.webEventsTopic(),
                                "--topic-product-events",
                                topics.productEventsTopic(),
                                "--topic-dead-letter",
                                topics.deadLetterTopic(),
                                "--topic-segments",
                                topics.segmentsTopic(),
                                "--group-id",
                                "segflow-cluster-it",
                                "--checkpoint-interval",
                                "2s"));

        Map<Long, Map<String, Object>> profiles =
                awaitProfiles(
                        rows ->
                                rows.size() == 2
                                        && Long.valueOf(1)
                                                .equals(column(rows, 21, "product_features_used")));
        assertThat(profiles.get(21L))
                .containsEntry("avg_time_per_session", 60.0)
                .containsEntry("converted_to_sale", false);
        assertThat(profiles.get(22L)).containsEntry("converted_to_sale", false);
        assertThat(rest.jobState(jobId)).isEqualTo("RUNNING");
        assertThat(rest.get("/jobs/" + jobId).path("vertices").findValuesAsText("parallelism"))
                .as("operator parallelisms (the model trainer runs alone)")
                .contains("1", "2");

        // the job keeps streaming: later input changes the rows it wrote
        try (Feeds feeds = new Feeds(kafka.newProducer(), topics)) {
            feeds.customerUpdate(
                    customer(
                            22,
                            LocalDate.of(1995, 7, 7),
                            "FR",
                            true,
                            null,
                            Instant.parse("2026-11-21T00:00:00Z")),
                    false);
            feeds.product(
                    "c4", "app-21", "s2", "feature_used", "export", null, "2026-11-21T09:00:00Z");
        }
        awaitProfiles(
                rows ->
                        Boolean.TRUE.equals(column(rows, 22, "converted_to_sale"))
                                && Long.valueOf(2)
                                        .equals(column(rows, 21, "product_features_used")));
        assertThat(rest.jobState(jobId)).isEqualTo("RUNNING");

        rest.cancel(jobId);
        awaitJobState(rest, jobId, "CANCELED");
        assertThat(cluster.allLogs()).doesNotContain(JDBC_PASSWORD);
    }

    /**
     * A worker machine lost mid-stream: one of the two TaskManagers is killed (SIGKILL) after the
     * job's first checkpoints, and a new one is started 10 s later. The job restarts from its
     * latest checkpoint by itself and, once it has read everything, its tables equal those of a run
     * that never lost a TaskManager.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aLostTaskManagerIsReplacedAndTheJobsTablesStayExact() throws Exception {
        String lossDatabase = postgres.createDatabase("segflow_tm_loss");
        String referenceDatabase = postgres.createDatabase("segflow_tm_reference");
        JobSettings topics =
                JobSettings.defaults()
                        .withKafkaBootstrapServers(kafka.bootstrapServers())
                        .withJdbcUser(EmbeddedPostgresDatabase.USER)
                        .withCustomersTopic("loss.crm.public.customers")
                        .withIdentitiesTopic("loss.crm.public.customer_identities")
                        .withWebEventsTopic("loss.web.events")
                        .withProductEventsTopic("loss.product.events")
                        .withDeadLetterTopic("loss.segflow.dead_letter")
                        .withSegmentsTopic("loss.segflow.customer_segments")
                        .withModelsTopic("loss.segflow.segment_models");
        List<String> allTopics = new ArrayList<>(InputTopics.of(topics));
        allTopics.addAll(
                List.of(topics.deadLetterTopic(), topics.segmentsTopic(), topics.modelsTopic()));
        KafkaTopics.ensure(kafka.bootstrapServers(), allTopics, 2);
        for (String db : List.of(lossDatabase, referenceDatabase)) {
            PublishedModels.publishFourSegments(
                    topics.withJdbcUrl(postgres.plainJdbcUrl(db)), FROZEN_MODEL);
        }
        try (KafkaProducer<String, String> producer = kafka.newProducer()) {
            RecordedHistory.write(producer, topics, 2_000, 4, 21);
        }

        FlinkRestClient rest = cluster.rest();
        String jarId = rest.uploadJar(clusterJar());
        String jobId = rest.runJar(jarId, 2, frozenRun(topics, lossDatabase, "loss", false));
        awaitCheckpoints(rest, jobId, 1);
        cluster.killTaskManager("taskmanager-1");
        Thread.sleep(10_000);
        cluster.startTaskManager("taskmanager-1-again");

        Map<TopicPartition, Long> ends;
        try (TopicOffsets offsets = new TopicOffsets(kafka.bootstrapServers())) {
            ends = offsets.latest(InputTopics.of(topics));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (!offsets.committedUpTo("loss", ends) && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            assertThat(offsets.committedUpTo("loss", ends))
                    .as(
                            "the job read everything after the loss; its state: %s; exceptions: %s",
                            rest.jobState(jobId), rest.get("/jobs/" + jobId + "/exceptions"))
                    .isTrue();
        }
        assertThat(rest.jobState(jobId)).isEqualTo("RUNNING");
        assertThat(
                        rest.get("/jobs/" + jobId + "/exceptions")
                                .path("exceptionHistory")
                                .path("entries"))
                .as("the job failed over when its TaskManager was lost")
                .isNotEmpty();
        rest.cancel(jobId);
        awaitJobState(rest, jobId, "CANCELED");

        String referenceId =
                rest.runJar(jarId, 2, frozenRun(topics, referenceDatabase, "reference", true));
        awaitJobState(rest, referenceId, "FINISHED", Duration.ofMinutes(4));

        for (String table :
                List.of(
                        "SELECT * FROM customer_profile ORDER BY customer_id",
                        "SELECT id, source_topic, source_partition, source_offset, raw_payload,"
                                + " reason, received_at FROM dead_letter ORDER BY id",
                        "SELECT customer_id, segment_id, segment_name, model_version FROM"
                                + " customer_segment ORDER BY customer_id")) {
            List<Map<String, Object>> reference = rows(referenceDatabase, table);
            assertThat(reference).as(table).isNotEmpty();
            assertThat(rows(lossDatabase, table)).as(table).containsExactlyElementsOf(reference);
        }
    }

    /** `run` under one frozen model (segments then depend on final profiles only). */
    private static List<String> frozenRun(
            JobSettings topics, String db, String group, boolean bounded) {
        List<String> arguments =
                new ArrayList<>(
                        List.of(
                                "run",
                                "--kafka",
                                kafka.bootstrapServers(),
                                "--jdbc-url",
                                postgres.plainJdbcUrl(db),
                                "--topic-customers",
                                topics.customersTopic(),
                                "--topic-identities",
                                topics.identitiesTopic(),
                                "--topic-web-events",
                                topics.webEventsTopic(),
                                "--topic-product-events",
                                topics.productEventsTopic(),
                                "--topic-dead-letter",
                                topics.deadLetterTopic() + "." + group,
                                "--topic-segments",
                                topics.segmentsTopic() + "." + group,
                                "--topic-models",
                                topics.modelsTopic(),
                                "--group-id",
                                group,
                                "--checkpoint-interval",
                                "2s",
                                "--warm-start-version",
                                Long.toString(FROZEN_MODEL),
                                "--freeze-model",
                                "--hysteresis",
                                "0"));
        if (bounded) {
            arguments.add("--bounded");
        }
        return arguments;
    }

    private static Path clusterJar() {
        Path clusterJar =
                Path.of(
                        System.getProperty(
                                "segflow.cluster.jar", "../jobs/target/segflow-cluster.jar"));
        assertThat(clusterJar).as("built by the jobs module").exists();
        return clusterJar;
    }

    private static void awaitCheckpoints(FlinkRestClient rest, String jobId, int completed)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            try {
                if (rest.get("/jobs/" + jobId + "/checkpoints")
                                .path("counts")
                                .path("completed")
                                .asInt()
                        >= completed) {
                    return;
                }
            } catch (IOException notYet) {
                // the job is still being scheduled
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no completed checkpoint of " + jobId);
    }

    private static List<Map<String, Object>> rows(String db, String sql) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection connection = postgres.connect(db);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** Polls customer_profile until the rows (by customer_id) satisfy the condition. */
    private static Map<Long, Map<String, Object>> awaitProfiles(
            Predicate<Map<Long, Map<String, Object>>> condition) throws Exception {
        Map<Long, Map<String, Object>> rows = Map.of();
        long deadline = System.nanoTime() + ROWS_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                rows = profiles();
                if (condition.test(rows)) {
                    return rows;
                }
            } catch (SQLException tableNotCreatedYet) {
                rows = Map.of();
            }
            Thread.sleep(250);
        }
        throw new AssertionError(
                "customer_profile did not reach the expected rows within "
                        + ROWS_TIMEOUT
                        + "; last rows: "
                        + rows);
    }

    /** A column of one customer's row; null while that customer has no row. */
    private static Object column(
            Map<Long, Map<String, Object>> rows, long customerId, String name) {
        return rows.getOrDefault(customerId, Map.of()).get(name);
    }

    private static Map<Long, Map<String, Object>> profiles() throws SQLException {
        Map<Long, Map<String, Object>> byCustomer = new TreeMap<>();
        for (Map<String, Object> row : rows(database, "SELECT * FROM customer_profile")) {
            byCustomer.put((Long) row.get("customer_id"), row);
        }
        return byCustomer;
    }

    private static void awaitJobState(FlinkRestClient rest, String jobId, String expected)
            throws Exception {
        awaitJobState(rest, jobId, expected, Duration.ofSeconds(60));
    }

    private static void awaitJobState(
            FlinkRestClient rest, String jobId, String expected, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String state = rest.jobState(jobId);
        while (!expected.equals(state) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            state = rest.jobState(jobId);
        }
        assertThat(state).as("state of job %s", jobId).isEqualTo(expected);
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /**
     * Prints the tail of the cluster's logs when setup or the test fails, so CI output explains it.
     */
    static final class PrintClusterLogsOnFailure
            implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

        volatile StandaloneFlinkCluster cluster;

        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable failure)
                throws Throwable {
            print(context);
            throw failure;
        }

        @Override
        public void handleBeforeAllMethodExecutionException(
                ExtensionContext context, Throwable failure) throws Throwable {
            // a cluster that did not start put its logs in the exception already
            print(context);
            throw failure;
        }

        private void print(ExtensionContext context) {
            if (cluster != null) {
                System.err.println(
                        "---- "
                                + context.getDisplayName()
                                + " failed; the Flink cluster's logs ----\n"
                                + cluster.logTails());
            }
        }
    }
}
