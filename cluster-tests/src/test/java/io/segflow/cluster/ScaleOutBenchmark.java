package io.segflow.cluster;

import io.segflow.embedded.EmbeddedKafka;
import io.segflow.embedded.EmbeddedPostgresDatabase;
import io.segflow.infra.KafkaTopics;
import io.segflow.pipeline.InputTopics;
import io.segflow.pipeline.JobSettings;
import io.segflow.testing.RecordedHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * segflow's throughput at several parallelisms on the standalone cluster of {@link
 * StandaloneClusterITCase} (deploy/flink/config.yaml as it is: RocksDB, incremental checkpoints
 * every 10 s, TaskManagers of two slots), over the same topics. Not a test: it prints figures.
 *
 * <p>A seeded history of N customers ({@link RecordedHistory}) is written once to topics of 4
 * partitions; then, for each parallelism, the cluster jar is run through the REST API as {@code run
 * --bounded} into a database of its own, with its own consumer group and output topics; its time is
 * the job's own duration as the REST API reports it (main() plans the SQL in the JobManager before,
 * 7 to 25 s, printed apart). Every option is at its default.
 *
 * <pre>
 * mvn -B -pl cluster-tests -am verify -DskipTests
 * java -cp "cluster-tests/target/test-classes:$(cat cluster-tests/target/test-classpath.txt)" \
 *     io.segflow.cluster.ScaleOutBenchmark [customers=100000] [parallelisms=1,2,4]
 * </pre>
 */
public final class ScaleOutBenchmark {

    private static final int PARTITIONS = 4;

    private ScaleOutBenchmark() {}

    public static void main(String[] args) throws Exception {
        int customers = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int[] parallelisms =
                Arrays.stream((args.length > 1 ? args[1] : "1,2,4").split(","))
                        .mapToInt(Integer::parseInt)
                        .toArray();
        int slotsNeeded = Arrays.stream(parallelisms).max().orElse(1);
        Path home = Files.createTempDirectory("segflow-scale-out");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                EmbeddedPostgresDatabase postgres = EmbeddedPostgresDatabase.start()) {
            JobSettings topics =
                    JobSettings.defaults()
                            .withCustomersTopic("scale.crm.public.customers")
                            .withIdentitiesTopic("scale.crm.public.customer_identities")
                            .withWebEventsTopic("scale.web.events")
                            .withProductEventsTopic("scale.product.events");
            KafkaTopics.ensure(kafka.bootstrapServers(), InputTopics.of(topics), PARTITIONS);
            long writing = System.nanoTime();
            RecordedHistory.Counts history;
            try (KafkaProducer<String, String> producer = kafka.newProducer()) {
                history = RecordedHistory.write(producer, topics, customers, 4, 7);
            }
            System.out.printf(
                    Locale.ROOT,
                    "history: %,d records, %,d customers, written in %.1f s%n",
                    history.records(),
                    history.customers(),
                    (System.nanoTime() - writing) / 1e9);

            // deploy/flink/config.yaml's TaskManagers have two slots: as many as the largest run
            // needs
            int taskManagers = (slotsNeeded + 1) / 2;
            try (StandaloneFlinkCluster cluster =
                    StandaloneFlinkCluster.start(
                            Path.of(System.getProperty("segflow.flink.lib.dir", libDir())),
                            Path.of(System.getProperty("segflow.flink.deploy.dir", "deploy/flink")),
                            home,
                            StandaloneFlinkCluster.singleMachineOverrides(home),
                            // a REST jar run calls main() inside the JobManager
                            Map.of(
                                    "SEGFLOW_JDBC_USER",
                                    EmbeddedPostgresDatabase.USER,
                                    "SEGFLOW_PSEUDONYM_KEY",
                                    "scale-out-benchmark-pseudonym-key-0123456789"),
                            taskManagers,
                            Duration.ofSeconds(120))) {
                FlinkRestClient rest = cluster.rest();
                String jarId =
                        rest.uploadJar(
                                Path.of(
                                        System.getProperty(
                                                "segflow.cluster.jar",
                                                "jobs/target/segflow-cluster.jar")));
                List<double[]> results = new ArrayList<>();
                for (int parallelism : parallelisms) {
                    String database = postgres.createDatabase("scale_p" + parallelism);
                    long start = System.nanoTime();
                    String jobId =
                            rest.runJar(
                                    jarId,
                                    parallelism,
                                    arguments(
                                            topics,
                                            kafka.bootstrapServers(),
                                            postgres.plainJdbcUrl(database),
                                            "scale-p" + parallelism));
                    String state = awaitEnd(rest, jobId);
                    double total = (System.nanoTime() - start) / 1e9;
                    // the job's own run, without main() planning the SQL in the JobManager first
                    double seconds = rest.get("/jobs/" + jobId).path("duration").asLong() / 1e3;
                    long profiles = count(postgres, database);
                    results.add(new double[] {parallelism, seconds});
                    System.out.printf(
                            Locale.ROOT,
                            "parallelism %d: %s, running %.1f s (%.1f s with the planning),"
                                    + " %,.0f records/s, %,d profiles%n",
                            parallelism,
                            state,
                            seconds,
                            total,
                            history.records() / seconds,
                            profiles);
                }
                System.out.printf(
                        Locale.ROOT,
                        "%n%,d customers, %,d records, %d TaskManagers of 2 slots, %d cores:%n",
                        customers,
                        history.records(),
                        taskManagers,
                        Runtime.getRuntime().availableProcessors());
                double first = results.get(0)[1];
                for (double[] result : results) {
                    System.out.printf(
                            Locale.ROOT,
                            "  parallelism %d: %6.1f s  %,9.0f records/s  %.2fx parallelism %d%n",
                            (int) result[0],
                            result[1],
                            history.records() / result[1],
                            first / result[1],
                            (int) results.get(0)[0]);
                }
            }
        }
    }

    private static String libDir() {
        return Files.isDirectory(Path.of("cluster-tests/target/flink/lib"))
                ? "cluster-tests/target/flink/lib"
                : "target/flink/lib";
    }

    private static List<String> arguments(
            JobSettings topics, String kafka, String jdbcUrl, String group) {
        return List.of(
                "run",
                "--kafka",
                kafka,
                "--jdbc-url",
                jdbcUrl,
                "--topic-customers",
                topics.customersTopic(),
                "--topic-identities",
                topics.identitiesTopic(),
                "--topic-web-events",
                topics.webEventsTopic(),
                "--topic-product-events",
                topics.productEventsTopic(),
                // each run's outputs apart: a run must not read the models another published
                "--topic-dead-letter",
                "scale.segflow.dead_letter." + group,
                "--topic-segments",
                "scale.segflow.customer_segments." + group,
                "--topic-models",
                "scale.segflow.segment_models." + group,
                "--group-id",
                group,
                "--bounded");
    }

    private static String awaitEnd(FlinkRestClient rest, String jobId) throws Exception {
        while (true) {
            String state = rest.jobState(jobId);
            switch (state) {
                case "FINISHED":
                    return state;
                case "FAILED":
                case "CANCELED":
                    throw new IllegalStateException(
                            "the job ended "
                                    + state
                                    + ": "
                                    + rest.get("/jobs/" + jobId + "/exceptions"));
                default:
                    Thread.sleep(250);
            }
        }
    }

    private static long count(EmbeddedPostgresDatabase postgres, String database) throws Exception {
        try (Connection connection = postgres.connect(database);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM customer_profile")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
