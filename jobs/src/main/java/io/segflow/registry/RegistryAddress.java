package io.segflow.registry;

import io.segflow.infra.JdbcUrls;
import java.io.Serializable;

/**
 * Where the registry tables are, for operators that load published models while the job runs.
 *
 * @param user null for the PostgreSQL driver's default
 * @param password null to send none; never printed
 */
public record RegistryAddress(String jdbcUrl, String user, String password)
        implements Serializable {

    /** Safe for logs: the password stays out, as does the URL's query string. */
    @Override
    public String toString() {
        return JdbcUrls.withoutParameters(jdbcUrl) + (user == null ? "" : " as " + user);
    }
}
