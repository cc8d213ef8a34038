package io.segflow.pipeline;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.TableDescriptor;
import org.apache.flink.table.api.bridge.java.StreamStatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.ProviderContext;
import org.apache.flink.table.connector.sink.DataStreamSinkProvider;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.types.RowKind;

/**
 * Hands a table's changelog to DataStream operators <em>inside</em> the plan of a statement set.
 *
 * <p>Why: {@code toChangelogStream} plans its table on its own, apart from the statement set's
 * INSERTs, so every source, decoding step and stateful SQL operator would exist twice, once for the
 * sinks and once for the DataStream side. Inserted into this sink instead, the table is planned
 * together with the INSERTs (the planner shares every common sub-plan), and the sink passes the
 * changelog on as the {@link DataStream} the planner built for it.
 *
 * <p>The sink is a connector ({@value #IDENTIFIER}) that only the job itself declares, with a
 * handoff id: the planner finds it through Flink's factory discovery, and it delivers the stream
 * back to this JVM's {@link Receiver} when the statement set is attached.
 */
public final class ChangelogHandoff implements DynamicTableSinkFactory {

    public static final String IDENTIFIER = "segflow-changelog-handoff";

    static final ConfigOption<String> HANDOFF =
            ConfigOptions.key("handoff").stringType().noDefaultValue();

    private static final Map<String, DataStream<RowData>> DELIVERED = new ConcurrentHashMap<>();

    /** Where a table's changelog arrives once its statement set is planned. */
    public static final class Receiver {
        private final String id = UUID.randomUUID().toString();
        private final String table;

        private Receiver(String table) {
            this.table = table;
        }

        /**
         * The changelog of the table inserted into {@link #tableName()}, available once the
         * statement set holding that INSERT was attached (planned), as a stream of {@code env}. The
         * planner hands its sinks streams of a stand-in environment, which keeps only what leads to
         * the sink it gets back; operators added to the real one run with the job.
         */
        public DataStream<RowData> changelog(StreamExecutionEnvironment env) {
            DataStream<RowData> planned = DELIVERED.remove(id);
            if (planned == null) {
                throw new IllegalStateException(
                        "the changelog of "
                                + table
                                + " was not planned: attach the statement set first");
            }
            return new DataStream<>(env, planned.getTransformation());
        }

        public String tableName() {
            return table;
        }
    }

    /**
     * Declares a temporary sink table of {@code source}'s columns (with its primary key, so that
     * the planner can send upserts: no UPDATE_BEFORE) and adds {@code INSERT INTO sink SELECT *
     * FROM source} to the statement set.
     */
    public static Receiver insert(
            StreamTableEnvironment tableEnv,
            StreamStatementSet statements,
            Table source,
            String sinkName,
            String primaryKey) {
        Receiver receiver = new Receiver(sinkName);
        Schema.Builder schema = Schema.newBuilder();
        for (var column : source.getResolvedSchema().getColumns()) {
            // a key is never NULL: the planner checks each row against the declaration
            schema.column(
                    column.getName(),
                    column.getName().equals(primaryKey)
                            ? column.getDataType().notNull()
                            : column.getDataType());
        }
        if (primaryKey != null) {
            schema.primaryKey(primaryKey);
        }
        tableEnv.createTemporaryTable(
                sinkName,
                TableDescriptor.forConnector(IDENTIFIER)
                        .schema(schema.build())
                        .option(HANDOFF, receiver.id)
                        .build());
        statements.addInsert(sinkName, source);
        return receiver;
    }

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(HANDOFF);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of();
    }

    @Override
    public DynamicTableSink createDynamicTableSink(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        return new HandoffSink(helper.getOptions().get(HANDOFF));
    }

    private static final class HandoffSink implements DynamicTableSink {
        private final String id;

        HandoffSink(String id) {
            this.id = id;
        }

        @Override
        public ChangelogMode getChangelogMode(ChangelogMode requested) {
            // whatever the table is: inserts only in BATCH, upserts (no UPDATE_BEFORE) when
            // streaming
            ChangelogMode.Builder mode = ChangelogMode.newBuilder();
            for (RowKind kind : requested.getContainedKinds()) {
                if (kind != RowKind.UPDATE_BEFORE) {
                    mode.addContainedKind(kind);
                }
            }
            return mode.build();
        }

        @Override
        public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
            return new DataStreamSinkProvider() {
                @Override
                public DataStreamSink<?> consumeDataStream(
                        ProviderContext provider, DataStream<RowData> changelog) {
                    DELIVERED.put(id, changelog);
                    // the planner wants a sink of its own; the operators that use the changelog are
                    // attached to it by the Receiver's owner
                    DataStreamSink<RowData> sink =
                            changelog.sinkTo(new DiscardingSink<>()).name("changelog handoff");
                    provider.generateUid("changelog-handoff").ifPresent(sink::uid);
                    return sink;
                }
            };
        }

        @Override
        public DynamicTableSink copy() {
            return new HandoffSink(id);
        }

        @Override
        public String asSummaryString() {
            return "changelog handoff";
        }
    }
}
