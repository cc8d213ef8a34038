package io.segflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.cli.SourceRecordsRead;
import io.segflow.infra.TopicOffsets;
import io.segflow.segments.TrainerSettings;
import io.segflow.testing.EmailSource;
import io.segflow.testing.PublishedModels;
import io.segflow.testing.RecordedHistory;
import io.segflow.testing.SegflowITCaseBase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fifth data source added by SQL alone, in a copy of sql/ (e-mail engagement on {@code
 * ${topic.email-events}}, see {@link EmailSource}), with no Java change: its topic is created with
 * the others, a backfill reads it to its end offsets and counts its records in its progress, the
 * archive copies it and a backfill from the archive reads it back, and a run's checkpoint sources
 * name it. Its staged rows reach PostgreSQL through the copy's own sink.
 */
class FifthSourceITCase extends SegflowITCaseBase {

    private static final long MODEL_VERSION = 1_770_000_000_000L;
    private static final int CUSTOMERS = 60;
    private static final int EMAILS = 120;
    private static final List<String> TYPES = List.of("send", "open", "click", "unsubscribe");

    @Test
    void aSourceAddedToTheSqlIsCreatedReadCountedAndArchived(@TempDir Path dir) throws Exception {
        Path sql = EmailSource.withStagedRowsInPostgres(repositorySql(), dir.resolve("sql"));
        JobSettings fresh = freshSettings();
        String emailTopic = fresh.consumerGroup() + ".email.events";
        JobSettings settings =
                frozenModel(fresh.withSqlDirectory(sql))
                        .withTopic(EmailSource.TOPIC_NAME, emailTopic);

        // the inputs are the SQL's: the shipped four and the one added
        List<String> inputs = InputTopics.of(settings);
        assertThat(inputs)
                .containsExactly(
                        settings.customersTopic(),
                        settings.identitiesTopic(),
                        settings.webEventsTopic(),
                        settings.productEventsTopic(),
                        emailTopic);
        try (TopicOffsets offsets = new TopicOffsets(settings.kafkaConnection())) {
            assertThat(offsets.describe(List.of(emailTopic))).doesNotContainKey(emailTopic);
            new SegflowJob(settings).ensureTopics();
            assertThat(offsets.describe(List.of(emailTopic)).get(emailTopic).partitions())
                    .as("created like the shipped inputs")
                    .isEqualTo(settings.createdTopicPartitions());
        }
        assertThat(CheckpointSources.current(settings).topics()).containsKey(emailTopic);

        RecordedHistory.Counts history;
        try (KafkaProducer<String, String> producer = kafka().newProducer()) {
            history = RecordedHistory.write(producer, settings, CUSTOMERS, 2, 21);
            Instant start = Instant.parse("2026-11-01T09:00:00Z");
            for (int i = 0; i < EMAILS; i++) {
                String recipient = "esp-" + (i % CUSTOMERS);
                producer.send(
                        new ProducerRecord<>(
                                emailTopic,
                                recipient,
                                EmailSource.event(
                                        "mail-" + i,
                                        recipient,
                                        TYPES.get(i % TYPES.size()),
                                        "winter-" + (i % 3),
                                        start.plusSeconds(60L * i))));
            }
            // rejected as the shipped sources' bad records are: a dead letter with its reason
            producer.send(new ProducerRecord<>(emailTopic, "esp-0", "{\"event_id\": \"mail-x\""));
            producer.flush();
        }

        // backfill: its progress total is what the five topics hold, and it reads all of it
        JobSettings backfill = settings.withBackfill(true);
        createEmailTable(backfill);
        publishModel(backfill);
        long held;
        try (TopicOffsets offsets = new TopicOffsets(backfill.kafkaConnection())) {
            held = sum(offsets.recordsHeld(InputTopics.of(backfill)));
            assertThat(sum(offsets.recordsHeld(List.of(emailTopic)))).isEqualTo(EMAILS + 1);
        }
        assertThat(held).isEqualTo(history.records() + EMAILS + 1);
        JobClient job = new SegflowJob(backfill).start(flinkEnvironment());
        job.getJobExecutionResult().get(300, TimeUnit.SECONDS);
        long read =
                new SourceRecordsRead(
                                restAddress(),
                                job.getJobID(),
                                InputTopics.byTable(backfill).keySet())
                        .read();
        System.out.printf(
                "fifth source: %d records held in 5 topics (%d e-mail events), %d read by the"
                        + " backfill%n",
                held, EMAILS + 1, read);
        assertThat(read).as("records the backfill's sources read").isEqualTo(held);

        String staged =
                "SELECT event_id, recipient_id, event_type, campaign, event_time FROM "
                        + EmailSource.TABLE
                        + " ORDER BY event_id";
        List<Map<String, Object>> rows = query(backfill, staged);
        assertThat(rows).hasSize(EMAILS);
        assertThat(rows)
                .extracting(row -> row.get("event_type"))
                .containsOnlyElementsOf(TYPES)
                .contains(TYPES.toArray());
        assertThat(rows)
                .extracting(row -> (String) row.get("recipient_id"))
                .as("staged like every external id: pseudonymised")
                .allSatisfy(id -> assertThat(id).doesNotStartWith("esp-").hasSize(32));
        assertThat(query(backfill, "SELECT count(*) AS n FROM customer_profile").get(0).get("n"))
                .as("the shipped sources still make the profile")
                .isEqualTo(history.customers() - history.deletedCustomers());
        assertThat(
                        query(
                                backfill,
                                "SELECT reason FROM dead_letter WHERE source_topic = '"
                                        + emailTopic
                                        + "'"))
                .singleElement()
                .satisfies(row -> assertThat((String) row.get("reason")).startsWith("malformed"));

        // the archive holds the fifth table's records, and a backfill reads them back from it
        Path archive = dir.resolve("archive");
        new ArchiveJob(settings, archive)
                .start(flinkEnvironment())
                .getJobExecutionResult()
                .get(300, TimeUnit.SECONDS);
        assertThat(ArchiveSources.records(archive)).isEqualTo(held);
        assertThat(ArchiveSources.records(archive.resolve(EmailSource.INPUT_TABLE)))
                .isEqualTo(EMAILS + 1);

        JobSettings other = freshSettings();
        JobSettings fromArchive =
                frozenModel(other.withSqlDirectory(sql))
                        .withTopic(EmailSource.TOPIC_NAME, other.consumerGroup() + ".email.events")
                        .withBackfill(true)
                        .withArchiveDirectory(archive);
        createEmailTable(fromArchive);
        publishModel(fromArchive);
        new SegflowJob(fromArchive)
                .start(flinkEnvironment())
                .getJobExecutionResult()
                .get(300, TimeUnit.SECONDS);
        assertThat(query(fromArchive, staged)).containsExactlyElementsOf(rows);
    }

    private static long sum(Map<?, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** What a deployment adds to its schema for the copy's sink. */
    private static void createEmailTable(JobSettings settings) throws Exception {
        String database = settings.jdbcUrl().substring(settings.jdbcUrl().lastIndexOf('/') + 1);
        try (Connection connection = postgres().connect(database);
                Statement statement = connection.createStatement()) {
            statement.execute(EmailSource.CREATE_TABLE);
        }
    }

    /** One published model that the backfills score with and do not learn from. */
    private static JobSettings frozenModel(JobSettings settings) {
        return settings.withWarmStartVersion(MODEL_VERSION)
                .withTrainer(TrainerSettings.defaults().withFrozen(true).withHysteresis(0));
    }

    private static void publishModel(JobSettings settings) throws Exception {
        PublishedModels.publishFourSegments(settings, MODEL_VERSION);
    }
}
