package io.segflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.cli.SourceRecordsRead;
import io.segflow.infra.TopicOffsets;
import io.segflow.segments.TrainerSettings;
import io.segflow.testing.PublishedModels;
import io.segflow.testing.RecordedHistory;
import io.segflow.testing.SegflowITCaseBase;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Backfill and streaming over the same recorded input agree: the history is written to Kafka once,
 * the streaming job reads it until its consumer group has committed the end of every partition (its
 * sinks have then flushed everything), and the backfill (BATCH runtime mode) reads the same topics
 * into a second, fresh database. Profiles must be identical row for row, dead letters too, and with
 * one frozen model so must every customer's segment.
 */
class BackfillParityITCase extends SegflowITCaseBase {

    private static final int CUSTOMERS = 300;
    private static final long MODEL_VERSION = 1_770_000_000_000L;

    @Test
    void backfillRebuildsWhatStreamingBuiltFromTheSameInput() throws Exception {
        JobSettings streaming = frozenModel(freshSettings());
        createTopics(streaming);
        JobSettings backfill =
                frozenModel(freshSettings())
                        .withCustomersTopic(streaming.customersTopic())
                        .withIdentitiesTopic(streaming.identitiesTopic())
                        .withWebEventsTopic(streaming.webEventsTopic())
                        .withProductEventsTopic(streaming.productEventsTopic())
                        .withBackfill(true);
        publishModel(streaming);
        publishModel(backfill);

        long writing = System.nanoTime();
        RecordedHistory.Counts input;
        try (KafkaProducer<String, String> producer = kafka().newProducer()) {
            input = RecordedHistory.write(producer, streaming, CUSTOMERS, 4, 11);
        }
        System.out.printf(
                "parity: %d records written in %.1f s%n",
                input.records(), (System.nanoTime() - writing) / 1e9);

        long started = System.nanoTime();
        JobClient job = startStreaming(streaming);
        try {
            System.out.printf(
                    "parity: streaming submitted after %.1f s%n",
                    (System.nanoTime() - started) / 1e9);
            awaitCaughtUp(streaming);
        } finally {
            cancel(job);
        }
        long streamed = System.nanoTime();
        JobClient backfillJob = new SegflowJob(backfill).start(flinkEnvironment());
        backfillJob.getJobExecutionResult().get(90, TimeUnit.SECONDS);
        // the progress bar's count: every record the sources read, as Flink's REST API reports it
        var client = FLINK.getClientConfiguration();
        URI rest =
                URI.create(
                        "http://"
                                + client.get(RestOptions.ADDRESS)
                                + ":"
                                + client.get(RestOptions.PORT));
        assertThat(
                        new SourceRecordsRead(
                                        rest,
                                        backfillJob.getJobID(),
                                        InputTopics.byTable(backfill).keySet())
                                .read())
                .isEqualTo(input.records());
        System.out.printf(
                "parity: %d records; streaming caught up in %.1f s, backfill ran %.1f s%n",
                input.records(), (streamed - started) / 1e9, (System.nanoTime() - streamed) / 1e9);

        String profiles = "SELECT * FROM customer_profile ORDER BY customer_id";
        List<Map<String, Object>> streamedProfiles = query(streaming, profiles);
        assertThat(streamedProfiles).hasSize((int) (input.customers() - input.deletedCustomers()));
        assertThat(query(backfill, profiles)).containsExactlyElementsOf(streamedProfiles);

        String deadLetters =
                "SELECT id, source_topic, source_partition, source_offset, raw_payload, reason,"
                        + " received_at FROM dead_letter ORDER BY id";
        List<Map<String, Object>> streamedDeadLetters = query(streaming, deadLetters);
        assertThat(streamedDeadLetters).hasSize((int) input.malformed());
        assertThat(query(backfill, deadLetters)).containsExactlyElementsOf(streamedDeadLetters);

        // distance and confidence are left out: the assigner writes a row only when a customer's
        // segment or confidence class changes, so streaming keeps the distance of that moment
        String segments =
                "SELECT customer_id, segment_id, segment_name, model_version FROM customer_segment"
                        + " ORDER BY customer_id";
        List<Map<String, Object>> streamedSegments = query(streaming, segments);
        assertThat(streamedSegments)
                .hasSize(streamedProfiles.size())
                .allSatisfy(row -> assertThat(row.get("model_version")).isEqualTo(MODEL_VERSION));
        assertThat(query(backfill, segments)).containsExactlyElementsOf(streamedSegments);
        // assigned_at is the wall clock in BATCH too (processing time there is not frozen at the
        // epoch)
        assertThat(
                        (Timestamp)
                                query(
                                                backfill,
                                                "SELECT min(assigned_at) AS at FROM"
                                                        + " customer_segment")
                                        .get(0)
                                        .get("at"))
                .isAfter(Timestamp.valueOf(LocalDateTime.now(ZoneOffset.UTC).minusMinutes(10)));
        assertThat(
                        query(
                                        streaming,
                                        "SELECT count(DISTINCT segment_id) AS n FROM"
                                                + " customer_segment")
                                .get(0)
                                .get("n"))
                .as("the input reaches every segment, so that equal segments mean something")
                .isEqualTo(4L);

        archivedInputGivesTheSameRows(streaming, backfill, input.records());
        learningBackfillScoresEveryoneWithTheFinalModel(streaming);
    }

