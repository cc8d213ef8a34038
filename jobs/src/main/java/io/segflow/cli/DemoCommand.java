package io.segflow.cli;

import io.segflow.embedded.DemoGenerator;
import io.segflow.embedded.EmbeddedKafka;
import io.segflow.embedded.EmbeddedPostgresDatabase;
import io.segflow.pipeline.JobSettings;
import io.segflow.pipeline.SegflowJob;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The whole stack on this machine: an in-process Kafka broker, an embedded PostgreSQL, a
 * generator of CRM changes and analytics events, and the streaming job on a local Flink
 * MiniCluster, exactly as `run` builds it.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Run the streaming job on an embedded Kafka, PostgreSQL and Flink, fed by generated data. Ctrl-C stops everything.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--customers", defaultValue = "2000", description = "Customers in the generated CRM. Default: ${DEFAULT-VALUE}.")
    int customers;

    @Option(names = "--rate", defaultValue = "500", description = "Analytics events per second. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(names = "--generator-seed", defaultValue = "42", description = "Random seed of the data generator. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--duration", description = "Stop by itself after this long (e.g. 2m); default: run until Ctrl-C.")
    Duration duration;

    @Option(names = "--web-ui-port", defaultValue = "8081-8099", description = "Port (or range) of the Flink web UI. Default: ${DEFAULT-VALUE}.")
    String webUiPort;

    @Mixin JobOptions job;

    @Override
    public Integer call() throws Exception {
        System.out.println("segflow demo: starting Kafka and PostgreSQL in this JVM ...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                EmbeddedPostgresDatabase postgres = EmbeddedPostgresDatabase.start()) {
            String database = "segflow";
            postgres.createDatabase(database);
            JobSettings settings =
                    job.applyTo(new JobSettings())
                            .kafkaBootstrapServers(kafka.bootstrapServers())
                            .jdbcUrl(postgres.plainJdbcUrl(database))
                            .jdbcUser(EmbeddedPostgresDatabase.USER)
                            .jdbcPassword("");

            Configuration flink = new Configuration();
            flink.set(RestOptions.BIND_PORT, webUiPort);
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
            SegflowJob segflow = new SegflowJob(settings);
            var pipeline = segflow.build(env);
            segflow.prepare(pipeline);

            DemoGenerator generator =
                    new DemoGenerator(
                            kafka.newProducer(),
                            new DemoGenerator.Topics(
                                    settings.customersTopic(),
                                    settings.identitiesTopic(),
                                    settings.webEventsTopic(),
                                    settings.productEventsTopic()),
                            customers,
                            rate,
                            seed,
                            true);
            Thread generatorThread = new Thread(generator, "demo-generator");
            generatorThread.setDaemon(true);
            generatorThread.start();

            JobClient client = env.executeAsync(SegflowJob.JOB_NAME);
            CountDownLatch stop = new CountDownLatch(1);
            Thread hook = new Thread(stop::countDown, "demo-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);

            System.out.println();
            System.out.println("segflow demo is running (Ctrl-C to stop)");
            System.out.println("  Flink web UI : http://localhost:" + webUiPort + " (first free port)");
            System.out.println("  Kafka        : " + kafka.bootstrapServers());
            System.out.println("  PostgreSQL   : " + postgres.plainJdbcUrl(database) + " (user postgres, no password)");
            System.out.println("  psql         : psql -h localhost -p " + postgres.port() + " -U postgres " + database
                    + " -c 'SELECT * FROM customer_profile LIMIT 10'");
            System.out.println();

            long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
            long lastEvents = 0;
            long lastTime = System.nanoTime();
            while (!stop.await(2, java.util.concurrent.TimeUnit.SECONDS) && System.nanoTime() < deadline) {
                long now = System.nanoTime();
                long events = generator.eventsSent();
                double perSecond = (events - lastEvents) / ((now - lastTime) / 1e9);
                lastEvents = events;
                lastTime = now;
                System.out.printf(
                        "events sent %,d (%.0f/s)  CRM changes %,d  profiles %,d  segmented %,d  model versions %,d  dead letters %,d  job %s%n",
                        events, perSecond, generator.changesSent(),
                        count(postgres, database, "customer_profile"),
                        count(postgres, database, "customer_segment"),
                        count(postgres, database, "segment_model"),
                        count(postgres, database, "dead_letter"),
                        status(client));
            }
            System.out.println("segflow demo: stopping ...");
            generator.stop();
            if (isRunning(client)) {
                try {
                    client.cancel().get();
                } catch (Exception alreadyStopping) {
                    // it finished or failed on its own meanwhile; the wait below covers both
                }
            }
            // the databases close with this block: let the job's sinks finish first
            long stopDeadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < stopDeadline && isRunning(client)) {
                Thread.sleep(100);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the JVM is already on its way out
            }
        }
        System.out.println("segflow demo: stopped");
        return 0;
    }

    private static String status(JobClient client) {
        try {
            return client.getJobStatus().get().toString();
        } catch (Exception clusterGone) {
            return "STOPPED (see logs/segflow.log)";
        }
    }

    /** False once the job has stopped, or the local cluster that ran it has shut down. */
    private static boolean isRunning(JobClient client) {
        try {
            return !client.getJobStatus().get().isGloballyTerminalState();
        } catch (Exception clusterGone) {
            return false;
        }
    }

    private static long count(EmbeddedPostgresDatabase postgres, String database, String table) {
        try (Connection connection = postgres.connect(database);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }
}
