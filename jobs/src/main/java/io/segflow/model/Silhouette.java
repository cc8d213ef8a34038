package io.segflow.model;

import java.util.HashMap;
import java.util.Map;

/**
 * Mean silhouette coefficient (Rousseeuw 1987) of a labelled set of points, with Euclidean
 * distance. For a point i in cluster A, a(i) is its mean distance to the other points of A and b(i)
 * the smallest mean distance to the points of another cluster; s(i) = (b - a) / max(a, b), in [-1,
 * 1]. Smile 3.1.1 has no silhouette, hence this class.
 *
 * <p>Conventions, as in scikit-learn: a point alone in its cluster scores 0 (a(i) is undefined, and
 * a singleton would otherwise always look perfect); a point with a = b = 0 (duplicates across
 * clusters) scores 0. With fewer than two clusters the coefficient is undefined and {@link #mean}
 * returns NaN rather than throwing, because an evaluation of a degenerate model should still record
 * its other measures; callers that need a number check {@link Double#isNaN}.
 *
 * <p>Missing values (NaN) are left out of a distance and the rest scaled up to all coordinates, as
 * {@link SegmentModel} does when scoring. Cost O(n^2 d) time and O(n k) memory: meant for a bounded
 * sample (5,000 points take well under a second).
 */
public final class Silhouette {

    private Silhouette() {}

    /**
     * The mean silhouette of points with the given labels (any int values); NaN below two clusters.
     */
    public static double mean(double[][] points, int[] labels) {
        double[] scores = scores(points, labels);
        if (scores == null) {
            return Double.NaN;
        }
        double sum = 0.0;
        for (double s : scores) {
            sum += s;
        }
        return sum / scores.length;
    }

    /** s(i) for every point, or null when there are fewer than two clusters. */
    static double[] scores(double[][] points, int[] labels) {
        if (points.length != labels.length) {
            throw new IllegalArgumentException(
                    points.length + " points but " + labels.length + " labels");
        }
        int n = points.length;
        Map<Integer, Integer> clusterOfLabel = new HashMap<>();
        int[] cluster = new int[n];
        for (int i = 0; i < n; i++) {
            cluster[i] = clusterOfLabel.computeIfAbsent(labels[i], label -> clusterOfLabel.size());
        }
        int k = clusterOfLabel.size();
        if (k < 2) {
            return null;
        }
        int[] sizes = new int[k];
        for (int c : cluster) {
            sizes[c]++;
        }
        // distanceSums[i * k + c]: total distance of point i to the points of cluster c; each pair
        // once
        double[] distanceSums = new double[n * k];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double distance = distance(points[i], points[j]);
                distanceSums[i * k + cluster[j]] += distance;
                distanceSums[j * k + cluster[i]] += distance;
            }
        }
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            int own = cluster[i];
            if (sizes[own] == 1) {
                scores[i] = 0.0;
                continue;
            }
            double a = distanceSums[i * k + own] / (sizes[own] - 1);
            double b = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                if (c != own) {
                    b = Math.min(b, distanceSums[i * k + c] / sizes[c]);
                }
            }
            double larger = Math.max(a, b);
            scores[i] = larger == 0.0 ? 0.0 : (b - a) / larger;
        }
        return scores;
    }

    /** Euclidean distance over the coordinates both points have, scaled up to all of them. */
    static double distance(double[] p, double[] q) {
        double sq = 0.0;
        int observed = 0;
        for (int j = 0; j < p.length; j++) {
            double diff = p[j] - q[j];
            if (!Double.isNaN(diff)) {
                sq += diff * diff;
                observed++;
            }
        }
        if (observed == p.length) {
            return Math.sqrt(sq);
        }
        return observed == 0 ? 0.0 : Math.sqrt(sq * p.length / observed);
    }
}