    /**
     * The same history through an archive in files (`segflow archive`, then `backfill --archive`):
     * every record is archived with its topic, partition, offset and timestamp, and the backfill
     * from files writes the rows the backfill from Kafka wrote.
     */
    private static void archivedInputGivesTheSameRows(
            JobSettings streaming, JobSettings fromKafka, long records) throws Exception {
        Path archive = Files.createTempDirectory("segflow-archive");
        JobSettings export =
                freshSettings()
                        .withCustomersTopic(streaming.customersTopic())
                        .withIdentitiesTopic(streaming.identitiesTopic())
                        .withWebEventsTopic(streaming.webEventsTopic())
                        .withProductEventsTopic(streaming.productEventsTopic());
        new ArchiveJob(export, archive)
                .start(flinkEnvironment())
                .getJobExecutionResult()
                .get(90, TimeUnit.SECONDS);
        assertThat(ArchiveSources.records(archive)).isEqualTo(records);

        JobSettings fromArchive =
                frozenModel(freshSettings()).withBackfill(true).withArchiveDirectory(archive);
        publishModel(fromArchive);
        new SegflowJob(fromArchive)
                .start(flinkEnvironment())
                .getJobExecutionResult()
                .get(90, TimeUnit.SECONDS);
        for (String rows :
                List.of(
                        "SELECT * FROM customer_profile ORDER BY customer_id",
                        "SELECT id, source_topic, source_partition, source_offset, raw_payload,"
                                + " reason, received_at FROM dead_letter ORDER BY id",
                        "SELECT customer_id, segment_id, segment_name, model_version FROM"
                                + " customer_segment ORDER BY customer_id")) {
            assertThat(query(fromArchive, rows))
                    .as(rows)
                    .isNotEmpty()
                    .containsExactlyElementsOf(query(fromKafka, rows));
        }
    }

    /**
     * A backfill that learns: in BATCH the trainer sees every profile (one final row per customer)
     * and publishes its versions before the assigner reads any profile, because a broadcast input
     * is consumed before the keyed one. So every customer is scored once, with the last version: no
     * customer keeps an early model's segment.
     */
    private static void learningBackfillScoresEveryoneWithTheFinalModel(JobSettings streaming)
            throws Exception {
        JobSettings learning =
                freshSettings()
                        .withCustomersTopic(streaming.customersTopic())
                        .withIdentitiesTopic(streaming.identitiesTopic())
                        .withWebEventsTopic(streaming.webEventsTopic())
                        .withProductEventsTopic(streaming.productEventsTopic())
                        .withTrainer(
                                new TrainerSettings(
                                        4,
                                        64,
                                        Duration.ofSeconds(1),
                                        1.0,
                                        2_000,
                                        0.02,
                                        100,
                                        10_000,
                                        1,
                                        0.1,
                                        5))
                        .withBackfill(true);
        new SegflowJob(learning)
                .start(flinkEnvironment())
                .getJobExecutionResult()
                .get(90, TimeUnit.SECONDS);
        List<Map<String, Object>> versions =
                query(
                        learning,
                        "SELECT model_version FROM segment_model ORDER BY model_version DESC");
        assertThat(versions).as("versions the learning backfill published").hasSizeGreaterThan(1);
        assertThat(query(learning, "SELECT DISTINCT model_version FROM customer_segment"))
                .containsExactly(Map.of("model_version", versions.get(0).get("model_version")));
        assertThat(query(learning, "SELECT count(*) AS n FROM customer_segment").get(0).get("n"))
                .isEqualTo(
                        query(streaming, "SELECT count(*) AS n FROM customer_profile")
                                .get(0)
                                .get("n"));
    }

    /**
     * Both runs score with one published model that neither learns from. Hysteresis is 0: with
     * hysteresis a customer's segment depends on the order its profile updates came in (streaming
     * sees many intermediate profiles, the backfill only the final one), and only without it is the
     * segment a function of the final profile alone.
     */
    private static JobSettings frozenModel(JobSettings settings) {
        return settings.withWarmStartVersion(MODEL_VERSION)
                .withTrainer(TrainerSettings.defaults().withFrozen(true).withHysteresis(0));
    }

    private static void publishModel(JobSettings settings) throws Exception {
        PublishedModels.publishFourSegments(settings, MODEL_VERSION);
    }

    private static void awaitCaughtUp(JobSettings settings) throws Exception {
        try (TopicOffsets offsets = new TopicOffsets(settings.kafkaBootstrapServers())) {
            Map<TopicPartition, Long> ends = offsets.latest(InputTopics.of(settings));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!offsets.committedUpTo(settings.consumerGroup(), ends)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "the streaming job did not catch up with " + ends + " in 90 s");
                }
                Thread.sleep(200);
            }
        }
    }
}
