package io.segflow.cli;

import io.segflow.pipeline.JobSettings;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the customer database is: the option of every command that reads or writes it. */
final class Database {

    static final String USER_ENV = "SEGFLOW_JDBC_USER";
    static final String PASSWORD_ENV = "SEGFLOW_JDBC_PASSWORD";

    @Option(
            names = "--jdbc-url",
            required = true,
            paramLabel = "URL",
            description =
                    "PostgreSQL JDBC URL of the customer database, e.g."
                            + " jdbc:postgresql://db:5432/crm.")
    String jdbcUrl;

    /**
     * The job's settings with this database; the credentials only ever come from the environment
     * (never from flags or files, which end up in shells and repositories).
     */
    JobSettings applyTo(JobSettings settings, Map<String, String> environment) {
        return settings.withJdbcUrl(jdbcUrl)
                .withJdbcUser(environment.getOrDefault(USER_ENV, "postgres"))
                .withJdbcPassword(environment.getOrDefault(PASSWORD_ENV, ""));
    }
}
