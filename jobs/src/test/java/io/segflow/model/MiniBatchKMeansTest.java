package io.segflow.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import smile.clustering.KMeans;
import smile.clustering.PartitionClustering;
import smile.validation.metric.AdjustedRandIndex;

class MiniBatchKMeansTest {

    private static final int D = 12;

    private static MiniBatchKMeans fromCentres(
            MiniBatchKMeans.Params params, double[] centres, double[] counts) {
        int d = centres.length / counts.length;
        return MiniBatchKMeans.restore(
                params, new MiniBatchKMeans.State(d, centres, counts, 0, 0, 0, 1));
    }

    @Test
    void updateIsTheRunningMeanOfAssignedPoints() {
        MiniBatchKMeans.Params params = new MiniBatchKMeans.Params(2, 1.0, 0, 0.0, 1);
        MiniBatchKMeans model = fromCentres(params, new double[] {0.0, 10.0}, new double[] {1, 1});
        model.update(new double[][] {{2.0}, {8.0}, {4.0}});
        // centre 0 takes 2 (eta 1/2 -> 1.0) then 4 (eta 1/3 -> 1 + (4 - 1) / 3 = 2.0); centre 1
        // takes 8 (eta 1/2 -> 9.0)
        assertThat(model.centres()).containsExactly(new double[] {2.0, 9.0}, within(1e-12));
        assertThat(model.counts()).containsExactly(3.0, 2.0);
    }

    @Test
    void pointsOfABatchAreAssignedBeforeAnyUpdate() {
        MiniBatchKMeans.Params params = new MiniBatchKMeans.Params(2, 1.0, 0, 0.0, 1);
        MiniBatchKMeans model = fromCentres(params, new double[] {0.0, 10.0}, new double[] {1, 1});
        // 6 is nearer 10 before the update, nearer the moved centre 0 (now 4.5) after it
        model.update(new double[][] {{9.0}, {6.0}});
        assertThat(model.counts()).containsExactly(1.0, 3.0);
        assertThat(model.centres()[1])
                .isCloseTo(10 + (9 - 10) / 2.0 + (6 - 9.5) / 3.0, within(1e-12));
    }

    @Test
    void decayKeepsTheLearningRateUp() {
        MiniBatchKMeans.Params params = new MiniBatchKMeans.Params(1, 0.5, 0, 0.0, 1);
        MiniBatchKMeans model = fromCentres(params, new double[] {0.0}, new double[] {3});
        model.update(new double[][] {{3.0}});
        // count 3 * 0.5 + 1 = 2.5, eta = 0.4
        assertThat(model.centres()[0]).isCloseTo(1.2, within(1e-12));
        assertThat(new MiniBatchKMeans.Params(1, 1.0, 1000, 0, 1).batchDecay(1000))
                .isCloseTo(0.5, within(1e-12));
    }

    @Test
    void aDyingCentreIsReseededAmongThePoints() {
        MiniBatchKMeans.Params params = new MiniBatchKMeans.Params(2, 1.0, 0, 0.1, 1);
        // centre 1 is far from every point and has almost no weight
        MiniBatchKMeans model =
                fromCentres(params, new double[] {0.0, 1000.0}, new double[] {100, 0.5});
        model.update(new double[][] {{1.0}, {2.0}, {50.0}});
        assertThat(model.reseededInLastUpdate()).containsExactly(1);
        assertThat(model.centres()[1]).isIn(1.0, 2.0, 50.0);
        assertThat(model.counts()[1]).isGreaterThan(0.0);
    }

    @Test
    void missingValuesMoveOnlyTheObservedCoordinates() {
        MiniBatchKMeans.Params params = new MiniBatchKMeans.Params(2, 1.0, 0, 0.0, 1);
        MiniBatchKMeans model =
                fromCentres(params, new double[] {0, 0, 10, 10}, new double[] {1, 1});
        model.update(new double[][] {{Double.NaN, 8.0}});
        // nearest by the observed coordinate: centre 1; only its second coordinate moves
        assertThat(model.centres()).containsExactly(new double[] {0, 0, 10, 9}, within(1e-12));
    }

