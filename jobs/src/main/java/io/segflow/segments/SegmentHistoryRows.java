package io.segflow.segments;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;

/**
 * Assignments to segment_history rows: one upsert per change of segment, keyed by (customer_id,
 * seq) with the number the assigner keeps in state, so a replay after a restore rewrites the same
 * rows; a re-emit of the same segment (a new confidence class, status or model version) writes
 * none. An erased customer's rows are deleted, seq 1 to their last: the JDBC sink deletes by key.
 */
final class SegmentHistoryRows implements FlatMapFunction<SegmentAssignment, Row> {

    static final String SINK = "segment_history_sink";

    static final TypeInformation<Row> TYPE =
            Types.ROW_NAMED(
                    new String[] {
                        "customer_id",
                        "seq",
                        "from_segment",
                        "to_segment",
                        "model_version",
                        "changed_at"
                    },
                    Types.LONG,
                    Types.INT,
                    Types.INT,
                    Types.INT,
                    Types.LONG,
                    Types.LOCAL_DATE_TIME);

    static final Schema SCHEMA =
            Schema.newBuilder()
                    .column("customer_id", DataTypes.BIGINT().notNull())
                    .column("seq", DataTypes.INT().notNull())
                    .column("from_segment", DataTypes.INT())
                    .column("to_segment", DataTypes.INT())
                    .column("model_version", DataTypes.BIGINT())
                    .column("changed_at", DataTypes.TIMESTAMP(3))
                    .primaryKey("customer_id", "seq")
                    .build();

    @Override
    public void flatMap(SegmentAssignment a, Collector<Row> out) {
        if (a.deleted) {
            for (int seq = 1; seq <= a.historySeq; seq++) {
                out.collect(Row.ofKind(RowKind.DELETE, a.customerId, seq, null, null, null, null));
            }
        } else if (a.historySeq > 0) {
            out.collect(
                    Row.ofKind(
                            RowKind.UPDATE_AFTER,
                            a.customerId,
                            a.historySeq,
                            a.previousSegmentId,
                            a.segmentId,
                            a.modelVersion,
                            LocalDateTime.ofInstant(
                                    Instant.ofEpochMilli(a.assignedAtMillis), ZoneOffset.UTC)));
        }
    }
}
