package io.segflow.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Cutting one group in two against separating two groups a model held in one segment. */
class SegmentSeparationTest {

    private static final List<String> FEATURES = List.of("x", "y");

    @Test
    void cuttingOneNormalGroupIsNotASeparation() {
        double[][] points = normal(4_000, 0, 0, new Random(1));

        double separation = separationOfCut(points, -0.8, 0.8);

        assertThat(separation).isBetween(0.55, 0.72); // 2/π for a normal group cut at its mean
        assertThat(separation).isLessThan(SegmentSeparation.SEPARATED);
    }

    @Test
    void cuttingOneUniformGroupIsNotASeparation() {
        Random random = new Random(2);
        double[][] points = new double[4_000][];
        for (int i = 0; i < points.length; i++) {
            points[i] = new double[] {random.nextDouble() * 4 - 2, random.nextGaussian() * 0.2};
        }

        assertThat(separationOfCut(points, -1, 1)).isBetween(0.7, 0.8);
    }

    @Test
    void twoGroupsWithAGapInOneSegmentAreSeparated() {
        double separation = separationOfCut(twoGroupsWithAGap(new Random(3)), -3, 3);

        assertThat(separation).isGreaterThan(0.85);
        assertThat(separation).isGreaterThanOrEqualTo(SegmentSeparation.SEPARATED);
    }

    @Test
    void onlyTheCandidatesNewSegmentsAreLookedAt() {
        double[][] points = twoGroupsWithAGap(new Random(4));
        SegmentModel current = model(0, 0, 20, 20);
        SegmentModel candidate = model(-3, 0, 3, 0);

        assertThat(
                        SegmentSeparation.strongestOfNewSegments(
                                current, candidate, points, new boolean[] {false, false}))
                .isZero();
    }

    /** One segment holds every point; the candidate cuts them between centres on the x axis. */
    private static double separationOfCut(double[][] points, double leftX, double rightX) {
        SegmentModel current = model(0, 0, 50, 50);
        SegmentModel candidate = model(leftX, 0, rightX, 0);
        return SegmentSeparation.strongestOfNewSegments(
                current, candidate, points, new boolean[] {false, true});
    }

    /** 2,000 points around (-3, 0) and 2,000 around (3, 0), of standard deviation 1. */
    private static double[][] twoGroupsWithAGap(Random random) {
        double[][] points = new double[4_000][];
        System.arraycopy(normal(2_000, -3, 0, random), 0, points, 0, 2_000);
        System.arraycopy(normal(2_000, 3, 0, random), 0, points, 2_000, 2_000);
        return points;
    }

    private static double[][] normal(int n, double meanX, double meanY, Random random) {
        double[][] points = new double[n][];
        for (int i = 0; i < n; i++) {
            points[i] = new double[] {meanX + random.nextGaussian(), meanY + random.nextGaussian()};
        }
        return points;
    }

    private static SegmentModel model(double x0, double y0, double x1, double y1) {
        return new SegmentModel(
                1,
                "test",
                FEATURES,
                FeatureScaling.identity(2),
                new double[] {x0, y0, x1, y1},
                new double[] {1, 1},
                0,
                2);
    }
}
