package io.segflow.model;

import java.util.Arrays;

/**
 * A Gaussian mixture with diagonal covariances fitted by EM, started from a k-means fit. Plain
 * Java: Smile's {@code MultivariateGaussianMixture} (3.1.1) factors every covariance with native
 * LAPACK, which the build leaves out. Callers rotate the data into its principal axes first, so
 * diagonal covariances still follow correlated groups.
 *
 * @param weights mixing weights
 * @param means component means
 * @param variances per component and dimension
 * @param logLikelihood of the data it was fitted on
 * @param bic log-likelihood minus half the parameter count times log n (higher is better, as in
 *     Smile)
 */
record GaussianMixture(
        double[] weights,
        double[][] means,
        double[][] variances,
        double logLikelihood,
        double bic) {

    /** Keeps a component that collapses onto a few equal values from a zero variance. */
    static final double VARIANCE_FLOOR = 1e-6;

    int k() {
        return weights.length;
    }

    /** The component of highest posterior of a rotated point. */
    int map(double[] point) {
        double[] joint = new double[k()];
        SegmentMixture.logJoint(weights, means, variances, point, joint);
        return SegmentMixture.normalise(joint);
    }

    /** What a segment model carries: this mixture with the rotation its points were taken in. */
    SegmentMixture inAxes(MethodComparison.Projection axes) {
        return new SegmentMixture(axes.mean(), axes.components(), weights, means, variances);
    }

    static GaussianMixture fit(double[][] points, BatchKMeans.Fit start, int maxIterations) {
        int n = points.length;
        int d = points[0].length;
        int k = start.k();
        double[] weights = new double[k];
        double[][] means = new double[k][];
        double[][] variances = new double[k][d];
        double[][] responsibilities = new double[n][k];
        for (int i = 0; i < n; i++) {
            responsibilities[i][start.labels()[i]] = 1;
        }
        double previous = Double.NEGATIVE_INFINITY;
        double logLikelihood = Double.NEGATIVE_INFINITY;
        for (int iteration = 0; iteration <= maxIterations; iteration++) {
            // M step
            for (int c = 0; c < k; c++) {
                double mass = 0;
                double[] mean = new double[d];
                for (int i = 0; i < n; i++) {
                    mass += responsibilities[i][c];
                    for (int j = 0; j < d; j++) {
                        mean[j] += responsibilities[i][c] * points[i][j];
                    }
                }
                mass = Math.max(mass, 1e-9);
                for (int j = 0; j < d; j++) {
                    mean[j] /= mass;
                }
                double[] variance = variances[c];
                Arrays.fill(variance, 0);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < d; j++) {
                        double diff = points[i][j] - mean[j];
                        variance[j] += responsibilities[i][c] * diff * diff;
                    }
                }
                for (int j = 0; j < d; j++) {
                    variance[j] = Math.max(variance[j] / mass, VARIANCE_FLOOR);
                }
                weights[c] = mass / n;
                means[c] = mean;
            }
            // E step
            logLikelihood = 0;
            for (int i = 0; i < n; i++) {
                double[] joint = responsibilities[i];
                SegmentMixture.logJoint(weights, means, variances, points[i], joint);
                logLikelihood += SegmentMixture.logSumExp(joint);
                SegmentMixture.normalise(joint);
            }
            if (logLikelihood - previous < 1e-6 * Math.abs(logLikelihood)) {
                break;
            }
            previous = logLikelihood;
        }
        int parameters = (k - 1) + 2 * k * d;
        return new GaussianMixture(
                weights,
                means,
                variances,
                logLikelihood,
                logLikelihood - 0.5 * parameters * Math.log(n));
    }
}
