package io.segflow.insight;

import java.io.Serializable;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * A tree ensemble as a {@link ScoreModel}: its score, and TreeSHAP contributions whose base value
 * is the mean over the training rows of score minus contributions (the expected score, which
 * TreeSHAP's contributions are taken against).
 */
final class TreeModel implements ScoreModel {

    /** A score of the imputed profile; serializable, so that a Flink job can ship the model. */
    interface Score extends ToDoubleFunction<double[]>, Serializable {}

    /** The SHAP contributions of the imputed profile. */
    interface Contributions extends Function<double[], double[]>, Serializable {}

    private final Candidate.Imputation imputation;
    private final String space;
    private final Score score;
    private final Contributions contributions;
    private final double base;

    private TreeModel(
            Candidate.Imputation imputation,
            String space,
            Score score,
            Contributions contributions,
            double base) {
        this.imputation = imputation;
        this.space = space;
        this.score = score;
        this.contributions = contributions;
        this.base = base;
    }

    static TreeModel of(
            double[][] training,
            Candidate.Imputation imputation,
            String space,
            Score score,
            Contributions contributions) {
        double base = 0;
        int rows = Math.min(training.length, 2_000); // the mean settles long before
        for (int i = 0; i < rows; i++) {
            double sum = 0;
            for (double c : contributions.apply(training[i])) {
                sum += c;
            }
            base += (score.applyAsDouble(training[i]) - sum) / rows;
        }
        return new TreeModel(imputation, space, score, contributions, base);
    }

    @Override
    public double score(double[] profile) {
        return score.applyAsDouble(imputation.apply(profile));
    }

    @Override
    public Explanation explain(double[] profile) {
        return new Explanation(base, contributions.apply(imputation.apply(profile)));
    }

    @Override
    public String scoreSpace() {
        return space;
    }
}
