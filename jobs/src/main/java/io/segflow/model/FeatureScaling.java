package io.segflow.model;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Per-feature standardisation: z = (x - mean) / stdDev. Distances are taken between standardised
 * points so that a feature measured in seconds does not drown the counts; centroids are reported in
 * the features' own units. A model version carries its scaling and never changes it.
 *
 * <p>Missing values (NaN) have a defined meaning: "no information". They are left out of the
 * statistics here, out of distances (see {@link SegmentModel}) and out of centroid updates.
 */
public final class FeatureScaling implements Serializable {

    private static final long serialVersionUID = 1L;

    private final double[] mean;
    private final double[] stdDev;

    public FeatureScaling(double[] mean, double[] stdDev) {
        if (mean.length != stdDev.length) {
            throw new IllegalArgumentException("mean and stdDev differ in length");
        }
        this.mean = mean.clone();
        this.stdDev = stdDev.clone();
        for (int j = 0; j < this.stdDev.length; j++) {
            // a constant feature carries no distance; 1 keeps it finite
            if (!(this.stdDev[j] > 1e-12) || !Double.isFinite(this.stdDev[j])) {
                this.stdDev[j] = 1.0;
            }
            if (!Double.isFinite(this.mean[j])) {
                this.mean[j] = 0.0;
            }
        }
    }

    /** Means and standard deviations of the observed (non-NaN) values of each feature. */
    public static FeatureScaling fit(double[][] points, int dimensions) {
        double[] sum = new double[dimensions];
        double[] sumSq = new double[dimensions];
        long[] n = new long[dimensions];
        for (double[] point : points) {
            for (int j = 0; j < dimensions; j++) {
                double v = point[j];
                if (!Double.isNaN(v)) {
                    sum[j] += v;
                    sumSq[j] += v * v;
                    n[j]++;
                }
            }
        }
        double[] mean = new double[dimensions];
        double[] std = new double[dimensions];
        for (int j = 0; j < dimensions; j++) {
            if (n[j] > 0) {
                mean[j] = sum[j] / n[j];
                std[j] = Math.sqrt(Math.max(0.0, sumSq[j] / n[j] - mean[j] * mean[j]));
            }
        }
        return new FeatureScaling(mean, std);
    }

    /** The identity: for points that are already standardised. */
    public static FeatureScaling identity(int dimensions) {
        double[] ones = new double[dimensions];
        Arrays.fill(ones, 1.0);
        return new FeatureScaling(new double[dimensions], ones);
    }

    public int dimensions() {
        return mean.length;
    }

    /** Standardises raw into out; NaN stays NaN (missing). */
    public void scale(double[] raw, double[] out) {
        for (int j = 0; j < mean.length; j++) {
            out[j] = (raw[j] - mean[j]) / stdDev[j];
        }
    }

    public double[] scale(double[] raw) {
        double[] out = new double[raw.length];
        scale(raw, out);
        return out;
    }

    public double scale(int feature, double raw) {
        return (raw - mean[feature]) / stdDev[feature];
    }

    public double unscale(int feature, double z) {
        return z * stdDev[feature] + mean[feature];
    }

    public double[] mean() {
        return mean.clone();
    }

    public double[] stdDev() {
        return stdDev.clone();
    }
}
