package io.segflow.udfs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * A SQL session as the SQL client opens one: a fresh TableEnvironment in a JVM without segflow's
 * classes, set up only by deploy/sql-client/init.sql. Run by {@link SqlClientInitITCase} as its own
 * process; prints the rows of a query that uses every function.
 *
 * <p>Arguments: the init script, the built udfs jar, the content taxonomy file.
 */
public final class FreshSqlSession {

    private static final Pattern SET =
            Pattern.compile("SET\\s+'([^']+)'\\s*=\\s*'([^']*)'", Pattern.CASE_INSENSITIVE);

    public static void main(String[] args) throws Exception {
        Path init = Path.of(args[0]);
        String jar = Path.of(args[1]).toAbsolutePath().toString();
        String taxonomy = Path.of(args[2]).toAbsolutePath().toString();
        try {
            Class.forName("io.segflow.udfs.ParseJson");
            throw new IllegalStateException(
                    "segflow's functions are on the classpath already: this session proves"
                            + " nothing");
        } catch (ClassNotFoundException expected) {
            System.out.println("no segflow classes before the init script");
        }
        TableEnvironment session = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        String script =
                Files.readString(init, StandardCharsets.UTF_8)
                        .replace("/opt/segflow/lib/segflow-udfs.jar", jar);
        StringBuilder withoutComments = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                withoutComments.append(line).append('\n');
            }
        }
        for (String statement : withoutComments.toString().split(";\\s*\n")) {
            Matcher set = SET.matcher(statement.strip());
            if (set.matches()) {
                // SET is the SQL client's own command, not TableEnvironment SQL: apply it as the
                // client does
                session.getConfig().getConfiguration().setString(set.group(1), set.group(2));
            } else if (!statement.isBlank()) {
                session.executeSql(statement.strip());
            }
        }
        TableResult result =
                session.executeSql(
                        "SELECT c.op, c.customer_id, c.country, e.event_type,"
                            + " JSON_INSTANT(e_payload, 'event_time') AS t,"
                            + " COUNT_DEAD_LETTER('web.events', e.parse_error) AS reason,"
                            + " CONTENT_TOPIC('https://example.com/Pricing/?utm=x', e.event_type, '"
                                + taxonomy
                                + "') AS topic, TOPIC_DIVERSITY(CAST(3 AS BIGINT), CAST(3 AS"
                                + " BIGINT)) AS diversity FROM (VALUES ("
                                + "'{\"before\":null,\"after\":{\"customer_id\":7,\"country\":\"PL\"},\"op\":\"c\",\"ts_ms\":1}',"
                                + " '{\"event_type\":\"page_view\",\"event_time\":\"2026-11-20T08:00:00Z\"}'))"
                                + " AS r(crm_payload, e_payload), LATERAL"
                                + " TABLE(PARSE_DEBEZIUM(crm_payload, 'customer_id BIGINT NOT NULL,"
                                + " country STRING')) AS c, LATERAL TABLE(PARSE_JSON(e_payload,"
                                + " 'event_type STRING NOT NULL, visitor_id STRING NOT NULL')) AS"
                                + " e");
        try (CloseableIterator<Row> rows = result.collect()) {
            rows.forEachRemaining(row -> System.out.println("row " + row));
        }
    }
}
