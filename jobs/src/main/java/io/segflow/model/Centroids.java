package io.segflow.model;

/**
 * The nearest-centre search shared by training and scoring, on centres stored flat (centre c,
 * feature j at c * d + j) so that a search touches one array and allocates nothing. Missing values
 * (NaN) are left out and the distance over the observed features is scaled up to all d features, so
 * points with and without gaps stay comparable.
 */
final class Centroids {

    private Centroids() {}

    /** Index of the nearest centre; distances squared into out[0] (nearest) and out[1] (second). */
    static int nearest(double[] centres, int k, int d, double[] point, double[] out) {
        if (!isComplete(point, d)) {
            return nearestWithGaps(centres, k, d, point, out);
        }
        // Squared distances are >= 0, and for such doubles the raw bits order like the values:
        // comparing longs lets the JIT choose without branches it cannot predict.
        long bestBits = Double.doubleToRawLongBits(Double.POSITIVE_INFINITY);
        long secondBits = bestBits;
        int best = -1;
        int c = 0;
        // four centres per pass over the point: four independent sums keep the FPU busy
        for (; c + 3 < k; c += 4) {
            int o0 = c * d;
            int o1 = o0 + d;
            int o2 = o1 + d;
            int o3 = o2 + d;
            double s0 = 0.0;
            double s1 = 0.0;
            double s2 = 0.0;
            double s3 = 0.0;
            for (int j = 0; j < d; j++) {
                double x = point[j];
                double t0 = x - centres[o0 + j];
                double t1 = x - centres[o1 + j];
                double t2 = x - centres[o2 + j];
                double t3 = x - centres[o3 + j];
                s0 += t0 * t0;
                s1 += t1 * t1;
                s2 += t2 * t2;
                s3 += t3 * t3;
            }
            for (int i = 0; i < 4; i++) {
                double sq = i == 0 ? s0 : i == 1 ? s1 : i == 2 ? s2 : s3;
                long bits = Double.doubleToRawLongBits(sq);
                boolean nearer = bits < bestBits;
                secondBits = nearer ? bestBits : Math.min(secondBits, bits);
                best = nearer ? c + i : best;
                bestBits = nearer ? bits : bestBits;
            }
        }
        for (; c < k; c++) {
            int offset = c * d;
            double sq = 0.0;
            for (int j = 0; j < d; j++) {
                double diff = point[j] - centres[offset + j];
                sq += diff * diff;
            }
            long bits = Double.doubleToRawLongBits(sq);
            boolean nearer = bits < bestBits;
            secondBits = nearer ? bestBits : Math.min(secondBits, bits);
            best = nearer ? c : best;
            bestBits = nearer ? bits : bestBits;
        }
        out[0] = Double.longBitsToDouble(bestBits);
        out[1] = Double.longBitsToDouble(secondBits);
        return best;
    }

    /**
     * The same for a point with missing values: distance over the observed features, scaled to d.
     */
    private static int nearestWithGaps(
            double[] centres, int k, int d, double[] point, double[] out) {
        int best = -1;
        double bestSq = Double.POSITIVE_INFINITY;
        double secondSq = Double.POSITIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            double sq = squaredDistance(point, centres, c * d, d);
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

    /**
     * Squared distance of a point to the centre at offset, over the point's known features and
     * scaled up to all d of them, so points with and without gaps stay comparable.
     */
    static double squaredDistance(double[] point, double[] centres, int offset, int d) {
        double sq = 0.0;
        int observed = 0;
        for (int j = 0; j < d; j++) {
            double v = point[j];
            if (!Double.isNaN(v)) {
                double diff = v - centres[offset + j];
                sq += diff * diff;
                observed++;
            }
        }
        return observed == 0 ? 0.0 : sq * d / observed;
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
