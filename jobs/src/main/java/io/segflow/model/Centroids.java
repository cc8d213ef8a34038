package io.segflow.model;

/**
 * The nearest-centre search shared by training and scoring, on centres stored flat
 * (centre c, feature j at c * d + j) so that a search touches one array and allocates nothing.
 * Missing values (NaN) are left out and the distance over the observed features is scaled up
 * to all d features, so points with and without gaps stay comparable.
 */
final class Centroids {

    private Centroids() {}

    /** Index of the nearest centre; distances squared into out[0] (nearest) and out[1] (second). */
    static int nearest(double[] centres, int k, int d, double[] point, double[] out) {
        int best = -1;
        double bestSq = Double.POSITIVE_INFINITY;
        double secondSq = Double.POSITIVE_INFINITY;
        boolean complete = isComplete(point, d);
        for (int c = 0; c < k; c++) {
            int offset = c * d;
            double sq = 0.0;
            if (complete) {
                for (int j = 0; j < d; j++) {
                    double diff = point[j] - centres[offset + j];
                    sq += diff * diff;
                }
            } else {
                int observed = 0;
                for (int j = 0; j < d; j++) {
                    double v = point[j];
                    if (!Double.isNaN(v)) {
                        double diff = v - centres[offset + j];
                        sq += diff * diff;
                        observed++;
                    }
                }
                sq = observed == 0 ? 0.0 : sq * d / observed;
            }
            if (sq < bestSq) {
                secondSq = bestSq;
                bestSq = sq;
                best = c;
            } else if (sq < secondSq) {
                secondSq = sq;
            }
        }
        out[0] = bestSq;
        out[1] = secondSq;
        return best;
    }

    static boolean isComplete(double[] point, int d) {
        for (int j = 0; j < d; j++) {
            if (Double.isNaN(point[j])) {
                return false;
            }
        }
        return true;
    }
}
