package io.segflow.model;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import smile.clustering.BBDTree;

/**
 * A full k-means fit on standardised points: greedy k-means++ seeding, then Smile 3.1.1's k-means
 * iterations, several restarts with different seeds, the restart with the lowest inertia wins.
 *
 * <p>Smile calls used: {@code new BBDTree(double[][])}, built once and shared by the restarts, and
 * {@code BBDTree.clustering(centroids, sums, sizes, labels)}, one iteration of the filtering
 * algorithm (Kanungo et al. 2002) that {@code KMeans.fit(double[][], k, maxIter, tol)} loops over.
 * {@code KMeans.fit} itself is not called because it accepts no initial centroids and its own
 * k-means++ seeding (one candidate per step) proved unreliable here (see {@link
 * #greedyKMeansPlusPlus}). Profiles with missing values cannot go through the tree (it would spread
 * NaN into a centroid), so for them the same iterations run here, with missing values left out of
 * distances and means as in scoring. Seeding draws from a {@code java.util.Random} made from the
 * seed, so a fit is reproducible.
 *
 * <p>Empty clusters: Smile's {@code KMeans.fit} divides each cluster's sum by its size without
 * looking, so a cluster that receives no point gets a NaN centroid and size 0 and keeps them (seen
 * with more centres than distinct points, see BatchKMeansTest); the tree iterations keep an empty
 * cluster's old centroid. Two guards: k larger than the number of distinct points is refused up
 * front with a message saying so (no k-means can fill k clusters then; the caller should lower k);
 * and any empty or non-finite centroid left after the iterations is re-seeded at the point farthest
 * from every healthy centre (farthest-first, so duplicates cannot take two re-seeds) and polished
 * with Lloyd iterations. Labels, sizes and inertia are then recomputed with the distance that
 * {@link SegmentModel} scores with, so the numbers stored agree with scoring.
 */
public final class BatchKMeans {

    /**
     * @param centroids standardised, one row per cluster
     * @param labels the index of each point's nearest centroid
     * @param sizes points per cluster, all > 0
     * @param inertia sum of squared standardised distances of the points to their centroid
     * @param repairedCentroids centroids the empty-cluster guard had to re-seed in the winning
     *     restart
     */
    public record Fit(
            double[][] centroids,
            int[] labels,
            long[] sizes,
            double inertia,
            int repairedCentroids) {

        public int k() {
            return centroids.length;
        }

        /** Centroids stored flat (centre c, feature j at c * d + j), as SegmentModel takes them. */
        public double[] flatCentroids() {
            return flatten(centroids);
        }
    }

    /** Seeding looks at no more points than this: k-means++ needs the shape, not every profile. */
    static final int SEEDING_POOL = 100_000;

    private BatchKMeans() {}

    /**
     * @param standardised the points, standardised (NaN where missing)
     * @param restarts fits with different seeds; the lowest inertia wins
     * @param relativeTolerance a restart stops when an iteration lowers the inertia by less than
     *     this fraction of the points' total variance (n * d for standardised points)
     */
    public static Fit fit(
            double[][] standardised,
            int k,
            int restarts,
            int maxIterations,
            double relativeTolerance,
            long seed) {
        int n = standardised.length;
        if (k < 2) {
            throw new IllegalArgumentException("k must be at least 2 for a segmentation, was " + k);
        }
        if (restarts < 1 || maxIterations < 1) {
            throw new IllegalArgumentException("restarts and maxIterations must be at least 1");
        }
        if (n == 0) {
            throw new IllegalArgumentException("no profiles to fit");
        }
        int d = standardised[0].length;
        requireDistinctPoints(standardised, k);
        boolean complete = Arrays.stream(standardised).allMatch(p -> Centroids.isComplete(p, d));
        BBDTree tree = complete ? new BBDTree(standardised) : null;
        double tolerance = relativeTolerance * n * d;
        Random random = new Random(seed);
        Fit best = null;
        for (int restart = 0; restart < restarts; restart++) {
            double[][] centroids = greedyKMeansPlusPlus(standardised, k, random);
            int[] sizes =
                    complete
                            ? filteringIterations(
                                    tree, standardised, centroids, maxIterations, tolerance)
                            : lloydIterations(standardised, centroids, maxIterations, tolerance);
            int repaired = repair(standardised, centroids, sizes, seed + restart);
            Fit fit = evaluate(standardised, centroids, repaired);
            if (best == null || fit.inertia() < best.inertia()) {
                best = fit;
            }
        }
        return best;
    }

