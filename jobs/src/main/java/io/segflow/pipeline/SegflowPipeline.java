package io.segflow.pipeline;

import io.segflow.infra.GuardedJdbcTableFactory;
import io.segflow.profile.FeatureSet;
import io.segflow.profile.ProfileContract;
import io.segflow.profile.ProfileContract.ViewColumn;
import io.segflow.profile.ProfileContractException;
import io.segflow.profile.ProfileSpec;
import io.segflow.sql.SqlScriptException;
import io.segflow.sql.SqlScripts;
import io.segflow.sql.SqlStatement;
import io.segflow.sql.UnionByName;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableDescriptor;
import org.apache.flink.table.api.bridge.java.StreamStatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.config.TableConfigOptions;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.kafka.common.TopicPartition;

/**
 * The SQL half of the job: runs the SQL files against a table environment (tables, views,
 * functions), collects their INSERTs into one statement set, and holds the customer profile view to
 * its contract in profile.yml. Later stages take {@link #profile()} and {@link #features()} from
 * here.
 */
public final class SegflowPipeline {

    public static final String PROFILE_VIEW = "customer_profile";
    public static final String PROFILE_SINK = "customer_profile_sink";

    /**
     * The profile's columns as a table (no data), for the sink's {@code LIKE}: segflow defines it
     * once the SQL's profile view exists.
     */
    public static final String PROFILE_COLUMNS = "customer_profile_columns";

    private static final Pattern PLANNER_POSITION = Pattern.compile("line (\\d+), column (\\d+)");

    /** The sink through which the profile changelog reaches the segmentation operators. */
    static final String PROFILE_HANDOFF = "customer_profile_changelog";

    private final StreamTableEnvironment tableEnv;
    private final StreamStatementSet inserts;
    private final FeatureSet features;
    private final List<String> inputTables;
    private ChangelogHandoff.Receiver profileChangelog;

    private SegflowPipeline(
            StreamTableEnvironment tableEnv,
            StreamStatementSet inserts,
            FeatureSet features,
            List<String> inputTables) {
        this.tableEnv = tableEnv;
        this.inserts = inserts;
        this.features = features;
        this.inputTables = List.copyOf(inputTables);
    }

    /**
     * Plans the SQL's INSERTs together with the profile for the segmentation operators, as one
     * graph (every source read once, every SQL operator built once), and attaches it to the
     * environment; returns the profile changelog (upserts keyed by customer_id, inserts in BATCH)
     * for the DataStream operators to read. Call once, after the SQL ran.
     */
    public DataStream<RowData> attachProfileAndInserts(StreamExecutionEnvironment env) {
        if (profileChangelog != null) {
            throw new IllegalStateException("the pipeline is attached already");
        }
        profileChangelog =
                ChangelogHandoff.insert(
                        tableEnv, inserts, profile(), PROFILE_HANDOFF, features.keyColumn());
        inserts.attachAsDataStream();
        return profileChangelog.changelog(env);
    }

    /** The Kafka tables of 10_sources.sql: the job's inputs (see {@link InputTopics}). */
    public List<String> inputTables() {
        return inputTables;
    }

    public static SegflowPipeline create(
            StreamTableEnvironment tableEnv, SqlScripts scripts, Map<String, String> values) {
        return create(tableEnv, scripts, values, null);
    }

    /**
     * @param archive null to read the inputs from Kafka; else a directory of {@link
     *     ArchiveSources}: the Kafka tables of 10_sources.sql are read from there
     */
    public static SegflowPipeline create(
            StreamTableEnvironment tableEnv,
            SqlScripts scripts,
            Map<String, String> values,
            Path archive) {
        return create(tableEnv, scripts, values, archive, null);
    }

    /**
     * @param boundedOffsets null to read as the SQL says; else where every Kafka table read stops
     *     (see {@link BoundedOffsets})
     */
    public static SegflowPipeline create(
            StreamTableEnvironment tableEnv,
            SqlScripts scripts,
            Map<String, String> values,
            Path archive,
            Map<TopicPartition, Long> boundedOffsets) {
        return create(tableEnv, scripts, values, archive, boundedOffsets, Map.of());
    }

    /** The SQL with the settings' placeholders and Kafka client properties, read from Kafka. */
    public static SegflowPipeline create(
            StreamTableEnvironment tableEnv, SqlScripts scripts, JobSettings settings) {
        return create(
                tableEnv,
                scripts,
                settings.placeholders(scripts),
                null,
                null,
                settings.kafkaProperties());
    }

