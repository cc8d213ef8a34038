package io.segflow.infra;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.connector.jdbc.core.table.JdbcDynamicTableFactory;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.catalog.CatalogBaseTable;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.legacy.SinkFunctionProvider;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.DynamicTableSourceFactory;

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
        return new GuardedSink(
                connector.createDynamicTableSink(context),
                context.getObjectIdentifier().getObjectName());
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        return connector.createDynamicTableSource(context);
    }

    /** The connector's table sink, its sink function wrapped. */
    private record GuardedSink(DynamicTableSink connectorSink, String table)
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
                    new GuardedJdbcSinkFunction<>(functions.createSinkFunction(), table),
                    functions.getParallelism().orElse(null));
        }

        @Override
        public DynamicTableSink copy() {
            return new GuardedSink(connectorSink.copy(), table);
        }

        @Override
        public String asSummaryString() {
            return connectorSink.asSummaryString();
        }
    }
}
