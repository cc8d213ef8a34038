package io.segflow.registry;

import io.segflow.infra.JdbcUrls;
import io.segflow.model.SegmentModel;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads published model versions back from the segment_model table, so that a job can start from a
 * known model (a warm start) instead of initialising from its first customers.
 */
public final class ModelRegistry {

    private ModelRegistry() {}

    private static final String COLUMNS = String.join(", ", ModelRecord.COLUMNS);

    static {
        // DriverManager only hands out drivers that the caller's class loader can see and that
        // registered themselves; a jar added at run time (SQL client ADD JAR, a job jar on a
        // cluster) is not scanned for drivers, so load PostgreSQL's through our own loader.
        try {
            Class.forName("org.postgresql.Driver", true, ModelRegistry.class.getClassLoader());
        } catch (ClassNotFoundException notBundled) {
            // another JDBC driver on the class path may still serve the URL
        }
    }

    /** Runs the static block that loads PostgreSQL's driver; for the other registries. */
    static void ensureDriver() {}

    /** One version; {@code user} and {@code password} may be null for the driver's defaults. */
    public static SegmentModel load(String url, String user, String password, long version) {
        return read(
                url,
                user,
                password,
                "SELECT " + COLUMNS + " FROM segment_model WHERE model_version = ?",
                version,
                "segment_model has no version " + version,
                "model version " + version);
    }

    /**
     * The newest version: the highest model_version, which orders every version ever published
     * (streaming trainers and batch retraining alike), not the latest created_at.
     */
    public static SegmentModel loadLatest(String url, String user, String password) {
        return read(
                url,
                user,
                password,
                "SELECT " + COLUMNS + " FROM segment_model ORDER BY model_version DESC LIMIT 1",
                null,
                "segment_model holds no model version yet: run the segflow job (or a retrain)"
                        + " first, which publishes one",
                "the latest model version");
    }

    /** The newest version, or null when none was published yet (a first retrain). */
    public static SegmentModel loadLatestOrNull(String url, String user, String password) {
        try (Connection connection = DriverManager.getConnection(url, user, password);
                PreparedStatement statement =
                        connection.prepareStatement("SELECT count(*) FROM segment_model");
                ResultSet rs = statement.executeQuery()) {
            rs.next();
            if (rs.getLong(1) == 0) {
                return null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot read segment_model in "
                            + JdbcUrls.withoutParameters(url)
                            + ": "
                            + e.getMessage(),
                    e);
        }
        return loadLatest(url, user, password);
    }

    /** The version published before {@code version}, or null when it is the first. */
    public static SegmentModel loadPreviousOrNull(
            String url, String user, String password, long version) {
        try (Connection connection = DriverManager.getConnection(url, user, password);
                PreparedStatement statement =
                        connection.prepareStatement(
                                "SELECT max(model_version) FROM segment_model WHERE model_version"
                                        + " < ?")) {
            statement.setLong(1, version);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                long previous = rs.getLong(1);
                return rs.wasNull() ? null : load(url, user, password, previous);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot read segment_model in "
                            + JdbcUrls.withoutParameters(url)
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * The highest segment id any published version used, -1 for none: a new segment gets a higher
     * one, so an id never comes back with another meaning.
     */
    public static int highestSegmentId(String url, String user, String password) {
        int highest = -1;
        try (Connection connection = DriverManager.getConnection(url, user, password);
                PreparedStatement statement =
                        connection.prepareStatement("SELECT centroids FROM segment_model");
                ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                for (int id : ModelRecord.segmentIds(rs.getString(1))) {
                    highest = Math.max(highest, id);
                }
            }
        } catch (SQLException | IOException | NumberFormatException e) {
            throw new IllegalStateException(
                    "cannot read the segment ids in segment_model of "
                            + JdbcUrls.withoutParameters(url)
                            + ": "
                            + e.getMessage(),
                    e);
        }
        return highest;
    }

    private static SegmentModel read(
            String url,
            String user,
            String password,
            String sql,
            Long version,
            String whenMissing,
            String what) {
        try (Connection connection = DriverManager.getConnection(url, user, password);
                PreparedStatement statement = connection.prepareStatement(sql)) {
            if (version != null) {
                statement.setLong(1, version);
            }
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException(whenMissing);
                }
                return ModelRecord.fromColumns(
                        rs.getLong("model_version"),
                        rs.getString("trained_by"),
                        column -> {
                            try {
                                return rs.getString(column);
                            } catch (SQLException e) {
                                throw new IllegalStateException(e.getMessage(), e);
                            }
                        });
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot read "
                            + what
                            + " from "
                            + JdbcUrls.withoutParameters(url)
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }
}
