package io.segflow.cli;

import io.segflow.demo.ConsoleView;
import io.segflow.demo.DemoGenerator;
import io.segflow.demo.DemoStatus;
import io.segflow.demo.DemoStatusProbe;
import io.segflow.demo.QuietConsole;
import io.segflow.embedded.EmbeddedKafka;
import io.segflow.embedded.EmbeddedPostgresDatabase;
import io.segflow.pipeline.InputTopics;
import io.segflow.pipeline.JobSettings;
import io.segflow.pipeline.LocalCluster;
import io.segflow.pipeline.SegflowJob;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The whole stack on this machine: an in-process Kafka broker, an embedded PostgreSQL, a generator
 * of CRM changes and analytics events, and the streaming job on a local Flink MiniCluster, exactly
 * as `run` builds it.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Run the streaming job on an embedded Kafka, PostgreSQL and Flink, fed by generated"
                        + " data. Ctrl-C stops everything.")
final class DemoCommand implements Callable<Integer> {

    @Option(
            names = "--customers",
            defaultValue = "2000",
            description = "Customers in the generated CRM. Default: ${DEFAULT-VALUE}.")
    int customers;

    @Option(
            names = "--rate",
            defaultValue = "500",
            description = "Analytics events per second. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(
            names = "--generator-seed",
            defaultValue = "42",
            description = "Random seed of the data generator. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--duration",
            description = "Stop by itself after this long (e.g. 2m); default: run until Ctrl-C.")
    Duration duration;

    @Option(
            names = "--web-ui-port",
            defaultValue = "8081-8099",
            description = "Port (or range) of the Flink web UI. Default: ${DEFAULT-VALUE}.")
    String webUiPort;

    @Option(
            names = "--drift",
            defaultValue = "0",
            paramLabel = "SHARE",
            description =
                    "Share of the customers per minute who become power users (newcomers arrive"
                            + " in the mix of the moment), so that segments drift (e.g. 0.05)."
                            + " Default: ${DEFAULT-VALUE}.")
    double drift;

    @Option(
            names = "--plain",
            description =
                    "Print a status line every "
                            + PLAIN_REFRESH_SECONDS
                            + " s instead of redrawing the console view every second (automatic"
                            + " when the output is not a terminal).")
    boolean plain;

    @Mixin JobOptions job;

    @Mixin TopicOptions topics;

    @Mixin StreamOptions stream;

    @Mixin TrainerOptions trainer;

    private static final int PLAIN_REFRESH_SECONDS = 5;

