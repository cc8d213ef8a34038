package io.segflow.model;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import smile.clustering.BBDTree;
import smile.clustering.KMeans;
import smile.math.MathEx;

/**
 * A full k-means fit on standardised points with Smile 3.1.1: k-means++ seeding and Lloyd
 * iterations, several restarts with different seeds, the restart with the lowest inertia wins.
 *
 * <p>Smile calls used: {@code KMeans.fit(BBDTree, double[][], k, maxIter, tol)} (filtering
 * algorithm of Kanungo et al. over a BBD tree, built once and shared by the restarts) when no
 * value is missing, and {@code KMeans.lloyd(double[][], k, maxIter, tol)}, which leaves missing
 * values out of distances and means, when some are (the tree would spread NaN into a centroid).
 * Smile seeds from its per-thread generator, so each restart calls {@code MathEx.setSeed} on
 * the calling thread first; that makes a fit reproducible, and also reseeds that thread's Smile
 * generator for whatever runs on it next.
 *
 * <p>Empty clusters: Smile's first centroid update divides each cluster's sum by its size
 * without looking, so a cluster that receives no point gets a NaN centroid and size 0, and
 * keeps them (seen with more centres than distinct points, see BatchKMeansTest). Two guards:
 * k larger than the number of distinct points is refused up front with a message saying so
 * (no k-means can fill k clusters then; the caller should lower k); and any empty or non-finite
 * centroid left in Smile's result is re-seeded at the point farthest from every healthy centre
 * (farthest-first, so duplicates cannot take two re-seeds) and polished with Lloyd iterations
 * before the result is accepted. Labels, sizes and inertia are then recomputed with the
 * distance that {@link SegmentModel} scores with, so the numbers stored agree with scoring.
 */
public final class BatchKMeans {

    /**
     * @param centroids standardised, one row per cluster
     * @param labels the index of each point's nearest centroid
     * @param sizes points per cluster, all > 0
     * @param inertia sum of squared standardised distances of the points to their centroid
     * @param repairedCentroids centroids the empty-cluster guard had to re-seed in the winning restart
     */
    public record Fit(double[][] centroids, int[] labels, long[] sizes, double inertia, int repairedCentroids) {

        public int k() {
            return centroids.length;
        }

        /** Centroids stored flat (centre c, feature j at c * d + j), as SegmentModel takes them. */
        public double[] flatCentroids() {
            return flatten(centroids);
        }
    }

    private BatchKMeans() {}

    /**
     * @param standardised the points, standardised (NaN where missing)
     * @param restarts fits with different seeds; the lowest inertia wins
     * @param relativeTolerance a restart stops when an iteration lowers the inertia by less than
     *     this fraction of the points' total variance (n * d for standardised points)
     */
    public static Fit fit(double[][] standardised, int k, int restarts, int maxIterations, double relativeTolerance, long seed) {
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
        Fit best = null;
        for (int restart = 0; restart < restarts; restart++) {
            MathEx.setSeed(seed + restart);
            KMeans smile = complete
                    ? KMeans.fit(tree, standardised, k, maxIterations, tolerance)
                    : KMeans.lloyd(standardised, k, maxIterations, tolerance);
            double[][] centroids = new double[k][];
            for (int c = 0; c < k; c++) {
                centroids[c] = smile.centroids[c].clone();
            }
            int repaired = repair(standardised, centroids, smile.size, seed + restart);
            Fit fit = evaluate(standardised, centroids, repaired);
            if (best == null || fit.inertia() < best.inertia()) {
                best = fit;
            }
        }
        return best;
    }

    /**
     * Refuses a k that no clustering can fill: with fewer distinct points than clusters some
     * cluster must stay empty. Stops reading as soon as k distinct points are seen.
     */
    static void requireDistinctPoints(double[][] points, int k) {
        int distinct = distinctPoints(points, k);
        if (distinct < k) {
            throw new IllegalArgumentException("cannot make " + k + " segments from " + distinct
                    + " distinct profiles (" + points.length + " in all): lower k to at most " + distinct);
        }
    }

    /** The number of distinct points, counting no further than limit (reading stops there). */
    static int distinctPoints(double[][] points, int limit) {
        Set<PointKey> distinct = new HashSet<>();
        for (double[] point : points) {
            if (distinct.add(new PointKey(point)) && distinct.size() >= limit) {
                break;
            }
        }
        return distinct.size();
    }

    /**
     * Replaces every centroid that is not finite or whose cluster is empty (per Smile's sizes, or
     * by nearest-centre assignment) and polishes with Lloyd iterations; returns how many were
     * replaced. Centroids are changed in place.
     */
    static int repair(double[][] points, double[][] centroids, int[] smileSizes, long seed) {
        int k = centroids.length;
        int d = centroids[0].length;
        boolean[] broken = new boolean[k];
        int brokenCount = 0;
        for (int c = 0; c < k; c++) {
            boolean finite = Arrays.stream(centroids[c]).allMatch(Double::isFinite);
            if (!finite || (smileSizes != null && smileSizes[c] == 0)) {
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

    private static int markEmptyByAssignment(double[][] points, double[][] centroids, boolean[] broken) {
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
            closest[i] = Math.min(closest[i], Centroids.squaredDistance(points[i], centroid, 0, centroid.length));
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
                throw new IllegalStateException("k-means left cluster " + c + " of " + k
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
