package io.segflow.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import smile.clustering.GMeans;
import smile.math.MathEx;

/**
 * {@code segflow retrain --compare}: four ways to segment the same scaled sample, measured alike,
 * and one of them chosen.
 *
 * <ul>
 *   <li>{@code kmeans}: k-means as the plain retrain fits it, k chosen in the k range by
 *       silhouette;
 *   <li>{@code pca-kmeans}: k-means on the principal components that keep a stated share of the
 *       variance, its centres lifted back into the scaled space (mean + P^T c). For a complete
 *       profile the nearest lifted centre is exactly the nearest projected centre, because the part
 *       of the profile orthogonal to the components is the same distance from every lifted centre;
 *       so the stream applies it as it applies k-means, without approximation;
 *   <li>{@code gmm}: a Gaussian mixture (EM, started from k-means), its covariances diagonal in the
 *       principal axes of the sample (so they follow correlated, elongated groups), k in the range
 *       chosen by BIC, a customer in the component of highest posterior; published as it is, a
 *       {@link SegmentMixture} the stream applies (see {@link SegmentModel}). Smile's {@code
 *       MultivariateGaussianMixture} and {@code PCA} (3.1.1) factor their matrices with native
 *       LAPACK, which the build leaves out, hence {@link GaussianMixture} and commons-math3's eigen
 *       decomposition;
 *   <li>{@code gmeans}: Smile's G-means, which splits a centre while its points do not look
 *       Gaussian (Anderson-Darling) and so chooses k itself, up to {@link #kLimit}. Not Smile's
 *       X-means: in 3.1.1 it stopped at one cluster on six well separated round groups.
 * </ul>
 *
 * <p>Each is measured on the sample in the scaled space the stream assigns in: mean silhouette,
 * Davies-Bouldin, stability (adjusted Rand index of its segments against the version in use on the
 * same sample), conversion lift (the highest conversion rate of a segment with at least {@link
 * #MIN_LABELLED_PER_SEGMENT} known outcomes, divided by the overall rate), the share of conversion
 * variance explained by segment (between-segment variance of the 0/1 outcome over its total
 * variance; customers whose outcome is unknown are left out), and fit time.
 *
 * <p><b>The choice rule.</b> A method is <i>eligible</i> when its stability is at most {@link
 * Settings#stabilityTolerance} below the most stable method's and its share of conversion variance
 * explained at most {@link Settings#conversionTolerance} below the best share (a measure that is
 * unknown, e.g. no previous version or no known outcomes, does not count). Among the eligible
 * methods the highest silhouette wins, but plain k-means, when eligible, is kept unless another
 * method's silhouette beats it by more than {@link Settings#silhouetteMargin}: a change of method
 * has to pay for itself. {@code --method} overrides the rule.
 *
 * <p>PCA, the mixture and G-means take no missing values: for them a missing scaled value is the
 * feature's mean (0). The measures and the published model treat missing values as every model does
 * (left out of the distance).
 */
public final class MethodComparison {

    /** Segments with fewer known outcomes do not count for the lift: their rate is noise. */
    public static final int MIN_LABELLED_PER_SEGMENT = 10;

    public enum Method {
        KMEANS("kmeans"),
        PCA_KMEANS("pca-kmeans"),
        GMM("gmm"),
        GMEANS("gmeans");

        private final String label;

        Method(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Method parse(String label) {
            for (Method method : values()) {
                if (method.label.equals(label)) {
                    return method;
                }
            }
            throw new IllegalArgumentException(
                    "unknown method '"
                            + label
                            + "': one of kmeans, pca-kmeans, gmm, gmeans expected");
        }
    }

    /**
     * @param pcaVariance share of the variance the principal components keep, in (0, 1]
     * @param stabilityTolerance how far below the most stable method's ARI a method may be
     * @param conversionTolerance how far below the best share of conversion variance explained
     * @param silhouetteMargin by how much another method must beat plain k-means' silhouette
     * @param forced the method to take whatever the rule says, or null
     */
    public record Settings(
            double pcaVariance,
            double stabilityTolerance,
            double conversionTolerance,
            double silhouetteMargin,
            Method forced) {

        public Settings {
            if (!(pcaVariance > 0 && pcaVariance <= 1)) {
                throw new IllegalArgumentException(
                        "the PCA variance share must be in (0, 1], was " + pcaVariance);
            }
        }

        public static Settings defaults() {
            return new Settings(0.9, 0.10, 0.02, 0.02, null);
        }

        public Settings withPcaVariance(double share) {
            return new Settings(
                    share, stabilityTolerance, conversionTolerance, silhouetteMargin, forced);
        }

        public Settings withForced(Method method) {
            return new Settings(
                    pcaVariance, stabilityTolerance, conversionTolerance, silhouetteMargin, method);
        }
    }

