package io.segflow.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.embedded.EmbeddedKafka;
import io.segflow.embedded.EmbeddedPostgresDatabase;
import io.segflow.infra.KafkaTopics;
import io.segflow.infra.TopicOffsets;
import io.segflow.insight.InsightRun;
import io.segflow.pipeline.InputTopics;
import io.segflow.pipeline.InsightJob;
import io.segflow.pipeline.JobSettings;
import io.segflow.pipeline.LocalCluster;
import io.segflow.pipeline.SegflowJob;
import io.segflow.segments.TrainerSettings;
import io.segflow.testing.CheckpointStats;
import io.segflow.testing.RecordedHistory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.util.TimeUtils;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * segflow against the simplest Flink SQL job over the same topics, in one run on one machine (not a
 * test: it prints figures). A seeded history of N customers ({@link RecordedHistory}: every event
 * type, CRM updates and deletes, late and re-pointed identity links, duplicates, malformed records)
 * is written once to an in-process broker; then, each on its own local MiniCluster of the same
 * parallelism, each into its own PostgreSQL database:
 *
 * <ol>
 *   <li>a bare Flink SQL baseline: the two event topics through Flink's JSON format, UNION ALL,
 *       GROUP BY the department's id (visitor or user), COUNT, a JDBC upsert into PostgreSQL;
 *   <li>segflow streaming, every option at its default (checkpoints on), reading the history to its
 *       end ({@code run --bounded});
 *   <li>segflow backfill (BATCH) over the same topics;
 *   <li>segflow streaming again, caught up with the history, then fed analytics events at a fixed
 *       rate: the delay from an event's write to Kafka to its customer's row in PostgreSQL.
 * </ol>
 *
 * <pre>
 * java -cp jobs/target/segflow.jar:benchmarks/target/benchmarks.jar io.segflow.benchmarks.StreamBenchmark \
 *     [customers=10000] [sessions each=4] [parallelism=2] [events/s=2000] [seconds of live input=60]
 * </pre>
 */
