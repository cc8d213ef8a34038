package io.segflow.segments;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.model.FeatureScaling;
import io.segflow.model.SegmentModel;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * A customer's status and segment history through the assigner (Flink's test harness) and the rows
 * segment_history gets from it.
 */
class SegmentLifecycleTest {

    private static final List<String> FEATURES = List.of("age", "visits", "minutes", "orders");

    /** Segment 0 "browsers" around (40, 2, 2, 0), segment 1 "buyers" around (40, 10, 10, 5). */
    private static SegmentModel model(long version, String trainedBy, double shift) {
        return new SegmentModel(
                version,
                trainedBy,
                FEATURES,
                FeatureScaling.identity(4),
                new double[] {40, 2 + shift, 2 + shift, 0, 40, 10 - shift, 10 - shift, 5},
                new double[] {5, 5},
                0,
                10);
    }

    private static KeyedBroadcastOperatorTestHarness<
                    Long, ProfileUpdate, SegmentModel, SegmentAssignment>
            harness() throws Exception {
        var harness =
                new KeyedBroadcastOperatorTestHarness<>(
                        new SegmentAssignerOperator(new SegmentAssigner(FEATURES, 0.1)),
                        (ProfileUpdate update) -> update.customerId,
                        Types.LONG,
                        1,
                        1,
                        0);
        harness.open();
        return harness;
    }

    private static List<Row> historyRows(List<SegmentAssignment> assignments) {
        List<Row> rows = new ArrayList<>();
        SegmentHistoryRows toRows = new SegmentHistoryRows();
        Collector<Row> collector =
                new Collector<>() {
                    @Override
                    public void collect(Row row) {
                        rows.add(row);
                    }

                    @Override
                    public void close() {}
                };
        assignments.forEach(a -> toRows.flatMap(a, collector));
        return rows;
    }

    private static String history(Row row) {
        // customer_id, seq, from_segment, to_segment, model_version (SegmentHistoryRows.TYPE)
        return row.getKind() == RowKind.DELETE
                ? "-" + row.getField(0) + "#" + row.getField(1)
                : row.getField(0)
                        + "#"
                        + row.getField(1)
                        + " "
                        + row.getField(2)
                        + "->"
                        + row.getField(3)
                        + "@v"
                        + row.getField(4);
    }

    @Test
    void aCrmRowIsProvisionalAndActivityConfirmsIt() throws Exception {
        try (var harness = harness()) {
            harness.processBroadcastElement(model(1, ModelTrainer.TRAINED_BY, 0), 1);
            harness.processElement(ProfileUpdate.of(1, 40, 0, 0, 0), 2); // the CRM row
            harness.processElement(ProfileUpdate.of(1, 40, 2, 0, 0), 3); // one short visit
            harness.processElement(ProfileUpdate.of(1, 40, 2, 3, 0), 4); // visits with time
            List<SegmentAssignment> out = harness.extractOutputValues();
            assertThat(out)
                    .extracting(a -> a.segmentId + " " + a.status)
                    .containsExactly("0 provisional", "0 confirmed");
            // the same behaviour with more data behind it: more sure
            assertThat(out.get(1).confidence).isGreaterThan(out.get(0).confidence);
            // the first segment is a history row; confirming it is none
            assertThat(historyRows(out))
                    .extracting(SegmentLifecycleTest::history)
                    .containsExactly("1#1 null->0@v1");
        }
    }

    @Test
    void onlyAChangeOfSegmentIsHistoryAndAnErasureDeletesIt() throws Exception {
        try (var harness = harness()) {
            harness.processBroadcastElement(model(1, ModelTrainer.TRAINED_BY, 0), 1);
            harness.processElement(ProfileUpdate.of(1, 40, 2, 2, 0), 2);
            harness.processElement(ProfileUpdate.of(2, 40, 10, 10, 5), 3);
            harness.processElement(ProfileUpdate.of(1, 40, 10, 11, 5), 4); // becomes a buyer
            // a trainer step and a retrain that move nobody: no history
            harness.processBroadcastElement(model(2, ModelTrainer.TRAINED_BY, 0.2), 5);
            harness.processBroadcastElement(model(3, "batch", 0.4), 6);
            harness.processElement(ProfileUpdate.of(1, 40, 2, 2, 0), 7); // back to browsing
            harness.processElement(ProfileUpdate.deletion(1), 8);
            List<SegmentAssignment> out = harness.extractOutputValues();
            // the retrain rewrote both customers' rows, with its version
            assertThat(out)
                    .filteredOn(a -> a.modelVersion == 3 && !a.deleted && a.historySeq == 0)
                    .extracting(a -> a.customerId)
                    .containsExactlyInAnyOrder(1L, 2L);
            assertThat(historyRows(out))
                    .extracting(SegmentLifecycleTest::history)
                    .containsExactly(
                            "1#1 null->0@v1",
                            "2#1 null->1@v1",
                            "1#2 0->1@v1",
                            "1#3 1->0@v3",
                            "-1#1",
                            "-1#2",
                            "-1#3");
        }
    }

    @Test
    void aReplayAfterARestoreNumbersTheSameChangesAlike() throws Exception {
        OperatorSubtaskState snapshot;
        List<Row> firstRun;
        try (var harness = harness()) {
            harness.processBroadcastElement(model(1, ModelTrainer.TRAINED_BY, 0), 1);
            harness.processElement(ProfileUpdate.of(1, 40, 2, 2, 0), 2);
            snapshot = harness.snapshot(1, 3);
            harness.processElement(ProfileUpdate.of(1, 40, 10, 11, 5), 4);
            harness.processElement(ProfileUpdate.of(1, 40, 2, 2, 0), 5);
            firstRun = historyRows(harness.extractOutputValues());
        }
        var restored =
                new KeyedBroadcastOperatorTestHarness<>(
                        new SegmentAssignerOperator(new SegmentAssigner(FEATURES, 0.1)),
                        (ProfileUpdate update) -> update.customerId,
                        Types.LONG,
                        1,
                        1,
                        0);
        try (restored) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            // what came after the checkpoint comes again
            restored.processElement(ProfileUpdate.of(1, 40, 10, 11, 5), 4);
            restored.processElement(ProfileUpdate.of(1, 40, 2, 2, 0), 5);
            List<Row> replayed = historyRows(restored.extractOutputValues());
            assertThat(replayed)
                    .extracting(SegmentLifecycleTest::history)
                    .containsExactly("1#2 0->1@v1", "1#3 1->0@v1");
            assertThat(firstRun.subList(1, 3))
                    .extracting(SegmentLifecycleTest::history)
                    .isEqualTo(replayed.stream().map(SegmentLifecycleTest::history).toList());
        }
    }
}
