package io.segflow.segments;

import io.segflow.model.SegmentModel;
import io.segflow.profile.FeatureSet;
import io.segflow.registry.ModelRecord;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamStatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;

/**
 * The DataStream half of the job: from the profile changelog to segments. Profile updates feed the
 * global {@link ModelTrainer} and the keyed {@link SegmentAssigner}, which gets every model version
 * by broadcast. Results go to the sinks that sql/90_sinks.sql declares: customer_segment_sink and
 * segment_assignments_topic (upserts keyed by customer_id), segment_history_sink (each change of a
 * customer's segment, streaming only) and segment_model_sink (every model version).
 */
public final class SegmentationStage {

    public static final String SEGMENT_SINK = "customer_segment_sink";
    public static final String SEGMENT_TOPIC = "segment_assignments_topic";
    public static final String DRIFT_SINK = "segment_drift_sink";

    private SegmentationStage() {}

    /**
     * Attaches the segmentation to the profile changelog of the pipeline; a warm-start model whose
     * features differ from the SQL's stops the job here. The segment and model rows go to the sinks
     * of 90_sinks.sql through a statement set of their own, planned from DataStreams only.
     *
     * @param schema the columns of the profile rows
     * @param profiles the profile changelog as the pipeline planned it
     * @return the updates and sinks for the stages that follow; the caller attaches the outputs
     */
    public static Attached attach(
            StreamTableEnvironment tableEnv,
            FeatureSet features,
            ResolvedSchema schema,
            DataStream<RowData> profiles,
            TrainerSettings settings,
            SegmentModel warmStart) {
        List<String> columns = schema.getColumnNames();
        int key = columns.indexOf(features.keyColumn());
        int[] featureColumns = features.names().stream().mapToInt(columns::indexOf).toArray();
        LogicalType[] featureTypes =
                Arrays.stream(featureColumns)
                        .mapToObj(c -> schema.getColumnDataTypes().get(c).getLogicalType())
                        .toArray(LogicalType[]::new);

        DataStream<ProfileUpdate> updates =
                profiles.flatMap(
                                new ToProfileUpdates(
                                        key,
                                        schema.getColumnDataTypes().get(key).getLogicalType(),
                                        featureColumns,
                                        featureTypes))
                        .returns(TypeInformation.of(ProfileUpdate.class))
                        .name("profile updates")
                        .uid("profile-updates");

        DataStream<Row> modelMessages = tableEnv.toDataStream(tableEnv.from(ModelRecord.TOPIC));
        DataStream<SegmentModel> published =
                modelMessages
                        .flatMap(new PublishedModelReader(features.names()))
                        .returns(VersionedTypeInfo.SEGMENT_MODEL)
                        .name("published models")
                        .uid("published-models");

        boolean batch =
                profiles.getExecutionEnvironment()
                                .getConfiguration()
                                .get(ExecutionOptions.RUNTIME_MODE)
                        == RuntimeExecutionMode.BATCH;
        SingleOutputStreamOperator<SegmentModel> models =
                updates.keyBy(update -> ModelTrainer.ALL)
                        .connect(published.keyBy(model -> ModelTrainer.ALL))
                        .transform(
                                "segment model trainer",
                                VersionedTypeInfo.SEGMENT_MODEL,
                                new ModelTrainer.Operator(
                                        new ModelTrainer(settings, features.names(), warmStart)
                                                .bounded(batch)
                                                .holdingVersionsUntilCheckpointed(
                                                        !batch
                                                                && profiles.getExecutionEnvironment()
                                                                        .getCheckpointConfig()
                                                                        .isCheckpointingEnabled())))
                        .setParallelism(1)
                        .setMaxParallelism(1)
                        .name("segment model trainer")
                        .uid("segment-model-trainer");

        SegmentAssigner assigner = new SegmentAssigner(features.names(), settings.hysteresis());
        TypeInformation<SegmentAssignment> assignment = TypeInformation.of(SegmentAssignment.class);
        KeyedStream<ProfileUpdate, Long> byCustomer = updates.keyBy(update -> update.customerId);
        // a stream scores its customers again a slice at a time (SegmentAssignerOperator); a
        // backfill reads every model before any customer, with Flink's own operator
        DataStream<SegmentAssignment> assignments =
                (batch
                                ? byCustomer
                                        .connect(models.broadcast(SegmentAssigner.MODEL))
                                        .process(assigner, assignment)
                                : byCustomer
                                        .connect(models.broadcast())
                                        .transform(
                                                "segment assigner",
                                                assignment,
                                                new SegmentAssignerOperator(assigner)))
                        .name("segment assigner")
                        .uid("segment-assigner");

        DataStream<Row> segmentRows =
                assignments
                        .map(new ToSegmentRow())
                        .returns(ToSegmentRow.TYPE)
                        .name("segment rows")
                        .uid("segment-rows");
        // BATCH (a backfill) takes only insert-only tables: there each customer is scored once,
        // on its final profile, and never deleted, so its one row is an insert (an upsert by key)
        if (batch) {
            segmentRows =
                    segmentRows
                            .map(new AsInsert())
                            .returns(ToSegmentRow.TYPE)
                            .name("segment inserts")
                            .uid("segment-inserts");
        }
        Table segments =
                tableEnv.fromChangelogStream(
                        segmentRows,
                        Schema.newBuilder()
                                .column("customer_id", DataTypes.BIGINT().notNull())
                                .column("segment_id", DataTypes.INT())
                                .column("segment_name", DataTypes.STRING())
                                .column("distance", DataTypes.DOUBLE())
                                .column("confidence", DataTypes.DOUBLE())
                                .column("status", DataTypes.STRING())
                                .column("model_version", DataTypes.BIGINT())
                                .column("assigned_at", DataTypes.TIMESTAMP(3))
                                .primaryKey("customer_id")
                                .build(),
                        batch ? ChangelogMode.insertOnly() : ChangelogMode.upsert(false));
        var outputs = tableEnv.createStatementSet();
        outputs.add(segments.insertInto(SEGMENT_SINK));
        outputs.add(segments.insertInto(SEGMENT_TOPIC));
        // a backfill sees final profiles only, not the path a customer took: it writes no history
        if (!batch) {
            DataStream<Row> history =
                    assignments
                            .flatMap(new SegmentHistoryRows())
                            .returns(SegmentHistoryRows.TYPE)
                            .name("segment history rows")
                            .uid("segment-history-rows");
            outputs.add(
                    tableEnv.fromChangelogStream(
                                    history, SegmentHistoryRows.SCHEMA, ChangelogMode.upsert(false))
                            .insertInto(SegmentHistoryRows.SINK));
        }

        // only the trainer's own versions: a published or warm-start model is in segment_model
        // already, with the metrics of whoever trained it
        Table versions =
                tableEnv.fromDataStream(
                        models.filter(model -> ModelTrainer.TRAINED_BY.equals(model.trainedBy()))
                                .name("own model versions")
                                .uid("own-model-versions")
                                .map(model -> ModelRecord.toRow(model, Map.of()))
                                .returns(ModelRecord.typeInfo())
                                .name("model rows")
                                .uid("model-rows"));
        outputs.add(versions.insertInto(ModelRecord.SINK));
        if (!batch) {
            outputs.add(
                    tableEnv.fromDataStream(models.getSideOutput(ModelTrainer.DRIFT))
                            .insertInto(DRIFT_SINK));
        }
        return new Attached(updates, modelMessages, batch, outputs);
    }