    /**
     * @param kafkaProperties Kafka client properties every Kafka table gets (see {@link
     *     KafkaTableProperties})
     */
    public static SegflowPipeline create(
            StreamTableEnvironment tableEnv,
            SqlScripts scripts,
            Map<String, String> values,
            Path archive,
            Map<TopicPartition, Long> boundedOffsets,
            Map<String, String> kafkaProperties) {
        // "days" in the features are UTC calendar days, wherever the job runs
        tableEnv.getConfig().set(TableConfigOptions.LOCAL_TIME_ZONE, "UTC");
        StreamStatementSet inserts = tableEnv.createStatementSet();
        List<String> inputTables = new ArrayList<>();
        Set<ObjectIdentifier> configuredKafkaTables = new HashSet<>();
        FeatureSet features = null;
        for (SqlStatement statement : scripts.statements(values)) {
            try {
                if (statement.isInsert()) {
                    inserts.addInsertSql(statement.text());
                } else {
                    Set<String> before = Set.of(tableEnv.listTables());
                    Set<String> viewsBefore = Set.of(tableEnv.listTemporaryViews());
                    execute(tableEnv, statement);
                    List<String> created = new ArrayList<>(List.of(tableEnv.listTables()));
                    created.removeAll(before);
                    // before any INSERT resolves them: see GuardedJdbcSinkFunction for why
                    GuardedJdbcTableFactory.guard(tableEnv, created);
                    KafkaTableProperties.apply(tableEnv, kafkaProperties, configuredKafkaTables);
                    if (boundedOffsets != null
                            && !before.containsAll(List.of(tableEnv.listTables()))) {
                        // before any statement reads the new table: INSERTs and views resolve it
                        // once
                        BoundedOffsets.apply(tableEnv, boundedOffsets);
                    }
                    for (String view : tableEnv.listTemporaryViews()) {
                        if (!viewsBefore.contains(view)) {
                            planOnce(tableEnv, view);
                            if (view.equals(PROFILE_VIEW)) {
                                features = shapeProfile(tableEnv, scripts);
                            }
                        }
                    }
                    if (statement.file().equals(InputTopics.SOURCES_FILE)) {
                        for (String table : tableEnv.listTables()) {
                            if (!before.contains(table)
                                    && InputTopics.isKafkaTable(tableEnv, table)) {
                                inputTables.add(table);
                                if (archive != null) {
                                    ArchiveSources.readFromArchive(tableEnv, table, archive);
                                }
                            }
                        }
                    }
                }
            } catch (ProfileContractException e) {
                throw e; // says which file to change already
            } catch (RuntimeException | AssertionError e) {
                // Calcite reports some planning failures (type conversions) as AssertionError
                throw new SqlScriptException(describe(statement, e), e);
            }
        }
        if (features == null) {
            throw new ProfileContractException(
                    "the SQL in " + scripts.origin() + " defines no view " + PROFILE_VIEW);
        }
        checkProfileSink(tableEnv);
        return new SegflowPipeline(tableEnv, inserts, features, inputTables);
    }

    /** Runs a statement, a view with UNION ALL BY NAME rewritten first (see UnionByName). */
    private static void execute(StreamTableEnvironment tableEnv, SqlStatement statement) {
        Optional<UnionByName.View> byName = UnionByName.parse(statement.text());
        if (byName.isEmpty()) {
            tableEnv.executeSql(statement.text());
            return;
        }
        List<List<UnionByName.Column>> columns = new ArrayList<>();
        for (UnionByName.Branch branch : byName.get().branches()) {
            List<UnionByName.Column> branchColumns = new ArrayList<>();
            for (Column column :
                    tableEnv.sqlQuery(branch.positioned()).getResolvedSchema().getColumns()) {
                branchColumns.add(
                        new UnionByName.Column(
                                column.getName(),
                                column.getDataType()
                                        .getLogicalType()
                                        .copy(true)
                                        .asSerializableString()));
            }
            columns.add(branchColumns);
        }
        tableEnv.executeSql(UnionByName.rewrite(byName.get(), columns));
    }

    /**
     * Replaces a view of the SQL by its query planned once, so that every statement reading it
     * reads the same plan. A SQL view is expanded anew wherever it is used, and a view with a
     * LATERAL TABLE (every staging view) then gets a new correlation each time, which keeps the
     * planner from recognising the copies as one: each use would decode every record again, and
     * everything built on it (the whole profile) would be built once per sink.
     */
    private static void planOnce(StreamTableEnvironment tableEnv, String view) {
        Table planned = tableEnv.sqlQuery("SELECT * FROM `" + view.replace("`", "``") + "`");
        tableEnv.dropTemporaryView(view);
        tableEnv.createTemporaryView(view, planned);
    }