    /**
     * One method measured on the sample.
     *
     * @param note how it was fitted (components kept, BIC, failure), for the table
     */
    public record Row(
            Method method,
            int k,
            double silhouette,
            double daviesBouldin,
            double stability,
            double conversionLift,
            double conversionVarianceExplained,
            double fitSeconds,
            String note) {

        public Map<String, Object> toMetrics() {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("method", method.label());
            row.put("k", k);
            row.put("silhouette", finiteOrNull(silhouette));
            row.put("davies_bouldin", finiteOrNull(daviesBouldin));
            row.put("stability_ari", finiteOrNull(stability));
            row.put("conversion_lift", finiteOrNull(conversionLift));
            row.put("conversion_variance_explained", finiteOrNull(conversionVarianceExplained));
            row.put("fit_seconds", finiteOrNull(fitSeconds));
            row.put("note", note);
            return row;
        }
    }

    /**
     * @param rows every method tried, in the order of {@link Method}
     * @param chosen what the rule (or --method) chose, and what is published
     * @param publishedK the number of segments of the chosen method
     * @param pca the projection when pca-kmeans is chosen (its final fit runs on all profiles in
     *     the projected space), else null
     * @param mixture the mixture when gmm is chosen (published as fitted on the sample), else null
     */
    public record Outcome(
            List<Row> rows, Method chosen, int publishedK, Projection pca, SegmentMixture mixture) {

        public Row row(Method method) {
            return rows.stream().filter(r -> r.method() == method).findFirst().orElseThrow();
        }

        public Map<String, Object> toMetrics() {
            Map<String, Object> comparison = new LinkedHashMap<>();
            comparison.put("chosen", chosen.label());
            // what is published: always the chosen method now that the stream applies every one;
            // kept for readers of versions published when a mixture could not be
            comparison.put("published", chosen.label());
            comparison.put("rows", rows.stream().map(Row::toMetrics).toList());
            return comparison;
        }
    }

    /**
     * The principal components kept: {@code components} rows of length d (orthonormal), the mean
     * they are centred on, and the variance along each.
     */
    public record Projection(double[] mean, double[][] components, double[] variances) {

        public double[] project(double[] point) {
            double[] projected = new double[components.length];
            for (int p = 0; p < components.length; p++) {
                double sum = 0;
                for (int j = 0; j < mean.length; j++) {
                    sum += components[p][j] * (valueOrMean(point[j]) - mean[j]);
                }
                projected[p] = sum;
            }
            return projected;
        }

        /** mean + P^T c: the point of the scaled space whose projection is c, in the plane. */
        public double[] lift(double[] projected) {
            double[] point = mean.clone();
            for (int p = 0; p < components.length; p++) {
                for (int j = 0; j < mean.length; j++) {
                    point[j] += components[p][j] * projected[p];
                }
            }
            return point;
        }

        /**
         * The first principal components (of the covariance) that keep at least {@code share} of
         * the variance. Not Smile's {@code PCA}: its eigen decomposition calls native LAPACK, which
         * the build leaves out (see the smile-core exclusions in the parent pom); commons-math3's
         * runs on the JVM.
         */
        static Projection fit(double[][] points, double share) {
            int d = points[0].length;
            double[] mean = new double[d];
            for (double[] point : points) {
                for (int j = 0; j < d; j++) {
                    mean[j] += point[j] / points.length;
                }
            }
            double[][] covariance = new double[d][d];
            for (double[] point : points) {
                for (int a = 0; a < d; a++) {
                    for (int b = a; b < d; b++) {
                        covariance[a][b] += (point[a] - mean[a]) * (point[b] - mean[b]);
                    }
                }
            }
            for (int a = 0; a < d; a++) {
                for (int b = a; b < d; b++) {
                    covariance[a][b] /= Math.max(1, points.length - 1);
                    covariance[b][a] = covariance[a][b];
                }
            }
            // commons-math3's decomposition runs on the JVM; Smile's calls native LAPACK, which
            // the build leaves out
            EigenDecomposition eigen = new EigenDecomposition(new Array2DRowRealMatrix(covariance));
            double[] values = eigen.getRealEigenvalues();
            double[][] vectors = eigen.getV().getData();
            Integer[] order = new Integer[d];
            for (int p = 0; p < d; p++) {
                order[p] = p;
            }
            Arrays.sort(order, (x, y) -> Double.compare(values[y], values[x]));
            double total = Arrays.stream(values).map(v -> Math.max(v, 0)).sum();
            int kept = 0;
            double cumulative = 0;
            while (kept < d && (kept == 0 || cumulative < share * total - 1e-12)) {
                cumulative += Math.max(values[order[kept]], 0);
                kept++;
            }
            double[][] components = new double[kept][d];
            double[] variances = new double[kept];
            for (int p = 0; p < kept; p++) {
                variances[p] = values[order[p]];
                for (int j = 0; j < d; j++) {
                    components[p][j] = vectors[j][order[p]];
                }
            }
            return new Projection(mean, components, variances);
        }
    }

