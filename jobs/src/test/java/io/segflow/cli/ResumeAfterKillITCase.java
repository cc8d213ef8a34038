package io.segflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.insight.InsightRun;
import io.segflow.pipeline.InsightJob;
import io.segflow.pipeline.JobSettings;
import io.segflow.segments.TrainerSettings;
import io.segflow.testing.PublishedModels;
import io.segflow.testing.RecordedHistory;
import io.segflow.testing.SegflowITCaseBase;
import io.segflow.testing.TopicContents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A machine lost mid-stream, again and again: {@code segflow run} is killed with SIGKILL three
 * times, each at a random point after a checkpoint, and started again with the same command in the
 * same directory; before the last start the consumer group's committed offsets are deleted, as if
 * the kill had come before the sources committed anything. Each start resumes from the latest
 * checkpoint it finds there, the last one commits the partitions that checkpoint had read to the
 * end (which no reader holds any more, FLINK-31006), and the run ends with what an uninterrupted
 * run writes: the same profiles, dead letters (none twice), segments under one frozen model and
 * live potential scores under one propensity version; no extra segment model version; the
 * dead-letter topic holds each dead letter once for a read_committed reader, and the segment
 * assignments topic converges to the table.
 */
class ResumeAfterKillITCase extends SegflowITCaseBase {

