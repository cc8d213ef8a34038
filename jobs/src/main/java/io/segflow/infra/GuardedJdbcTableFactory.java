package io.segflow.infra;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.jdbc.core.table.JdbcDynamicTableFactory;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.catalog.CatalogBaseTable;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.catalog.UniqueConstraint;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.legacy.SinkFunctionProvider;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.TimeUtils;

/**
 * The JDBC connector with a guard on its sinks ({@link GuardedJdbcSinkFunction}): what the SQL
 * declares with {@code 'connector' = 'jdbc'} runs as {@code 'connector' = 'segflow-jdbc'}, the same
 * options, the same writes, and a {@code close()} that cannot take the TaskManager down when the
 * database goes away. {@link #guard} switches the tables over as the SQL creates them.
 */
public final class GuardedJdbcTableFactory
        implements DynamicTableSinkFactory, DynamicTableSourceFactory {

    public static final String IDENTIFIER = "segflow-jdbc";

    private final JdbcDynamicTableFactory connector = new JdbcDynamicTableFactory();

    /** Switches every JDBC table among these (of the current catalog and database) to this one. */
    public static void guard(TableEnvironment tableEnv, Collection<String> tables) {
        for (String table : tables) {
            Optional<Map<String, String>> options = optionsOf(tableEnv, table);
            if (options.isPresent()
                    && JdbcDynamicTableFactory.IDENTIFIER.equals(options.get().get("connector"))) {
                tableEnv.executeSql(
                        "ALTER TABLE `"
                                + table.replace("`", "``")
                                + "` SET ('connector' = '"
                                + IDENTIFIER
                                + "')");
            }
        }
    }

    private static Optional<Map<String, String>> optionsOf(
            TableEnvironment tableEnv, String table) {
        ObjectPath path = new ObjectPath(tableEnv.getCurrentDatabase(), table);
        return tableEnv.getCatalog(tableEnv.getCurrentCatalog())
                .flatMap(
                        catalog -> {
                            try {
                                return catalog.tableExists(path)
                                        ? Optional.of(catalog.getTable(path))
                                        : Optional.empty();
                            } catch (Exception viewOrTemporary) {
                                return Optional.empty();
                            }
                        })
                .map(CatalogBaseTable::getOptions);
    }

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return connector.requiredOptions();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return connector.optionalOptions();
    }

    @Override
    public Set<ConfigOption<?>> forwardOptions() {
        return connector.forwardOptions();
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        String table = context.getObjectIdentifier().getObjectName();
        Map<String, String> options = new HashMap<>(context.getCatalogTable().getOptions());
        Duration interval =
                Optional.ofNullable(options.get(FLUSH_INTERVAL))
                        .map(TimeUtils::parseDuration)
                        .orElse(Duration.ZERO);
        Optional<UniqueConstraint> key =
                context.getCatalogTable().getResolvedSchema().getPrimaryKey();
        if (interval.isZero() || key.isEmpty() || !restoresFromCheckpoints(context)) {
            // written at checkpoints only, no key to undo by, or no checkpoint to rewind to (a
            // backfill's BATCH run is rerun from its start): the connector as it is
            return new GuardedSink(connector.createDynamicTableSink(context), table, null);
        }
        long maxRows =
                Optional.ofNullable(options.get(FLUSH_MAX_ROWS)).map(Long::parseLong).orElse(0L);
        // the sink writes every interval itself, recording what it overwrites first (UndoLog):
        // the connector writes only when the guard tells it to
        options.put(FLUSH_INTERVAL, "0");
        options.put(FLUSH_MAX_ROWS, "0");
        Context ownFlushes =
                new FactoryUtil.DefaultDynamicTableContext(
                        context.getObjectIdentifier(),
                        context.getCatalogTable().copy(options),
                        context.getEnrichmentOptions(),
                        context.getConfiguration(),
                        context.getClassLoader(),
                        context.isTemporary());
        ResolvedSchema schema = context.getCatalogTable().getResolvedSchema();
        List<String> columns = schema.getColumnNames();
        List<String> keyColumns = key.get().getColumns();
        int[] positions = keyColumns.stream().mapToInt(columns::indexOf).toArray();
        LogicalType[] types = new LogicalType[positions.length];
        for (int i = 0; i < positions.length; i++) {
            types[i] = schema.getColumnDataTypes().get(positions[i]).getLogicalType();
        }
        GuardedJdbcSinkFunction.Undo undo =
                new GuardedJdbcSinkFunction.Undo(
                        (RowType) context.getPhysicalRowDataType().getLogicalType(),
                        options.get("table-name"),
                        keyColumns,
                        positions,
                        types,
                        options.get("url"),
                        options.get("username"),
                        options.get("password"),
                        interval.toMillis(),
                        maxRows);
        return new GuardedSink(connector.createDynamicTableSink(ownFlushes), table, undo);
    }

    /** A streaming job that checkpoints: one a restored run rewinds the tables to. */
    private static boolean restoresFromCheckpoints(Context context) {
        ReadableConfig config = context.getConfiguration();
        return config.get(ExecutionOptions.RUNTIME_MODE) != RuntimeExecutionMode.BATCH
                && config.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL)
                        .filter(interval -> !interval.isZero())
                        .isPresent();
    }

    private static final String FLUSH_INTERVAL = "sink.buffer-flush.interval";
    private static final String FLUSH_MAX_ROWS = "sink.buffer-flush.max-rows";

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        return connector.createDynamicTableSource(context);
    }

    /** The connector's table sink, its sink function wrapped. */
    private record GuardedSink(
            DynamicTableSink connectorSink, String table, GuardedJdbcSinkFunction.Undo undo)
            implements DynamicTableSink {

        @Override
        public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
            return connectorSink.getChangelogMode(requestedMode);
        }

        @Override
        public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
            SinkRuntimeProvider provider = connectorSink.getSinkRuntimeProvider(context);
            if (!(provider instanceof SinkFunctionProvider functions)) {
                throw new IllegalStateException(
                        "the JDBC connector no longer writes through a SinkFunction: check whether"
                                + " GuardedJdbcSinkFunction is still needed");
            }
            return SinkFunctionProvider.of(
                    new GuardedJdbcSinkFunction<>(functions.createSinkFunction(), table, undo),
                    functions.getParallelism().orElse(null));
        }

        @Override
        public DynamicTableSink copy() {
            return new GuardedSink(connectorSink.copy(), table, undo);
        }

        @Override
        public String asSummaryString() {
            return connectorSink.asSummaryString();
        }
    }
}
