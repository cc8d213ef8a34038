package io.segflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * What the packaged jars carry (runs after `package`): segflow-cluster.jar, which a Flink cluster
 * runs, holds the job and its connectors and none of the demo's in-process services, Flink itself
 * or the test fixtures; segflow.jar, which runs alone, holds the demo's services too.
 */
class ClusterJarITCase {

    private static List<String> entries(String jar) throws Exception {
        try (JarFile file = new JarFile(new File("target", jar))) {
            return file.stream().map(entry -> entry.getName()).toList();
        }
    }

    @Test
    void theClusterJarHoldsTheJobAndItsConnectorsOnly() throws Exception {
        List<String> entries = entries("segflow-cluster.jar");
        assertThat(entries)
                .contains(
                        "io/segflow/cli/SegflowCli.class",
                        "io/segflow/registry/ModelRecord.class",
                        "org/apache/flink/connector/kafka/source/KafkaSource.class",
                        "org/postgresql/Driver.class");
        assertThat(entries).noneMatch(name -> name.startsWith("io/zonky/")); // embedded PostgreSQL
        assertThat(entries)
                .noneMatch(
                        name ->
                                name.startsWith(
                                        "org/apache/kafka/common/test/")); // the Kafka test kit
        assertThat(entries).noneMatch(name -> name.startsWith("kafka/server/"));
        assertThat(entries).noneMatch(name -> name.startsWith("org/apache/flink/runtime/"));
        assertThat(entries).noneMatch(name -> name.startsWith("io/segflow/testing/"));
    }

    @Test
    void theStandaloneJarRunsTheDemoWithoutFixtures() throws Exception {
        List<String> entries = entries("segflow.jar");
        assertThat(entries)
                .contains(
                        "io/segflow/demo/DemoGenerator.class",
                        "io/segflow/embedded/EmbeddedKafka.class");
        assertThat(entries).anyMatch(name -> name.startsWith("io/zonky/"));
        assertThat(entries).noneMatch(name -> name.startsWith("io/segflow/testing/"));
    }
}
