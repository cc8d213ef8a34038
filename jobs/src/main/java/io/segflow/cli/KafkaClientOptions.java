package io.segflow.cli;

import io.segflow.infra.KafkaConnection;
import io.segflow.pipeline.JobSettings;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * How the commands that reach Kafka log in to it: Kafka client properties (SASL, TLS, any client
 * setting) for every Kafka client the job and the command create. From weakest to strongest:
 *
 * <ul>
 *   <li>the configuration file's {@code kafka-property.<name>=value} lines (no secrets there: a
 *       file of options is refused when it holds one),
 *   <li>a Kafka client properties file ({@code --kafka-properties FILE}, the format of Kafka's own
 *       tools' --command-config), which may hold secrets: mount it from a secret store,
 *   <li>the environment: {@code SEGFLOW_KAFKA_PROPERTY_SASL_JAAS_CONFIG} is {@code
 *       sasl.jaas.config} (the name upper-cased, dots as underscores).
 * </ul>
 *
 * Never a flag per property: a secret on the command line ends up in shell histories and process
 * lists.
 */
final class KafkaClientOptions {

    static final String ENV_PREFIX = "SEGFLOW_KAFKA_PROPERTY_";

    /** The configuration file's keys of Kafka client properties: kafka-property.NAME. */
    static final String FILE_PREFIX = "kafka-property.";

    @Option(
            names = "--kafka-properties",
            paramLabel = "FILE",
            description =
                    "Kafka client properties file (SASL, TLS, any client setting; the format of"
                            + " Kafka's --command-config), for every Kafka client of the job. May"
                            + " hold secrets. Single properties also come from the environment:"
                            + " SEGFLOW_KAFKA_PROPERTY_SASL_JAAS_CONFIG is sasl.jaas.config.")
    Path propertiesFile;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The Kafka client properties of this invocation, the stronger source winning. */
    Map<String, String> properties(Map<String, String> environment) {
        Map<String, String> properties = new TreeMap<>();
        if (command != null
                && command.commandLine().getDefaultValueProvider()
                        instanceof ConfigurationSources sources) {
            properties.putAll(sources.kafkaProperties());
        }
        if (propertiesFile != null) {
            try {
                properties.putAll(KafkaConnection.read(propertiesFile));
            } catch (IllegalArgumentException e) {
                throw command == null
                        ? e
                        : new ParameterException(command.commandLine(), e.getMessage(), e);
            }
        }
        properties.putAll(fromEnvironment(environment));
        try {
            return new KafkaConnection("", properties).properties();
        } catch (IllegalArgumentException e) {
            if (command == null) {
                throw e;
            }
            throw new ParameterException(command.commandLine(), e.getMessage(), e);
        }
    }

    JobSettings applyTo(JobSettings settings, Map<String, String> environment) {
        return settings.withKafkaProperties(properties(environment));
    }

    static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> properties = new TreeMap<>();
        environment.forEach(
                (name, value) -> {
                    if (name.startsWith(ENV_PREFIX)
                            && name.length() > ENV_PREFIX.length()
                            && value != null) {
                        properties.put(propertyName(name), value);
                    }
                });
        return properties;
    }

    /** SEGFLOW_KAFKA_PROPERTY_SASL_JAAS_CONFIG is sasl.jaas.config. */
    static String propertyName(String environmentName) {
        return environmentName
                .substring(ENV_PREFIX.length())
                .toLowerCase(Locale.ROOT)
                .replace('_', '.');
    }
}