    /**
     * Greedy k-means++ (each step keeps the best of 2 + ln k candidates drawn by squared distance,
     * as scikit-learn does), on at most {@link #SEEDING_POOL} of the points. Smile's own seeding
     * draws one candidate per step, and in 12 standardised dimensions the noise of the clusters
     * already covered carries so much of the squared distance that it often puts two seeds in one
     * group and none in another: measured on 5 well-separated personas, 3 of 8 seeds merged two of
     * them, and 4 restarts on 8 personas all did (ARI 0.83).
     */
    static double[][] greedyKMeansPlusPlus(double[][] points, int k, Random random) {
        int d = points[0].length;
        double[][] pool =
                points.length <= SEEDING_POOL
                        ? points
                        : KSelection.rows(
                                points,
                                KSelection.sampleIndices(
                                        points.length, SEEDING_POOL, random.nextLong()));
        double[] flat = MiniBatchKMeans.kMeansPlusPlus(pool, k, d, random);
        double[][] centroids = new double[k][d];
        for (int c = 0; c < k; c++) {
            System.arraycopy(flat, c * d, centroids[c], 0, d);
        }
        return centroids;
    }

    /**
     * Smile's k-means iterations (the filtering algorithm of Kanungo et al. over a BBD tree, what
     * {@code KMeans.fit} runs after seeding) from the given centroids, updated in place; returns
     * the cluster sizes. A cluster left empty keeps its centroid here (the tree divides only
     * non-empty sums); the caller's guard re-seeds it.
     */
    private static int[] filteringIterations(
            BBDTree tree,
            double[][] points,
            double[][] centroids,
            int maxIterations,
            double tolerance) {
        int k = centroids.length;
        double[][] sums = new double[k][centroids[0].length];
        int[] sizes = new int[k];
        int[] labels = new int[points.length];
        double distortion = Double.MAX_VALUE;
        for (int iteration = 0; iteration < maxIterations; iteration++) {
            double next = tree.clustering(centroids, sums, sizes, labels);
            boolean converged = distortion - next <= tolerance;
            distortion = next;
            if (converged) {
                break;
            }
        }
        return sizes;
    }

    /**
     * Lloyd iterations that leave missing values out of distances and means (as scoring does), for
     * profiles with gaps, which the tree cannot take; returns the cluster sizes.
     */
    private static int[] lloydIterations(
            double[][] points, double[][] centroids, int maxIterations, double tolerance) {
        int k = centroids.length;
        int d = centroids[0].length;
        int[] sizes = new int[k];
        double[] out = new double[2];
        double previous = Double.MAX_VALUE;
        for (int iteration = 0; iteration < maxIterations; iteration++) {
            double[] flat = flatten(centroids);
            double[] sums = new double[k * d];
            double[] observed = new double[k * d];
            Arrays.fill(sizes, 0);
            double distortion = 0.0;
            for (double[] point : points) {
                int c = Centroids.nearest(flat, k, d, point, out);
                distortion += out[0];
                sizes[c]++;
                for (int j = 0; j < d; j++) {
                    if (!Double.isNaN(point[j])) {
                        sums[c * d + j] += point[j];
                        observed[c * d + j]++;
                    }
                }
            }
            for (int c = 0; c < k; c++) {
                for (int j = 0; j < d; j++) {
                    if (observed[c * d + j] > 0) {
                        centroids[c][j] = sums[c * d + j] / observed[c * d + j];
                    }
                }
            }
            if (previous - distortion <= tolerance) {
                break;
            }
            previous = distortion;
        }
        return sizes;
    }

    /**
     * Refuses a k that no clustering can fill: with fewer distinct points than clusters some
     * cluster must stay empty. Stops reading as soon as k distinct points are seen.
     */
    static void requireDistinctPoints(double[][] points, int k) {
        int distinct = distinctPoints(points, k);
        if (distinct < k) {
            throw new IllegalArgumentException(
                    "cannot make "
                            + k
                            + " segments from "
                            + distinct
                            + " distinct profiles ("
                            + points.length
                            + " in all): lower k to at most "
                            + distinct);
        }
    }

    /** The number of distinct points, counting no further than limit (reading stops there). */
    public static int distinctPoints(double[][] points, int limit) {
        Set<PointKey> distinct = new HashSet<>();
        for (double[] point : points) {
            if (distinct.add(new PointKey(point)) && distinct.size() >= limit) {
                break;
            }
        }
        return distinct.size();
    }

