package io.segflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.testing.CheckpointStats;
import io.segflow.testing.Feeds;
import io.segflow.testing.SegflowITCaseBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The dead-letter topic with every option at its default: written in Kafka transactions bound to
 * checkpoints, so a read_committed reader sees a record only once a checkpoint after it has
 * completed, and each record once; a read_uncommitted reader sees it as soon as it is written. The
 * test prints what the two readers waited, the cost of exactly once for a reader.
 */
class ExactlyOnceTopicITCase extends SegflowITCaseBase {

    private static final int RECORDS = 5;

    @Test
    void aReadCommittedReaderSeesEachDeadLetterOnceAfterTheNextCheckpoint() throws Exception {
        JobSettings settings = defaultSettings();
        createTopics(settings);
        JobClient job = startStreaming(settings);
        CheckpointStats checkpoints = new CheckpointStats(restAddress(), job.getJobID());
        try (KafkaConsumer<String, String> committed = consumer(settings, "read_committed");
                KafkaConsumer<String, String> uncommitted = consumer(settings, "read_uncommitted");
                Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            awaitCompletedCheckpoints(checkpoints, 1);
            List<ConsumerRecord<String, String>> all = new ArrayList<>();
            List<Long> committedMillis = new ArrayList<>();
            List<Long> uncommittedMillis = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                // JSON without its required fields: a dead letter whose payload stays readable
                // (a payload that is no JSON keeps only its length and digest)
                String payload = "{\"event_id\":\"exactly-once-" + i + "\"}";
                long completedBefore = completed(checkpoints);
                long written = System.nanoTime();
                feeds.raw(settings.webEventsTopic(), null, payload);
                feeds.flush();
                Map<String, Long> seenAt = new HashMap<>();
                long deadline = written + TimeUnit.SECONDS.toNanos(120);
                while (seenAt.size() < 2 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> record :
                            uncommitted.poll(Duration.ofMillis(50))) {
                        if (record.value().contains("exactly-once-" + i + "\\\"")) {
                            seenAt.putIfAbsent("uncommitted", System.nanoTime());
                        }
                    }
                    for (ConsumerRecord<String, String> record :
                            committed.poll(Duration.ofMillis(50))) {
                        all.add(record);
                        if (record.value().contains("exactly-once-" + i + "\\\"")) {
                            seenAt.putIfAbsent("committed", System.nanoTime());
                            // a record is committed when a checkpoint after it completes
                            assertThat(completed(checkpoints)).isGreaterThan(completedBefore);
                        }
                    }
                }
                assertThat(seenAt).containsKeys("committed", "uncommitted");
                committedMillis.add(
                        TimeUnit.NANOSECONDS.toMillis(seenAt.get("committed") - written));
                uncommittedMillis.add(
                        TimeUnit.NANOSECONDS.toMillis(seenAt.get("uncommitted") - written));
            }
            committed.poll(Duration.ofSeconds(2)).forEach(all::add);
            assertThat(all)
                    .extracting(ConsumerRecord::value)
                    .hasSize(RECORDS)
                    .allSatisfy(value -> assertThat(value).contains("missing_field: "));
            System.out.printf(
                    "dead letter visible after (ms), checkpoint interval %s: read_committed %s,"
                            + " read_uncommitted %s%n",
                    settings.checkpointInterval(), committedMillis, uncommittedMillis);
        } finally {
            cancel(job);
        }
    }

    private static long completed(CheckpointStats checkpoints) {
        return checkpoints.read().map(CheckpointStats.Summary::completed).orElse(0L);
    }

    private static void awaitCompletedCheckpoints(CheckpointStats checkpoints, long count)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (completed(checkpoints) < count && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(completed(checkpoints)).isGreaterThanOrEqualTo(count);
    }

    private static KafkaConsumer<String, String> consumer(JobSettings settings, String isolation) {
        Properties props = settings.kafkaConnection().clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.consumerGroup() + "-" + isolation);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
        consumer.subscribe(List.of(settings.deadLetterTopic()));
        return consumer;
    }
}
