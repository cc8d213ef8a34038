package io.segflow.infra;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * How to reach Kafka: the bootstrap servers and the client properties (SASL, TLS, any Kafka client
 * property) that every client of the job needs, its SQL tables and segflow's own admin clients
 * alike. Secrets among the properties are never shown: {@link #toString()} masks them.
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> properties) {

    /**
     * Set by segflow itself from its own options (--kafka, --group-id) or per client by the
     * connector; a client property of that name would split one setting in two.
     */
    private static final Set<String> NOT_CLIENT_PROPERTIES =
            Set.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    ConsumerConfig.GROUP_ID_CONFIG,
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG);

    public KafkaConnection {
        properties = Map.copyOf(checked(properties == null ? Map.of() : properties));
    }

    /** A broker without client settings (PLAINTEXT, no authentication). */
    public static KafkaConnection plain(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, Map.of());
    }

    /** The properties of an admin client, a producer or a consumer: the servers and the rest. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.putAll(properties);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }

    /**
     * Whether a client property holds a secret: Kafka's own password-typed settings
     * (sasl.jaas.config, ssl.key.password, ssl.keystore.key, ...) and any name that says so (as
     * Flink judges its own options' names: password, secret, token, ...).
     */
    public static boolean isSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return GlobalConfiguration.isSensitive(key)
                || lower.contains("password")
                || lower.contains("secret")
                || lower.contains("jaas")
                || isPasswordType(ProducerConfig.configDef(), key)
                || isPasswordType(ConsumerConfig.configDef(), key)
                || isPasswordType(AdminClientConfig.configDef(), key);
    }

    private static boolean isPasswordType(ConfigDef definition, String key) {
        ConfigDef.ConfigKey configKey = definition.configKeys().get(key);
        return configKey != null && configKey.type == ConfigDef.Type.PASSWORD;
    }

    /** The properties as they may be shown: secrets as "(set)". */
    public static Map<String, String> masked(Map<String, String> properties) {
        Map<String, String> shown = new TreeMap<>();
        properties.forEach((key, value) -> shown.put(key, isSecret(key) ? "(set)" : value));
        return shown;
    }

    /**
     * A Kafka client properties file, the format Kafka's own tools read with --command-config. It
     * may hold secrets: it is meant to be mounted from a secret store.
     */
    public static Map<String, String> read(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read the Kafka client properties file " + file + ": " + e.getMessage(),
                    e);
        }
        Map<String, String> values = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            values.put(key, properties.getProperty(key).trim());
        }
        return checked(values);
    }

    private static Map<String, String> checked(Map<String, String> properties) {
        for (String key : properties.keySet()) {
            if (NOT_CLIENT_PROPERTIES.contains(key)) {
                throw new IllegalArgumentException(
                        "the Kafka client property '"
                                + key
                                + "' is set by segflow itself ("
                                + (key.equals(ConsumerConfig.GROUP_ID_CONFIG)
                                        ? "--group-id"
                                        : key.equals(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
                                                ? "--kafka"
                                                : "per Kafka sink")
                                + "); leave it out of the client properties");
            }
        }
        return properties;
    }

    /**
     * What went wrong when talking to Kafka, in one line: a refused login or permission names the
     * settings to check instead of ending in a timeout's words.
     */
    public static String explain(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof AuthenticationException) {
                return "authentication failed ("
                        + cause.getMessage()
                        + "): check the Kafka client properties security.protocol, sasl.mechanism"
                        + " and sasl.jaas.config or ssl.* (--kafka-properties FILE or"
                        + " SEGFLOW_KAFKA_PROPERTY_<NAME>)";
            }
            if (cause instanceof AuthorizationException) {
                return "not authorized (" + cause.getMessage() + "): check the ACLs of this user";
            }
        }
        return failure.getMessage();
    }

    /** Where the cluster is and how it is reached, for messages: never a secret. */
    public String describe() {
        String protocol = properties.get(AdminClientConfig.SECURITY_PROTOCOL_CONFIG);
        return bootstrapServers + (protocol == null ? "" : " (" + protocol + ")");
    }

    @Override
    public String toString() {
        return "KafkaConnection[" + bootstrapServers + ", " + masked(properties) + "]";
    }
}
