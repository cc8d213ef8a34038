package io.segflow.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics the job reads and writes when they do not exist yet, so the job can start
 * before Debezium or the analytics producers have written anything (Flink's Kafka source fails on a
 * topic that does not exist). Existing topics are left as they are.
 */
public final class KafkaTopics {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

    private KafkaTopics() {}

    /**
     * A created topic is not writable until every partition has a leader; writers that start
     * earlier get NOT_LEADER errors and, being idempotent, can end in sequence errors.
     */
    private static void awaitLeaders(Admin admin, List<String> topics) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            boolean ready = true;
            try {
                for (TopicDescription topic :
                        admin.describeTopics(topics)
                                .allTopicNames()
                                .get(30, TimeUnit.SECONDS)
                                .values()) {
                    for (TopicPartitionInfo partition : topic.partitions()) {
                        ready &= partition.leader() != null && !partition.leader().isEmpty();
                    }
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                ready = false; // created, but the broker's metadata does not show it yet
            }
            if (ready) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "topics " + topics + " have partitions without a leader after 30 s");
            }
            Thread.sleep(100);
        }
    }

    public static void ensure(String bootstrapServers, List<String> topics, int partitions) {
        ensure(KafkaConnection.plain(bootstrapServers), topics, partitions);
    }

    public static void ensure(KafkaConnection kafka, List<String> topics, int partitions) {
        Properties props = kafka.clientProperties();
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : topics) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, Optional.of(partitions), Optional.empty()));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            LOG.info(
                    "Creating missing topics {} ({} partitions each)",
                    missing.stream().map(NewTopic::name).toList(),
                    partitions);
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Cannot reach Kafka at "
                            + kafka.describe()
                            + " to check topics "
                            + topics
                            + ": "
                            + KafkaConnection.explain(e),
                    e);
        }
    }
}
