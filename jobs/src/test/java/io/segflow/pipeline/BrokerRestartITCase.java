package io.segflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.embedded.EmbeddedKafka;
import io.segflow.testing.FaultRun;
import io.segflow.testing.RecordedHistory;
import io.segflow.testing.SegflowITCaseBase;
import io.segflow.testing.TopicContents;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * The Kafka broker goes away mid-stream, while the job reads and writes, and comes back 10 seconds
 * later on the same address with its data. The job, with its defaults, recovers by itself: nothing
 * lost, nothing doubled. Every table equals an uninterrupted run's; on the output topics, read as a
 * {@code read_committed} consumer reads them, each dead letter is there once, and the segment
 * assignments (an upsert log) end with each customer's segment of the uninterrupted run.
 *
 * <p>The broker is the test's own, so that stopping it leaves the other tests' broker alone.
 */
class BrokerRestartITCase extends SegflowITCaseBase {

    private static final Duration DOWN = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aBrokerRestartMidStreamLosesAndDoublesNothing() throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            JobSettings settings =
                    FaultRun.frozenModel(defaultSettings())
                            .withKafkaBootstrapServers(broker.bootstrapServers());
            FaultRun run = FaultRun.prepare(settings, restAddress());
            RecordedHistory.Recording history = run.history();
            int records = history.records().size();
            try (KafkaProducer<String, String> producer = broker.newProducer()) {
                history.write(producer, 0, records * 2 / 5);
                JobClient job = startStreaming(settings);
                try {
                    run.awaitProfilesAndACheckpoint(job);
                    // the job is busy with these when the broker goes
                    history.write(producer, records * 2 / 5, records * 7 / 10);
                    long stopped = System.nanoTime();
                    broker.stopBroker();
                    System.out.printf("broker restart: stopped; %s%n", run.status(job));
                    FaultRun.sleepUntil(stopped, DOWN);
                    broker.startBroker();
                    System.out.printf("broker restart: back; %s%n", run.status(job));
                    long completedBefore = run.completedCheckpoints(job);
                    history.write(producer, records * 7 / 10, records);
                    run.awaitCaughtUp(job);
                    run.assertHealthyAfter(job, completedBefore);
                    System.out.printf("broker restart: caught up; %s%n", run.status(job));
                } finally {
                    cancel(job);
                }
            }
            JobSettings uninterrupted = run.assertSameTablesAsAnUninterruptedRun(freshSettings());

            List<ConsumerRecord<String, String>> deadLetters =
                    TopicContents.readCommitted(
                            broker.bootstrapServers(), settings.deadLetterTopic());
            assertThat(deadLetters)
                    .as("dead letters on the topic, each once")
                    .hasSize((int) history.counts().malformed())
                    .extracting(ConsumerRecord::key)
                    .doesNotHaveDuplicates();
            assertThat(byKey(deadLetters))
                    .isEqualTo(
                            byKey(
                                    TopicContents.readCommitted(
                                            broker.bootstrapServers(),
                                            uninterrupted.deadLetterTopic())));

            Map<String, String> segments =
                    latestSegments(
                            TopicContents.readCommitted(
                                    broker.bootstrapServers(), settings.segmentsTopic()));
            assertThat(segments)
                    .hasSize(FaultRun.CUSTOMERS - (int) history.counts().deletedCustomers());
            assertThat(segments)
                    .isEqualTo(
                            latestSegments(
                                    TopicContents.readCommitted(
                                            broker.bootstrapServers(),
                                            uninterrupted.segmentsTopic())));
        }
    }

    private static Map<String, String> byKey(List<ConsumerRecord<String, String>> records) {
        return records.stream()
                .collect(
                        Collectors.toMap(
                                ConsumerRecord::key,
                                ConsumerRecord::value,
                                (a, b) -> a,
                                TreeMap::new));
    }

    /**
     * Each customer's segment as the upsert log ends: the last record of a key wins, a tombstone
     * removes it. Only the segment and its model: the distance and the time of an assignment are
     * those of the moment it was made.
     */
    private static Map<String, String> latestSegments(List<ConsumerRecord<String, String>> log)
            throws Exception {
        Map<String, String> latest = new TreeMap<>();
        for (ConsumerRecord<String, String> record : log) {
            if (record.value() == null) {
                latest.remove(record.key());
                continue;
            }
            JsonNode value = JSON.readTree(record.value());
            latest.put(
                    record.key(),
                    value.path("segment_id").asText()
                            + " "
                            + value.path("segment_name").asText()
                            + " "
                            + value.path("model_version").asText());
        }
        return latest;
    }
}
