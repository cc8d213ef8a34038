package io.segflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.segflow.cli.SegflowCli;
import io.segflow.pipeline.StateStorage;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes manifests as the operator and the job would read them: the job's arguments and
 * ConfigMap must be accepted by the command line they reach, the jar must be where the Dockerfile
 * puts it, credentials must come from the Secret, and every Flink setting must be a current Flink
 * 2.2 key (1.x names are silently ignored by Flink 2).
 */
class DeployManifestsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path DEPLOY = repositoryRoot().resolve("deploy");

    @Test
    void theImageAndTheManifestsRunTheFlinkVersionTheJobIsBuiltAgainst() throws Exception {
        // the Flink on the test classpath is the pom's flink.version
        String built = EnvironmentInformation.getVersion();
        assertThat(built).matches("\\d+\\.\\d+\\.\\d+");
        String[] parts = built.split("\\.");
        assertThat(Files.readString(DEPLOY.resolve("k8s/Dockerfile")))
                .containsPattern("(?m)^FROM flink:" + Pattern.quote(built) + "-java17\\s*$");
        for (String deployment :
                List.of("k8s/segflow-streaming.yaml", "k8s/segflow-backfill.yaml")) {
            assertThat(manifest(deployment).at("/spec/flinkVersion").asText())
                    .as("flinkVersion of %s", deployment)
                    .isEqualTo("v" + parts[0] + "_" + parts[1]);
        }
    }

    @Test
    void theStreamingJobUpgradesWithSavepointsAndCheckpoints() throws Exception {
        JsonNode spec = manifest("k8s/segflow-streaming.yaml").get("spec");
        assertThat(spec.at("/job/upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(spec.at("/flinkConfiguration").has("execution.checkpointing.dir")).isTrue();
        assertThat(spec.at("/flinkConfiguration").has("execution.checkpointing.savepoint-dir"))
                .isTrue();
        assertThat(spec.at("/flinkConfiguration").has("execution.checkpointing.interval")).isTrue();
    }

    @Test
    void everyDeploymentKeepsStateAsALocalRunDoes() throws Exception {
        Map<String, String> standalone = new HashMap<>();
        flatten("", YAML.readTree(DEPLOY.resolve("flink/config.yaml").toFile()), standalone);
        JsonNode kubernetes = manifest("k8s/segflow-streaming.yaml").at("/spec/flinkConfiguration");
        StateStorage.DEFAULTS.forEach(
                (option, value) -> {
                    for (var deployment :
                            Map.of(
                                            "deploy/flink/config.yaml",
                                            String.valueOf(standalone.get(option.key())),
                                            "deploy/k8s/segflow-streaming.yaml",
                                            kubernetes.path(option.key()).asText())
                                    .entrySet()) {
                        Configuration parsed = new Configuration();
                        parsed.setString(option.key(), deployment.getValue());
                        assertThat(parsed.get(option))
                                .as("%s in %s", option.key(), deployment.getKey())
                                .isEqualTo(value);
                    }
                });
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
        if (node.isObject()) {
            node.fields()
                    .forEachRemaining(
                            field ->
                                    flatten(
                                            prefix.isEmpty()
                                                    ? field.getKey()
                                                    : prefix + "." + field.getKey(),
                                            field.getValue(),
                                            into));
        } else {
            into.put(prefix, node.asText());
        }
    }

    @Test
    void everyJobStartsWithArgumentsTheCommandLineAccepts(@TempDir Path dir) throws Exception {
        Path properties = dir.resolve("segflow.properties");
        Files.writeString(
                properties,
                manifest("k8s/segflow-config.yaml").at("/data/segflow.properties").asText());
        for (String file : List.of("k8s/segflow-streaming.yaml", "k8s/segflow-backfill.yaml")) {
            JsonNode job = manifest(file).at("/spec/job");
            assertThat(job.get("entryClass").asText()).isEqualTo(SegflowCli.class.getName());
            assertThat(job.get("jarURI").asText())
                    .isEqualTo("local:///opt/flink/usrlib/segflow.jar");
            List<String> args = new ArrayList<>();
            job.get("args")
                    .forEach(
                            arg ->
                                    args.add(
                                            arg.asText()
                                                            .equals(
                                                                    "/opt/segflow/conf/segflow.properties")
                                                    ? properties.toString()
                                                    : arg.asText()));
            String[] argv = args.toArray(String[]::new);
            var parsed = SegflowCli.commandLine(argv, Map.of()).parseArgs(argv);
            assertThat(parsed.subcommand().commandSpec().name())
                    .as(file)
                    .isEqualTo(file.contains("backfill") ? "backfill" : "run");
            assertThat(parsed.subcommand().matchedOptions()).as(file).isNotEmpty();
        }
        assertThat(Files.readString(DEPLOY.resolve("k8s/Dockerfile")))
                .contains("COPY jobs/target/segflow-cluster.jar /opt/flink/usrlib/segflow.jar")
                .contains("/opt/segflow/lib/segflow-udfs.jar");
        assertThat(Files.readString(DEPLOY.resolve("sql-client/init.sql")))
                .contains("ADD JAR '/opt/segflow/lib/segflow-udfs.jar'");
    }

    /**
     * The secured cluster of docs/deploy.md: the ConfigMap's commented lines for it switched on,
     * the Kafka login from the example Secret in the environment, as the manifests pass it.
     */
    @Test
    void aSecuredClusterIsTheConfigMapsSecuredLinesAndTheKafkaSecret(@TempDir Path dir)
            throws Exception {
        String properties =
                manifest("k8s/segflow-config.yaml").at("/data/segflow.properties").asText();
        StringBuilder secured = new StringBuilder();
        for (String line : properties.split("\n")) {
            if (line.startsWith("jdbc-url=")) {
                continue; // replaced by the secured one
            }
            secured.append(
                            line.matches("# (kafka-property\\.|jdbc-url=).*")
                                    ? line.substring(2)
                                    : line)
                    .append('\n');
        }
        assertThat(secured.toString())
                .contains("kafka-property.security.protocol=SASL_SSL")
                .contains("sslmode=verify-full");
        Path config = dir.resolve("segflow.properties");
        Files.writeString(config, secured.toString());
        String jaas =
                manifest("k8s/segflow-kafka-secret.example.yaml")
                        .at("/stringData/sasl.jaas.config")
                        .asText();
        assertThat(jaas).contains("ScramLoginModule required");
        Map<String, String> environment = Map.of("SEGFLOW_KAFKA_PROPERTY_SASL_JAAS_CONFIG", jaas);
        String[] argv = {"run", "--config", config.toString()};
        var parsed = SegflowCli.commandLine(argv, environment).parseArgs(argv);
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("run");

        for (String file : List.of("k8s/segflow-streaming.yaml", "k8s/segflow-backfill.yaml")) {
            JsonNode login = null;
            for (JsonNode env : manifest(file).at("/spec/podTemplate/spec/containers/0/env")) {
                if (env.get("name").asText().equals("SEGFLOW_KAFKA_PROPERTY_SASL_JAAS_CONFIG")) {
                    login = env.at("/valueFrom/secretKeyRef");
                }
            }
            assertThat(login).as(file).isNotNull();
            assertThat(login.get("name").asText()).isEqualTo("segflow-kafka");
            assertThat(login.get("key").asText()).isEqualTo("sasl.jaas.config");
            // a deployment without a secured cluster has no such Secret
            assertThat(login.get("optional").asBoolean()).isTrue();
        }
    }

    @Test
    void credentialsComeFromTheSecretOnly() throws Exception {
        for (String file : List.of("k8s/segflow-streaming.yaml", "k8s/segflow-backfill.yaml")) {
            JsonNode manifest = manifest(file);
            Map<String, String> secretKeys = new HashMap<>();
            manifest.at("/spec/podTemplate/spec/containers/0/env")
                    .forEach(
                            env ->
                                    secretKeys.put(
                                            env.get("name").asText(),
                                            env.at("/valueFrom/secretKeyRef/name").asText()));
            assertThat(secretKeys)
                    .as(file)
                    .containsEntry("SEGFLOW_JDBC_USER", "segflow-db")
                    .containsEntry("SEGFLOW_JDBC_PASSWORD", "segflow-db")
                    .containsEntry("SEGFLOW_PSEUDONYM_KEY", "segflow-pseudonym");
            assertThat(manifest.toString().toLowerCase())
                    .as(file)
                    .doesNotContain("password=", "--jdbc-password");
        }
    }

    @Test
    void flinkSettingsUseCurrentKeys() throws Exception {
        Map<String, ConfigOption<?>> current = new HashMap<>();
        Map<String, String> renamed = new HashMap<>();
        for (Class<?> options :
                List.of(
                        CheckpointingOptions.class,
                        StateBackendOptions.class,
                        StateRecoveryOptions.class,
                        RestartStrategyOptions.class,
                        HighAvailabilityOptions.class,
                        TaskManagerOptions.class,
                        JobManagerOptions.class,
                        CoreOptions.class,
                        RestOptions.class)) {
            for (Field field : options.getFields()) {
                if (Modifier.isStatic(field.getModifiers())
                        && ConfigOption.class.isAssignableFrom(field.getType())) {
                    ConfigOption<?> option = (ConfigOption<?>) field.get(null);
                    current.put(option.key(), option);
                    for (FallbackKey old : option.fallbackKeys()) {
                        renamed.put(old.getKey(), option.key());
                    }
                }
            }
        }
        for (String file : List.of("k8s/segflow-streaming.yaml", "k8s/segflow-backfill.yaml")) {
            manifest(file)
                    .at("/spec/flinkConfiguration")
                    .fieldNames()
                    .forEachRemaining(
                            key -> {
                                if (key.startsWith("kubernetes.operator.")
                                        || key.startsWith("state.backend.rocksdb.")) {
                                    return; // the operator's own settings, and options of a module
                                    // not on this classpath
                                }
                                assertThat(renamed)
                                        .as("%s: %s is a Flink 1.x name", file, key)
                                        .doesNotContainKey(key);
                                assertThat(current)
                                        .as("%s: %s is a Flink 2.2 option", file, key)
                                        .containsKey(key);
                            });
        }
    }

    private static JsonNode manifest(String file) throws Exception {
        return YAML.readTree(DEPLOY.resolve(file).toFile());
    }

    private static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("deploy")) ? here : here.getParent();
    }
}
