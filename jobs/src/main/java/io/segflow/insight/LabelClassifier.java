package io.segflow.insight;

import io.segflow.model.FeatureScaling;
import java.io.Serializable;
import java.util.Arrays;
import smile.base.cart.SplitRule;
import smile.classification.GradientTreeBoost;
import smile.classification.LogisticRegression;
import smile.classification.RandomForest;
import smile.data.DataFrame;
import smile.data.formula.Formula;
import smile.data.vector.IntVector;

/**
 * A {@link Candidate} fitted to a label of several classes (segment_label): class probabilities
 * and, for one class, each feature's contribution to that class's score, in the model's own space
 * (SHAP; see {@link #scoreSpace()}). Works on imputed rows: {@link SegmentLabels} imputes.
 *
 * <p>Capacity is set for the labels, not for the cost of explaining them: the forest's trees grow
 * until their leaves are pure, as scikit-learn's do by default, and {@link #explainsCheaply()}
 * tells the caller which models are too dear to explain every customer with.
 */
public interface LabelClassifier extends Serializable {

    /** Trees of the label forest: 100, scikit-learn's default. */
    int FOREST_TREES = 100;

    /**
     * Boosting rounds of the label boosted trees, one tree a label a round: Smile fits each in tens
     * of milliseconds at a few thousand rows, so ten labels cost 500 trees a fit; 50 rounds of 16
     * leaves at shrinkage 0.2 held out 0.979 on the image segmentation data where 100 rounds of 32
     * leaves at 0.1 held out 0.983, in half the time.
     */
    int BOOSTING_ROUNDS = 50;

    /** The probability of each class, in index order. */
    double[] posterior(double[] imputed);

    /** The contributions of each feature to class {@code label}'s score. */
    double[] contributions(double[] imputed, int label);

    /**
     * Class {@code label}'s score, which base + contributions add up to: the posterior of the
     * forest, the softmax input (centred over the classes) of the others.
     */
    double score(double[] imputed, int label);

    /** "probability" or "softmax logit". */
    String scoreSpace();

    /**
     * Whether explaining a customer costs microseconds (the linear model), or tens of milliseconds
     * (TreeSHAP of 100 unpruned trees: 25 ms at 1,500 rows, 127 at 10,000; Smile's SHAP of
     * multi-class boosted trees: 14 ms), measured on the image segmentation data, 7 labels.
     */
    boolean explainsCheaply();

    /**
     * Fits {@code candidate} on imputed rows and their classes 0..classes-1.
     *
     * @throws UnsupportedOperationException for a candidate that has no multi-class form
     */
    static LabelClassifier fit(Candidate candidate, double[][] x, int[] y, int classes, long seed) {
        return switch (candidate) {
            case LOGISTIC_REGRESSION -> Linear.fit(x, y, classes);
            case RANDOM_FOREST -> new Forest(unprunedForest(x, y, FOREST_TREES, seed), classes);
            case GRADIENT_BOOSTING -> Boosted.fit(x, y, classes, seed);
            default ->
                    throw new UnsupportedOperationException(
                            candidate.title() + " has no multi-class form");
        };
    }

    /**
     * A random forest as scikit-learn builds one by default: bootstrap samples, sqrt(features)
     * tried at each split, Gini, trees grown until a node holds one customer or is pure (Smile
     * bounds the depth and the leaves: both are set beyond what the rows allow).
     */
    static RandomForest unprunedForest(double[][] x, int[] y, int trees, long seed) {
        return RandomForest.fit(
                Formula.lhs("y"),
                Frames.of(x, y),
                trees,
                Math.max(1, (int) Math.sqrt(x[0].length)),
                SplitRule.GINI,
                Integer.MAX_VALUE,
                Math.max(2, x.length),
                1,
                1.0,
                null,
                Candidate.treeSeeds(trees, seed));
    }

    /** Data frames of f0..f(d-1) and y, as {@link Candidate} builds them. */
    final class Frames {
        private Frames() {}

        static DataFrame of(double[][] x, int[] y) {
            String[] names = new String[x[0].length];
            for (int j = 0; j < names.length; j++) {
                names[j] = "f" + j;
            }
            return DataFrame.of(x, names).merge(IntVector.of("y", y));
        }
    }

    /**
     * Multinomial logistic regression on standardised features. Smile scores the last class 0 and
     * the others against it; the scores are centred over the classes (softmax does not change), so
     * that every class has its own contributions: w_cj * z_j, exact SHAP against the mean customer.
     */
    record Linear(FeatureScaling scale, double[][] weights) implements LabelClassifier {

        static Linear fit(double[][] x, int[] y, int classes) {
            int d = x[0].length;
            FeatureScaling scale = FeatureScaling.fit(x, d);
            LogisticRegression.Multinomial model =
                    LogisticRegression.multinomial(
                            Arrays.stream(x).map(scale::scale).toArray(double[][]::new),
                            y,
                            0.01,
                            1e-6,
                            500);
            double[][] raw = model.coefficients(); // classes-1 rows of d weights and an intercept
            double[][] weights = new double[classes][d + 1];
            for (int c = 0; c < classes - 1; c++) {
                weights[c] = raw[c].clone();
            }
            for (int j = 0; j <= d; j++) {
                double mean = 0;
                for (int c = 0; c < classes; c++) {
                    mean += weights[c][j] / classes;
                }
                for (int c = 0; c < classes; c++) {
                    weights[c][j] -= mean;
                }
            }
            return new Linear(scale, weights);
        }