    private MethodComparison() {}

    /** G-means may go this far beyond the largest k asked for: it is there to find a better k. */
    public static int kLimit(int kMax) {
        return Math.max(2 * kMax, kMax + 4);
    }

    /**
     * Fits and measures every method on the sample, and chooses.
     *
     * @param sample scaled profiles (NaN where unknown)
     * @param rawSample the same profiles in feature units, for the previous version
     * @param converted the sample's outcome: 1 converted, 0 not, NaN unknown
     * @param previous the version in use, or null
     */
    public static Outcome compare(
            double[][] sample,
            double[][] rawSample,
            double[] converted,
            SegmentModel previous,
            List<String> features,
            Retrainer.Settings fit,
            Settings settings) {
        int[] previousLabels = null;
        if (previous != null && previous.features().equals(features)) {
            previousLabels = new int[rawSample.length];
            for (int i = 0; i < rawSample.length; i++) {
                previousLabels[i] = previous.assign(rawSample[i]).segment();
            }
        }
        double[][] complete = withMeans(sample);
        List<Row> rows = new ArrayList<>();
        Projection projection = null;
        SegmentMixture fittedMixture = null;

        long started = System.nanoTime();
        KSelection.Choice kChoice = chooseK(sample, fit);
        BatchKMeans.Fit kmeans = fitKMeans(sample, kChoice.k(), fit);
        rows.add(
                measure(
                        Method.KMEANS,
                        sample,
                        kmeans.centroids(),
                        null,
                        previousLabels,
                        converted,
                        started,
                        kChoice.wasSelected() ? "k by silhouette" : "k given"));

        started = System.nanoTime();
        try {
            projection = Projection.fit(complete, settings.pcaVariance());
            double[][] projected = new double[sample.length][];
            for (int i = 0; i < sample.length; i++) {
                projected[i] = projection.project(sample[i]);
            }
            KSelection.Choice pcaChoice = chooseK(projected, fit);
            BatchKMeans.Fit inPlane = fitKMeans(projected, pcaChoice.k(), fit);
            double[][] lifted = new double[inPlane.k()][];
            for (int c = 0; c < inPlane.k(); c++) {
                lifted[c] = projection.lift(inPlane.centroids()[c]);
            }
            rows.add(
                    measure(
                            Method.PCA_KMEANS,
                            sample,
                            lifted,
                            null,
                            previousLabels,
                            converted,
                            started,
                            String.format(
                                    Locale.ROOT,
                                    "%d of %d components keep %.0f%% of the variance",
                                    projection.components().length,
                                    features.size(),
                                    100 * settings.pcaVariance())));
        } catch (RuntimeException e) {
            rows.add(failed(Method.PCA_KMEANS, started, e));
        }

        started = System.nanoTime();
        try {
            // all principal axes: a rotation, so the diagonal covariances of the mixture are
            // along the directions in which the data actually spread
            Projection axes = Projection.fit(complete, 1.0);
            double[][] rotated = new double[sample.length][];
            for (int i = 0; i < sample.length; i++) {
                rotated[i] = axes.project(complete[i]);
            }
            // EM finds a local optimum near its start: k-means in the principal axes cuts long
            // groups across their length, k-means on the axes scaled to unit variance does not;
            // both starts run and the higher likelihood wins
            double[][] whitened = new double[sample.length][];
            for (int i = 0; i < sample.length; i++) {
                whitened[i] = rotated[i].clone();
                for (int p = 0; p < whitened[i].length; p++) {
                    whitened[i][p] /= Math.sqrt(Math.max(axes.variances()[p], 1e-12));
                }
            }
            GaussianMixture best = null;
            for (int k = fit.kMin(); k <= fit.kMax(); k++) {
                for (double[][] start : List.of(rotated, whitened)) {
                    GaussianMixture mixture =
                            GaussianMixture.fit(
                                    rotated, fitKMeans(start, k, fit), fit.maxIterations());
                    if (best == null || mixture.bic() > best.bic()) {
                        best = mixture;
                    }
                }
            }
            GaussianMixture mixture = best;
            fittedMixture = mixture.inAxes(axes);
            double[][] means = new double[mixture.k()][];
            for (int c = 0; c < mixture.k(); c++) {
                means[c] = axes.lift(mixture.means()[c]);
            }
            int[] labels = new int[sample.length];
            for (int i = 0; i < sample.length; i++) {
                labels[i] = mixture.map(rotated[i]);
            }
            rows.add(
                    measure(
                            Method.GMM,
                            sample,
                            means,
                            labels,
                            previousLabels,
                            converted,
                            started,
                            String.format(
                                    Locale.ROOT,
                                    "diagonal in principal axes, %sBIC %.0f",
                                    fit.chooseK() ? "k by " : "",
                                    mixture.bic())));
        } catch (RuntimeException e) {
            rows.add(failed(Method.GMM, started, e));
        }

        started = System.nanoTime();
        try {
            MathEx.setSeed(fit.seed());
            GMeans gmeans =
                    GMeans.fit(
                            complete,
                            kLimit(fit.kMax()),
                            fit.maxIterations(),
                            Math.max(fit.relativeTolerance(), 1e-4));
            rows.add(
                    measure(
                            Method.GMEANS,
                            sample,
                            gmeans.centroids,
                            null,
                            previousLabels,
                            converted,
                            started,
                            "k by Anderson-Darling up to " + kLimit(fit.kMax())));
        } catch (RuntimeException e) {
            rows.add(failed(Method.GMEANS, started, e));
        }

        Method chosen = settings.forced() != null ? settings.forced() : choose(rows, settings);
        Row forcedRow =
                settings.forced() == null
                        ? null
                        : rows.stream()
                                .filter(r -> r.method() == settings.forced())
                                .findFirst()
                                .orElseThrow();
        if (forcedRow != null && forcedRow.k() < 2) {
            throw new IllegalStateException(
                    "--method "
                            + forcedRow.method().label()
                            + " cannot be published: "
                            + (forcedRow.k() == 0 ? forcedRow.note() : "it found a single group"));
        }
        int publishedK =
                rows.stream().filter(r -> r.method() == chosen).findFirst().orElseThrow().k();
        return new Outcome(
                List.copyOf(rows),
                chosen,
                publishedK,
                chosen == Method.PCA_KMEANS ? projection : null,
                chosen == Method.GMM ? fittedMixture : null);
    }

