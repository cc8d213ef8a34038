package io.segflow.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import smile.clustering.KMeans;
import smile.math.MathEx;

class BatchKMeansTest {

    /** 30 profiles that are copies of 3 distinct ones. */
    private static double[][] threeDistinct() {
        double[][] points = new double[30][];
        for (int i = 0; i < points.length; i++) {
            points[i] = new double[] {i % 3, (i % 3) * 2};
        }
        return points;
    }

    @Test
    void smileItselfLeavesAnEmptyClusterWithANaNCentroid() {
        // why the guard exists: Smile 3.1.1 divides a cluster's sum by its size of 0
        MathEx.setSeed(1);
        KMeans smile = KMeans.fit(threeDistinct(), 4, 100, 1e-4);
        assertThat(Arrays.stream(smile.size, 0, 4).filter(size -> size == 0).count()).isEqualTo(1);
        assertThat(Arrays.stream(smile.centroids).anyMatch(c -> Double.isNaN(c[0]))).isTrue();
    }

    @Test
    void moreSegmentsThanDistinctProfilesAreRefusedWithAClearMessage() {
        assertThatThrownBy(() -> BatchKMeans.fit(threeDistinct(), 4, 2, 100, 1e-6, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot make 4 segments from 3 distinct profiles")
                .hasMessageContaining("lower k to at most 3");
    }

    @Test
    void asManySegmentsAsDistinctProfilesFillsEveryCluster() {
        BatchKMeans.Fit fit = BatchKMeans.fit(threeDistinct(), 3, 3, 100, 1e-6, 1);
        assertThat(fit.sizes()).containsExactly(10, 10, 10);
        assertThat(fit.inertia()).isZero();
        assertThat(
                        Arrays.stream(fit.centroids())
                                .flatMapToDouble(Arrays::stream)
                                .allMatch(Double::isFinite))
                .isTrue();
    }

    @Test
    void aNaNCentroidAsSmileLeavesItIsReseededAtTheFarthestProfile() {
        double[][] points = Arrays.copyOf(threeDistinct(), 31);
        points[30] = new double[] {40, 40};
        // Smile's shape of failure: a NaN centroid with size 0 (the last size entry counts
        // outliers)
        double[][] centroids = {{0, 0}, {2, 4}, {1, 2}, {Double.NaN, Double.NaN}};
        int repaired = BatchKMeans.repair(points, centroids, new int[] {10, 10, 11, 0, 0}, 1);
        assertThat(repaired).isEqualTo(1);
        assertThat(centroids[3]).containsExactly(40, 40);
        assertThat(centroids[0]).containsExactly(0, 0);
    }

    @Test
    void aFiniteCentroidThatWinsNoProfileIsReseededToo() {
        double[][] points = Arrays.copyOf(threeDistinct(), 31);
        points[30] = new double[] {40, 40};
        double[][] centroids = {{0, 0}, {2, 4}, {1, 2}, {1000, -1000}};
        assertThat(BatchKMeans.repair(points, centroids, null, 1)).isEqualTo(1);
        assertThat(centroids[3]).containsExactly(40, 40);
        assertThat(BatchKMeans.repair(points, centroids, null, 1)).isZero();
    }

    @Test
    void duplicatesCannotTakeTwoReseeds() {
        // two broken centroids, and the farthest profile exists twice: the second re-seed must go
        // elsewhere
        double[][] points = {{0, 0}, {0, 0}, {50, 50}, {50, 50}, {20, 0}, {1, 1}};
        double[][] centroids = {{0.3, 0.3}, {Double.NaN, 0}, {Double.NaN, 0}};
        assertThat(BatchKMeans.repair(points, centroids, new int[] {6, 0, 0}, 1)).isEqualTo(2);
        BatchKMeans.Fit fit = BatchKMeans.fit(points, 3, 1, 50, 1e-6, 1);
        assertThat(Arrays.stream(fit.sizes()).allMatch(size -> size > 0)).isTrue();
        assertThat(centroids[1]).isNotEqualTo(centroids[2]);
    }

    @Test
    void recoversPersonasAndRestartsNeverLoseInertia() {
        Personas personas = Personas.gaussian(20_000, 6, 8, 5L);
        double[][] scaled = standardise(personas.points);
        BatchKMeans.Fit single = BatchKMeans.fit(scaled, 6, 1, 100, 1e-6, 9);
        BatchKMeans.Fit best = BatchKMeans.fit(scaled, 6, 4, 100, 1e-6, 9);
        assertThat(best.inertia()).isLessThanOrEqualTo(single.inertia());
        assertThat(ClusteringMetrics.adjustedRandIndex(best.labels(), personas.labels))
                .isGreaterThanOrEqualTo(0.95);
        assertThat(Arrays.stream(best.sizes()).sum()).isEqualTo(20_000);
        // the reported inertia is the scoring distance's
        double recomputed = 0;
        for (int i = 0; i < scaled.length; i++) {
            recomputed += squared(scaled[i], best.centroids()[best.labels()[i]]);
        }
        assertThat(best.inertia()).isCloseTo(recomputed, within(1e-6 * recomputed));
    }

    @Test
    void theSameSeedGivesTheSameFit() {
        double[][] scaled = standardise(Personas.gaussian(5_000, 4, 5, 8L).points);
        BatchKMeans.Fit first = BatchKMeans.fit(scaled, 4, 3, 100, 1e-6, 77);
        BatchKMeans.Fit again = BatchKMeans.fit(scaled, 4, 3, 100, 1e-6, 77);
        assertThat(again.flatCentroids()).containsExactly(first.flatCentroids());
        assertThat(again.inertia()).isEqualTo(first.inertia());
    }

    @Test
    void missingValuesAreLeftOutRatherThanPoisoningTheCentroids() {
        Personas personas = Personas.gaussian(10_000, 4, 6, 13L);
        double[][] complete = standardise(personas.points);
        double completeAri =
                ClusteringMetrics.adjustedRandIndex(
                        BatchKMeans.fit(complete, 4, 2, 100, 1e-6, 2).labels(), personas.labels);
        Random random = new Random(3);
        for (double[] point : personas.points) {
            if (random.nextInt(10) == 0) {
                point[random.nextInt(6)] = Double.NaN;
            }
        }
        BatchKMeans.Fit fit = BatchKMeans.fit(standardise(personas.points), 4, 2, 100, 1e-6, 2);
        assertThat(Arrays.stream(fit.flatCentroids()).allMatch(Double::isFinite)).isTrue();
        // these personas overlap (about 0.89 with every value known); a missing value in one
        // profile of ten costs next to nothing
        assertThat(ClusteringMetrics.adjustedRandIndex(fit.labels(), personas.labels))
                .isGreaterThanOrEqualTo(completeAri - 0.02);
    }

    @Test
    void kBelowTwoIsRefused() {
        assertThatThrownBy(() -> BatchKMeans.fit(threeDistinct(), 1, 1, 10, 1e-6, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2");
    }

    static double[][] standardise(double[][] raw) {
        FeatureScaling scaling = FeatureScaling.fit(raw, raw[0].length);
        return Arrays.stream(raw).map(scaling::scale).toArray(double[][]::new);
    }

    private static double squared(double[] a, double[] b) {
        double sq = 0;
        for (int j = 0; j < a.length; j++) {
            sq += (a[j] - b[j]) * (a[j] - b[j]);
        }
        return sq;
    }
}
