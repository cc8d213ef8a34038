package io.segflow.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentIdMatcherTest {

    private static final double MAX = SegmentIdMatcher.DEFAULT_MAX_DISTANCE;

    @Test
    void withoutHistoryIdsStartAtZero() {
        SegmentIdMatcher.Matching matching =
                SegmentIdMatcher.match(
                        new double[0][], new int[0], new double[][] {{0}, {5}, {9}}, -1, MAX);
        assertThat(matching.ids()).containsExactly(0, 1, 2);
        assertThat(matching.previousIndex()).containsExactly(-1, -1, -1);
        assertThat(matching.highestIdUsed()).isEqualTo(2);
    }

    @Test
    void idsFollowTheirCentresWhateverTheOrder() {
        double[][] previous = {{0, 0}, {10, 0}, {0, 10}};
        int[] previousIds = {4, 8, 2};
        // the same segments, moved a little and listed in another order
        double[][] fresh = {{0.2, 9.9}, {0.1, -0.1}, {9.8, 0.3}};
        SegmentIdMatcher.Matching matching =
                SegmentIdMatcher.match(previous, previousIds, fresh, 8, MAX);
        assertThat(matching.ids()).containsExactly(2, 4, 8);
        assertThat(matching.previousIndex()).containsExactly(2, 0, 1);
        assertThat(matching.highestIdUsed()).isEqualTo(8);
    }

    @Test
    void aCentreAddedWhenKGrowsGetsAnIdAboveEveryIdEverUsed() {
        double[][] previous = {{0}, {10}};
        int[] previousIds = {4, 7};
        double[][] fresh = {{10.1}, {20}, {0.1}};
        // id 11 was used by some older version: 8..11 must not come back
        SegmentIdMatcher.Matching matching =
                SegmentIdMatcher.match(previous, previousIds, fresh, 11, MAX);
        assertThat(matching.ids()).containsExactly(7, 12, 4);
        assertThat(matching.continues(1)).isFalse();
        assertThat(matching.highestIdUsed()).isEqualTo(12);
    }

    @Test
    void aPairFartherThanTheThresholdIsANewSegmentAndTheOldIdRetires() {
        double[][] previous = {{0}, {10}};
        int[] previousIds = {0, 1};
        // the second centre moved 3 standard deviations: the Hungarian pairing keeps it with
        // segment 1, but that far it is a different segment
        double[][] fresh = {{0.3}, {13}};
        SegmentIdMatcher.Matching matching =
                SegmentIdMatcher.match(previous, previousIds, fresh, 1, MAX);
        assertThat(matching.ids()).containsExactly(0, 2);
        // with a looser threshold the same move continues the segment
        assertThat(SegmentIdMatcher.match(previous, previousIds, fresh, 1, 3.5).ids())
                .containsExactly(0, 1);
    }

    @Test
    void whenKShrinksTheUnmatchedOldIdIsNotReused() {
        double[][] previous = {{0}, {10}, {20}};
        int[] previousIds = {0, 1, 2};
        double[][] fresh = {{0.1}, {19.9}};
        SegmentIdMatcher.Matching matching =
                SegmentIdMatcher.match(previous, previousIds, fresh, 2, MAX);
        assertThat(matching.ids()).containsExactly(0, 2);
        assertThat(matching.highestIdUsed()).isEqualTo(2);
    }

    @Test
    void theHungarianPairingBeatsNearestFirst() {
        // nearest-first would pair new 0.5 with old 0.9 (0.4 apart) and leave new 1.5 with old 0.0,
        // 1.5 apart: beyond the threshold, so a segment would be renumbered. The minimum total
        // squared distance pairs 0.5 with 0.0 and 1.5 with 0.9, both within 1: both continue.
        double[][] previous = {{0.0}, {0.9}};
        double[][] fresh = {{0.5}, {1.5}};
        SegmentIdMatcher.Matching matching =
                SegmentIdMatcher.match(previous, new int[] {3, 5}, fresh, 5, MAX);
        assertThat(matching.ids()).containsExactly(3, 5);
    }

    @Test
    void aPreviousModelOnOtherFeaturesIsNotMatchedAndItsIdsStayRetired() {
        SegmentModel previous =
                model(
                        List.of("a", "b"),
                        FeatureScaling.identity(2),
                        new double[] {0, 0, 5, 5},
                        new int[] {3, 6});
        double[][] fresh = {{0, 0, 0}, {5, 5, 5}};
        SegmentIdMatcher.Matching matching =
                SegmentIdMatcher.match(
                        previous,
                        List.of("a", "b", "c"),
                        FeatureScaling.identity(3),
                        fresh,
                        -1,
                        MAX);
        assertThat(matching.ids()).containsExactly(7, 8);
        assertThat(matching.previousIndex()).containsExactly(-1, -1);
    }

    @Test
    void noPreviousModelNumbersFromTheHighestIdUsed() {
        double[][] fresh = {{0}, {5}};
        assertThat(
                        SegmentIdMatcher.match(
                                        null,
                                        List.of("a"),
                                        FeatureScaling.identity(1),
                                        fresh,
                                        -1,
                                        MAX)
                                .ids())
                .containsExactly(0, 1);
        assertThat(
                        SegmentIdMatcher.match(
                                        null,
                                        List.of("a"),
                                        FeatureScaling.identity(1),
                                        fresh,
                                        41,
                                        MAX)
                                .ids())
                .containsExactly(42, 43);
    }

    @Test
    void centresAreComparedInFeatureUnitsWhenTheScalingChanged() {
        // previous: mean 100, sd 10; centres at 80 and 120 in feature units (z = -2, +2)
        FeatureScaling oldScaling = new FeatureScaling(new double[] {100}, new double[] {10});
        SegmentModel previous =
                model(List.of("minutes"), oldScaling, new double[] {-2, 2}, new int[] {11, 12});
        // new snapshot: mean 120, sd 20; the same centres 80 and 120 are z = -2 and 0 now
        FeatureScaling newScaling = new FeatureScaling(new double[] {120}, new double[] {20});
        double[][] fresh = {{0.05}, {-1.95}};
        SegmentIdMatcher.Matching matching =
                SegmentIdMatcher.match(previous, List.of("minutes"), newScaling, fresh, 12, MAX);
        assertThat(matching.ids()).containsExactly(12, 11);
    }

    private static SegmentModel model(
            List<String> features, FeatureScaling scaling, double[] centres, int[] ids) {
        double[] counts = new double[ids.length];
        Arrays.fill(counts, 1);
        return new SegmentModel(1, "batch", features, scaling, centres, counts, 0, 0, ids, null);
    }
}
