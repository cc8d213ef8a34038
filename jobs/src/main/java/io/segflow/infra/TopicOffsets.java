package io.segflow.infra;

import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Where the input topics begin and end, and how far a consumer group has committed: the size of a
 * backfill (records between the earliest and the latest offsets at its start) and whether a
 * streaming job has caught up with what was written.
 */
public final class TopicOffsets implements AutoCloseable {

    private final Admin admin;
    private final long timeoutSeconds;

    public TopicOffsets(String bootstrapServers) {
        this(KafkaConnection.plain(bootstrapServers));
    }

    public TopicOffsets(KafkaConnection kafka) {
        this(kafka, Duration.ofSeconds(30));
    }

    /** Offsets with a limit on each request, for a caller that asks again soon (a live view). */
    public TopicOffsets(String bootstrapServers, Duration timeout) {
        this(KafkaConnection.plain(bootstrapServers), timeout);
    }

    public TopicOffsets(KafkaConnection kafka, Duration timeout) {
        Properties props = kafka.clientProperties();
        props.put(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        this.admin = Admin.create(props);
        this.timeoutSeconds = Math.max(1, timeout.toSeconds());
    }

    /**
     * A topic as the broker knows it: its id (which changes when the topic is deleted and created
     * again under the same name; null when the broker does not tell) and its partitions.
     */
    public record Topic(String id, int partitions) {}

    /** The id of the Kafka cluster, or null when the broker does not tell. */
    public String clusterId() throws Exception {
        return admin.describeCluster().clusterId().get(timeoutSeconds, TimeUnit.SECONDS);
    }

    /** The topics that exist among the given ones, by name; a missing topic is left out. */
    public Map<String, Topic> describe(Collection<String> topics) throws Exception {
        Map<String, Topic> described = new TreeMap<>();
        for (Map.Entry<String, KafkaFuture<TopicDescription>> topic :
                admin.describeTopics(topics).topicNameValues().entrySet()) {
            try {
                TopicDescription description =
                        topic.getValue().get(timeoutSeconds, TimeUnit.SECONDS);
                Uuid id = description.topicId();
                described.put(
                        topic.getKey(),
                        new Topic(
                                id == null || Uuid.ZERO_UUID.equals(id) ? null : id.toString(),
                                description.partitions().size()));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        return described;
    }

    /** Offsets the next record of each partition of the topics will get. */
    public Map<TopicPartition, Long> latest(Collection<String> topics) throws Exception {
        return offsets(topics, OffsetSpec.latest());
    }

    /**
     * Offsets of the first record each partition still holds (retention may have dropped older
     * ones).
     */
    public Map<TopicPartition, Long> earliest(Collection<String> topics) throws Exception {
        return offsets(topics, OffsetSpec.earliest());
    }

    /** Records a bounded read from the earliest to the latest offsets covers, per partition. */
    public Map<TopicPartition, Long> recordsHeld(Collection<String> topics) throws Exception {
        Map<TopicPartition, Long> first = earliest(topics);
        Map<TopicPartition, Long> records = new HashMap<>();
        latest(topics)
                .forEach(
                        (partition, end) ->
                                records.put(partition, end - first.getOrDefault(partition, 0L)));
        return records;
    }

    /**
     * True when the group has committed, for every partition, the given end offset (an empty
     * partition needs no commit). Flink commits when a checkpoint completes, after every sink has
     * flushed what came before it: a group caught up this way has its results written.
     */
    public boolean committedUpTo(String group, Map<TopicPartition, Long> ends) throws Exception {
        Map<TopicPartition, Long> committed = committed(group);
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (committed.getOrDefault(end.getKey(), 0L) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Commits these offsets for the group where its committed offset is lower (or none), and
     * returns those it committed. Only while no member of the group consumes: Flink's Kafka source
     * assigns its partitions itself and joins no group, so a job that is not running has none.
     */
    public Map<TopicPartition, Long> commitWhereBehind(
            String group, Map<TopicPartition, Long> offsets) throws Exception {
        Map<TopicPartition, Long> committed = committed(group);
        Map<TopicPartition, OffsetAndMetadata> ahead = new HashMap<>();
        offsets.forEach(
                (partition, offset) -> {
                    if (committed.getOrDefault(partition, -1L) < offset) {
                        ahead.put(partition, new OffsetAndMetadata(offset));
                    }
                });
        if (!ahead.isEmpty()) {
            admin.alterConsumerGroupOffsets(group, ahead)
                    .all()
                    .get(timeoutSeconds, TimeUnit.SECONDS);
        }
        Map<TopicPartition, Long> done =
                new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        ahead.forEach((partition, offset) -> done.put(partition, offset.offset()));
        return done;
    }

    /** The group's committed offsets (the next record to read), by partition. */
    public Map<TopicPartition, Long> committed(String group) throws Exception {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> entry :
                admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(timeoutSeconds, TimeUnit.SECONDS)
                        .entrySet()) {
            if (entry.getValue() != null) {
                offsets.put(entry.getKey(), entry.getValue().offset());
            }
        }
        return offsets;
    }

    private Map<TopicPartition, Long> offsets(Collection<String> topics, OffsetSpec spec)
            throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (TopicDescription topic :
                admin.describeTopics(topics)
                        .allTopicNames()
                        .get(timeoutSeconds, TimeUnit.SECONDS)
                        .values()) {
            topic.partitions()
                    .forEach(
                            p ->
                                    request.put(
                                            new TopicPartition(topic.name(), p.partition()), spec));
        }
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listOffsets(request)
                .all()
                .get(timeoutSeconds, TimeUnit.SECONDS)
                .forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