        @Override
        public double[] posterior(double[] imputed) {
            double[] z = scale.scale(imputed);
            double[] logits = new double[weights.length];
            for (int c = 0; c < logits.length; c++) {
                logits[c] = logit(z, c);
            }
            return softmax(logits);
        }

        @Override
        public double[] contributions(double[] imputed, int label) {
            double[] z = scale.scale(imputed);
            double[] contributions = new double[z.length];
            for (int j = 0; j < z.length; j++) {
                contributions[j] = weights[label][j] * z[j];
            }
            return contributions;
        }

        @Override
        public double score(double[] imputed, int label) {
            return logit(scale.scale(imputed), label);
        }

        private double logit(double[] z, int c) {
            double sum = weights[c][z.length];
            for (int j = 0; j < z.length; j++) {
                sum += weights[c][j] * z[j];
            }
            return sum;
        }

        @Override
        public String scoreSpace() {
            return "softmax logit";
        }

        @Override
        public boolean explainsCheaply() {
            return true;
        }
    }

    /**
     * The unpruned forest. Its probabilities are the unweighted mean of its trees' posteriors,
     * which TreeSHAP explains exactly (Smile's own predict weights trees by out-of-bag accuracy).
     */
    record Forest(RandomForest forest, int classes) implements LabelClassifier {

        @Override
        public double[] posterior(double[] imputed) {
            return Candidate.meanPosterior(
                    forest, Candidate.tuple(imputed, imputed.length), classes);
        }

        @Override
        public double[] contributions(double[] imputed, int label) {
            int d = imputed.length;
            double[] shap = forest.shap(Candidate.tuple(imputed, d));
            double[] contributions = new double[d];
            for (int j = 0; j < d; j++) {
                contributions[j] = shap[j * classes + label];
            }
            return contributions;
        }

        @Override
        public double score(double[] imputed, int label) {
            return posterior(imputed)[label];
        }

        @Override
        public String scoreSpace() {
            return "probability";
        }

        @Override
        public boolean explainsCheaply() {
            return false;
        }
    }

    /**
     * Smile's multi-class gradient-boosted trees: class c's score is shrinkage x the sum of its
     * trees, and the softmax of the scores its probabilities. Smile's SHAP divides each class's
     * per-tree TreeSHAP by the number of rounds; times rounds x shrinkage, and centred over the
     * classes as the score is, it adds up to the score.
     */
    record Boosted(GradientTreeBoost boost, int classes) implements LabelClassifier {
        private static final double SHRINKAGE = 0.2;

        static Boosted fit(double[][] x, int[] y, int classes, long seed) {
            smile.math.MathEx.setSeed(seed);
            return new Boosted(
                    GradientTreeBoost.fit(
                            Formula.lhs("y"),
                            Frames.of(x, y),
                            BOOSTING_ROUNDS,
                            4,
                            16,
                            5,
                            SHRINKAGE,
                            0.8),
                    classes);
        }

        @Override
        public double[] posterior(double[] imputed) {
            double[] posterior = new double[classes];
            boost.predict(Candidate.tuple(imputed, imputed.length), posterior);
            return posterior;
        }

        @Override
        public double[] contributions(double[] imputed, int label) {
            int d = imputed.length;
            double[] shap = boost.shap(Candidate.tuple(imputed, d));
            // centred over the classes, as the score
            double[] contributions = new double[d];
            for (int j = 0; j < d; j++) {
                double mean = 0;
                for (int c = 0; c < classes; c++) {
                    mean += shap[j * classes + c] / classes;
                }
                contributions[j] = (shap[j * classes + label] - mean) * BOOSTING_ROUNDS * SHRINKAGE;
            }
            return contributions;
        }

        @Override
        public double score(double[] imputed, int label) {
            double[] logits = new double[classes];
            double[] posterior = posterior(imputed);
            double mean = 0;
            for (int c = 0; c < classes; c++) {
                logits[c] = Math.log(Math.max(posterior[c], 1e-300));
                mean += logits[c] / classes;
            }
            // the softmax input up to a constant a row: centred, as the linear model's
            return logits[label] - mean;
        }

        @Override
        public String scoreSpace() {
            return "softmax logit";
        }

        /** Smile's SHAP of the boosted trees takes every label's trees: 14 ms a customer. */
        @Override
        public boolean explainsCheaply() {
            return false;
        }
    }

    private static double[] softmax(double[] logits) {
        double max = Arrays.stream(logits).max().orElse(0);
        double[] p = new double[logits.length];
        double sum = 0;
        for (int c = 0; c < p.length; c++) {
            p[c] = Math.exp(logits[c] - max);
            sum += p[c];
        }
        for (int c = 0; c < p.length; c++) {
            p[c] /= sum;
        }
        return p;
    }
}