    /**
     * No call to the local cluster may hold up a Ctrl-C: the JVM waits for our cleanup only so
     * long.
     */
    private static final int CLIENT_TIMEOUT_SECONDS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);
    private volatile long stopStart;

    @Override
    public Integer call() throws Exception {
        QuietConsole.warningsOnly();
        System.out.println("segflow demo: starting Kafka and PostgreSQL in this JVM ...");
        try {
            return runDemo();
        } catch (Throwable e) {
            if (stop.getCount() > 0) {
                throw e;
            }
            // Ctrl-C: the embedded PostgreSQL and Flink have shutdown hooks of their own, which
            // run at the same time as ours; a resource already stopped by them fails to close
            System.out.println(
                    "segflow demo: stopped ("
                            + e.getClass().getSimpleName()
                            + " while closing: already stopped by its own hook)");
            return 0;
        } finally {
            stopped.countDown();
        }
    }

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    static byte[] randomPseudonymKey() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random).getBytes(StandardCharsets.US_ASCII);
    }

    private int runDemo() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                EmbeddedPostgresDatabase postgres = EmbeddedPostgresDatabase.start()) {
            String database = "segflow";
            postgres.createDatabase(database);
            // the broker and the database are new every time: so is the state, never resumed
            Path stateDirectory = Files.createTempDirectory("segflow-demo-state");
            stateDirectory.toFile().deleteOnExit();
            JobSettings settings =
                    trainer.applyTo(
                                    stream.applyTo(
                                            topics.applyTo(job.applyTo(JobSettings.defaults()))))
                            .withKafkaBootstrapServers(kafka.bootstrapServers())
                            .withJdbcUrl(postgres.plainJdbcUrl(database))
                            .withJdbcUser(EmbeddedPostgresDatabase.USER)
                            .withJdbcPassword("")
                            .withStateDirectory(stateDirectory.toString())
                            // pseudonyms as in production, with a key that lives as long as this
                            // run's broker, database and state
                            .withPseudonymKey(randomPseudonymKey());

            int uiPort = freePort(webUiPort);
            StreamExecutionEnvironment env = LocalCluster.withWebUi(settings, uiPort);
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
                                    true)
                            .withDrift(drift);
            Thread generatorThread = new Thread(generator, "demo-generator");
            generatorThread.setDaemon(true);
            generatorThread.start();

            JobClient client = env.executeAsync(SegflowJob.JOB_NAME);
            // Ctrl-C runs this hook; holding it until the cleanup below is done keeps the JVM alive
            // long enough to cancel the job and stop the broker and the database in order
            Thread hook =
                    new Thread(
                            () -> {
                                stop.countDown();
                                try {
                                    stopped.await(60, TimeUnit.SECONDS);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            },
                            "demo-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);

            String jdbcUrl = postgres.plainJdbcUrl(database);
            List<String> header =
                    List.of(
                            "segflow demo: "
                                    + customers
                                    + " customers (fast-forward: each has a history, and a"
                                    + " fifth of them are replaced a minute), "
                                    + (long) rate
                                    + " events/s"
                                    + (drift > 0
                                            ? ", drift " + drift + " of the customers per minute"
                                            : "")
                                    + "  (Ctrl-C stops everything)",
                            "  Flink web UI : http://localhost:" + uiPort,
                            "  Kafka        : " + kafka.bootstrapServers(),
                            "  JDBC URL     : " + jdbcUrl + "  (user postgres, no password)",
                            "  psql         : psql -h localhost -p "
                                    + postgres.port()
                                    + " -U postgres "
                                    + database
                                    + " -c 'SELECT segment_name, count(*) FROM customer_segment"
                                    + " GROUP BY 1'",
                            "  retrain      : ./segflow retrain --kafka "
                                    + kafka.bootstrapServers()
                                    + " --jdbc-url "
                                    + jdbcUrl
                                    + "  (the model version above changes within seconds)",
                            "  insight      : ./segflow insight --jdbc-url "
                                    + jdbcUrl
                                    + " --kafka "
                                    + kafka.bootstrapServers()
                                    + "  (potential scores, then updated live; segment"
                                    + " profiles, value of each source)",
                            "  targets      : ./segflow targets --jdbc-url "
                                    + jdbcUrl
                                    + " --top 20  (after insight: who to contact first)",
                            "  logs         : logs/segflow.log",
                            "");
            boolean live = !plain && System.console() != null;
            ConsoleView view = new ConsoleView(header);
            if (!live) {
                header.forEach(System.out::println);
            }
            long deadline =
                    duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
            // every input table of the SQL, a source of the user's own too (its lag counts)
            List<String> inputTopics = InputTopics.of(settings);
            try (DemoStatusProbe probe =
                    new DemoStatusProbe(
                            kafka.bootstrapServers(),
                            inputTopics,
                            settings.consumerGroup(),
                            jdbcUrl,
                            EmbeddedPostgresDatabase.USER,
                            "")) {
                int refreshes = 0;
                while (!stop.await(1, TimeUnit.SECONDS) && System.nanoTime() < deadline) {
                    refreshes++;
                    DemoStatus status =
                            probe.sample(
                                    status(client)); // every second, so that rates are per second
                    if (live) {
                        System.out.print(view.screen(status));
                        System.out.flush();
                    } else if (refreshes % PLAIN_REFRESH_SECONDS == 0) {
                        System.out.println(ConsoleView.summary(status));
                    }
                }
                if (stop.getCount() > 0) {
                    // the final state, for the scrollback and for whoever reads the output file (on
                    // Ctrl-C the database is already going down with its own shutdown hook)
                    System.out.println(ConsoleView.summary(probe.sample(status(client))));
                }
            }
            System.out.println("segflow demo: stopping ...");
            stopStart = System.nanoTime();
            generator.stop();
            if (isRunning(client)) {
                try {
                    client.cancel().get(CLIENT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (Exception alreadyStopping) {
                    // it finished or failed on its own meanwhile; the wait below covers both
                }
            }
            // the databases close with this block: let the job's sinks finish first
            long stopDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < stopDeadline && isRunning(client)) {
                Thread.sleep(100);
            }
            LOG.info(
                    "Demo job stopped {} ms after the stop request",
                    (System.nanoTime() - stopStart) / 1_000_000);
            deleteRecursively(stateDirectory);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the JVM is already on its way out
            }
        }
        LOG.info(
                "Kafka and PostgreSQL stopped {} ms after the stop request",
                (System.nanoTime() - stopStart) / 1_000_000);
        System.out.println("segflow demo: stopped");
        return 0;
    }

    private static void deleteRecursively(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // a temporary directory: the system cleans it up eventually
        }
    }

    /**
     * The first free port of a range like 8081-8099, so that the printed address is the real one.
     */
    static int freePort(String range) {
        String[] bounds = range.split("-");
        int first = Integer.parseInt(bounds[0].trim());
        int last = bounds.length > 1 ? Integer.parseInt(bounds[1].trim()) : first;
        for (int port = first; port <= last; port++) {
            try (ServerSocket socket = new ServerSocket(port)) {
                return port;
            } catch (IOException taken) {
                // try the next one
            }
        }
        throw new picocli.CommandLine.ParameterException(
                new picocli.CommandLine(new DemoCommand()),
                "no free port for the web UI in " + range + "; choose another with --web-ui-port");
    }

    private static String status(JobClient client) {
        try {
            return client.getJobStatus().get(CLIENT_TIMEOUT_SECONDS, TimeUnit.SECONDS).toString();
        } catch (Exception clusterGone) {
            return "STOPPED (see logs/segflow.log)";
        }
    }

    /** False once the job has stopped, or the local cluster that ran it has shut down. */
    private static boolean isRunning(JobClient client) {
        try {
            return !client.getJobStatus()
                    .get(CLIENT_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .isGloballyTerminalState();
        } catch (Exception clusterGone) {
            return false;
        }
    }
}