    @Test
    void oneStreamingPassMatchesSmileBatchKMeans() {
        Personas personas = Personas.gaussian(200_000, 8, D, 7L);
        FeatureScaling scaling = FeatureScaling.fit(Arrays.copyOf(personas.points, 5_000), D);
        double[][] scaled =
                Arrays.stream(personas.points).map(scaling::scale).toArray(double[][]::new);

        MiniBatchKMeans streaming =
                MiniBatchKMeans.initialise(
                        Arrays.copyOf(scaled, 5_000),
                        D,
                        new MiniBatchKMeans.Params(8, 1.0, 0, 0.01, 3));
        for (int from = 5_000; from < scaled.length; from += 1024) {
            streaming.update(
                    Arrays.copyOfRange(scaled, from, Math.min(scaled.length, from + 1024)));
        }
        SegmentModel model = streaming.toModel(1, "stream", names(D), scaling);

        KMeans smile = PartitionClustering.run(5, () -> KMeans.fit(scaled, 8));
        double smileInertia = 0;
        for (int i = 0; i < scaled.length; i++) {
            smileInertia += squared(scaled[i], smile.centroids[smile.y[i]]);
        }
        double ours = ClusteringMetrics.inertia(model, scaled);
        int[] labels = ClusteringMetrics.labels(model, scaled);
        System.out.printf(
                "200k x 12, k=8: streaming inertia %.1f, Smile batch %.1f, ratio %.4f, ARI %.4f%n",
                ours,
                smileInertia,
                ours / smileInertia,
                ClusteringMetrics.adjustedRandIndex(labels, personas.labels));
        assertThat(ours / smileInertia).isLessThanOrEqualTo(1.03);
        assertThat(ClusteringMetrics.adjustedRandIndex(labels, personas.labels))
                .isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void followsDriftWithinABoundedNumberOfPoints() {
        Personas before = Personas.gaussian(60_000, 8, D, 11L);
        FeatureScaling scaling = FeatureScaling.fit(Arrays.copyOf(before.points, 5_000), D);
        MiniBatchKMeans.Params params = new MiniBatchKMeans.Params(8, 1.0, 20_000, 0.01, 5);
        double[][] scaledBefore =
                Arrays.stream(before.points).map(scaling::scale).toArray(double[][]::new);
        MiniBatchKMeans streaming =
                MiniBatchKMeans.initialise(Arrays.copyOf(scaledBefore, 5_000), D, params);
        feed(streaming, scaledBefore, 5_000, scaledBefore.length);

        // every centre moves 3 standard deviations
        Personas after = before.drifted(3.0, 150_000, 12L);
        double[][] scaledAfter =
                Arrays.stream(after.points).map(scaling::scale).toArray(double[][]::new);
        int adaptPoints = 50_000;
        feed(streaming, scaledAfter, 0, adaptPoints);
        double[][] holdout = Arrays.copyOfRange(scaledAfter, adaptPoints, scaledAfter.length);

        KMeans batch = PartitionClustering.run(3, () -> KMeans.fit(holdout, 8));
        double batchInertia = 0;
        for (int i = 0; i < holdout.length; i++) {
            batchInertia += squared(holdout[i], batch.centroids[batch.y[i]]);
        }
        double ours =
                ClusteringMetrics.inertia(
                        streaming.toModel(2, "stream", names(D), scaling), holdout);
        System.out.printf(
                "drift of 3 sd, half-life 20k points: after %d points inertia ratio %.4f%n",
                adaptPoints, ours / batchInertia);
        assertThat(ours / batchInertia).isLessThanOrEqualTo(1.05);
    }

    @Test
    void moreCentresThanGroupsGiveNoNaNAndNoEmptyCentre() {
        Personas personas = Personas.gaussian(40_000, 3, 4, 21L);
        FeatureScaling scaling = FeatureScaling.fit(personas.points, 4);
        double[][] scaled =
                Arrays.stream(personas.points).map(scaling::scale).toArray(double[][]::new);
        MiniBatchKMeans streaming =
                MiniBatchKMeans.initialise(
                        Arrays.copyOf(scaled, 2_000),
                        4,
                        new MiniBatchKMeans.Params(12, 1.0, 5_000, 0.05, 9));
        feed(streaming, scaled, 2_000, scaled.length);
        assertThat(Arrays.stream(streaming.centres()).allMatch(Double::isFinite)).isTrue();
        assertThat(Arrays.stream(streaming.counts()).allMatch(count -> count > 0)).isTrue();
        int[] labels =
                ClusteringMetrics.labels(streaming.toModel(1, "stream", names(4), scaling), scaled);
        assertThat(Arrays.stream(labels).distinct().count()).isEqualTo(12);
    }

    @Test
    void initialisationNeedsNoMoreDistinctPointsThanCentres() {
        double[][] same = new double[50][2];
        MiniBatchKMeans streaming =
                MiniBatchKMeans.initialise(same, 2, new MiniBatchKMeans.Params(4, 1.0, 0, 0.01, 1));
        streaming.update(same);
        assertThat(Arrays.stream(streaming.centres()).allMatch(Double::isFinite)).isTrue();
    }

    @Test
    void restoringTheStateContinuesIdentically() {
        Personas personas = Personas.gaussian(20_000, 4, 5, 3L);
        FeatureScaling scaling = FeatureScaling.fit(personas.points, 5);
        double[][] scaled =
                Arrays.stream(personas.points).map(scaling::scale).toArray(double[][]::new);
        MiniBatchKMeans.Params params = new MiniBatchKMeans.Params(4, 1.0, 3_000, 0.05, 8);
        MiniBatchKMeans original =
                MiniBatchKMeans.initialise(Arrays.copyOf(scaled, 1_000), 5, params);
        feed(original, scaled, 1_000, 10_000);
        MiniBatchKMeans restored = MiniBatchKMeans.restore(params, original.state());
        MiniBatchKMeans continued = MiniBatchKMeans.restore(params, original.state());
        feed(restored, scaled, 10_000, 20_000);
        feed(continued, scaled, 10_000, 20_000);
        assertThat(restored.centres()).containsExactly(continued.centres());
        assertThat(restored.counts()).containsExactly(continued.counts());
    }

    @Test
    void adjustedRandIndexAgreesWithSmile() {
        Random random = new Random(4);
        int[] a = random.ints(5_000, 0, 6).toArray();
        int[] b =
                Arrays.stream(a).map(x -> random.nextInt(10) < 7 ? x : random.nextInt(6)).toArray();
        assertThat(ClusteringMetrics.adjustedRandIndex(a, b))
                .isCloseTo(AdjustedRandIndex.of(a, b), within(1e-9));
        int[] renamed = Arrays.stream(a).map(x -> 5 - x).toArray();
        assertThat(ClusteringMetrics.adjustedRandIndex(a, renamed)).isCloseTo(1.0, within(1e-12));
    }

    private static void feed(MiniBatchKMeans model, double[][] points, int from, int to) {
        for (int start = from; start < to; start += 1024) {
            model.update(Arrays.copyOfRange(points, start, Math.min(to, start + 1024)));
        }
    }

    private static double squared(double[] a, double[] b) {
        double sq = 0;
        for (int j = 0; j < a.length; j++) {
            sq += (a[j] - b[j]) * (a[j] - b[j]);
        }
        return sq;
    }

    static List<String> names(int d) {
        return IntStream.range(0, d).mapToObj(j -> "f" + j).toList();
    }
}
