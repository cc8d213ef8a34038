package io.segflow.segments;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.model.FeatureScaling;
import io.segflow.model.SegmentModel;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The assigner operator in Flink's test harness: state, broadcast model, snapshots. */
class SegmentAssignerTest {

    private static final List<String> FEATURES = List.of("visits", "minutes");
    private static final KeySelector<ProfileUpdate, Long> BY_CUSTOMER = update -> update.customerId;

    /** Two segments: low activity around (0, 0), high around (10, 10); version v. */
    private static SegmentModel model(long version, double[] centres) {
        return new SegmentModel(
                version,
                ModelTrainer.TRAINED_BY,
                FEATURES,
                FeatureScaling.identity(2),
                centres,
                new double[] {5, 5},
                0,
                10);
    }

    private static final double[] LOW_HIGH = {0, 0, 10, 10};

    private static KeyedBroadcastOperatorTestHarness<
                    Long, ProfileUpdate, SegmentModel, SegmentAssignment>
            harness(double hysteresis) throws Exception {
        KeyedBroadcastOperatorTestHarness<Long, ProfileUpdate, SegmentModel, SegmentAssignment>
                harness =
                        new KeyedBroadcastOperatorTestHarness<>(
                                new SegmentAssignerOperator(
                                        new SegmentAssigner(FEATURES, hysteresis)),
                                BY_CUSTOMER,
                                Types.LONG,
                                1,
                                1,
                                0);
        return harness;
    }