    private static final long MODEL_VERSION = 1_770_000_000_000L;
    private static final int KILLS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The customer_score columns the stream writes (the insight's label columns it leaves). */
    private static final String LIVE_SCORES =
            "SELECT customer_id, potential_score, model_version, top_drivers, percentile,"
                    + " base_value, segment_id, segment_model_version, segment_drivers,"
                    + " control_group, scored_by FROM customer_score ORDER BY customer_id";

    private static final String PROFILES = "SELECT * FROM customer_profile ORDER BY customer_id";
    private static final String DEAD_LETTERS =
            "SELECT id, source_topic, source_partition, source_offset, raw_payload, reason,"
                    + " received_at FROM dead_letter ORDER BY id";
    private static final String SEGMENTS =
            "SELECT customer_id, segment_id, segment_name, model_version FROM customer_segment"
                    + " ORDER BY customer_id";

    @Test
    void aRunKilledThreeTimesEndsWithTheRowsOfAnUninterruptedRun(
            @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path workDir) throws Exception {
        // the uninterrupted reference: the whole history once, an insight that publishes a
        // propensity version, then the whole history again, now scored live with that version
        JobSettings uninterrupted = frozen(freshSettings());
        createTopics(uninterrupted);
        PublishedModels.publishFourSegments(uninterrupted, MODEL_VERSION);
        RecordedHistory.Counts input;
        try (KafkaProducer<String, String> producer = kafka().newProducer()) {
            input = RecordedHistory.write(producer, uninterrupted, 6_000, 4, 13);
        }
        runBounded(uninterrupted);
        InsightJob.Outcome insight =
                new InsightJob(uninterrupted, InsightRun.Settings.defaults(), true)
                        .run(flinkEnvironment(), progress -> {});
        assertThat(insight.announced()).as("a propensity version was announced").isTrue();
        runBounded(uninterrupted);
        List<Map<String, Object>> profiles = query(uninterrupted, PROFILES);
        List<Map<String, Object>> deadLetters = query(uninterrupted, DEAD_LETTERS);
        List<Map<String, Object>> segments = query(uninterrupted, SEGMENTS);
        List<Map<String, Object>> scores = query(uninterrupted, LIVE_SCORES);
        assertThat(profiles).hasSize((int) (input.customers() - input.deletedCustomers()));
        assertThat(deadLetters).hasSize((int) input.malformed());
        assertThat(scores)
                .hasSize(profiles.size())
                .allSatisfy(row -> assertThat(row.get("scored_by")).isEqualTo("stream"));
        long segmentModels = modelVersions(uninterrupted);

        // the killed run: same input, database, models topic and propensity version; its own
        // consumer group, state and output topics; the reference's rows cleared
        JobSettings killed =
                uninterrupted
                        .withConsumerGroup(uninterrupted.consumerGroup() + "-killed")
                        .withDeadLetterTopic(uninterrupted.deadLetterTopic() + "-killed")
                        .withSegmentsTopic(uninterrupted.segmentsTopic() + "-killed");
        createTopics(killed);
        execute(killed, "TRUNCATE customer_profile, customer_segment, customer_score, dead_letter");

        Random random = new Random(42);
        Path checkpoints =
                Path.of(workDir.toString(), "segflow-state", killed.consumerGroup(), "checkpoints");
        int kills = 0;
        Process process = run(killed, workDir, "run0.txt");
        for (int attempt = 1; attempt <= KILLS; attempt++) {
            Set<Path> before = completedCheckpoints(checkpoints);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (completedCheckpoints(checkpoints).equals(before)
                    && process.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            // somewhere between this checkpoint and the next ones
            Thread.sleep(random.nextInt(3_000));
            if (!process.isAlive()) {
                break; // the run got to its end first
            }
            process.destroyForcibly(); // SIGKILL: no shutdown hook, no savepoint, no flush
            process.waitFor(1, TimeUnit.MINUTES);
            assertThat(process.exitValue()).isEqualTo(137);
            kills++;
            if (attempt == KILLS) {
                // as if the last kill came before the sources committed anything: the partitions
                // they had read to the end are held by no reader of the resumed run, so the run
                // commits them itself, or it never learns that it is done (FLINK-31006)
                forgetCommittedOffsets(killed);
            }
            process = run(killed, workDir, "run" + attempt + ".txt");
        }
        boolean finished = process.waitFor(8, TimeUnit.MINUTES);
        String printed = read(workDir.resolve("run" + kills + ".txt"));
        if (!finished) {
            process.destroyForcibly();
        }
        assertThat(finished).as("the last run finishes; output:%n%s", printed).isTrue();
        assertThat(process.exitValue()).as("exit code; output:%n%s", printed).isZero();
        assertThat(kills).as("kills before the history was read to its end").isEqualTo(KILLS);
        assertThat(printed)
                .contains("segflow: resuming from checkpoint " + checkpoints.toRealPath())
                // the models topic's two records are read in the first seconds of the first run
                .containsPattern(
                        "segflow: the checkpoint had read \\[.*"
                                + Pattern.quote(killed.modelsTopic())
                                + "-.*\\] to the end; their offsets committed for group "
                                + Pattern.quote(killed.consumerGroup()));

        assertThat(query(killed, PROFILES)).containsExactlyElementsOf(profiles);
        assertThat(query(killed, DEAD_LETTERS)).containsExactlyElementsOf(deadLetters);
        assertThat(query(killed, SEGMENTS)).containsExactlyElementsOf(segments);
        assertThat(query(killed, LIVE_SCORES)).containsExactlyElementsOf(scores);
        assertThat(modelVersions(killed))
                .as("a frozen model's replay publishes no version")
                .isEqualTo(segmentModels);

        List<String> deadLetterKeys =
                TopicContents.readCommitted(
                                killed.kafkaBootstrapServers(), killed.deadLetterTopic())
                        .stream()
                        .map(ConsumerRecord::key)
                        .toList();
        assertThat(deadLetterKeys)
                .as("each dead letter once on the topic")
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(
                        deadLetters.stream().map(row -> (String) row.get("id")).toList());
        Map<Long, Integer> latestSegment = new TreeMap<>();
        for (ConsumerRecord<String, String> record :
                TopicContents.readCommitted(
                        killed.kafkaBootstrapServers(), killed.segmentsTopic())) {
            long customer = JSON.readTree(record.key()).path("customer_id").asLong();
            if (record.value() == null) {
                latestSegment.remove(customer);
            } else {
                latestSegment.put(
                        customer, JSON.readTree(record.value()).path("segment_id").asInt());
            }
        }
        Map<Long, Integer> tableSegments = new TreeMap<>();
        segments.forEach(
                row ->
                        tableSegments.put(
                                (Long) row.get("customer_id"), (Integer) row.get("segment_id")));
        assertThat(latestSegment)
                .as("the assignments topic, compacted, is the customer_segment table")
                .isEqualTo(tableSegments);
    }

    /**
     * {@code java -jar segflow.jar run --bounded ...} in the directory, as a user starts it after a
     * crash.
     */
    private static Process run(JobSettings settings, Path workDir, String output) throws Exception {
        List<String> command = segflowJar("run", settings);
        command.addAll(
                List.of(
                        "--bounded",
                        "--group-id",
                        settings.consumerGroup(),
                        // checkpoints soon, so that the kill comes after some and before the end
                        "--checkpoint-interval",
                        "2s",
                        "--warm-start-version",
                        Long.toString(MODEL_VERSION),
                        "--freeze-model",
                        "--hysteresis",
                        "0"));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().put("SEGFLOW_JDBC_USER", "postgres");
        builder.environment()
                .put(PSEUDONYM_KEY_ENV, new String(TEST_PSEUDONYM_KEY, StandardCharsets.US_ASCII));
        builder.redirectOutput(workDir.resolve(output).toFile());
        return builder.start();
    }

    /**
     * The same frozen model as the command lines above: with hysteresis a customer's segment
     * depends on the order of their updates, without it only on their final profile.
     */
    private static JobSettings frozen(JobSettings settings) {
        return settings.withWarmStartVersion(MODEL_VERSION)
                .withTrainer(TrainerSettings.defaults().withFrozen(true).withHysteresis(0));
    }

    /** The completed checkpoints (those with their metadata written) under the directory. */
    private static Set<Path> completedCheckpoints(Path checkpoints) {
        if (!Files.isDirectory(checkpoints)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.walk(checkpoints, 3)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata"))
                    .collect(Collectors.toSet());
        } catch (IOException | UncheckedIOException changing) {
            return Set.of();
        }
    }

    /** Deletes every offset the run's consumer group has committed. */
    private static void forgetCommittedOffsets(JobSettings settings) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka().bootstrapServers()))) {
            Set<TopicPartition> partitions =
                    admin.listConsumerGroupOffsets(settings.consumerGroup())
                            .partitionsToOffsetAndMetadata()
                            .get(30, TimeUnit.SECONDS)
                            .keySet();
            admin.deleteConsumerGroupOffsets(settings.consumerGroup(), partitions)
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static long modelVersions(JobSettings settings) throws Exception {
        return (Long) query(settings, "SELECT count(*) AS n FROM segment_model").get(0).get("n");
    }

    private static void execute(JobSettings settings, String sql) throws Exception {
        String database = settings.jdbcUrl().substring(settings.jdbcUrl().lastIndexOf('/') + 1);
        try (Connection connection = postgres().connect(database);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String read(Path file) throws Exception {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
