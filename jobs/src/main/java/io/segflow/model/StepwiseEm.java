package io.segflow.model;

/**
 * Stepwise (online) EM for a {@link SegmentMixture} on mini-batches (Cappé and Moulines, "On-line
 * expectation-maximization algorithm for latent data models", 2009): what the streaming trainer
 * does with a published mixture between retrains, as mini-batch k-means moves centres.
 *
 * <p>Each component keeps decayed sufficient statistics in the rotated space: its mass n (the
 * model's counts), the sum of its points s and of their squares q, recovered from the mixture as s
 * = n mean and q = n (variance + mean²). A batch first decays them by the factor the k-means uses
 * for a batch of its size (the same half-life), then adds each point's responsibilities r (its
 * posteriors under the current mixture): n += r, s += r y, q += r y². The M step is then exact:
 * weight = n / sum n, mean = s / n, variance = q / n - mean², floored as in the batch fit. The
 * rotation and the scaling stay those of the retrain that published the mixture: a new rotation
 * would be a new model, which the next {@code retrain --compare} makes.
 */
public final class StepwiseEm {

    /** A component with less mass than this keeps its mean and variances (no data to move them). */
    private static final double NO_MASS = 1e-9;

    /**
     * @param mixture the mixture after the batch
     * @param masses each component's decayed mass after it
     * @param meanSquaredDistance the batch's mean squared standardised distance to the centre of
     *     the component of highest posterior (before the update), as k-means reports inertia
     */
    public record Step(SegmentMixture mixture, double[] masses, double meanSquaredDistance) {}

    private StepwiseEm() {}

    /**
     * @param mixture the current mixture
     * @param masses each component's mass so far (e.g. the published model's counts)
     * @param batch standardised points (NaN where unknown: the mean, as in the fit)
     * @param decay the factor the statistics so far are multiplied by first, in (0, 1]
     */
    public static Step update(
            SegmentMixture mixture, double[] masses, double[][] batch, double decay) {
        int k = mixture.k();
        int p = mixture.axesKept();
        double[] weights = mixture.weights();
        double[][] means = mixture.means();
        double[][] variances = mixture.variances();
        double[] n = new double[k];
        double[][] s = new double[k][p];
        double[][] q = new double[k][p];
        for (int c = 0; c < k; c++) {
            n[c] = decay * Math.max(masses[c], 0.0);
            for (int a = 0; a < p; a++) {
                s[c][a] = n[c] * means[c][a];
                q[c][a] = n[c] * (variances[c][a] + means[c][a] * means[c][a]);
            }
        }
        double[] posteriors = new double[k];
        double squaredDistances = 0;
        for (double[] point : batch) {
            double[] y = mixture.rotate(point);
            SegmentMixture.logJoint(weights, means, variances, y, posteriors);
            int best = SegmentMixture.normalise(posteriors);
            double[] centre = mixture.standardisedCentre(best);
            for (int j = 0; j < centre.length; j++) {
                if (!Double.isNaN(point[j])) {
                    squaredDistances += (point[j] - centre[j]) * (point[j] - centre[j]);
                }
            }
            for (int c = 0; c < k; c++) {
                double r = posteriors[c];
                n[c] += r;
                for (int a = 0; a < p; a++) {
                    s[c][a] += r * y[a];
                    q[c][a] += r * y[a] * y[a];
                }
            }
        }
        double total = 0;
        for (double mass : n) {
            total += mass;
        }
        double[] newWeights = new double[k];
        double[][] newMeans = new double[k][];
        double[][] newVariances = new double[k][];
        for (int c = 0; c < k; c++) {
            if (n[c] < NO_MASS || !(total > 0)) {
                newWeights[c] = Math.max(weights[c] * NO_MASS, Double.MIN_NORMAL);
                newMeans[c] = means[c];
                newVariances[c] = variances[c];
                continue;
            }
            newWeights[c] = n[c] / total;
            newMeans[c] = new double[p];
            newVariances[c] = new double[p];
            for (int a = 0; a < p; a++) {
                double mean = s[c][a] / n[c];
                newMeans[c][a] = mean;
                newVariances[c][a] =
                        Math.max(q[c][a] / n[c] - mean * mean, GaussianMixture.VARIANCE_FLOOR);
            }
        }
        return new Step(
                new SegmentMixture(
                        mixture.centre(), mixture.axes(), newWeights, newMeans, newVariances),
                n,
                batch.length == 0 ? 0.0 : squaredDistances / batch.length);
    }
}
