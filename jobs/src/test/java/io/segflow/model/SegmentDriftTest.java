package io.segflow.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SegmentDriftTest {

    private static final double[] SHARES = {0.40, 0.25, 0.20, 0.15};
    private static final double[] DISTANCES = {1.0, 1.5, 0.8, 2.0};

    /** Every check of a stream of updates, one check per 500 updates as the trainer would. */
    private static List<SegmentDrift.Check> run(
            SegmentDrift drift, Random random, int updates, double[] shares, double[] distances) {
        List<SegmentDrift.Check> checks = new ArrayList<>();
        for (int i = 1; i <= updates; i++) {
            int segment = draw(random, shares);
            // distances of customers to their centre: spread around the segment's mean
            drift.observe(segment + 1, distances[segment] * (0.5 + random.nextDouble()));
            if (i % 500 == 0) {
                checks.addAll(drift.check());
            }
        }
        return checks;
    }

    private static int draw(Random random, double[] shares) {
        double u = random.nextDouble();
        for (int s = 0; s < shares.length - 1; s++) {
            u -= shares[s];
            if (u < 0) {
                return s;
            }
        }
        return shares.length - 1;
    }

    @Test
    void aStationaryStreamNeverFlags() {
        SegmentDrift drift = new SegmentDrift(SegmentDrift.Settings.defaults());
        drift.rebase(0, false);
        List<SegmentDrift.Check> checks = run(drift, new Random(1), 300_000, SHARES, DISTANCES);
        assertThat(checks).isNotEmpty();
        assertThat(checks).noneMatch(SegmentDrift.Check::drifted);
        SegmentDrift.Check last = checks.get(checks.size() - 1);
        assertThat(last.share()).isCloseTo(SHARES[3], org.assertj.core.data.Offset.offset(0.03));
    }

    @Test
    void nothingIsJudgedBeforeTheBaselineAndEnoughUpdatesAfterIt() {
        SegmentDrift drift = new SegmentDrift(SegmentDrift.Settings.defaults());
        drift.observe(1, 1.0);
        assertThat(drift.baselineStarted()).isFalse();
        drift.rebase(0, false);
        // even a wildly different stream says nothing until the minimum is reached twice over
        List<SegmentDrift.Check> checks =
                run(drift, new Random(2), 9_999, new double[] {1, 0, 0, 0}, DISTANCES);
        assertThat(checks).isEmpty();
    }

    @Test
    void aSegmentGrowingFlagsItsShare() {
        SegmentDrift drift = new SegmentDrift(SegmentDrift.Settings.defaults());
        drift.rebase(0, false);
        Random random = new Random(3);
        List<SegmentDrift.Check> before = run(drift, random, 20_000, SHARES, DISTANCES);
        assertThat(before).isNotEmpty().noneMatch(SegmentDrift.Check::drifted);
        assertThat(before.get(before.size() - 1).stabilityIndex()).isLessThan(0.02);
        List<SegmentDrift.Check> checks =
                run(drift, random, 20_000, new double[] {0.20, 0.25, 0.20, 0.35}, DISTANCES);
        SegmentDrift.Check last = lastOf(checks, 4);
        assertThat(last.drifted()).isTrue();
        assertThat(last.action()).startsWith("retrain: segment 4's share rose from 1");
        assertThat(lastOf(checks, 1).action()).startsWith("retrain: segment 1's share fell");
        assertThat(lastOf(checks, 2).drifted()).isFalse();
    }

    @Test
    void customersMovingAwayFromACentreFlagItsDistance() {
        SegmentDrift drift = new SegmentDrift(SegmentDrift.Settings.defaults());
        drift.rebase(0, false);
        Random random = new Random(4);
        run(drift, random, 20_000, SHARES, DISTANCES);
        double[] farther = DISTANCES.clone();
        farther[1] *= 1.7;
        SegmentDrift.Check last = lastOf(run(drift, random, 20_000, SHARES, farther), 2);
        assertThat(last.drifted()).isTrue();
        assertThat(last.meanDistance() / last.baselineMeanDistance()).isBetween(1.6, 1.8);
        assertThat(last.action()).startsWith("retrain: customers sit ").contains("segment 2");
    }

    @Test
    void aRestoredTrackerContinuesExactly() {
        SegmentDrift drift = new SegmentDrift(SegmentDrift.Settings.defaults());
        drift.rebase(0, false);
        run(drift, new Random(5), 5_000, SHARES, DISTANCES);
        SegmentDrift restored =
                SegmentDrift.restore(SegmentDrift.Settings.defaults(), drift.state());
        run(drift, new Random(6), 3_000, SHARES, DISTANCES);
        run(restored, new Random(6), 3_000, SHARES, DISTANCES);
        assertThat(restored.check()).isEqualTo(drift.check());
    }

    @Test
    void aVersionsMeanDistancesAreByNearestSegment() {
        SegmentModel model =
                new SegmentModel(
                        1,
                        "batch",
                        List.of("a"),
                        new FeatureScaling(new double[] {0}, new double[] {1}),
                        new double[] {0, 10},
                        new double[] {1, 1},
                        0,
                        2,
                        new int[] {7, 9},
                        new String[] {"low", "high"});
        assertThat(model.meanDistancesOf(List.of(new double[][] {{1}, {-3}, {9}, {10}, {12}})))
                .containsExactly(2.0, 1.0);
        SegmentModel measured = model.measuredOn(List.of(new double[][] {{1}, {-3}}));
        assertThat(measured.sizes()).containsExactly(2, 0);
        assertThat(measured.meanDistances()[0]).isEqualTo(2.0);
        assertThat(measured.meanDistances()[1]).as("no customer there").isNaN();
    }

    private static SegmentDrift.Check lastOf(List<SegmentDrift.Check> checks, int segmentId) {
        SegmentDrift.Check last = null;
        for (SegmentDrift.Check check : checks) {
            if (check.segmentId() == segmentId) {
                last = check;
            }
        }
        return last;
    }
}
