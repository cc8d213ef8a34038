package io.segflow.model;

/**
 * Davies-Bouldin index (Davies and Bouldin 1979): the mean over clusters of the worst ratio (S_i +
 * S_j) / M_ij, where S_i is the mean Euclidean distance of cluster i's points to its centroid and
 * M_ij the distance between centroids i and j. Lower is better; 0 means every cluster is a point.
 *
 * <p>Only clusters that have points among those given take part (a sample may miss a small segment,
 * and its spread is then unknown); with fewer than two such clusters the index is undefined: NaN.
 * Two coincident centroids give +Infinity, which is what the definition says (scikit-learn silently
 * scores that pair 0 instead, which would reward a duplicated centre). Missing values are handled
 * as in {@link Silhouette}.
 */
public final class DaviesBouldin {

    private DaviesBouldin() {}

    /**
     * @param labels for each point, the index of its centroid in {@code centroids}
     * @param centroids the centres the points were assigned to (e.g. a model's, not recomputed)
     */
    public static double index(double[][] points, int[] labels, double[][] centroids) {
        if (points.length != labels.length) {
            throw new IllegalArgumentException(
                    points.length + " points but " + labels.length + " labels");
        }
        int k = centroids.length;
        double[] spread = new double[k];
        int[] sizes = new int[k];
        for (int i = 0; i < points.length; i++) {
            int c = labels[i];
            if (c < 0 || c >= k) {
                throw new IllegalArgumentException(
                        "label " + c + " of point " + i + " is not a centroid index");
            }
            spread[c] += Silhouette.distance(points[i], centroids[c]);
            sizes[c]++;
        }
        int present = 0;
        for (int c = 0; c < k; c++) {
            if (sizes[c] > 0) {
                spread[c] /= sizes[c];
                present++;
            }
        }
        if (present < 2) {
            return Double.NaN;
        }
        double total = 0.0;
        for (int i = 0; i < k; i++) {
            if (sizes[i] == 0) {
                continue;
            }
            double worst = 0.0;
            for (int j = 0; j < k; j++) {
                if (j == i || sizes[j] == 0) {
                    continue;
                }
                double separation = Silhouette.distance(centroids[i], centroids[j]);
                double ratio =
                        separation == 0.0
                                ? Double.POSITIVE_INFINITY
                                : (spread[i] + spread[j]) / separation;
                worst = Math.max(worst, ratio);
            }
            total += worst;
        }
        return total / present;
    }
}
