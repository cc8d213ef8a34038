package io.segflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.testing.SegflowITCaseBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint tells which partitions its bounded Kafka sources had read to their stops: a job
 * reads one topic to its end (two partitions of three records, stops at 3) and waits on another
 * (two records, stop at 5); once a checkpoint completes after the first source finished, it holds
 * the first topic's partitions as finished at 3, and not the second's, which its reader still
 * holds.
 */
class FinishedPartitionsITCase extends SegflowITCaseBase {

    @Test
    void aCheckpointTellsWhichPartitionsItsSourcesReadToTheirStops(@TempDir Path state)
            throws Exception {
        String run = "finished" + ProcessHandle.current().pid() + "_" + System.nanoTime();
        String finite = run + ".finite";
        String waiting = run + ".waiting";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka().bootstrapServers()))) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(finite, 2, (short) 1),
                                    new NewTopic(waiting, 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = kafka().newProducer()) {
            for (int partition = 0; partition < 2; partition++) {
                for (int i = 0; i < 3; i++) {
                    producer.send(new ProducerRecord<>(finite, partition, "k", "v" + i));
                }
            }
            producer.send(new ProducerRecord<>(waiting, 0, "k", "a"));
            producer.send(new ProducerRecord<>(waiting, 0, "k", "b"));
            producer.flush();
        }
        TopicPartition finite0 = new TopicPartition(finite, 0);
        TopicPartition finite1 = new TopicPartition(finite, 1);
        TopicPartition waiting0 = new TopicPartition(waiting, 0);

        StreamExecutionEnvironment env = flinkEnvironment();
        Configuration checkpoints = new Configuration();
        checkpoints.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, state.toUri().toString());
        checkpoints.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        env.configure(checkpoints);
        env.enableCheckpointing(200);
        env.setParallelism(1);
        env.fromSource(
                        source(finite, Map.of(finite0, 3L, finite1, 3L)),
                        WatermarkStrategy.noWatermarks(),
                        "finite")
                .sinkTo(new DiscardingSink<>());
        env.fromSource(
                        source(waiting, Map.of(waiting0, 5L)),
                        WatermarkStrategy.noWatermarks(),
                        "waiting")
                .sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("finished partitions");
        try {
            Map<TopicPartition, Long> finished = Map.of();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (finished.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                Optional<Path> latest = latestCheckpoint(state);
                if (latest.isPresent()) {
                    try {
                        finished = FinishedPartitions.in(latest.get());
                    } catch (IOException metadataBeingWritten) {
                        // the next look reads it whole
                    }
                }
            }
            assertThat(finished).isEqualTo(Map.of(finite0, 3L, finite1, 3L));
        } finally {
            cancel(job);
        }
    }

    private static KafkaSource<String> source(String topic, Map<TopicPartition, Long> stops) {
        return KafkaSource.<String>builder()
                .setBootstrapServers(kafka().bootstrapServers())
                .setTopics(topic)
                .setGroupId(topic)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.offsets(stops))
                .setDeserializer(
                        KafkaRecordDeserializationSchema.valueOnly(StringDeserializer.class))
                .build();
    }

    /** The newest {@code chk-N} with its metadata written (a completed checkpoint). */
    private static Optional<Path> latestCheckpoint(Path state) throws IOException {
        try (Stream<Path> files = Files.walk(state, 2)) {
            return files.filter(path -> path.getFileName().toString().startsWith("chk-"))
                    .filter(path -> Files.exists(path.resolve("_metadata")))
                    .max(
                            Comparator.comparingInt(
                                    path ->
                                            Integer.parseInt(
                                                    path.getFileName().toString().substring(4))));
        }
    }
}
