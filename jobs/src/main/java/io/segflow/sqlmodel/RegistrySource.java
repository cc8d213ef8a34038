package io.segflow.sqlmodel;

import io.segflow.infra.JdbcUrls;
import io.segflow.model.SegmentModel;
import io.segflow.registry.ModelRegistry;
import java.io.Serializable;

/**
 * Where a SQL model finds its segmentation: the segment_model table of a PostgreSQL database, and
 * either one pinned version or, when {@code version} is null, the newest version at the moment the
 * predict function opens (so a job picks up whatever was published before it started, and keeps
 * that version until it restarts).
 *
 * @param username null for the PostgreSQL driver's default (the operating-system user)
 * @param password null to send none; never printed
 */
public record RegistrySource(String jdbcUrl, String username, String password, Long version)
        implements Serializable {

    public SegmentModel load() {
        return version == null
                ? ModelRegistry.loadLatest(jdbcUrl, username, password)
                : ModelRegistry.load(jdbcUrl, username, password, version);
    }

    /** Which version this source asks for, for messages. */
    public String describeVersion() {
        return version == null ? "the latest version" : "version " + version;
    }

    /**
     * Safe for logs and exception messages: the password stays out, as does the URL's query string.
     */
    @Override
    public String toString() {
        return "segment_model at "
                + JdbcUrls.withoutParameters(jdbcUrl)
                + (username == null ? "" : " as " + username)
                + ", "
                + describeVersion();
    }
}