public final class StreamBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A run: its records, the seconds from submission to the end, and the seconds spent planning
     * before.
     */
    private record Timing(String name, long records, double seconds, double planning) {
        double rate() {
            return records / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        int customers = arg(args, 0, 10_000);
        int sessions = arg(args, 1, 4);
        int parallelism = arg(args, 2, 2);
        int rate = arg(args, 3, 2_000);
        int liveSeconds = arg(args, 4, 60);
        // an experiment with another checkpoint interval than the default (e.g. 2s); the figures
        // in docs/benchmarks.md are of the defaults
        checkpointInterval =
                args.length > 5 ? Duration.parse("PT" + args[5].toUpperCase(Locale.ROOT)) : null;
        System.out.printf(
                Locale.ROOT,
                "segflow stream benchmark: %,d customers, %d sessions each, parallelism %d, %,d"
                        + " events/s live for %d s%n",
                customers,
                sessions,
                parallelism,
                rate,
                liveSeconds);
        Path work = Files.createTempDirectory("segflow-benchmark");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                EmbeddedPostgresDatabase postgres = EmbeddedPostgresDatabase.start()) {
            JobSettings topics = settings(kafka, postgres, "bench_topics", work);
            List<String> all = new ArrayList<>(InputTopics.of(topics));
            all.addAll(
                    List.of(
                            topics.deadLetterTopic(),
                            topics.segmentsTopic(),
                            topics.modelsTopic()));
            KafkaTopics.ensure(kafka.bootstrapServers(), all, parallelism);

            long writing = System.nanoTime();
            RecordedHistory.Counts input;
            try (KafkaProducer<String, String> producer = bulkProducer(kafka.bootstrapServers())) {
                input = RecordedHistory.write(producer, topics, customers, sessions, 7);
            }
            long eventRecords;
            try (TopicOffsets offsets = new TopicOffsets(kafka.bootstrapServers())) {
                eventRecords =
                        offsets
                                .recordsHeld(
                                        List.of(
                                                topics.webEventsTopic(),
                                                topics.productEventsTopic()))
                                .values()
                                .stream()
                                .mapToLong(Long::longValue)
                                .sum();
            }
            long live = input.customers() - input.deletedCustomers();
            System.out.printf(
                    Locale.ROOT,
                    "history: %,d records (%,d of them analytics events), %,d customers (%,d left"
                            + " after deletes), written in %.1f s%n",
                    input.records(),
                    eventRecords,
                    input.customers(),
                    live,
                    seconds(System.nanoTime() - writing));

            // experiments: BENCH_PHASES=baseline,streaming,backfill,live,checkpoints (all by
            // default)
            String phases =
                    System.getenv()
                            .getOrDefault(
                                    "BENCH_PHASES", "baseline,streaming,backfill,live,checkpoints");
            Timing none = new Timing("(not run)", 0, Double.NaN, 0);
            Timing baseline =
                    phases.contains("baseline")
                            ? baseline(kafka, postgres, topics, parallelism, eventRecords)
                            : none;
            Streaming streaming =
                    phases.contains("streaming")
                            ? streaming(
                                    kafka,
                                    postgres,
                                    topics,
                                    parallelism,
                                    work,
                                    input.records(),
                                    live)
                            : new Streaming(none, 0, 0, "", 0, 0, 0, 0);
            // experiments: BENCH_PHASES=...,scored: the same stream again once an insight run has
            // published a propensity model, so that every profile update is also scored live
            Timing scored =
                    phases.contains("scored") && phases.contains("streaming")
                            ? scoredStreaming(
                                    kafka, postgres, topics, parallelism, work, input.records())
                            : none;
            Timing backfill =
                    phases.contains("backfill")
                            ? backfill(
                                    kafka,
                                    postgres,
                                    topics,
                                    parallelism,
                                    work,
                                    input.records(),
                                    live)
                            : none;
            Latency notRun = new Latency(0, 0, Double.NaN, Double.NaN, Double.NaN, 0);
            Latency latency =
                    phases.contains("live")
                            ? latency(
                                    kafka,
                                    postgres,
                                    topics,
                                    parallelism,
                                    work,
                                    input.customers(),
                                    live,
                                    rate,
                                    liveSeconds,
                                    "bench_live",
                                    null,
                                    false)
                            : notRun;
            // the baseline of the same run: rows written at checkpoints only
            Latency eager =
                    phases.contains("checkpoints")
                            ? latency(
                                    kafka,
                                    postgres,
                                    topics,
                                    parallelism,
                                    work,
                                    input.customers(),
                                    live,
                                    rate,
                                    liveSeconds,
                                    "bench_live_checkpoints",
                                    Duration.ZERO,
                                    false)
                            : notRun;
            // BENCH_PHASES=soak: the live phase with the defaults, a line a minute (freshness,
            // heap, checkpoints): does anything grow or fail when the job is left running?
            Latency soak =
                    phases.contains("soak")
                            ? latency(
                                    kafka,
                                    postgres,
                                    topics,
                                    parallelism,
                                    work,
                                    input.customers(),
                                    live,
                                    rate,
                                    liveSeconds,
                                    "bench_soak",
                                    null,
                                    true)
                            : notRun;
            if (phases.contains("soak")) {
                System.out.printf(
                        Locale.ROOT,
                        "soak, defaults: %,d events at %,d/s (%,.0f/s sent) for %d s; p50 %.2f s,"
                                + " p99 %.2f s, max %.2f s over %,d probes%n",
                        soak.sent,
                        rate,
                        soak.sentRate,
                        liveSeconds,
                        soak.p50,
                        soak.p99,
                        soak.max,
                        soak.samples);
            }

            System.out.println();
            System.out.println("| run | records | planning s | running s | records/s |");
            System.out.println("|---|---:|---:|---:|---:|");
            for (Timing t : List.of(baseline, streaming.timing, scored, backfill)) {
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %,d | %.1f | %.1f | %,.0f |%n",
                        t.name,
                        t.records,
                        t.planning,
                        t.seconds,
                        t.rate());
            }
            System.out.println();
            System.out.printf(
                    Locale.ROOT,
                    "segflow streaming / bare Flink SQL (records/s): %.2f (target >= 0.5)%n",
                    streaming.timing.rate() / baseline.rate());
            System.out.printf(
                    Locale.ROOT,
                    "backfill / streaming (records/s): %.2f (target >= 2)%n",
                    backfill.rate() / streaming.timing.rate());
            System.out.printf(
                    Locale.ROOT,
                    "streaming with live potential scores / streaming (records/s): %.2f%n",
                    scored.rate() / streaming.timing.rate());
            System.out.printf(
                    Locale.ROOT,
                    "state: largest checkpoint %,.1f MB = %,.0f bytes a customer; beyond the"
                            + " deduplication window %,.0f bytes a customer (target <= 2048); %s%n",
                    streaming.stateBytes / 1e6,
                    (double) streaming.stateBytes / input.customers(),
                    (double) (streaming.stateBytes - streaming.dedupBytes) / input.customers(),
                    streaming.byOperator);
            System.out.printf(
                    Locale.ROOT,
                    "checkpoints: %d completed, %d failed while running; duration mean %.1f s, max"
                            + " %.1f s%n",
                    streaming.checkpoints,
                    streaming.failedCheckpoints,
                    streaming.meanCheckpointSeconds,
                    streaming.maxCheckpointSeconds);
            System.out.printf(
                    Locale.ROOT,
                    "live, defaults: %,d events at %,d/s (%,.0f/s sent); event written -> customer"
                        + " row in PostgreSQL: p50 %.2f s, p99 %.2f s, max %.2f s over %,d probes"
                        + " (target p99 < 2 s)%n",
                    latency.sent,
                    rate,
                    latency.sentRate,
                    latency.p50,
                    latency.p99,
                    latency.max,
                    latency.samples);
            System.out.printf(
                    Locale.ROOT,
                    "live, --jdbc-flush-interval 0 (rows at checkpoints only): %,d events at %,d/s"
                            + " (%,.0f/s sent); p50 %.2f s, p99 %.2f s, max %.2f s over %,d"
                            + " probes; p99 defaults / checkpoints only: %.2f%n",
                    eager.sent,
                    rate,
                    eager.sentRate,
                    eager.p50,
                    eager.p99,
                    eager.max,
                    eager.samples,
                    latency.p99 / eager.p99);
            System.out.printf(
                    Locale.ROOT,
                    "machine: %d cores, load average %.1f, %s %s%n",
                    Runtime.getRuntime().availableProcessors(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    System.getProperty("java.vm.name"),
                    System.getProperty("java.vm.version"));
        }
        System.exit(0);
    }

    // ---- (a) the baseline -------------------------------------------------------------------

    private static Timing baseline(
            EmbeddedKafka kafka,
            EmbeddedPostgresDatabase postgres,
            JobSettings topics,
            int parallelism,
            long eventRecords)
            throws Exception {
        String database = "bench_baseline";
        postgres.createDatabase(database);
        try (Connection c = postgres.connect(database);
                Statement s = c.createStatement()) {
            s.execute(
                    "CREATE TABLE department_events (external_id TEXT PRIMARY KEY, events BIGINT)");
        }
        StreamExecutionEnvironment env = environment(JobSettings.defaults(), parallelism);
        env.enableCheckpointing(10_000);
        StreamTableEnvironment tableEnv = StreamTableEnvironment.create(env);
        for (String[] table :
                new String[][] {
                    {"web_events", topics.webEventsTopic(), "visitor_id"},
                    {"product_events", topics.productEventsTopic(), "user_id"}
                }) {
            tableEnv.executeSql(
                    "CREATE TABLE "
                            + table[0]
                            + " ("
                            + table[2]
                            + " STRING, event_id STRING, event_type STRING) WITH ("
                            + "'connector' = 'kafka', 'topic' = '"
                            + table[1]
                            + "', 'properties.bootstrap.servers' = '"
                            + kafka.bootstrapServers()
                            + "', 'properties.group.id' = 'bench-baseline', 'scan.startup.mode' ="
                            + " 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', 'format'"
                            + " = 'json', 'json.ignore-parse-errors' = 'true')");
        }
        tableEnv.executeSql(
                "CREATE TABLE department_events (external_id STRING, events BIGINT, PRIMARY KEY"
                        + " (external_id) NOT ENFORCED) WITH ('connector' = 'jdbc', 'url' = '"
                        + postgres.plainJdbcUrl(database)
                        + "', 'table-name' = 'department_events', 'username' = 'postgres',"
                        + " 'password' = '')");
        long start = System.nanoTime();
        JobClient job =
                tableEnv.executeSql(
                                "INSERT INTO department_events SELECT external_id, COUNT(*) FROM ("
                                    + " SELECT visitor_id AS external_id FROM web_events UNION ALL"
                                    + " SELECT user_id FROM product_events) WHERE external_id IS"
                                    + " NOT NULL GROUP BY external_id")
                        .getJobClient()
                        .orElseThrow();
        long submitted = System.nanoTime();
        job.getJobExecutionResult().get();
        double seconds = seconds(System.nanoTime() - submitted);
        System.out.printf(
                Locale.ROOT,
                "baseline: %.1f s, %,d rows%n",
                seconds,
                count(postgres, database, "department_events"));
        return new Timing(
                "bare Flink SQL: JSON, UNION ALL, GROUP BY id, COUNT, JDBC upsert",
                eventRecords,
                seconds,
                seconds(submitted - start));
    }

    // ---- (b) segflow streaming ----------------------------------------------------------------

    private record Streaming(
            Timing timing,
            long stateBytes,
            long dedupBytes,
            String byOperator,
            long checkpoints,
            long failedCheckpoints,
            double meanCheckpointSeconds,
            double maxCheckpointSeconds) {}

    private static Streaming streaming(
            EmbeddedKafka kafka,
            EmbeddedPostgresDatabase postgres,
            JobSettings topics,
            int parallelism,
            Path work,
            long records,
            long live)
            throws Exception {
        JobSettings settings =
                copyTopics(topics, settings(kafka, postgres, "bench_streaming", work))
                        .withConsumerGroup("bench-streaming")
                        .withBoundedMode("latest-offset")
                        // names that say what each SQL operator does, so that the state of the
                        // event
                        // deduplication can be told from the rest (nothing else changes)
                        .withFlinkConfiguration(
                                Map.of("table.exec.simplify-operator-name-enabled", "false"));
        long start = System.nanoTime();
        JobClient job = new SegflowJob(settings).start(environment(settings, parallelism));
        long submitted = System.nanoTime();
        URI rest = URI.create("http://localhost:" + restPort);
        CheckpointStats stats = new CheckpointStats(rest, job.getJobID());
        long largest = 0;
        long largestId = -1;
        Map<Long, Long> durations = new HashMap<>();
        long lastShown = System.nanoTime();
        while (isRunning(job)) {
            JsonNode history = get(rest, "/jobs/" + job.getJobID() + "/checkpoints");
            if (history == null && System.getenv("BENCH_DEBUG") != null) {
                System.out.println("  no checkpoint figures at " + rest);
            }
            if (history != null) {
                for (JsonNode checkpoint : history.path("history")) {
                    if ("COMPLETED".equals(checkpoint.path("status").asText())) {
                        durations.put(
                                checkpoint.path("id").asLong(),
                                checkpoint.path("end_to_end_duration").asLong());
                        if (checkpoint.path("state_size").asLong() > largest) {
                            largest = checkpoint.path("state_size").asLong();
                            largestId = checkpoint.path("id").asLong();
                        }
                    }
                }
            }
            stats.read().ifPresent(summary -> lastSummary = summary);
            Map<String, Long> byOperator =
                    largestId < 0 ? Map.of() : stateByOperator(rest, job, largestId);
            if (!byOperator.isEmpty()) {
                lastByOperator = byOperator;
            }
            if (System.nanoTime() - lastShown > TimeUnit.SECONDS.toNanos(15)) {
                lastShown = System.nanoTime();
                System.out.printf(
                        Locale.ROOT,
                        "  streaming: %.0f s, largest checkpoint so far %.1f MB%n",
                        seconds(lastShown - start),
                        largest / 1e6);
            }
            Thread.sleep(1_000);
        }
        job.getJobExecutionResult().get();
        double seconds = seconds(System.nanoTime() - submitted);
        long dedup = lastByOperator.getOrDefault("event deduplication", 0L);
        System.out.printf(
                Locale.ROOT,
                "streaming: %.1f s after %.1f s of planning, %,d profiles, %,d segments%n",
                seconds,
                seconds(submitted - start),
                count(postgres, "bench_streaming", "customer_profile"),
                count(postgres, "bench_streaming", "customer_segment"));
        LongSummary d = LongSummary.of(durations.values());
        return new Streaming(
                new Timing(
                        "segflow streaming, defaults, checkpoints on (run --bounded)",
                        records,
                        seconds,
                        seconds(submitted - start)),
                largest,
                dedup,
                lastByOperator.toString(),
                lastSummary.completed(),
                lastSummary.failedWhileRunning(),
                d.mean / 1000.0,
                d.max / 1000.0);
    }

    /**
     * The insight run on what the streaming phase wrote, announced on the models topic, then the
     * stream again over the whole history into the same database with a consumer group of its own:
     * every profile update is then scored live as well.
     */
    private static Timing scoredStreaming(
            EmbeddedKafka kafka,
            EmbeddedPostgresDatabase postgres,
            JobSettings topics,
            int parallelism,
            Path work,
            long records)
            throws Exception {
        JobSettings settings =
                copyTopics(topics, settings(kafka, postgres, "bench_streaming", work, false))
                        .withConsumerGroup("bench-streaming-scored")
                        .withBoundedMode("latest-offset");
        long fitting = System.nanoTime();
        InsightJob.Outcome insight =
                new InsightJob(settings, InsightRun.Settings.defaults(), true)
                        .run(StreamExecutionEnvironment.getExecutionEnvironment(), step -> {});
        System.out.printf(
                Locale.ROOT,
                "insight: %.1f s, propensity version %d (%s) announced: %b%n",
                seconds(System.nanoTime() - fitting),
                insight.result().version(),
                insight.result().propensity().map(p -> p.chosen().title()).orElse("none"),
                insight.announced());
        long start = System.nanoTime();
        JobClient job = new SegflowJob(settings).start(environment(settings, parallelism));
        long submitted = System.nanoTime();
        job.getJobExecutionResult().get();
        double seconds = seconds(System.nanoTime() - submitted);
        long live;
        try (Connection connection = postgres.connect("bench_streaming");
                Statement statement = connection.createStatement();
                ResultSet rs =
                        statement.executeQuery(
                                "SELECT count(*) FROM customer_score WHERE scored_by = 'stream'")) {
            rs.next();
            live = rs.getLong(1);
        }
        System.out.printf(
                Locale.ROOT,
                "streaming with live scores: %.1f s, %,d customer_score rows scored by the"
                        + " stream%n",
                seconds,
                live);
        return new Timing(
                "segflow streaming, live potential scores on (insight --kafka before)",
                records,
                seconds,
                seconds(submitted - start));
    }

    private static Map<String, Long> lastByOperator = Map.of();
    private static CheckpointStats.Summary lastSummary =
            new CheckpointStats.Summary(0, 0, 0, 0, 0, Duration.ZERO, null, List.of());

    /** False once the job ended, or the local cluster that ran it has shut down with it. */
    private static boolean isRunning(JobClient job) {
        try {
            return !job.getJobStatus().get().isGloballyTerminalState();
        } catch (Exception clusterGone) {
            return false;
        }
    }

    /** The state of a checkpoint by what holds it: the event deduplication, and the rest. */
    private static Map<String, Long> stateByOperator(URI rest, JobClient job, long checkpoint) {
        JsonNode details =
                get(rest, "/jobs/" + job.getJobID() + "/checkpoints/details/" + checkpoint);
        JsonNode vertices = get(rest, "/jobs/" + job.getJobID());
        if (details == null || vertices == null) {
            return Map.of();
        }
        Map<String, String> names = new HashMap<>();
        vertices.path("vertices")
                .forEach(v -> names.put(v.path("id").asText(), v.path("name").asText()));
        Map<String, Long> sizes = new TreeMap<>();
        details.path("tasks")
                .fields()
                .forEachRemaining(
                        task -> {
                            String name = names.getOrDefault(task.getKey(), "");
                            String holder =
                                    name.contains("groupBy=[event_id]")
                                            ? "event deduplication"
                                            : name.contains("segment")
                                                    ? "segmentation operators"
                                                    : "rest of the SQL";
                            sizes.merge(
                                    holder, task.getValue().path("state_size").asLong(), Long::sum);
                        });
        return sizes;
    }

    // ---- (c) backfill -----------------------------------------------------------------------

    private static Timing backfill(
            EmbeddedKafka kafka,
            EmbeddedPostgresDatabase postgres,
            JobSettings topics,
            int parallelism,
            Path work,
            long records,
            long live)
            throws Exception {
        JobSettings settings =
                copyTopics(topics, settings(kafka, postgres, "bench_backfill", work))
                        .withConsumerGroup("bench-backfill")
                        .withBackfill(true);
        long start = System.nanoTime();
        JobClient job = new SegflowJob(settings).start(environment(settings, parallelism));
        long submitted = System.nanoTime();
        job.getJobExecutionResult().get();
        double seconds = seconds(System.nanoTime() - submitted);
        System.out.printf(
                Locale.ROOT,
                "backfill: %.1f s, %,d profiles%n",
                seconds,
                count(postgres, "bench_backfill", "customer_profile"));
        return new Timing("segflow backfill (BATCH)", records, seconds, seconds(submitted - start));
    }

    // ---- (d) latency at a fixed rate ---------------------------------------------------------

    private record Latency(
            long sent, double sentRate, double p50, double p99, double max, int samples) {}

    private static Latency latency(
            EmbeddedKafka kafka,
            EmbeddedPostgresDatabase postgres,
            JobSettings topics,
            int parallelism,
            Path work,
            long customers,
            long live,
            int rate,
            int liveSeconds,
            String database,
            Duration jdbcFlush,
            boolean soak)
            throws Exception {
        JobSettings settings =
                copyTopics(topics, settings(kafka, postgres, database, work))
                        .withConsumerGroup(database.replace('_', '-'));
        if (jdbcFlush != null) { // null: the job's default
            settings = settings.withJdbcFlushInterval(jdbcFlush);
        }
        JobClient job = new SegflowJob(settings).start(environment(settings, parallelism));
        URI rest = URI.create("http://localhost:" + restPort);
        try (TopicOffsets offsets = new TopicOffsets(kafka.bootstrapServers())) {
            Map<TopicPartition, Long> ends = offsets.latest(InputTopics.of(settings));
            long start = System.nanoTime();
            while (!offsets.committedUpTo(settings.consumerGroup(), ends)
                    || count(postgres, database, "customer_profile") < live) {
                if (!isRunning(job)) {
                    throw new IllegalStateException("the live job stopped");
                }
                Thread.sleep(500);
            }
            System.out.printf(
                    Locale.ROOT,
                    "live: caught up with the history in %.1f s; now %,d events/s for %d s%n",
                    seconds(System.nanoTime() - start),
                    rate,
                    liveSeconds);
        }
        // probes: web events of customers with a web visitor, stamped with the time they are
        // written
        Map<Long, Long> pending =
                new ConcurrentHashMap<>(); // customer -> event time (ms) of its newest probe
        Map<Long, Long> writtenAt =
                new ConcurrentHashMap<>(); // customer -> nanoTime its newest probe was acknowledged
        Latencies latencies = new Latencies();
        Random random = new Random(11);
        long sent = 0;
        long begin = System.nanoTime();
        long end = begin + TimeUnit.SECONDS.toNanos(liveSeconds);
        Thread watcher =
                new Thread(
                        () ->
                                watch(
                                        postgres,
                                        database,
                                        pending,
                                        writtenAt,
                                        latencies,
                                        end + TimeUnit.SECONDS.toNanos(30)),
                        "latency-watcher");
        watcher.start();
        Thread reporter =
                new Thread(
                        () -> soakReport(rest, job, latencies, end, soakPeriod()), "soak-reporter");
        if (soak) {
            reporter.start();
        }
        long lastTime = 0;
        try (KafkaProducer<String, String> producer = kafka.newProducer()) {
            while (System.nanoTime() < end) {
                long customer;
                do {
                    customer = 1 + random.nextInt((int) customers);
                    // not deleted, and not one whose visitor the history re-points to another
                    // customer
                } while (RecordedHistory.deletes(customer)
                        || (customer >= 7 && (customer - 7) % 50 == 0));
                // distinct, increasing event times, so that each probe moves its customer's
                // updated_at
                long time = Math.max(System.currentTimeMillis(), lastTime + 1);
                lastTime = time;
                String visitor = "visitor-" + customer;
                String event =
                        "{\"event_id\":\""
                                + database
                                + "-probe-"
                                + sent
                                + "\",\"visitor_id\":\""
                                + visitor
                                + "\",\"session_id\":\"probe-s"
                                + customer
                                + "\",\"event_type\":\"page_view\",\"url\":\"https://example.com/probe\",\"event_time\":\""
                                + Instant.ofEpochMilli(time)
                                + "\"}";
                long c = customer;
                producer.send(
                        new ProducerRecord<>(settings.webEventsTopic(), visitor, event),
                        (metadata, error) -> {
                            if (error == null) {
                                pending.merge(c, time, Math::max);
                                writtenAt.put(c, System.nanoTime());
                            }
                        });
                sent++;
                long due = begin + (long) (sent * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
        }
        double sentRate = sent / seconds(System.nanoTime() - begin);
        watcher.join();
        if (soak) {
            reporter.join();
        }
        job.cancel().get(60, TimeUnit.SECONDS);
        Histogram whole = latencies.whole();
        if (whole.getTotalCount() == 0) {
            return new Latency(sent, sentRate, Double.NaN, Double.NaN, Double.NaN, 0);
        }
        return new Latency(
                sent,
                sentRate,
                Latencies.seconds(whole.getValueAtPercentile(50)),
                Latencies.seconds(whole.getValueAtPercentile(99)),
                Latencies.seconds(whole.getMaxValue()),
                (int) whole.getTotalCount());
    }

    /**
     * One line per period while the live phase runs: the p99 freshness of the probes seen in that
     * period, the heap in use after the last garbage collection of the old generation (the
     * MiniCluster runs in this JVM), and the job's checkpoints (completed, failed, size and
     * duration of the latest): the figures that grow or fail when a job leaks.
     */
    private static void soakReport(
            URI rest, JobClient job, Latencies latencies, long until, Duration period) {
        CheckpointStats stats = new CheckpointStats(rest, job.getJobID());
        long liveHeapEvery = liveHeapPeriodMinutes();
        long next = System.nanoTime() + period.toNanos();
        int minute = 0;
        System.out.println(
                "| minute | probes | p99 s | max s | heap used MB | live heap MB |"
                        + " checkpoints completed | failed | latest checkpoint MB | latest"
                        + " checkpoint s | at |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        try {
            while (System.nanoTime() < until + TimeUnit.SECONDS.toNanos(1)) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                next += period.toNanos();
                minute++;
                Histogram window = latencies.window();
                String liveHeap =
                        liveHeapEvery > 0 && minute % liveHeapEvery == 0
                                ? String.format(Locale.ROOT, "%,.0f", liveHeap() / 1e6)
                                : "";
                CheckpointStats.Summary summary = stats.read().orElse(lastSummary);
                System.out.printf(
                        Locale.ROOT,
                        "| %d | %,d | %.2f | %.2f | %,.0f | %s | %d | %d | %,.1f | %.1f | %tT |%n",
                        minute,
                        window.getTotalCount(),
                        window.getTotalCount() == 0
                                ? Double.NaN
                                : Latencies.seconds(window.getValueAtPercentile(99)),
                        window.getTotalCount() == 0
                                ? Double.NaN
                                : Latencies.seconds(window.getMaxValue()),
                        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6,
                        liveHeap,
                        summary.completed(),
                        summary.failed(),
                        summary.stateBytes() / 1e6,
                        summary.latestDuration().toMillis() / 1000.0,
                        LocalTime.now());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The heap that is still reachable: in use right after a full collection. G1 collects its old
     * generation only when the heap nears its limit, so what the old generation holds between those
     * collections is mostly garbage and says nothing of a leak; a full collection every few minutes
     * (BENCH_LIVE_HEAP_EVERY, 10 by default, 0 for never) does, at the cost of one pause that the
     * freshness of that minute shows.
     */
    private static long liveHeap() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** A line a minute; BENCH_SOAK_PERIOD=10s to see what a short live phase does. */
    private static Duration soakPeriod() {
        String period = System.getenv("BENCH_SOAK_PERIOD");
        return period == null || period.isBlank()
                ? Duration.ofMinutes(1)
                : TimeUtils.parseDuration(period.trim());
    }

    private static long liveHeapPeriodMinutes() {
        String every = System.getenv("BENCH_LIVE_HEAP_EVERY");
        return every == null || every.isBlank() ? 10 : Long.parseLong(every.trim());
    }

    /**
     * Event-to-row times of the probes, at millisecond resolution in fixed memory: the whole run's
     * (its percentiles at the end) and the soak report's window since its last reading.
     */
    static final class Latencies {
        private static final long HIGHEST_MILLIS = TimeUnit.HOURS.toMillis(2);
        private final Histogram whole = new ConcurrentHistogram(HIGHEST_MILLIS, 3);
        private final Recorder window = new Recorder(HIGHEST_MILLIS, 3);

        void record(long nanos) {
            long millis = Math.min(HIGHEST_MILLIS, Math.max(0, nanos / 1_000_000));
            whole.recordValue(millis);
            window.recordValue(millis);
        }

        Histogram whole() {
            return whole;
        }

        /** The probes seen since the last call. */
        Histogram window() {
            return window.getIntervalHistogram();
        }

        static double seconds(long millis) {
            return millis / 1000.0;
        }
    }

    /**
     * Polls for the customers whose row has reached their waiting probe, by primary key; a probe is
     * seen when its customer's updated_at reaches the probe's event time. Each customer's newest
     * probe is measured.
     */
    private static void watch(
            EmbeddedPostgresDatabase postgres,
            String database,
            Map<Long, Long> pending,
            Map<Long, Long> writtenAt,
            Latencies latencies,
            long until) {
        try (Connection connection = postgres.connect(database);
                PreparedStatement seen =
                        connection.prepareStatement(
                                "SELECT w.customer_id, w.probe FROM customer_profile AS p JOIN"
                                        + " unnest(?::bigint[], ?::bigint[]) AS w(customer_id,"
                                        + " probe) ON p.customer_id = w.customer_id"
                                        // updated_at is UTC without a zone, as epoch
                                        // milliseconds
                                        + " WHERE round(extract(epoch FROM p.updated_at) * 1000)"
                                        + " >= w.probe")) {
            while (System.nanoTime() < until
                    && (System.nanoTime() < until - TimeUnit.SECONDS.toNanos(30)
                            || !pending.isEmpty())) {
                // the waiting customers by key, and only those whose probe arrived: a scan for
                // recent updated_at (no index, so that the job's writes stay as cheap as in
                // production) read all 100,000 rows every poll, and reading every waiting row
                // back still took the benchmark's JVM 8 % of its samples from the job it measures
                List<Long> customers = new ArrayList<>(pending.size());
                List<Long> probes = new ArrayList<>(pending.size());
                pending.forEach(
                        (customer, probe) -> {
                            customers.add(customer);
                            probes.add(probe);
                        });
                if (!customers.isEmpty()) {
                    seen.setArray(
                            1, connection.createArrayOf("bigint", customers.toArray(new Long[0])));
                    seen.setArray(
                            2, connection.createArrayOf("bigint", probes.toArray(new Long[0])));
                    try (ResultSet rows = seen.executeQuery()) {
                        long now = System.nanoTime();
                        while (rows.next()) {
                            long customer = rows.getLong(1);
                            long probe = rows.getLong(2);
                            Long at = writtenAt.get(customer);
                            if (at != null && pending.remove(customer, probe)) {
                                latencies.record(now - at);
                            }
                        }
                    }
                }
                Thread.sleep(50);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot watch the profiles", e);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static Duration checkpointInterval;

    private static final byte[] BENCH_PSEUDONYM_KEY =
            "segflow-benchmark-pseudonym-key-0123456789".getBytes(StandardCharsets.US_ASCII);

    private static JobSettings settings(
            EmbeddedKafka kafka, EmbeddedPostgresDatabase postgres, String database, Path work)
            throws Exception {
        return settings(kafka, postgres, database, work, true);
    }

    /**
     * @param create false for the database of an earlier phase
     */
    private static JobSettings settings(
            EmbeddedKafka kafka,
            EmbeddedPostgresDatabase postgres,
            String database,
            Path work,
            boolean create)
            throws Exception {
        if (create) {
            postgres.createDatabase(database);
        }
        // pseudonyms as in production (their cost is part of what is measured)
        JobSettings settings = JobSettings.defaults().withPseudonymKey(BENCH_PSEUDONYM_KEY);
        if (checkpointInterval != null) {
            settings = settings.withCheckpointInterval(checkpointInterval);
        }
        // experiments: BENCH_EMIT_EVERY=120 makes a model version every 120 mini-batches of the
        // trainer (each one re-scores every customer when a checkpoint publishes it)
        String emitEvery = System.getenv("BENCH_EMIT_EVERY");
        if (emitEvery != null) {
            TrainerSettings t = settings.trainer();
            settings =
                    settings.withTrainer(
                            new TrainerSettings(
                                    t.k(),
                                    t.batchSize(),
                                    t.batchMaxWait(),
                                    t.decayFactor(),
                                    t.halfLifePoints(),
                                    t.reseedRatio(),
                                    t.initSize(),
                                    t.sampleCapacity(),
                                    Integer.parseInt(emitEvery.trim()),
                                    t.hysteresis(),
                                    t.seed(),
                                    t.frozen(),
                                    t.drift()));
        }
        // experiments: BENCH_MINI_BATCH_LATENCY=0s turns mini-batch off
        String miniBatch = System.getenv("BENCH_MINI_BATCH_LATENCY");
        if (miniBatch != null) {
            settings =
                    settings.withMiniBatchLatency(
                            Duration.parse("PT" + miniBatch.toUpperCase(Locale.ROOT)));
        }
        // experiments: BENCH_JDBC_FLUSH=0s writes at checkpoints only, without the undo log (the
        // checkpoints phase sets its own)
        String jdbcFlush = System.getenv("BENCH_JDBC_FLUSH");
        if (jdbcFlush != null) {
            settings =
                    settings.withJdbcFlushInterval(
                            Duration.parse("PT" + jdbcFlush.toUpperCase(Locale.ROOT)));
        }
        // experiments: BENCH_DEDUP_WINDOW=5m, so that a soak sees the window fill and expire
        String dedupWindow = System.getenv("BENCH_DEDUP_WINDOW");
        if (dedupWindow != null) {
            settings =
                    settings.withDedupWindow(
                            Duration.parse("PT" + dedupWindow.toUpperCase(Locale.ROOT)));
        }
        return settings.withKafkaBootstrapServers(kafka.bootstrapServers())
                // experiments: BENCH_JDBC_PARAMS="?reWriteBatchedInserts=true" for the job's URL
                .withJdbcUrl(
                        postgres.plainJdbcUrl(database)
                                + System.getenv().getOrDefault("BENCH_JDBC_PARAMS", ""))
                .withJdbcUser(EmbeddedPostgresDatabase.USER)
                .withCustomersTopic("bench.crm.public.customers")
                .withIdentitiesTopic("bench.crm.public.customer_identities")
                .withWebEventsTopic("bench.web.events")
                .withProductEventsTopic("bench.product.events")
                .withDeadLetterTopic("bench.segflow.dead_letter")
                .withSegmentsTopic("bench.segflow.customer_segments")
                .withModelsTopic("bench.segflow.segment_models")
                .withSqlDirectory(repositorySql())
                .withStateDirectory(work.resolve(database).toString());
    }

    private static JobSettings copyTopics(JobSettings from, JobSettings to) {
        // every topic set, those of sources a changed SQL adds too
        return to.withTopics(from.topics());
    }

    /**
     * The local cluster that {@code run} starts (LocalCluster, with its managed memory), one slot
     * per subtask, for the baseline as for segflow.
     */
    private static StreamExecutionEnvironment environment(JobSettings settings, int parallelism)
            throws IOException {
        Map<String, String> flink = new HashMap<>(settings.flinkConfiguration());
        flink.put(TaskManagerOptions.NUM_TASK_SLOTS.key(), Integer.toString(parallelism));
        // experiments: BENCH_FLINK="key=value,key=value" for the local cluster
        String extra = System.getenv("BENCH_FLINK");
        if (extra != null && !extra.isBlank()) {
            for (String pair : extra.split(",")) {
                String[] kv = pair.split("=", 2);
                flink.put(kv[0].trim(), kv[1].trim());
            }
        }
        restPort = freePort();
        return LocalCluster.withWebUi(settings.withFlinkConfiguration(flink), restPort)
                .setParallelism(parallelism);
    }

    /** The REST port of the next local cluster, so that its checkpoint figures can be read. */
    private static int restPort;

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static JsonNode get(URI rest, String path) {
        try {
            HttpResponse<String> response =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(rest.resolve(path))
                                            .timeout(Duration.ofSeconds(5))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static KafkaProducer<String, String> bulkProducer(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        return new KafkaProducer<>(props);
    }

    private static long count(EmbeddedPostgresDatabase postgres, String database, String table)
            throws Exception {
        try (Connection c = postgres.connect(database);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private record LongSummary(double mean, long max) {
        static LongSummary of(Collection<Long> values) {
            return new LongSummary(
                    values.stream().mapToLong(Long::longValue).average().orElse(0),
                    values.stream().mapToLong(Long::longValue).max().orElse(0));
        }
    }

    private static Path repositorySql() {
        Path sql = Path.of("sql");
        return Files.isDirectory(sql) ? sql.toAbsolutePath() : null;
    }

    private static int arg(String[] args, int index, int fallback) {
        return args.length > index ? Integer.parseInt(args[index]) : fallback;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
