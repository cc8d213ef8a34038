package io.segflow.model;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The Gaussian mixture of a segment model that {@code retrain --compare} chose (or {@code --method
 * gmm} forced): what the stream, a backfill and ML_PREDICT apply instead of the nearest centre.
 *
 * <p>In the model's standardised space a point z is first rotated into the sample's principal axes,
 * {@code y = A (z - centre)} (A: p rows of length d, orthonormal; p = d unless some axes carried no
 * variance at all), where each component c has a weight, a mean and a diagonal covariance; so the
 * covariances follow correlated, elongated groups although they are diagonal. A point belongs to
 * the component of highest posterior (MAP). A missing value (NaN) counts as the feature's mean (0
 * standardised), as in the fit. The component means lifted back ({@code centre + A^T mean}) are the
 * model's centres: they name the segments and fill the reports.
 *
 * <p>Immutable.
 *
 * @param centre the standardised point the rotation is centred on (length d)
 * @param axes the principal axes, p rows of length d
 * @param weights the mixing weight of each component (k)
 * @param means each component's mean in the rotated space (k rows of length p)
 * @param variances each component's variances along the axes (k rows of length p)
 */
public record SegmentMixture(
        double[] centre, double[][] axes, double[] weights, double[][] means, double[][] variances)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    public SegmentMixture {
        int d = centre.length;
        int p = axes.length;
        int k = weights.length;
        if (p == 0 || p > d || k == 0 || means.length != k || variances.length != k) {
            throw new IllegalArgumentException(
                    "a mixture needs 1 to d axes and one weight, mean and variance per component");
        }
        for (double[] axis : axes) {
            if (axis.length != d) {
                throw new IllegalArgumentException("every axis has d values");
            }
        }
        for (int c = 0; c < k; c++) {
            if (means[c].length != p || variances[c].length != p) {
                throw new IllegalArgumentException("means and variances have p values each");
            }
            if (!(weights[c] > 0)) {
                throw new IllegalArgumentException("component weights must be positive");
            }
            for (double v : variances[c]) {
                if (!(v > 0)) {
                    throw new IllegalArgumentException("component variances must be positive");
                }
            }
        }
        centre = centre.clone();
        axes = deepCopy(axes);
        weights = weights.clone();
        means = deepCopy(means);
        variances = deepCopy(variances);
    }

    public int k() {
        return weights.length;
    }

    /** The standardised dimensions d. */
    public int dimensions() {
        return centre.length;
    }

    /** The rotated dimensions p. */
    public int axesKept() {
        return axes.length;
    }

    @Override
    public double[] centre() {
        return centre.clone();
    }

    @Override
    public double[][] axes() {
        return deepCopy(axes);
    }

    @Override
    public double[] weights() {
        return weights.clone();
    }

    @Override
    public double[][] means() {
        return deepCopy(means);
    }

    @Override
    public double[][] variances() {
        return deepCopy(variances);
    }

    /** A standardised point in the principal axes; NaN counts as the mean (0). */
    public double[] rotate(double[] standardised) {
        double[] rotated = new double[axes.length];
        for (int p = 0; p < axes.length; p++) {
            double sum = 0;
            for (int j = 0; j < centre.length; j++) {
                double z = Double.isNaN(standardised[j]) ? 0.0 : standardised[j];
                sum += axes[p][j] * (z - centre[j]);
            }
            rotated[p] = sum;
        }
        return rotated;
    }

    /** centre + A^T y: the standardised point of a rotated one (a component mean's centre). */
    public double[] lift(double[] rotated) {
        double[] point = centre.clone();
        for (int p = 0; p < axes.length; p++) {
            for (int j = 0; j < centre.length; j++) {
                point[j] += axes[p][j] * rotated[p];
            }
        }
        return point;
    }

    /** Component c's mean as a standardised point: the centre of its segment. */
    public double[] standardisedCentre(int c) {
        return lift(means[c]);
    }

    /**
     * The posterior of every component for a standardised point, written to {@code posteriors}
     * (length k); returns the component of highest posterior.
     */
    public int posteriors(double[] standardised, double[] posteriors) {
        double[] rotated = rotate(standardised);
        logJoint(weights, means, variances, rotated, posteriors);
        return normalise(posteriors);
    }

    /** The component of highest posterior of a standardised point. */
    public int map(double[] standardised) {
        return posteriors(standardised, new double[k()]);
    }

    /** This mixture with its components in another order: component {@code order[i]} becomes i. */
    public SegmentMixture reordered(int[] order) {
        double[] w = new double[order.length];
        double[][] m = new double[order.length][];
        double[][] v = new double[order.length][];
        for (int i = 0; i < order.length; i++) {
            w[i] = weights[order[i]];
            m[i] = means[order[i]];
            v[i] = variances[order[i]];
        }
        return new SegmentMixture(centre, axes, w, m, v);
    }

    /**
     * log(weight_c) + log N(point | mean_c, diag(variance_c)) for every component: the one place of
     * this formula, shared by the EM fit ({@link GaussianMixture}) and the scoring.
     */
    static void logJoint(
            double[] weights,
            double[][] means,
            double[][] variances,
            double[] point,
            double[] out) {
        for (int c = 0; c < weights.length; c++) {
            double sum = Math.log(weights[c]);
            for (int j = 0; j < point.length; j++) {
                double diff = point[j] - means[c][j];
                sum -=
                        0.5
                                * (Math.log(2 * Math.PI * variances[c][j])
                                        + diff * diff / variances[c][j]);
            }
            out[c] = sum;
        }
    }

    /**
     * Log joints to posteriors in place (subtracting the largest first, so that far points do not
     * underflow to 0/0); returns the index of the largest. The log of the point's likelihood is max
     * + log(sum) before normalising: see {@link #logSumExp}.
     */
    static int normalise(double[] logJoint) {
        int best = 0;
        for (int c = 1; c < logJoint.length; c++) {
            if (logJoint[c] > logJoint[best]) {
                best = c;
            }
        }
        double max = logJoint[best];
        double sum = 0;
        for (int c = 0; c < logJoint.length; c++) {
            logJoint[c] = Math.exp(logJoint[c] - max);
            sum += logJoint[c];
        }
        for (int c = 0; c < logJoint.length; c++) {
            logJoint[c] /= sum;
        }
        return best;
    }

    /** log(sum exp(values)), computed without overflow or underflow. */
    static double logSumExp(double[] values) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : values) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SegmentMixture that
                && Arrays.equals(centre, that.centre)
                && Arrays.deepEquals(axes, that.axes)
                && Arrays.equals(weights, that.weights)
                && Arrays.deepEquals(means, that.means)
                && Arrays.deepEquals(variances, that.variances);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(weights) * 31 + Arrays.deepHashCode(means);
    }

    @Override
    public String toString() {
        return "SegmentMixture[k=" + k() + ", d=" + dimensions() + ", p=" + axesKept() + "]";
    }

    private static double[][] deepCopy(double[][] rows) {
        double[][] copy = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            copy[i] = rows[i].clone();
        }
        return copy;
    }
}