    /**
     * The rule of the class comment. Rows that failed (k = 0) or found a single group are never
     * chosen; plain k-means is the answer when nothing else qualifies.
     */
    static Method choose(List<Row> rows, Settings settings) {
        List<Row> fitted = rows.stream().filter(r -> r.k() >= 2).toList();
        double bestStability = max(fitted, Row::stability);
        double bestShare = max(fitted, Row::conversionVarianceExplained);
        List<Row> eligible =
                fitted.stream()
                        .filter(
                                r ->
                                        !(r.stability()
                                                < bestStability - settings.stabilityTolerance()))
                        .filter(
                                r ->
                                        !(r.conversionVarianceExplained()
                                                < bestShare - settings.conversionTolerance()))
                        .toList();
        Row best = null;
        for (Row row : eligible) {
            if (best == null || row.silhouette() > best.silhouette()) {
                best = row;
            }
        }
        if (best == null) {
            return fitted.isEmpty() ? Method.KMEANS : fitted.get(0).method();
        }
        for (Row row : eligible) {
            if (row.method() == Method.KMEANS
                    && !(best.silhouette() > row.silhouette() + settings.silhouetteMargin())) {
                return Method.KMEANS;
            }
        }
        return best.method();
    }

    /**
     * The published method's centres on all profiles, in the scaled space: k-means and G-means
     * (whose k is then fixed) are fitted again on every profile, as the plain retrain does;
     * pca-kmeans is fitted on every profile's projection and lifted back; the mixture's are its
     * components' means, as fitted on the sample.
     */
    public static double[][] centresOnAll(
            Outcome outcome, double[][] standardised, Retrainer.Settings fit) {
        if (outcome.mixture() != null) {
            double[][] means = new double[outcome.mixture().k()][];
            for (int c = 0; c < means.length; c++) {
                means[c] = outcome.mixture().standardisedCentre(c);
            }
            return means;
        }
        if (outcome.chosen() == Method.PCA_KMEANS) {
            Projection projection = outcome.pca();
            double[][] projected = new double[standardised.length][];
            for (int i = 0; i < standardised.length; i++) {
                projected[i] = projection.project(standardised[i]);
            }
            BatchKMeans.Fit inPlane = fitKMeans(projected, outcome.publishedK(), fit);
            double[][] lifted = new double[inPlane.k()][];
            for (int c = 0; c < inPlane.k(); c++) {
                lifted[c] = projection.lift(inPlane.centroids()[c]);
            }
            return lifted;
        }
        return fitKMeans(standardised, outcome.publishedK(), fit).centroids();
    }

