package io.segflow.pipeline;

import io.segflow.sql.SqlScriptException;
import io.segflow.sql.SqlScripts;
import io.segflow.sql.SqlStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.catalog.CatalogBaseTable;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.flink.table.catalog.exceptions.TableNotExistException;

/**
 * The topics the job reads its input from, taken from the SQL, never from code: every Kafka table
 * that {@value #SOURCES_FILE} declares is an input, and its {@code 'topic'} option (placeholders
 * filled in) names the topics. Topic creation, a backfill's record count, the archive, the demo's
 * lag, {@code validate} and what a checkpoint read all ask here, so that a source a SQL user adds
 * to that file is created, counted, archived and checked like the shipped four.
 *
 * <p>The tables are read by Flink itself: the statements up to {@value #SOURCES_FILE} run in a
 * table environment of their own (nothing runs, nothing reaches Kafka), and the topics come from
 * each table's options in its catalog, as the Kafka connector will read them.
 */
public final class InputTopics {

    /** The SQL file whose Kafka tables are the job's inputs. */
    public static final String SOURCES_FILE = "10_sources.sql";

    private static final String TOPIC = "topic";
    private static final String TOPIC_PATTERN = "topic-pattern";

    private InputTopics() {}

    /** The topics the job reads its input from, each once, in the order the SQL declares them. */
    public static List<String> of(JobSettings settings) {
        Set<String> topics = new LinkedHashSet<>();
        byTable(settings).values().forEach(topics::addAll);
        return List.copyOf(topics);
    }

    /** Every topic the job reads: the inputs and the models topic. */
    public static List<String> readBy(JobSettings settings) {
        List<String> topics = new ArrayList<>(of(settings));
        if (!topics.contains(settings.modelsTopic())) {
            topics.add(settings.modelsTopic());
        }
        return topics;
    }

    /** The input tables of the settings' SQL and the topics each reads, in declaration order. */
    public static Map<String, List<String>> byTable(JobSettings settings) {
        return byTable(SqlScripts.locate(settings.sqlDirectory()), settings);
    }

    static Map<String, List<String>> byTable(SqlScripts scripts, JobSettings settings) {
        SqlScripts sources = scripts.upTo(SOURCES_FILE);
        TableEnvironment tableEnv = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        Map<String, List<String>> byTable = new LinkedHashMap<>();
        // the placeholders of the whole SQL: a topic set for a later file's placeholder is no typo
        for (SqlStatement statement : sources.statements(settings.placeholders(scripts))) {
            if (statement.isInsert()) {
                continue;
            }
            Set<String> before = Set.of(tableEnv.listTables());
            try {
                tableEnv.executeSql(statement.text());
            } catch (RuntimeException e) {
                throw new SqlScriptException(SegflowPipeline.describe(statement, e), e);
            }
            if (statement.file().equals(SOURCES_FILE)) {
                for (String table : tableEnv.listTables()) {
                    if (!before.contains(table) && isKafkaTable(tableEnv, table)) {
                        byTable.put(table, topics(statement, table, tableEnv));
                    }
                }
            }
        }
        return byTable;
    }

    /** Whether a table of {@value #SOURCES_FILE} is an input: a table of the Kafka connector. */
    static boolean isKafkaTable(TableEnvironment tableEnv, String table) {
        return "kafka".equals(catalogTable(tableEnv, table).getOptions().get("connector"));
    }

    private static List<String> topics(
            SqlStatement statement, String table, TableEnvironment tableEnv) {
        Map<String, String> options = catalogTable(tableEnv, table).getOptions();
        String topic = options.get(TOPIC);
        if (topic == null || topic.isBlank()) {
            // a pattern matches topics that may not exist yet: nothing could create, count or
            // check them
            throw new SqlScriptException(
                    statement.location()
                            + ": input table "
                            + table
                            + " names no 'topic'"
                            + (options.containsKey(TOPIC_PATTERN)
                                    ? " ('topic-pattern' is not supported for an input: segflow"
                                            + " creates, counts and archives the topics it reads)"
                                    : "")
                            + "; give 'topic' = '${topic.NAME}' (several topics separated by"
                            + " ';')");
        }
        List<String> topics = new ArrayList<>();
        for (String name : topic.split(";")) {
            if (!name.isBlank()) {
                topics.add(name.strip());
            }
        }
        return List.copyOf(topics);
    }

    static CatalogBaseTable catalogTable(TableEnvironment tableEnv, String table) {
        try {
            return tableEnv.getCatalog(tableEnv.getCurrentCatalog())
                    .orElseThrow()
                    .getTable(new ObjectPath(tableEnv.getCurrentDatabase(), table));
        } catch (TableNotExistException e) {
            throw new IllegalStateException("no table " + table, e);
        }
    }
}
