package io.segflow.insight;

import java.io.Serializable;

/**
 * A fitted model of a yes/no outcome whose score adds up from the features: {@code score(x) = base
 * + sum of contributions(x)} (SHAP values), in the model's own score space (log-odds for logistic
 * regression and boosted trees, probability for a random forest).
 */
public interface ScoreModel extends Serializable {

    /** The raw score of a profile (feature values, NaN where unknown). */
    double score(double[] profile);

    /** The score of a profile taken apart: base value and one contribution per feature. */
    Explanation explain(double[] profile);

    /** The score space, for people: "log-odds" or "probability". */
    String scoreSpace();

    /** base + sum(contributions) = the model's score. */
    record Explanation(double base, double[] contributions) implements Serializable {
        public double total() {
            double sum = base;
            for (double c : contributions) {
                sum += c;
            }
            return sum;
        }
    }
}
