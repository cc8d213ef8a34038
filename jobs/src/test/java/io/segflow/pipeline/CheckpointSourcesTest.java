package io.segflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.infra.TopicOffsets.Topic;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whether a checkpoint fits the broker and topics a run is given, and what differs if not. */
class CheckpointSourcesTest {

    private static final CheckpointSources TAKEN =
            new CheckpointSources(
                    "kafka-a:9092",
                    "cluster-a",
                    Map.of(
                            "web.events", new Topic("id-web", 2),
                            "product.events", new Topic("id-product", 4),
                            "crm.public.customers", new Topic("id-crm", 1)));

    @Test
    void theSameTopicsFit() {
        assertThat(TAKEN.differencesFrom(TAKEN)).isEmpty();
    }

    @Test
    void morePartitionsFitTheSourceFindsThem() {
        CheckpointSources grown =
                new CheckpointSources(
                        "kafka-a:9092",
                        "cluster-a",
                        Map.of(
                                "web.events", new Topic("id-web", 6),
                                "product.events", new Topic("id-product", 4),
                                "crm.public.customers", new Topic("id-crm", 1)));
        assertThat(TAKEN.differencesFrom(grown)).isEmpty();
    }

    @Test
    void eachDifferenceIsNamed() {
        CheckpointSources now =
                new CheckpointSources(
                        "kafka-a:9092",
                        "cluster-a",
                        Map.of(
                                "web.events", CheckpointSources.MISSING,
                                "product.events", new Topic("id-product", 2),
                                "crm.public.customers", new Topic("id-crm-2", 1),
                                "crm.public.customers_v2", new Topic("id-v2", 1)));
        assertThat(TAKEN.differencesFrom(now))
                .containsExactly(
                        "topic crm.public.customers (1 partition): is a different topic now"
                                + " (deleted and created again: id id-crm then, id-crm-2 now),"
                                + " with 1 partition",
                        "topic product.events (4 partitions): has 2 partitions now",
                        "topic web.events (2 partitions): does not exist on this broker",
                        "topic crm.public.customers_v2: read by this run, not by the checkpoint");
    }

    @Test
    void anotherClusterIsNamedOnceNotTopicByTopic() {
        CheckpointSources other =
                new CheckpointSources(
                        "kafka-b:9092",
                        "cluster-b",
                        Map.of(
                                "web.events", new Topic("other-web", 2),
                                "product.events", new Topic("other-product", 4),
                                "crm.public.customers", new Topic("other-crm", 1)));
        assertThat(TAKEN.differencesFrom(other))
                .containsExactly(
                        "it read Kafka cluster cluster-a (at kafka-a:9092); kafka-b:9092 is"
                                + " cluster cluster-b");
    }

    @Test
    void aTopicThisRunNoLongerReadsIsNamed() {
        CheckpointSources renamed =
                new CheckpointSources(
                        "kafka-a:9092",
                        "cluster-a",
                        Map.of(
                                "web.events", new Topic("id-web", 2),
                                "product.events", new Topic("id-product", 4)));
        assertThat(TAKEN.differencesFrom(renamed))
                .containsExactly(
                        "topic crm.public.customers (1 partition): this run does not read it");
    }

    @Test
    void keptBesideTheCheckpointsAndReadBack(@TempDir Path dir) {
        Path job = dir.resolve("checkpoints").resolve("0123abcd");
        assertThat(CheckpointSources.load(job)).isEmpty();
        TAKEN.save(job);
        assertThat(CheckpointSources.load(job)).contains(TAKEN);
        CheckpointSources unknownIds =
                new CheckpointSources("k:9092", null, Map.of("t", new Topic(null, 3)));
        unknownIds.save(job);
        assertThat(CheckpointSources.load(job)).contains(unknownIds);
        // without ids on either side, only partitions compare
        assertThat(
                        unknownIds.differencesFrom(
                                new CheckpointSources(
                                        "k:9092", "c", Map.of("t", new Topic("x", 3)))))
                .isEmpty();
    }
}