    /** The share of conversion variance explained and the lift of a labelling (NaN: unknown). */
    static double[] conversion(int[] labels, double[] converted) {
        Map<Integer, double[]> bySegment = new LinkedHashMap<>();
        double known = 0;
        double positives = 0;
        for (int i = 0; i < labels.length; i++) {
            if (Double.isNaN(converted[i])) {
                continue;
            }
            double[] cell = bySegment.computeIfAbsent(labels[i], l -> new double[2]);
            cell[0]++;
            cell[1] += converted[i];
            known++;
            positives += converted[i];
        }
        if (known == 0 || positives == 0 || positives == known) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double overall = positives / known;
        double between = 0;
        double bestRate = Double.NaN;
        for (double[] cell : bySegment.values()) {
            double rate = cell[1] / cell[0];
            between += cell[0] * (rate - overall) * (rate - overall);
            if (cell[0] >= MIN_LABELLED_PER_SEGMENT && !(rate <= bestRate)) {
                bestRate = rate;
            }
        }
        double total = known * overall * (1 - overall);
        return new double[] {between / total, bestRate / overall};
    }

    private static Row measure(
            Method method,
            double[][] sample,
            double[][] centres,
            int[] givenLabels,
            int[] previousLabels,
            double[] converted,
            long startedNanos,
            String note) {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        int k = centres.length;
        int[] labels = givenLabels;
        if (labels == null) {
            int d = centres[0].length;
            double[] flat = new double[k * d];
            for (int c = 0; c < k; c++) {
                System.arraycopy(centres[c], 0, flat, c * d, d);
            }
            double[] distances = new double[2];
            labels = new int[sample.length];
            for (int i = 0; i < sample.length; i++) {
                labels[i] = Centroids.nearest(flat, k, d, sample[i], distances);
            }
        }
        double stability =
                previousLabels == null
                        ? Double.NaN
                        : ClusteringMetrics.adjustedRandIndex(previousLabels, labels);
        double[] conversion = conversion(labels, converted);
        return new Row(
                method,
                k,
                Silhouette.mean(sample, labels),
                DaviesBouldin.index(sample, labels, centres),
                stability,
                conversion[1],
                conversion[0],
                seconds,
                note);
    }

    private static Row failed(Method method, long startedNanos, RuntimeException e) {
        return new Row(
                method,
                0,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                (System.nanoTime() - startedNanos) / 1e9,
                "failed: " + e.getMessage());
    }

    private static KSelection.Choice chooseK(double[][] points, Retrainer.Settings fit) {
        return fit.chooseK()
                ? KSelection.bySilhouette(
                        points,
                        fit.kMin(),
                        fit.kMax(),
                        fit.restarts(),
                        fit.maxIterations(),
                        fit.relativeTolerance(),
                        fit.seed())
                : KSelection.fixed(fit.kMin());
    }

    private static BatchKMeans.Fit fitKMeans(double[][] points, int k, Retrainer.Settings fit) {
        return BatchKMeans.fit(
                points,
                k,
                fit.restarts(),
                fit.maxIterations(),
                fit.relativeTolerance(),
                fit.seed());
    }

    private static double max(List<Row> rows, java.util.function.ToDoubleFunction<Row> measure) {
        double max = Double.NaN;
        for (Row row : rows) {
            double value = measure.applyAsDouble(row);
            if (!Double.isNaN(value) && !(value <= max)) {
                max = value;
            }
        }
        return max;
    }

    private static double[][] withMeans(double[][] scaled) {
        double[][] complete = new double[scaled.length][];
        for (int i = 0; i < scaled.length; i++) {
            complete[i] = scaled[i].clone();
            for (int j = 0; j < complete[i].length; j++) {
                complete[i][j] = valueOrMean(complete[i][j]);
            }
        }
        return complete;
    }

    private static double valueOrMean(double scaled) {
        return Double.isNaN(scaled) ? 0.0 : scaled;
    }

    private static Double finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
