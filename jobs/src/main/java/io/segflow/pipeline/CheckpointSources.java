package io.segflow.pipeline;

import io.segflow.infra.KafkaConnection;
import io.segflow.infra.TopicOffsets;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What the checkpoints of one run read: the Kafka cluster and each topic's id and partitions. A
 * local run keeps it beside its checkpoints ({@code <state dir>/<group>/checkpoints/<job id>/}),
 * and a run that would resume from one of them first compares it with the broker and the topics it
 * is given.
 *
 * <p>Why: Kafka's source restores the partitions and offsets the checkpoint holds and asks the
 * broker for them. When that broker is another cluster, or a topic was deleted, created again
 * (Kafka gives it a new id) or with fewer partitions, it waits for partitions that are not there:
 * the job times out every 30 s, restarts and times out again, without a word on the console. Told
 * what differs, a person can start over ({@code --fresh}) or point the run back at the right
 * cluster.
 *
 * @param bootstrapServers the address the run was given, for people to read
 * @param clusterId the Kafka cluster's id, null when the broker does not tell
 * @param topics every topic the run reads, by name; one that does not exist is {@link #MISSING}
 */
public record CheckpointSources(
        String bootstrapServers, String clusterId, Map<String, TopicOffsets.Topic> topics) {

    static final String FILE = "segflow-sources.properties";
    private static final String CLUSTER = "kafka.cluster-id";
    private static final String SERVERS = "kafka.bootstrap-servers";
    private static final String TOPIC = "topic.";

    public CheckpointSources {
        topics = new TreeMap<>(topics);
    }

    /** What the broker holds now of the topics a run of these settings reads. */
    public static CheckpointSources current(JobSettings settings) throws Exception {
        return read(settings.kafkaConnection(), InputTopics.readBy(settings));
    }

    static CheckpointSources read(KafkaConnection connection, Collection<String> topics)
            throws Exception {
        try (TopicOffsets kafka = new TopicOffsets(connection)) {
            Map<String, TopicOffsets.Topic> described = new TreeMap<>();
            Map<String, TopicOffsets.Topic> existing = kafka.describe(topics);
            for (String topic : topics) {
                described.put(topic, existing.getOrDefault(topic, MISSING));
            }
            return new CheckpointSources(
                    connection.bootstrapServers(), kafka.clusterId(), described);
        }
    }

    /** A topic the broker does not have: Kafka has no topic without partitions. */
    public static final TopicOffsets.Topic MISSING = new TopicOffsets.Topic(null, 0);

    /**
     * What differs between what the checkpoint read (this) and what a run reads now, one line each;
     * empty when the checkpoint fits. More partitions now than then is no difference: the source
     * finds new partitions by itself.
     */
    public List<String> differencesFrom(CheckpointSources now) {
        List<String> differences = new ArrayList<>();
        boolean otherCluster =
                clusterId != null && now.clusterId() != null && !clusterId.equals(now.clusterId());
        if (otherCluster) {
            differences.add(
                    "it read Kafka cluster "
                            + clusterId
                            + " (at "
                            + bootstrapServers
                            + "); "
                            + now.bootstrapServers()
                            + " is cluster "
                            + now.clusterId());
        }
        topics.forEach(
                (name, then) -> {
                    TopicOffsets.Topic current = now.topics().get(name);
                    String read = "topic " + name + " (" + partitions(then.partitions()) + ")";
                    if (current == null) {
                        differences.add(read + ": this run does not read it");
                    } else if (current.partitions() == 0) {
                        differences.add(read + ": does not exist on this broker");
                    } else if (!otherCluster
                            && then.id() != null
                            && current.id() != null
                            && !then.id().equals(current.id())) {
                        differences.add(
                                read
                                        + ": is a different topic now (deleted and created again:"
                                        + " id "
                                        + then.id()
                                        + " then, "
                                        + current.id()
                                        + " now), with "
                                        + partitions(current.partitions()));
                    } else if (current.partitions() < then.partitions()) {
                        differences.add(
                                read + ": has " + partitions(current.partitions()) + " now");
                    }
                });
        now.topics().keySet().stream()
                .filter(name -> !topics.containsKey(name))
                .forEach(
                        name ->
                                differences.add(
                                        "topic "
                                                + name
                                                + ": read by this run, not by the checkpoint"));
        return differences;
    }

    private static String partitions(int count) {
        return count + (count == 1 ? " partition" : " partitions");
    }

    /** Keeps this beside the checkpoints of one job (its {@code checkpoints/<job id>}). */
    public void save(Path jobCheckpoints) {
        Properties properties = new Properties();
        properties.setProperty(SERVERS, bootstrapServers);
        if (clusterId != null) {
            properties.setProperty(CLUSTER, clusterId);
        }
        topics.forEach(
                (name, topic) ->
                        properties.setProperty(
                                TOPIC + name,
                                topic.partitions() + (topic.id() == null ? "" : " " + topic.id())));
        try {
            Files.createDirectories(jobCheckpoints);
            try (Writer writer =
                    Files.newBufferedWriter(jobCheckpoints.resolve(FILE), StandardCharsets.UTF_8)) {
                properties.store(
                        writer,
                        "what these checkpoints read: Kafka cluster, and each topic's partitions"
                                + " and id (segflow run compares them before it resumes)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write what the run reads to " + jobCheckpoints, e);
        }
    }

    /**
     * What the checkpoints of one job read, if the run kept it (runs of segflow before this file
     * did not).
     */
    public static Optional<CheckpointSources> load(Path jobCheckpoints) {
        Path file = jobCheckpoints.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Map<String, TopicOffsets.Topic> topics = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith(TOPIC)) {
                String[] value = properties.getProperty(key).trim().split("\\s+");
                topics.put(
                        key.substring(TOPIC.length()),
                        new TopicOffsets.Topic(
                                value.length > 1 ? value[1] : null, Integer.parseInt(value[0])));
            }
        }
        return Optional.of(
                new CheckpointSources(
                        Objects.requireNonNullElse(properties.getProperty(SERVERS), "?"),
                        properties.getProperty(CLUSTER),
                        topics));
    }
}
