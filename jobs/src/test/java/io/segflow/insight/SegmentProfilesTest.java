package io.segflow.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentProfilesTest {

    private static final List<String> FEATURES = List.of("visits", "age");

    /**
     * Segment 3: four readers who visit a lot, three converted; segment 8: four others, one did.
     */
    private static final double[][] PROFILES = {
        {10, 30}, {12, 40}, {11, Double.NaN}, {9, 50},
        {1, 35}, {0, 45}, {2, 40}, {1, 40},
    };

    private static final int[] SEGMENTS = {3, 3, 3, 3, 8, 8, 8, 8};
    private static final int[] CONVERTED = {1, 1, 1, 0, 1, 0, 0, 0};

    @Test
    void eachSegmentIsDescribedAgainstThePopulation() {
        SegmentProfiles.Result result =
                SegmentProfiles.of(
                        PROFILES,
                        FEATURES,
                        SEGMENTS,
                        CONVERTED,
                        new double[] {0.8, 0.7, 0.7, 0.6, 0.3, 0.2, 0.2, 0.1},
                        1);

        assertThat(result.baseRate()).isEqualTo(0.5);
        SegmentProfiles.Profile readers = result.profiles().get(0);
        assertThat(readers.segmentId()).isEqualTo(3);
        assertThat(readers.size()).isEqualTo(4);
        assertThat(readers.share()).isEqualTo(0.5);
        assertThat(readers.centroid())
                .containsExactly(
                        new double[] {10.5, 40}, within(1e-12)); // the unknown age left out
        assertThat(readers.conversionRate()).isEqualTo(0.75);
        assertThat(readers.lift()).isEqualTo(1.5);
        assertThat(readers.meanPotential()).isCloseTo(0.7, within(1e-12));
        // visits set them apart, far more than age: the one distinguishing feature kept
        assertThat(readers.distinguishing())
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.feature()).isEqualTo("visits");
                            assertThat(d.standardisedDifference()).isGreaterThan(0.8);
                        });
        assertThat(result.profiles().get(1).distinguishing().get(0).standardisedDifference())
                .isLessThan(-0.8);

        assertThat(result.conversionLift()).isEqualTo(3.0); // 0.75 over 0.25
        // between-segment sum of squares 4 * 0.25^2 * 2 = 0.5 over 8 * 0.25 = 2
        assertThat(result.conversionVarianceExplained()).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void withoutPotentialsTheMeanPotentialIsUnknown() {
        SegmentProfiles.Result result =
                SegmentProfiles.of(PROFILES, FEATURES, SEGMENTS, CONVERTED, null, 2);
        assertThat(result.profiles()).allSatisfy(p -> assertThat(p.meanPotential()).isNaN());
        assertThat(result.profiles().get(0).distinguishing()).hasSize(2);
    }
}