    /**
     * Holds the SQL's profile view to profile.yml, then makes the profile what profile.yml says:
     * the view becomes its declared columns in profile.yml's order (working figures, whose names
     * start with an underscore, stay behind), and {@link #PROFILE_COLUMNS} holds those columns with
     * the key as primary key, for the sink to take them with LIKE.
     */
    private static FeatureSet shapeProfile(StreamTableEnvironment tableEnv, SqlScripts scripts) {
        ProfileSpec spec = ProfileSpec.parse(scripts.profileYaml());
        ResolvedSchema view = tableEnv.from(PROFILE_VIEW).getResolvedSchema();
        ProfileContract.check(spec, viewColumns(view));
        List<String> declared = spec.columns().stream().map(ProfileSpec.ColumnSpec::name).toList();
        // planned here (sqlQuery), not a reference by name, which would be the view replaced below
        Table profile =
                tableEnv.sqlQuery(
                        "SELECT "
                                + declared.stream()
                                        .map(name -> "`" + name.replace("`", "``") + "`")
                                        .collect(Collectors.joining(", "))
                                + " FROM `"
                                + PROFILE_VIEW
                                + "`");
        tableEnv.dropTemporaryView(PROFILE_VIEW);
        tableEnv.createTemporaryView(PROFILE_VIEW, profile);
        ResolvedSchema shaped = profile.getResolvedSchema();
        FeatureSet features = ProfileContract.check(spec, viewColumns(shaped));
        Schema.Builder columns = Schema.newBuilder();
        for (Column column : shaped.getColumns()) {
            DataType type = column.getDataType();
            columns.column(
                    column.getName(),
                    column.getName().equals(features.keyColumn()) ? type.notNull() : type);
        }
        columns.primaryKey(features.keyColumn());
        tableEnv.createTemporaryTable(
                PROFILE_COLUMNS,
                TableDescriptor.forConnector("blackhole").schema(columns.build()).build());
        return features;
    }

    /** A sink that lists its own columns must list the profile's, in the same order. */
    private static void checkProfileSink(StreamTableEnvironment tableEnv) {
        if (List.of(tableEnv.listTables()).contains(PROFILE_SINK)) {
            List<String> viewNames =
                    tableEnv.from(PROFILE_VIEW).getResolvedSchema().getColumnNames();
            List<String> sinkNames =
                    tableEnv.from(PROFILE_SINK).getResolvedSchema().getColumnNames();
            if (!viewNames.equals(sinkNames)) {
                throw new ProfileContractException(
                        PROFILE_SINK
                                + " in 90_sinks.sql must have the columns of "
                                + PROFILE_VIEW
                                + " in the same order (LIKE "
                                + PROFILE_COLUMNS
                                + " gives it them).\n  profile: "
                                + viewNames
                                + "\n  sink: "
                                + sinkNames);
            }
        }
    }

    static List<ViewColumn> viewColumns(ResolvedSchema schema) {
        List<ViewColumn> columns = new ArrayList<>();
        for (Column column : schema.getColumns()) {
            var type = column.getDataType().getLogicalType();
            columns.add(
                    new ViewColumn(
                            column.getName(),
                            type.asSummaryString(),
                            type.is(LogicalTypeFamily.NUMERIC)));
        }
        return columns;
    }

    /** The planner's message with the position translated into the file's own line. */
    static String describe(SqlStatement statement, Throwable e) {
        StringBuilder message = new StringBuilder();
        Throwable cause = e;
        while (cause != null) {
            if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
                if (message.length() > 0) {
                    message.append("\n  caused by: ");
                }
                message.append(cause.getMessage());
            }
            cause = cause.getCause() == cause ? null : cause.getCause();
        }
        String text = message.toString();
        Matcher position = PLANNER_POSITION.matcher(text);
        String where = statement.location();
        if (position.find()) {
            int line = statement.line() + Integer.parseInt(position.group(1)) - 1;
            where = statement.file() + ":" + line + ":" + position.group(2);
        }
        return where + ": " + text;
    }

    public StreamTableEnvironment tableEnvironment() {
        return tableEnv;
    }

    /** The customer profile: a changelog keyed by customer_id. */
    public Table profile() {
        return tableEnv.from(PROFILE_VIEW);
    }

    public FeatureSet features() {
        return features;
    }

    /**
     * The INSERTs of the SQL files, until {@link #attachProfileAndInserts()} attaches them to the
     * job.
     */
    public StreamStatementSet inserts() {
        return inserts;
    }

    /** Columns of a sink table, to create them in the database when they are missing. */
    public ResolvedSchema schemaOf(String table) {
        return tableEnv.from(table).getResolvedSchema();
    }
}
