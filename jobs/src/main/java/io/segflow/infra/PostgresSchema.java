package io.segflow.infra;

import io.segflow.sql.SqlStatement;
import io.segflow.sql.SqlStatementSplitter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the customer database ready for the job: applies deploy/postgres/schema.sql (every
 * statement IF NOT EXISTS) and adds to customer_profile the feature columns that SQL users
 * added to the profile sink since the table was created. Columns are never dropped or altered:
 * that stays a decision for people.
 */
public final class PostgresSchema {

    public static final String PROFILE_TABLE = "customer_profile";
    private static final String LOCAL_SCHEMA = "deploy/postgres/schema.sql";
    private static final String BUNDLED_SCHEMA = "segflow/postgres/schema.sql";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSchema.class);

    private PostgresSchema() {}

    public static void apply(String url, String user, String password, ResolvedSchema profileSink) {
        try (Connection connection = DriverManager.getConnection(url, user, password);
                Statement statement = connection.createStatement()) {
            for (SqlStatement ddl : SqlStatementSplitter.split("schema.sql", schemaSql())) {
                statement.execute(ddl.text());
            }
            Set<String> existing = existingColumns(connection, PROFILE_TABLE);
            for (Column column : profileSink.getColumns()) {
                if (!existing.contains(column.getName().toLowerCase(Locale.ROOT))) {
                    String type = postgresType(column.getDataType().getLogicalType());
                    LOG.info("Adding column {} {} to {}", column.getName(), type, PROFILE_TABLE);
                    statement.execute(
                            "ALTER TABLE " + PROFILE_TABLE + " ADD COLUMN IF NOT EXISTS "
                                    + quote(column.getName()) + " " + type);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Cannot prepare the segflow tables in " + url + ": " + e.getMessage(), e);
        }
    }

    /** The schema file: the checkout's when the job runs from one, else the jar's copy. */
    public static String schemaSql() {
        Path local = Path.of(LOCAL_SCHEMA);
        try {
            if (Files.isRegularFile(local)) {
                return Files.readString(local, StandardCharsets.UTF_8);
            }
            try (InputStream in =
                    PostgresSchema.class.getClassLoader().getResourceAsStream(BUNDLED_SCHEMA)) {
                if (in == null) {
                    throw new IllegalStateException("no " + BUNDLED_SCHEMA + " in this jar");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> existingColumns(Connection connection, String table)
            throws SQLException {
        Set<String> columns = new HashSet<>();
        try (ResultSet rs =
                connection.getMetaData().getColumns(null, connection.getSchema(), table, null)) {
            while (rs.next()) {
                columns.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
            }
        }
        return columns;
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    static String postgresType(LogicalType type) {
        return switch (type.getTypeRoot()) {
            case TINYINT, SMALLINT -> "SMALLINT";
            case INTEGER -> "INTEGER";
            case BIGINT -> "BIGINT";
            case FLOAT -> "REAL";
            case DOUBLE -> "DOUBLE PRECISION";
            case DECIMAL -> {
                DecimalType decimal = (DecimalType) type;
                yield "NUMERIC(" + decimal.getPrecision() + "," + decimal.getScale() + ")";
            }
            case BOOLEAN -> "BOOLEAN";
            case CHAR, VARCHAR -> "TEXT";
            case DATE -> "DATE";
            case TIMESTAMP_WITHOUT_TIME_ZONE -> "TIMESTAMP";
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> "TIMESTAMPTZ";
            default -> throw new IllegalArgumentException(
                    "no PostgreSQL column type for " + type.asSummaryString()
                            + "; add the column to " + PROFILE_TABLE + " by hand");
        };
    }
}