    private static long customersInState(KeyedBroadcastOperatorTestHarness<Long, ?, ?, ?> harness) {
        try (var keys =
                ((AbstractStreamOperator<?>) harness.getOperator())
                        .getKeyedStateBackend()
                        .getKeys("customer-segment", VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    @Test
    void profilesBeforeTheFirstModelWaitAndAreScoredWhenItComes() throws Exception {
        try (var harness = harness(0.1)) {
            harness.open();
            harness.processElement(ProfileUpdate.of(1, 1, 1), 1);
            harness.processElement(ProfileUpdate.of(2, 9, 11), 2);
            assertThat(harness.extractOutputValues()).isEmpty();
            assertThat(customersInState(harness)).isEqualTo(2);

            harness.processBroadcastElement(model(1, LOW_HIGH), 3);

            assertThat(harness.extractOutputValues())
                    .extracting(a -> a.customerId + ":" + a.segmentId + "@v" + a.modelVersion)
                    .containsExactlyInAnyOrder("1:0@v1", "2:1@v1");
        }
    }

    @Test
    void anUpdateIsScoredAtOnceAndOnlyChangesAreEmitted() throws Exception {
        try (var harness = harness(0.1)) {
            harness.open();
            harness.processBroadcastElement(model(1, LOW_HIGH), 1);
            harness.processElement(ProfileUpdate.of(1, 10, 10), 2);
            harness.processElement(ProfileUpdate.of(1, 10, 10), 3);
            harness.processElement(ProfileUpdate.of(1, 10.1, 9.9), 4);
            List<SegmentAssignment> out = harness.extractOutputValues();
            assertThat(out).hasSize(1);
            assertThat(out.get(0).segmentId).isEqualTo(1);
            assertThat(out.get(0).segmentName).isEqualTo("high visits, high minutes");
            assertThat(out.get(0).confidenceClass).isEqualTo("HIGH");
        }
    }

    @Test
    void hysteresisKeepsABorderlineCustomerWhereTheyAre() throws Exception {
        try (var harness = harness(0.2)) {
            harness.open();
            harness.processBroadcastElement(model(1, LOW_HIGH), 1);
            harness.processElement(ProfileUpdate.of(1, 4.6, 4.6), 2); // low, just
            harness.processElement(
                    ProfileUpdate.of(1, 5.4, 5.4), 3); // high is nearer, but not by 20%
            harness.processElement(ProfileUpdate.of(1, 8, 8), 4); // clearly high
            assertThat(harness.extractOutputValues())
                    .extracting(a -> a.segmentId)
                    .containsSubsequence(0, 1)
                    .doesNotContainSequence(0, 1, 0);
            assertThat(
                            harness.extractOutputValues().stream()
                                    .filter(a -> a.segmentId == 1)
                                    .findFirst()
                                    .orElseThrow()
                                    .distance)
                    .isLessThan(3.0); // moved only at (8, 8)
        }
    }

    @Test
    void aModelVersionThatMovesACentreALittleWritesNoRowForACustomerNearAClassBoundary()
            throws Exception {
        // (2.8, 2.8): margin 1 - 2.8 / 7.2 = 0.61, HIGH; with the high centre at (9.7, 9.7) the
        // margin is 0.59, under 0.6 but within half the hysteresis of it
        double[] highCentreMoved = {0, 0, 9.7, 9.7};
        try (var harness = harness(0.1)) {
            harness.open();
            harness.processBroadcastElement(model(1, LOW_HIGH), 1);
            harness.processElement(ProfileUpdate.of(1, 2.8, 2.8), 2);
            assertThat(harness.extractOutputValues())
                    .extracting(a -> a.confidenceClass)
                    .containsExactly("HIGH");
            harness.getOutput().clear();

            harness.processBroadcastElement(model(2, highCentreMoved), 3);
            harness.processBroadcastElement(model(3, LOW_HIGH), 4);
            harness.processBroadcastElement(model(4, highCentreMoved), 5);
            assertThat(harness.extractOutputValues()).isEmpty();
        }
        // without hysteresis every version moves them across the boundary and back
        try (var harness = harness(0.0)) {
            harness.open();
            harness.processBroadcastElement(model(1, LOW_HIGH), 1);
            harness.processElement(ProfileUpdate.of(1, 2.8, 2.8), 2);
            harness.processBroadcastElement(model(2, highCentreMoved), 3);
            harness.processBroadcastElement(model(3, LOW_HIGH), 4);
            assertThat(harness.extractOutputValues())
                    .extracting(a -> a.confidenceClass + "@v" + a.modelVersion)
                    .containsExactly("HIGH@v1", "MEDIUM@v2", "HIGH@v3");
        }
    }

    @Test
    void everyNewModelRescoresEveryCustomerInState() throws Exception {
        try (var harness = harness(0.0)) {
            harness.open();
            harness.processBroadcastElement(model(1, LOW_HIGH), 1);
            harness.processElement(ProfileUpdate.of(1, 1, 1), 2);
            harness.processElement(ProfileUpdate.of(2, 9, 9), 3);
            harness.getOutput().clear();

            harness.processBroadcastElement(
                    model(2, new double[] {10, 10, 0, 0}), 4); // the ids swapped places
            assertThat(harness.extractOutputValues())
                    .extracting(a -> a.customerId + ":" + a.segmentId + "@v" + a.modelVersion)
                    .containsExactlyInAnyOrder("1:1@v2", "2:0@v2");

            harness.getOutput().clear();
            harness.processBroadcastElement(
                    model(2, new double[] {10, 10, 0, 0}), 5); // the same version again
            assertThat(harness.extractOutputValues()).isEmpty();

            // models come from the one trainer in the order they take effect: a retrained model it
            // adopted may have a lower version than the trainer's last own one, and still applies
            harness.processBroadcastElement(model(1, LOW_HIGH), 6);
            assertThat(harness.extractOutputValues())
                    .extracting(a -> a.customerId + ":" + a.segmentId + "@v" + a.modelVersion)
                    .containsExactlyInAnyOrder("1:0@v1", "2:1@v1");
        }
    }

    @Test
    void segmentIdsStayWithTheirSegmentAcrossVersions() throws Exception {
        try (var harness = harness(0.0)) {
            harness.open();
            harness.processBroadcastElement(
                    new SegmentModel(
                            1,
                            ModelTrainer.TRAINED_BY,
                            FEATURES,
                            FeatureScaling.identity(2),
                            LOW_HIGH,
                            new double[] {5, 5},
                            0,
                            10,
                            new int[] {10, 11},
                            new String[] {"low", "high"}),
                    1);
            harness.processElement(ProfileUpdate.of(1, 1, 1), 2);
            harness.processElement(ProfileUpdate.of(2, 9, 9), 3);
            harness.getOutput().clear();
            // version 2 keeps segment 11 (now at index 0) and replaces segment 10 by a new segment
            // 12
            harness.processBroadcastElement(
                    new SegmentModel(
                            2,
                            ModelTrainer.TRAINED_BY,
                            FEATURES,
                            FeatureScaling.identity(2),
                            new double[] {10, 10, 0, 0},
                            new double[] {5, 5},
                            0,
                            10,
                            new int[] {11, 12},
                            new String[] {"high", "new low"}),
                    4);
            assertThat(harness.extractOutputValues())
                    .extracting(
                            a ->
                                    a.customerId
                                            + ":"
                                            + a.segmentId
                                            + " "
                                            + a.segmentName
                                            + "@v"
                                            + a.modelVersion)
                    .containsExactly("1:12 new low@v2");
        }
    }

    @Test
    void aDeletedCustomerLosesTheirAssignmentAndState() throws Exception {
        try (var harness = harness(0.1)) {
            harness.open();
            harness.processBroadcastElement(model(1, LOW_HIGH), 1);
            harness.processElement(ProfileUpdate.of(7, 1, 1), 2);
            harness.processElement(ProfileUpdate.deletion(7), 3);
            List<SegmentAssignment> out = harness.extractOutputValues();
            assertThat(out).hasSize(2);
            assertThat(out.get(1).deleted).isTrue();
            assertThat(out.get(1).customerId).isEqualTo(7);
            assertThat(customersInState(harness)).isZero();
        }
    }

    @Test
    void aModelWithOtherFeaturesIsRejectedNotUsed() throws Exception {
        try (var harness = harness(0.1)) {
            harness.open();
            harness.processElement(ProfileUpdate.of(1, 1, 1), 1);
            harness.processBroadcastElement(
                    new SegmentModel(
                            1,
                            "test",
                            List.of("visits", "orders"),
                            FeatureScaling.identity(2),
                            LOW_HIGH,
                            new double[] {1, 1},
                            0,
                            2),
                    2);
            assertThat(harness.extractOutputValues()).isEmpty();
            harness.processBroadcastElement(model(2, LOW_HIGH), 3);
            assertThat(harness.extractOutputValues())
                    .extracting(a -> a.segmentId)
                    .containsExactly(0);
        }
    }

    @Test
    void aRestoreKeepsModelAndAssignments() throws Exception {
        OperatorSubtaskState snapshot;
        try (var harness = harness(0.1)) {
            harness.open();
            harness.processBroadcastElement(model(3, LOW_HIGH), 1);
            harness.processElement(ProfileUpdate.of(1, 1, 1), 2);
            harness.processElement(ProfileUpdate.of(2, 9, 9), 3);
            snapshot = harness.snapshot(1, 4);
        }
        try (var restored = harness(0.1)) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(ProfileUpdate.of(1, 1, 1), 5); // unchanged: nothing to say
            restored.processElement(
                    ProfileUpdate.of(3, 10, 10), 6); // scored with the restored model
            assertThat(restored.extractOutputValues())
                    .extracting(a -> a.customerId + ":" + a.segmentId + "@v" + a.modelVersion)
                    .containsExactly("3:1@v3");
            assertThat(customersInState(restored)).isEqualTo(3);
        }
    }

    @Test
    void aRetrainedModelRewritesEveryCustomerEvenWhereNothingChanged() throws Exception {
        try (var harness = harness(0.0)) {
            harness.open();
            harness.processBroadcastElement(named(1, "low", "high"), 1);
            harness.processElement(ProfileUpdate.of(1, 1, 1), 2);
            harness.processElement(ProfileUpdate.of(2, 9, 9), 3);
            harness.getOutput().clear();

            harness.processBroadcastElement(
                    named(2, "low", "high"), 4); // a streaming step: same segments, same names
            assertThat(harness.extractOutputValues()).isEmpty();

            SegmentModel retrained =
                    new SegmentModel(
                            3,
                            "batch",
                            FEATURES,
                            FeatureScaling.identity(2),
                            new double[] {0.2, 0.2, 9.8, 9.8},
                            new double[] {5, 5},
                            0,
                            10);
            harness.processBroadcastElement(retrained, 5);
            assertThat(harness.extractOutputValues())
                    .extracting(a -> a.customerId + ":" + a.segmentId + "@v" + a.modelVersion)
                    .containsExactlyInAnyOrder("1:0@v3", "2:1@v3");
        }
    }

    @Test
    void aSegmentRenamedByANewVersionHasItsCustomersRowsRewrittenWithTheNewName() throws Exception {
        try (var harness = harness(0.0)) {
            harness.open();
            harness.processBroadcastElement(named(1, "low", "high"), 1);
            harness.processElement(ProfileUpdate.of(1, 1, 1), 2);
            harness.processElement(ProfileUpdate.of(2, 9, 9), 3);
            harness.processElement(ProfileUpdate.of(3, 8, 8), 4);
            harness.getOutput().clear();

            // the stream's next step: same segments, one of them described anew
            harness.processBroadcastElement(named(2, "low", "very high"), 5);
            assertThat(harness.extractOutputValues())
                    .extracting(a -> a.customerId + ":" + a.segmentName + "@v" + a.modelVersion)
                    .containsExactlyInAnyOrder("2:very high@v2", "3:very high@v2");
        }
    }

    /** 200 customers near (1, 1), in the low segment of version 1; version 2 swaps the ids. */
    private static KeyedBroadcastOperatorTestHarness<
                    Long, ProfileUpdate, SegmentModel, SegmentAssignment>
            twoHundredLowCustomersAndVersion2Arriving() throws Exception {
        var harness =
                new KeyedBroadcastOperatorTestHarness<>(
                        // no time for a slice: each takes as few customers as it may (64)
                        new SegmentAssignerOperator(
                                new SegmentAssigner(FEATURES, 0.0), Duration.ZERO),
                        BY_CUSTOMER,
                        Types.LONG,
                        1,
                        1,
                        0);
        harness.open();
        harness.processBroadcastElement(named(1, LOW_HIGH, "first", "second"), 1);
        for (long id = 1; id <= 200; id++) {
            harness.processElement(ProfileUpdate.of(id, 1, 1), 2);
        }
        harness.getOutput().clear();
        harness.processBroadcastElement(
                named(2, new double[] {10, 10, 0, 0}, "first", "second"), 3);
        return harness;
    }

    private static List<Long> movedWithVersion2(
            KeyedBroadcastOperatorTestHarness<Long, ?, ?, SegmentAssignment> harness) {
        List<SegmentAssignment> out =
                harness.extractOutputValues().stream().filter(a -> a.customerId <= 200).toList();
        // rows of customers who moved only: the versions leave each segment its name
        assertThat(out).allSatisfy(a -> assertThat(a.previousSegmentId).isNotNull());
        return out.stream()
                .filter(a -> a.segmentId == 1 && a.modelVersion == 2)
                .map(a -> a.customerId)
                .toList();
    }

    @Test
    void aNewVersionRescoresTheCustomersInSlicesWithEventsBetweenThem() throws Exception {
        try (var harness = twoHundredLowCustomersAndVersion2Arriving()) {
            // the first slice at once, the rest later: the task takes its events in between
            assertThat(movedWithVersion2(harness)).hasSize(64);
            harness.processElement(ProfileUpdate.of(500, 9, 9), 4); // a new customer, at once
            assertThat(harness.extractOutputValues())
                    .last()
                    .extracting(a -> a.customerId + ":" + a.segmentId + "@v" + a.modelVersion)
                    .isEqualTo("500:0@v2");

            for (long now = 1; movedWithVersion2(harness).size() < 200 && now < 100; now++) {
                harness.setProcessingTime(now);
            }
            // every customer once, and none of them again
            assertThat(movedWithVersion2(harness))
                    .hasSize(200)
                    .doesNotHaveDuplicates()
                    .containsAll(LongStream.rangeClosed(1, 200).boxed().toList());
        }
    }

    @Test
    void aVersionArrivingDuringAPassHasEveryCustomerScoredWithIt() throws Exception {
        try (var harness = twoHundredLowCustomersAndVersion2Arriving()) {
            harness.processBroadcastElement(
                    named(3, LOW_HIGH, "first", "second"), 4); // the ids back in place
            for (long now = 1; now < 100; now++) {
                harness.setProcessingTime(now);
            }
            // the 64 of the first slice went to segment 1 with version 2 and back with version
            // 3, the others never left segment 0
            List<SegmentAssignment> out = harness.extractOutputValues();
            assertThat(out).hasSize(128);
            assertThat(out.subList(64, 128))
                    .allSatisfy(
                            a -> {
                                assertThat(a.segmentId).isZero();
                                assertThat(a.modelVersion).isEqualTo(3);
                            });
        }
    }

    @Test
    void aPassUnderWayAtACheckpointIsMadeByTheRestoredJob() throws Exception {
        OperatorSubtaskState snapshot;
        try (var harness = twoHundredLowCustomersAndVersion2Arriving()) {
            snapshot = harness.snapshot(1, 4);
            assertThat(movedWithVersion2(harness)).hasSize(64);
        }
        try (var restored =
                new KeyedBroadcastOperatorTestHarness<>(
                        new SegmentAssignerOperator(new SegmentAssigner(FEATURES, 0.0)),
                        BY_CUSTOMER,
                        Types.LONG,
                        1,
                        1,
                        0)) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            restored.setProcessingTime(1_000);
            // the 136 customers the pass had not reached
            assertThat(movedWithVersion2(restored)).hasSize(136).doesNotHaveDuplicates();
        }
    }

    @Test
    void theEndOfTheInputFinishesThePassUnderWay() throws Exception {
        try (var harness = twoHundredLowCustomersAndVersion2Arriving()) {
            harness.getOperator().finish();
            assertThat(movedWithVersion2(harness)).hasSize(200).doesNotHaveDuplicates();
        }
    }

    private static SegmentModel named(long version, String lowName, String highName) {
        return named(version, LOW_HIGH, lowName, highName);
    }

    /** Segments 0 and 1 at the given centres, with the given names. */
    private static SegmentModel named(
            long version, double[] centres, String firstName, String secondName) {
        return new SegmentModel(
                version,
                ModelTrainer.TRAINED_BY,
                FEATURES,
                FeatureScaling.identity(2),
                centres,
                new double[] {5, 5},
                0,
                10,
                new int[] {0, 1},
                new String[] {firstName, secondName});
    }
}
