package io.segflow.infra;

import io.segflow.model.ModelDefaults;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the customer database ready for the job: applies deploy/postgres/schema.sql (every
 * statement IF NOT EXISTS), adds the columns the schema file declares that a table created by an
 * older segflow lacks, and adds to customer_profile the feature columns that SQL users added to the
 * profile sink since the table was created. Columns are never dropped or altered: that stays a
 * decision for people.
 */
public final class PostgresSchema {

    public static final String PROFILE_TABLE = "customer_profile";

    /**
     * How long segment_history keeps a change (README, "Segments"): a year and a season, so that a
     * segment of this month can be compared with the same month a year ago. Older rows are deleted
     * whenever {@link #apply} runs, that is when run, insight or retrain starts: PostgreSQL has no
     * row TTL, the JDBC sink only upserts and deletes by key, and insight runs at least with every
     * retrain, so the table holds at most the retention plus the time between two runs.
     */
    public static final Duration SEGMENT_HISTORY_RETENTION =
            ModelDefaults.SEGMENT_HISTORY_RETENTION;

    private static final String LOCAL_SCHEMA = "deploy/postgres/schema.sql";
    private static final String BUNDLED_SCHEMA = "segflow/postgres/schema.sql";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSchema.class);

    private PostgresSchema() {}

    /**
     * Creates what is missing and nothing else, so that a least-privilege user (deploy/postgres/
     * roles.sql: no CREATE on the schema) can run the job once an owner has applied the schema.
     */
    public static void apply(String url, String user, String password, ResolvedSchema profileSink) {
        try (Connection connection = DriverManager.getConnection(url, user, password);
                Statement statement = connection.createStatement()) {
            List<SqlStatement> ddl = SqlStatementSplitter.split("schema.sql", schemaSql());
            Set<String> missingTables = new TreeSet<>(tablesCreatedBy(ddl));
            missingTables.removeAll(existingTables(connection));
            List<SqlStatement> views =
                    ddl.stream().filter(d -> CREATE_VIEW.matcher(d.text()).find()).toList();
            if (!missingTables.isEmpty()) {
                LOG.info("Creating the segflow tables {}", missingTables);
                for (SqlStatement statementOfSchema : ddl) {
                    if (!views.contains(statementOfSchema)) {
                        execute(
                                statement,
                                statementOfSchema.text(),
                                user,
                                "create the tables " + missingTables);
                    }
                }
            }
            boolean columnsAdded = false;
            for (Map.Entry<String, List<String>> table : declaredColumns(ddl).entrySet()) {
                Set<String> present = existingColumns(connection, table.getKey());
                for (String definition : table.getValue()) {
                    String column = columnName(definition);
                    if (!present.contains(column)) {
                        // a table an older segflow created: its rows are there, so no NOT NULL
                        String added = definition.replaceAll("(?i)\\s+NOT\\s+NULL", "");
                        execute(
                                statement,
                                "ALTER TABLE "
                                        + table.getKey()
                                        + " ADD COLUMN IF NOT EXISTS "
                                        + added,
                                user,
                                "add the column " + added + " to " + table.getKey());
                        LOG.info("Added column {} to {}", added, table.getKey());
                        columnsAdded = true;
                    }
                }
            }
            if (!missingTables.isEmpty() || columnsAdded) {
                // after the columns: a view may read columns an older table has just been given
                // (and an older view is replaced by the file's, which appends its new columns)
                for (SqlStatement view : views) {
                    execute(statement, view.text(), user, "create or replace the views");
                }
            }
            Set<String> existing = existingColumns(connection, PROFILE_TABLE);
            for (Column column : profileSink.getColumns()) {
                if (!existing.contains(column.getName().toLowerCase(Locale.ROOT))) {
                    String type = postgresType(column.getDataType().getLogicalType());
                    execute(
                            statement,
                            "ALTER TABLE "
                                    + PROFILE_TABLE
                                    + " ADD COLUMN IF NOT EXISTS "
                                    + quote(column.getName())
                                    + " "
                                    + type,
                            user,
                            "add the feature column "
                                    + column.getName()
                                    + " "
                                    + type
                                    + " to "
                                    + PROFILE_TABLE);
                    LOG.info("Added column {} {} to {}", column.getName(), type, PROFILE_TABLE);
                }
            }
            pruneSegmentHistory(connection, LocalDateTime.now(ZoneOffset.UTC), user);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Cannot prepare the segflow tables in "
                            + JdbcUrls.withoutParameters(url)
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * Deletes the segment changes older than {@link #SEGMENT_HISTORY_RETENTION} before {@code now}
     * (UTC, as changed_at); returns how many went.
     */
    static int pruneSegmentHistory(Connection connection, LocalDateTime now, String user)
            throws SQLException {
        try (PreparedStatement delete =
                connection.prepareStatement("DELETE FROM segment_history WHERE changed_at < ?")) {
            delete.setObject(1, now.minus(SEGMENT_HISTORY_RETENTION));
            int deleted = delete.executeUpdate();
            if (deleted > 0) {
                LOG.info(
                        "Deleted {} segment changes older than {} days from segment_history",
                        deleted,
                        SEGMENT_HISTORY_RETENTION.toDays());
            }
            return deleted;
        } catch (SQLException e) {
            if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw new SQLException(
                        user
                                + " may not delete from segment_history: run"
                                + " deploy/postgres/roles.sql again as the tables' owner",
                        e.getSQLState(),
                        e);
            }
            throw e;
        }
    }

    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private static void execute(Statement statement, String sql, String user, String what)
            throws SQLException {
        try {
            statement.execute(sql);
        } catch (SQLException e) {
            if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw new IllegalStateException(
                        "The database user "
                                + user
                                + " may not "
                                + what
                                + " ("
                                + e.getMessage()
                                + "). Run it as the tables' owner: psql -f"
                                + " deploy/postgres/schema.sql (or ALTER TABLE ... ADD COLUMN),"
                                + " then start the job again; deploy/postgres/roles.sql keeps the"
                                + " job's own user without DDL rights on purpose.",
                        e);
            }
            throw e;
        }
    }

    /** The tables and views the schema file creates. */
    static Set<String> tablesCreatedBy(List<SqlStatement> ddl) {
        Set<String> tables = new TreeSet<>();
        for (SqlStatement statement : ddl) {
            Matcher create = CREATE_TABLE.matcher(statement.text());
            if (create.find()) {
                tables.add(create.group(1).toLowerCase(Locale.ROOT));
            }
        }
        return tables;
    }

    private static final Pattern CREATE_TABLE =
            Pattern.compile(
                    "CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:TABLE|VIEW)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?"
                            + "(\\w+)",
                    Pattern.CASE_INSENSITIVE);

    private static final Pattern CREATE_VIEW =
            Pattern.compile("CREATE\\s+(?:OR\\s+REPLACE\\s+)?VIEW\\s", Pattern.CASE_INSENSITIVE);

    private static final Pattern CREATE_TABLE_BODY =
            Pattern.compile(
                    "CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(\\w+)\\s*\\((.*)\\)\\s*;?\\s*$",
                    Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private static final Set<String> CONSTRAINT_WORDS =
            Set.of("primary", "unique", "constraint", "check", "foreign", "exclude");

    /**
     * Each table's column definitions as the schema file writes them ("name TYPE ..."), in order;
     * table constraints left out.
     */
    static Map<String, List<String>> declaredColumns(List<SqlStatement> ddl) {
        Map<String, List<String>> tables = new LinkedHashMap<>();
        for (SqlStatement statement : ddl) {
            Matcher create = CREATE_TABLE_BODY.matcher(statement.text().strip());
            if (!create.find()) {
                continue;
            }
            List<String> columns = new ArrayList<>();
            for (String item : splitTopLevel(create.group(2))) {
                String definition =
                        item.lines()
                                .map(line -> line.replaceAll("--.*$", "").strip())
                                .filter(line -> !line.isEmpty())
                                .reduce((a, b) -> a + " " + b)
                                .orElse("");
                if (!definition.isEmpty() && !CONSTRAINT_WORDS.contains(columnName(definition))) {
                    columns.add(definition.replaceAll("(?i)\\s+PRIMARY\\s+KEY", ""));
                }
            }
            tables.put(create.group(1).toLowerCase(Locale.ROOT), List.copyOf(columns));
        }
        return tables;
    }

    private static String columnName(String definition) {
        return definition.split("\\s+", 2)[0].replace("\"", "").toLowerCase(Locale.ROOT);
    }

    private static List<String> splitTopLevel(String body) {
        List<String> items = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                items.add(body.substring(start, i));
                start = i + 1;
            }
        }
        items.add(body.substring(start));
        return items;
    }

    private static Set<String> existingTables(Connection connection) throws SQLException {
        Set<String> tables = new HashSet<>();
        try (ResultSet rs =
                connection
                        .getMetaData()
                        .getTables(
                                null,
                                connection.getSchema(),
                                "%",
                                new String[] {"TABLE", "VIEW"})) {
            while (rs.next()) {
                tables.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
            }
        }
        return tables;
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
            default ->
                    throw new IllegalArgumentException(
                            "no PostgreSQL column type for "
                                    + type.asSummaryString()
                                    + "; add the column to "
                                    + PROFILE_TABLE
                                    + " by hand");
        };
    }
}
