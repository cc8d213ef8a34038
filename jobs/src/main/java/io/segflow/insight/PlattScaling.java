package io.segflow.insight;

/**
 * Platt's calibration: p = sigmoid(a * score + b), fitted by Newton's method on held-out scores and
 * labels, with Platt's smoothed targets so that a separable fold does not drive a to infinity.
 */
public record PlattScaling(double a, double b) implements java.io.Serializable {

    public static PlattScaling identity() {
        return new PlattScaling(1, 0);
    }

    public double probability(double score) {
        return sigmoid(a * score + b);
    }

    /** The log-odds of the calibrated probability: a * score + b. */
    public double logOdds(double score) {
        return a * score + b;
    }

    public static PlattScaling fit(double[] scores, int[] labels) {
        int positives = 0;
        for (int label : labels) {
            positives += label;
        }
        int negatives = labels.length - positives;
        double high = (positives + 1.0) / (positives + 2.0);
        double low = 1.0 / (negatives + 2.0);
        double a = 0;
        double b = Math.log((negatives + 1.0) / (positives + 1.0)) * -1;
        for (int iteration = 0; iteration < 100; iteration++) {
            // gradient and Hessian of the cross-entropy in (a, b)
            double ga = 0, gb = 0, haa = 1e-12, hab = 0, hbb = 1e-12;
            for (int i = 0; i < scores.length; i++) {
                double target = labels[i] == 1 ? high : low;
                double p = sigmoid(a * scores[i] + b);
                double residual = p - target;
                double w = p * (1 - p);
                ga += residual * scores[i];
                gb += residual;
                haa += w * scores[i] * scores[i];
                hab += w * scores[i];
                hbb += w;
            }
            double det = haa * hbb - hab * hab;
            if (Math.abs(det) < 1e-18) {
                break;
            }
            double da = (hbb * ga - hab * gb) / det;
            double db = (haa * gb - hab * ga) / det;
            a -= da;
            b -= db;
            if (Math.abs(da) < 1e-9 && Math.abs(db) < 1e-9) {
                break;
            }
        }
        return new PlattScaling(a, b);
    }

    static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }
}