    /**
     * What the stage leaves for the other consumers of profile updates (the live scores): the
     * updates, the models topic's messages, the mode, and the statement set its sinks are in, which
     * the caller attaches to the job once everything is added.
     */
    public record Attached(
            DataStream<ProfileUpdate> updates,
            DataStream<Row> modelMessages,
            boolean batch,
            StreamStatementSet outputs) {}

    /** Profile changelog rows to updates; UPDATE_BEFORE carries nothing new. */
    static final class ToProfileUpdates implements FlatMapFunction<RowData, ProfileUpdate> {
        private final RowData.FieldGetter key;
        private final RowData.FieldGetter[] features;

        ToProfileUpdates(
                int keyColumn,
                LogicalType keyType,
                int[] featureColumns,
                LogicalType[] featureTypes) {
            this.key = RowData.createFieldGetter(keyType, keyColumn);
            this.features = new RowData.FieldGetter[featureColumns.length];
            for (int j = 0; j < featureColumns.length; j++) {
                features[j] = RowData.createFieldGetter(featureTypes[j], featureColumns[j]);
            }
        }

        @Override
        public void flatMap(RowData row, Collector<ProfileUpdate> out) {
            long customerId = ((Number) key.getFieldOrNull(row)).longValue();
            switch (row.getRowKind()) {
                case UPDATE_BEFORE -> {}
                case DELETE -> out.collect(ProfileUpdate.deletion(customerId));
                default -> {
                    double[] values = new double[features.length];
                    for (int j = 0; j < values.length; j++) {
                        Object value = features[j].getFieldOrNull(row);
                        values[j] = value == null ? Double.NaN : ((Number) value).doubleValue();
                    }
                    out.collect(new ProfileUpdate(customerId, values, false));
                }
            }
        }
    }

    /** An upsert row as an insert; a deletion cannot occur where profiles are never deleted. */
    public static final class AsInsert implements MapFunction<Row, Row> {
        @Override
        public Row map(Row row) {
            if (row.getKind() == RowKind.DELETE) {
                throw new IllegalStateException(
                        "a deletion in a BATCH run, whose profiles are final rows: " + row);
            }
            row.setKind(RowKind.INSERT);
            return row;
        }
    }

    static final class ToSegmentRow implements MapFunction<SegmentAssignment, Row> {
        static final TypeInformation<Row> TYPE =
                Types.ROW_NAMED(
                        new String[] {
                            "customer_id",
                            "segment_id",
                            "segment_name",
                            "distance",
                            "confidence",
                            "status",
                            "model_version",
                            "assigned_at"
                        },
                        Types.LONG,
                        Types.INT,
                        Types.STRING,
                        Types.DOUBLE,
                        Types.DOUBLE,
                        Types.STRING,
                        Types.LONG,
                        Types.LOCAL_DATE_TIME);

        @Override
        public Row map(SegmentAssignment a) {
            LocalDateTime at =
                    LocalDateTime.ofInstant(
                            Instant.ofEpochMilli(a.assignedAtMillis), ZoneOffset.UTC);
            if (a.deleted) {
                return Row.ofKind(
                        RowKind.DELETE,
                        a.customerId,
                        null,
                        null,
                        null,
                        null,
                        null,
                        a.modelVersion,
                        at);
            }
            return Row.ofKind(
                    RowKind.UPDATE_AFTER,
                    a.customerId,
                    a.segmentId,
                    a.segmentName,
                    a.distance,
                    a.confidence,
                    a.status,
                    a.modelVersion,
                    at);
        }
    }
}
