package io.segflow.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.model.MethodComparison.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Generated data where the right method is known, and the exactness of PCA + k-means. */
class MethodComparisonTest {

    private static final List<String> TWO = List.of("a", "b");
    private static final List<String> THREE = List.of("a", "b", "c");

    /** Round, well separated groups: plain k-means is enough and is kept. */
    @Test
    void roundGroupsKeepPlainKMeans() {
        Random random = new Random(1);
        double[][] centres = {{0, 0, 0}, {8, 0, 0}, {0, 8, 0}, {0, 0, 8}};
        double[][] raw = new double[1_200][];
        double[] converted = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            double[] centre = centres[i % 4];
            raw[i] = new double[3];
            for (int j = 0; j < 3; j++) {
                raw[i][j] = centre[j] + random.nextGaussian();
            }
            converted[i] = random.nextDouble() < (i % 4 == 0 ? 0.5 : 0.1) ? 1 : 0;
        }
        Retrainer.Result result = compared(raw, converted, THREE, Retrainer.Settings.fixedK(4));
        MethodComparison.Outcome outcome = result.comparison();
        assertThat(outcome.chosen()).as(outcome.rows().toString()).isEqualTo(Method.KMEANS);
        assertThat(result.model().mixture()).as("k-means publishes centres").isNull();
        assertThat(outcome.row(Method.KMEANS).silhouette()).isGreaterThan(0.6);
        assertThat(outcome.row(Method.KMEANS).conversionLift()).isBetween(2.0, 3.5);
        assertThat(outcome.row(Method.KMEANS).conversionVarianceExplained()).isGreaterThan(0.1);
        assertThat(result.model().k()).isEqualTo(4);
        assertThat(result.metrics()).containsEntry("method", "kmeans");
        @SuppressWarnings("unchecked")
        Map<String, Object> stored = (Map<String, Object>) result.metrics().get("comparison");
        assertThat(stored).containsEntry("chosen", "kmeans");
        assertThat((List<?>) stored.get("rows")).hasSize(4);
    }

    /** Six clear groups asked to make three: G-means finds six and wins. */
    @Test
    void aClearlyBetterKThanAskedIsFoundByGMeans() {
        Random random = new Random(2);
        double[][] raw = new double[1_800][];
        for (int i = 0; i < raw.length; i++) {
            int group = i % 6;
            raw[i] =
                    new double[] {
                        10 * Math.cos(group * Math.PI / 3) + 0.7 * random.nextGaussian(),
                        10 * Math.sin(group * Math.PI / 3) + 0.7 * random.nextGaussian()
                    };
        }
        double[] unknown = new double[raw.length];
        Arrays.fill(unknown, Double.NaN);
        Retrainer.Result result = compared(raw, unknown, TWO, Retrainer.Settings.fixedK(3));
        MethodComparison.Outcome outcome = result.comparison();
        assertThat(outcome.chosen()).as(outcome.rows().toString()).isEqualTo(Method.GMEANS);
        assertThat(outcome.row(Method.GMEANS).k()).isEqualTo(6);
        assertThat(outcome.row(Method.KMEANS).k()).isEqualTo(3);
        assertThat(result.model().k()).as("the published model").isEqualTo(6);
        assertThat(outcome.row(Method.KMEANS).conversionLift()).as("no known outcome").isNaN();
    }

    /**
     * Two long, parallel, correlated groups (cigars along the diagonal) that convert differently:
     * k-means cuts them across their length, which explains no conversion; the mixture follows
     * their shape. The mixture is chosen and published as a mixture: the model assigns by its
     * posterior, which splits the groups where their nearest centres do not.
     */
    @Test
    void elongatedCorrelatedGroupsAreNotLeftToPlainKMeans() {
        Random random = new Random(3);
        double[][] raw = new double[1_600][];
        double[] converted = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            int group = i % 2;
            double along = 6 * random.nextGaussian();
            double across = (group == 0 ? -1.2 : 1.2) + 0.25 * random.nextGaussian();
            // rotated by 45 degrees: both features carry the length
            raw[i] =
                    new double[] {(along - across) / Math.sqrt(2), (along + across) / Math.sqrt(2)};
            converted[i] = random.nextDouble() < (group == 0 ? 0.7 : 0.1) ? 1 : 0;
        }
        Retrainer.Result result = compared(raw, converted, TWO, Retrainer.Settings.fixedK(2));
        MethodComparison.Outcome outcome = result.comparison();
        String rows = outcome.rows().toString();
        assertThat(outcome.row(Method.KMEANS).conversionVarianceExplained())
                .as(rows)
                .isLessThan(0.05);
        assertThat(outcome.row(Method.GMM).conversionVarianceExplained())
                .as(rows)
                .isGreaterThan(0.3);
        assertThat(outcome.chosen()).as(rows).isEqualTo(Method.GMM);
        SegmentModel model = result.model();
        assertThat(model.mixture()).as("the published model is the mixture").isNotNull();
        assertThat(model.k()).isEqualTo(outcome.publishedK());
        assertThat(result.metrics()).containsEntry("method", "gmm");

        // each group is one segment by posterior; by the nearest of the same centres it is not
        int[][] byPosterior = new int[2][model.k()];
        int disagreements = 0;
        for (int i = 0; i < raw.length; i++) {
            int segment = model.assign(raw[i]).segment();
            byPosterior[i % 2][segment]++;
            assertThat(segment).isEqualTo(model.mixture().map(model.scaling().scale(raw[i])));
            if (model.withMixture(null).assign(raw[i]).segment() != segment) {
                disagreements++;
            }
        }
        for (int[] group : byPosterior) {
            assertThat(Arrays.stream(group).max().getAsInt())
                    .as("customers of a group in its main segment, of 800")
                    .isGreaterThan(780);
        }
        assertThat(disagreements).as("customers the nearest centre would misplace").isPositive();
    }

    /**
     * The key fact of publishing PCA + k-means as centres: the nearest centre in the projected
     * space and the nearest lifted centre in the scaled space are the same, for every point.
     */
    @Test
    void liftedCentresAssignExactlyAsTheProjection() {
        Random random = new Random(4);
        int d = 7;
        double[][] points = new double[2_000][d];
        for (double[] point : points) {
            double latent = random.nextGaussian();
            for (int j = 0; j < d; j++) {
                point[j] = (j < 4 ? 2 * latent : 0) + random.nextGaussian() * (1 + j % 3);
            }
        }
        MethodComparison.Projection projection = MethodComparison.Projection.fit(points, 0.7);
        assertThat(projection.components().length).isBetween(1, d - 1);
        double[][] projected =
                Arrays.stream(points).map(projection::project).toArray(double[][]::new);
        BatchKMeans.Fit inPlane = BatchKMeans.fit(projected, 5, 2, 50, 1e-6, 9);
        int p = projection.components().length;
        double[] planeCentres = inPlane.flatCentroids();
        double[] lifted = new double[5 * d];
        for (int c = 0; c < 5; c++) {
            System.arraycopy(projection.lift(inPlane.centroids()[c]), 0, lifted, c * d, d);
        }
        double[] out = new double[2];
        for (int i = 0; i < 500; i++) {
            double[] point = new double[d];
            for (int j = 0; j < d; j++) {
                point[j] = 4 * random.nextGaussian();
            }
            assertThat(Centroids.nearest(lifted, 5, d, point, out))
                    .as("point %d", i)
                    .isEqualTo(
                            Centroids.nearest(planeCentres, 5, p, projection.project(point), out));
        }
    }

    @Test
    void theRuleKeepsKMeansUnlessAnotherPaysForTheChange() {
        MethodComparison.Settings rule = MethodComparison.Settings.defaults();
        List<MethodComparison.Row> rows = new ArrayList<>();
        rows.add(row(Method.KMEANS, 0.40, 0.9, 0.20));
        rows.add(row(Method.PCA_KMEANS, 0.41, 0.9, 0.20));
        rows.add(row(Method.GMEANS, 0.55, 0.5, 0.20));
        assertThat(MethodComparison.choose(rows, rule))
                .as("g-means is far less stable; pca-kmeans is within the margin")
                .isEqualTo(Method.KMEANS);
        rows.add(row(Method.GMM, 0.30, 0.9, 0.45));
        assertThat(MethodComparison.choose(rows, rule))
                .as("only the mixture explains the conversions")
                .isEqualTo(Method.GMM);
        assertThat(rule.withForced(Method.GMM).forced()).isEqualTo(Method.GMM);
        assertThat(Method.parse("pca-kmeans")).isEqualTo(Method.PCA_KMEANS);
    }

    private static MethodComparison.Row row(
            Method method, double silhouette, double stability, double share) {
        return new MethodComparison.Row(method, 4, silhouette, 1.0, stability, 2.0, share, 0.1, "");
    }

    private static Retrainer.Result compared(
            double[][] raw, double[] converted, List<String> features, Retrainer.Settings fit) {
        return Retrainer.retrainCompared(
                raw,
                converted,
                features,
                null,
                -1,
                fit.withRestarts(4),
                MethodComparison.Settings.defaults(),
                1_000L);
    }
}