    /**
     * Replaces every centroid that is not finite or whose cluster is empty (per the given sizes, or
     * when none are given, by nearest-centre assignment) and polishes with Lloyd iterations;
     * returns how many were replaced. Centroids are changed in place.
     */
    static int repair(double[][] points, double[][] centroids, int[] sizes, long seed) {
        int k = centroids.length;
        int d = centroids[0].length;
        boolean[] broken = new boolean[k];
        int brokenCount = 0;
        for (int c = 0; c < k; c++) {
            boolean finite = Arrays.stream(centroids[c]).allMatch(Double::isFinite);
            if (!finite || (sizes != null && sizes[c] == 0)) {
                broken[c] = true;
                brokenCount++;
            }
        }
        if (brokenCount == 0) {
            brokenCount = markEmptyByAssignment(points, centroids, broken);
        }
        if (brokenCount == 0) {
            return 0;
        }
        // squared distance of each point to its nearest healthy centre
        double[] closest = new double[points.length];
        Arrays.fill(closest, Double.POSITIVE_INFINITY);
        for (int c = 0; c < k; c++) {
            if (!broken[c]) {
                closeIn(points, centroids[c], closest);
            }
        }
        for (int c = 0; c < k; c++) {
            if (!broken[c]) {
                continue;
            }
            int farthest = 0;
            for (int i = 1; i < points.length; i++) {
                if (closest[i] > closest[farthest]) {
                    farthest = i;
                }
            }
            for (int j = 0; j < d; j++) {
                double v = points[farthest][j];
                centroids[c][j] = Double.isNaN(v) ? 0.0 : v;
            }
            closeIn(points, centroids[c], closest);
        }
        double[] flat = flatten(centroids);
        MiniBatchKMeans.lloyd(points, flat, k, d, new double[k], new Random(seed));
        for (int c = 0; c < k; c++) {
            System.arraycopy(flat, c * d, centroids[c], 0, d);
        }
        return brokenCount;
    }

    private static int markEmptyByAssignment(
            double[][] points, double[][] centroids, boolean[] broken) {
        int k = centroids.length;
        int d = centroids[0].length;
        double[] flat = flatten(centroids);
        long[] sizes = new long[k];
        double[] out = new double[2];
        for (double[] point : points) {
            sizes[Centroids.nearest(flat, k, d, point, out)]++;
        }
        int count = 0;
        for (int c = 0; c < k; c++) {
            if (sizes[c] == 0) {
                broken[c] = true;
                count++;
            }
        }
        return count;
    }

    private static void closeIn(double[][] points, double[] centroid, double[] closest) {
        for (int i = 0; i < points.length; i++) {
            closest[i] =
                    Math.min(
                            closest[i],
                            Centroids.squaredDistance(points[i], centroid, 0, centroid.length));
        }
    }

    /** Labels, sizes and inertia with the scoring distance; fails if a cluster is still empty. */
    private static Fit evaluate(double[][] points, double[][] centroids, int repaired) {
        int k = centroids.length;
        int d = centroids[0].length;
        double[] flat = flatten(centroids);
        int[] labels = new int[points.length];
        long[] sizes = new long[k];
        double[] out = new double[2];
        double inertia = 0.0;
        for (int i = 0; i < points.length; i++) {
            labels[i] = Centroids.nearest(flat, k, d, points[i], out);
            sizes[labels[i]]++;
            inertia += out[0];
        }
        for (int c = 0; c < k; c++) {
            if (sizes[c] == 0 || !Arrays.stream(centroids[c]).allMatch(Double::isFinite)) {
                throw new IllegalStateException(
                        "k-means left cluster "
                                + c
                                + " of "
                                + k
                                + " empty even after re-seeding it; lower k");
            }
        }
        return new Fit(centroids, labels, sizes, inertia, repaired);
    }

    private static double[] flatten(double[][] centroids) {
        int d = centroids[0].length;
        double[] flat = new double[centroids.length * d];
        for (int c = 0; c < centroids.length; c++) {
            System.arraycopy(centroids[c], 0, flat, c * d, d);
        }
        return flat;
    }

    /** A point as a set element: equal when every coordinate is (NaN equal to NaN). */
    private record PointKey(double[] point) {

        @Override
        public boolean equals(Object other) {
            return other instanceof PointKey key && Arrays.equals(point, key.point);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(point);
        }
    }
}
