package io.segflow.cli;

import io.segflow.pipeline.JobSettings;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where Kafka and the customer database are: the options of every command that reaches both. */
final class Addresses {

    static final String USER_ENV = "SEGFLOW_JDBC_USER";
    static final String PASSWORD_ENV = "SEGFLOW_JDBC_PASSWORD";

    @Option(
            names = "--kafka",
            required = true,
            paramLabel = "SERVERS",
            description = "Kafka bootstrap servers, e.g. broker1:9092,broker2:9092.")
    String kafka;

    @Option(
            names = "--jdbc-url",
            required = true,
            paramLabel = "URL",
            description =
                    "PostgreSQL JDBC URL of the customer database, e.g."
                            + " jdbc:postgresql://db:5432/crm.")
    String jdbcUrl;

    /**
     * The job's settings with these addresses; the database credentials only ever come from the
     * environment (never from flags or files, which end up in shells and repositories).
     */
    JobSettings applyTo(JobSettings settings, Map<String, String> environment) {
        return settings.withKafkaBootstrapServers(kafka)
                .withJdbcUrl(jdbcUrl)
                .withJdbcUser(environment.getOrDefault(USER_ENV, "postgres"))
                .withJdbcPassword(environment.getOrDefault(PASSWORD_ENV, ""));
    }
}
