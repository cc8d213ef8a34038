package io.segflow.benchmark;

import io.segflow.embedded.EmbeddedKafka;
import io.segflow.embedded.EmbeddedPostgresDatabase;
import io.segflow.embedded.RecordedHistory;
import io.segflow.infra.KafkaTopics;
import io.segflow.infra.TopicOffsets;
import io.segflow.pipeline.JobSettings;
import io.segflow.pipeline.SegflowJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Backfill against streaming over the same recorded input, in one run (not a test): a seeded
 * history is written once to an in-process Kafka broker; the streaming job reads it from the
 * start until its consumer group has committed the end of every partition (all its results are
 * then in PostgreSQL), and the backfill reads the same topics into another database. Both run
 * on a local MiniCluster of the same parallelism, timed from submission, and print records/s.
 *
 * <pre>
 * java -cp jobs/target/segflow.jar io.segflow.benchmark.BackfillBenchmark [customers] [sessions per customer] [parallelism]
 * </pre>
 */
public final class BackfillBenchmark {

    /** Streaming is caught up at a checkpoint: short, so its figure is not mostly waiting. */
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(2);

    public static void main(String[] args) throws Exception {
        int customers = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int sessions = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int parallelism = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); EmbeddedPostgresDatabase postgres = EmbeddedPostgresDatabase.start()) {
            JobSettings streaming = settings(kafka, postgres, "bench_streaming").consumerGroup("bench-streaming");
            JobSettings backfill = settings(kafka, postgres, "bench_backfill").consumerGroup("bench-streaming-backfill").backfill(true);
            List<String> topics = new ArrayList<>(streaming.inputTopics());
            topics.add(streaming.deadLetterTopic());
            topics.add(streaming.segmentsTopic());
            KafkaTopics.ensure(kafka.bootstrapServers(), topics, parallelism);

            long writing = System.nanoTime();
            RecordedHistory.Counts input;
            try (KafkaProducer<String, String> producer = bulkProducer(kafka.bootstrapServers())) {
                input = RecordedHistory.write(producer, streaming, customers, sessions, 7);
            }
            System.out.printf(Locale.ROOT, "recorded %,d records (%,d customers, %d partitions a topic) in %.1f s%n",
                    input.records(), input.customers(), parallelism, seconds(System.nanoTime() - writing));

            // plan both graphs once first, so that neither run pays for a cold planner alone
            new SegflowJob(streaming).build(environment(parallelism));
            new SegflowJob(backfill).build(environment(parallelism));
            long expectedProfiles = input.customers() - input.deletedCustomers();
            double streamingSeconds = runStreaming(streaming, parallelism, postgres, expectedProfiles);
            double backfillSeconds = runBackfill(backfill, parallelism);
            long profiles = count(postgres, "bench_streaming", "customer_profile");
            long rebuilt = count(postgres, "bench_backfill", "customer_profile");
            System.out.printf(Locale.ROOT, "%nstreaming (until caught up): %6.1f s  %,9.0f records/s  (%,d profiles)%n",
                    streamingSeconds, input.records() / streamingSeconds, profiles);
            System.out.printf(Locale.ROOT, "backfill (BATCH)           : %6.1f s  %,9.0f records/s  (%,d profiles)%n",
                    backfillSeconds, input.records() / backfillSeconds, rebuilt);
            System.out.printf(Locale.ROOT, "backfill / streaming       : %.2f x%n", streamingSeconds / backfillSeconds);
            System.out.printf(Locale.ROOT, "machine: %d cores, load average %.1f, %s%n", Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), System.getProperty("java.vm.version"));
        }
        System.exit(0);
    }

    private static JobSettings settings(EmbeddedKafka kafka, EmbeddedPostgresDatabase postgres, String database) throws Exception {
        postgres.createDatabase(database);
        return new JobSettings()
                .kafkaBootstrapServers(kafka.bootstrapServers())
                .jdbcUrl(postgres.plainJdbcUrl(database))
                .jdbcUser(EmbeddedPostgresDatabase.USER)
                .customersTopic("bench.crm.public.customers")
                .identitiesTopic("bench.crm.public.customer_identities")
                .webEventsTopic("bench.web.events")
                .productEventsTopic("bench.product.events")
                .deadLetterTopic("bench.segflow.dead_letter")
                .segmentsTopic("bench.segflow.customer_segments")
                .sqlDirectory(repositorySql())
                .checkpointInterval(CHECKPOINT_INTERVAL);
    }

    /**
     * Caught up: the group has committed the end of every partition and PostgreSQL holds every
     * customer's profile and segment. Committed offsets alone are not enough with unaligned
     * checkpoints, whose in-flight records are state, not yet written results.
     */
    private static double runStreaming(JobSettings settings, int parallelism, EmbeddedPostgresDatabase postgres,
            long expectedProfiles) throws Exception {
        try (TopicOffsets offsets = new TopicOffsets(settings.kafkaBootstrapServers())) {
            Map<TopicPartition, Long> ends = offsets.latest(settings.inputTopics());
            long start = System.nanoTime();
            JobClient job = new SegflowJob(settings).start(environment(parallelism));
            long total = ends.values().stream().mapToLong(Long::longValue).sum();
            long lastShown = start;
            while (!offsets.committedUpTo(settings.consumerGroup(), ends)
                    || count(postgres, "bench_streaming", "customer_profile") < expectedProfiles
                    || count(postgres, "bench_streaming", "customer_segment") < expectedProfiles) {
                if (System.nanoTime() - lastShown > TimeUnit.SECONDS.toNanos(5)) {
                    lastShown = System.nanoTime();
                    long committed = offsets.committed(settings.consumerGroup()).values().stream().mapToLong(Long::longValue).sum();
                    System.out.printf(Locale.ROOT, "  streaming: %.0f s, %,d of %,d records committed%n", seconds(lastShown - start), committed, total);
                }
                if (job.getJobStatus().get().isGloballyTerminalState()) {
                    throw new IllegalStateException("the streaming job stopped: " + job.getJobStatus().get());
                }
                Thread.sleep(100);
            }
            long caughtUp = System.nanoTime();
            job.cancel().get(60, TimeUnit.SECONDS);
            return seconds(caughtUp - start);
        }
    }

    private static double runBackfill(JobSettings settings, int parallelism) throws Exception {
        long start = System.nanoTime();
        new SegflowJob(settings).start(environment(parallelism)).getJobExecutionResult().get();
        return seconds(System.nanoTime() - start);
    }

    private static StreamExecutionEnvironment environment(int parallelism) {
        Configuration flink = new Configuration();
        flink.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
        // under backpressure an aligned barrier waits behind every buffered record, and streaming
        // is only known to be caught up when a checkpoint completes
        flink.set(CheckpointingOptions.ENABLE_UNALIGNED, true);
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, flink);
    }

    /** A producer for writing a history fast: big batches, several in flight (topics already have leaders). */
    private static KafkaProducer<String, String> bulkProducer(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        return new KafkaProducer<>(props);
    }

    private static long count(EmbeddedPostgresDatabase postgres, String database, String table) throws Exception {
        try (var connection = postgres.connect(database); var statement = connection.createStatement();
                var rs = statement.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Path repositorySql() {
        Path sql = Path.of("sql");
        return Files.isDirectory(sql) ? sql.toAbsolutePath() : null;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
