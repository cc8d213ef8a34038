package io.segflow.insight;

import io.segflow.model.FeatureScaling;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;
import smile.base.cart.SplitRule;
import smile.classification.DecisionTree;
import smile.classification.GradientTreeBoost;
import smile.classification.LogisticRegression;
import smile.classification.RandomForest;
import smile.data.DataFrame;
import smile.data.Tuple;
import smile.data.formula.Formula;
import smile.data.vector.IntVector;

/**
 * The models that may predict an outcome, fitted with Smile: logistic regression (the baseline), a
 * random forest and gradient-boosted trees. Unknown values (NaN) are replaced by the training mean
 * of their feature, the same for every candidate, so that they compete on the same input.
 */
public enum Candidate {
    LOGISTIC_REGRESSION("logistic regression", 0) {
        @Override
        ScoreModel fitPrepared(double[][] x, int[] y, Imputation imputation, long seed) {
            FeatureScaling scale = FeatureScaling.fit(x, x[0].length);
            LogisticRegression.Binomial model =
                    LogisticRegression.binomial(
                            Arrays.stream(x).map(scale::scale).toArray(double[][]::new),
                            y,
                            0.01,
                            1e-6,
                            500);
            // one weight a feature, then the intercept
            return new LinearModel(imputation, scale, model.coefficients());
        }
    },

    // explaining a customer with the forest takes 8 ms (LiveScoringBenchmark), with the boosted
    // trees 0.15 ms, and every live profile update pays it: the forest has to be clearly better
    RANDOM_FOREST("random forest", 0.005) {
        @Override
        ScoreModel fitPrepared(double[][] x, int[] y, Imputation imputation, long seed) {
            int d = x[0].length;
            RandomForest forest = forest(x, y, seed);
            return TreeModel.of(
                    x,
                    imputation,
                    "probability",
                    // the trees' mean posterior, which TreeSHAP explains; Smile's own predict
                    // weights each tree by its out-of-bag accuracy, which SHAP does not add up to
                    profile -> meanPosterior(forest, tuple(profile, d), 2)[1],
                    profile -> classOne(forest.shap(tuple(profile, d)), d, 1));
        }
    },

    GRADIENT_BOOSTING("gradient-boosted trees", 0) {
        private static final double SHRINKAGE = 0.1;

        @Override
        ScoreModel fitPrepared(double[][] x, int[] y, Imputation imputation, long seed) {
            int d = x[0].length;
            smile.math.MathEx.setSeed(seed);
            GradientTreeBoost boost =
                    GradientTreeBoost.fit(FORMULA, frame(x, y), 150, 4, 16, 5, SHRINKAGE, 0.8);
            // The log-odds are 2F with F = b + shrinkage * (sum of the trees), p = 1 / (1 +
            // exp(-2F)).
            // Smile's SHAP of the whole classifier does not add up to them; its per-tree TreeSHAP
            // does, scaled by 2 * shrinkage (PropensityTest checks every customer).
            return TreeModel.of(
                    x,
                    imputation,
                    "log-odds",
                    profile -> {
                        double[] posterior = new double[2];
                        boost.predict(tuple(profile, d), posterior);
                        return Math.log(
                                Math.max(posterior[1], 1e-300) / Math.max(posterior[0], 1e-300));
                    },
                    profile -> {
                        Tuple row = tuple(profile, d);
                        double[] contributions = new double[d];
                        for (var tree : boost.trees()) {
                            double[] shap = tree.shap(row);
                            for (int j = 0; j < d; j++) {
                                contributions[j] += 2 * SHRINKAGE * shap[j];
                            }
                        }
                        return contributions;
                    });
        }
    };

    private static final Formula FORMULA = Formula.lhs("y");

    private final String title;
    private final double requiredAucGain;

    Candidate(String title, double requiredAucGain) {
        this.title = title;
        this.requiredAucGain = requiredAucGain;
    }

    /**
     * How much better than the others (in cross-validated AUC) this candidate must be to be chosen:
     * what it costs to score and explain, paid by every customer of every run and every live
     * profile update, has to buy something.
     */
    public double requiredAucGain() {
        return requiredAucGain;
    }

    public String title() {
        return title;
    }

    /** Fits on profiles (NaN where unknown) and their outcomes (1 yes, 0 no). */
    public ScoreModel fit(double[][] profiles, int[] outcomes, long seed) {
        Imputation imputation = Imputation.of(profiles);
        return fitPrepared(imputation.apply(profiles), outcomes, imputation, seed);
    }

    abstract ScoreModel fitPrepared(double[][] x, int[] y, Imputation imputation, long seed);

    /**
     * The propensity candidate's forest: 100 trees of at most 256 leaves and depth 12; y holds the
     * class of each row, 0..k-1. Smaller trees cost it AUC (German credit 0.774 at 64 leaves,
     * against 0.785) and calibration.
     */
    static RandomForest forest(double[][] x, int[] y, long seed) {
        return forest(x, y, seed, 100, 12, 256);
    }

    /**
     * A forest of {@code trees} trees. TreeSHAP costs leaves x depth^2 a tree for every customer
     * explained (2 ms a customer at 100 trees, 256 leaves, depth 12).
     */
    static RandomForest forest(
            double[][] x, int[] y, long seed, int trees, int maxDepth, int maxLeaves) {
        return RandomForest.fit(
                FORMULA,
                frame(x, y),
                trees,
                Math.max(1, (int) Math.sqrt(x[0].length)),
                SplitRule.GINI,
                maxDepth,
                maxLeaves,
                5,
                0.8,
                null,
                treeSeeds(trees, seed));
    }

    /**
     * A seed for each tree of a forest. Smile grows the trees on the common fork-join pool and
     * seeds each on its worker only when given seeds: without them every tree drew from whatever
     * state its worker's generator was left in, and the same fit came out differently run after run
     * (its cross-validated AUC moved in the third decimal). Smile takes a seed of 0 or 1 as "none".
     */
    static LongStream treeSeeds(int trees, long seed) {
        return new java.util.Random(seed).longs(trees, 2, Long.MAX_VALUE);
    }

    /**
     * The forest's class probabilities as the unweighted mean of its trees' posteriors: what
     * TreeSHAP explains (Smile's own predict weights each tree by its out-of-bag accuracy, which
     * the SHAP values do not add up to).
     */
    static double[] meanPosterior(RandomForest forest, Tuple row, int classes) {
        double[] posterior = new double[classes];
        double[] mean = new double[classes];
        DecisionTree[] trees = forest.trees();
        for (DecisionTree tree : trees) {
            tree.predict(row, posterior);
            for (int c = 0; c < classes; c++) {
                mean[c] += posterior[c] / trees.length;
            }
        }
        return mean;
    }

    private static DataFrame frame(double[][] x, int[] y) {
        return DataFrame.of(x, featureNames(x[0].length)).merge(IntVector.of("y", y));
    }

    /**
     * The schema of d features f0..f(d-1), made once: a data frame per row costs more than the
     * trees.
     */
    private static final Map<Integer, smile.data.type.StructType> SCHEMAS =
            new ConcurrentHashMap<>();

    static Tuple tuple(double[] profile, int d) {
        return Tuple.of(
                profile,
                SCHEMAS.computeIfAbsent(
                        d, size -> DataFrame.of(new double[1][size], featureNames(size)).schema()));
    }

    private static String[] featureNames(int d) {
        String[] names = new String[d];
        for (int j = 0; j < d; j++) {
            names[j] = "f" + j;
        }
        return names;
    }

    /** Smile's SHAP values come feature by feature, class by class: those of class 1, scaled. */
    private static double[] classOne(double[] shap, int d, double scale) {
        double[] contributions = new double[d];
        int classes = shap.length / d;
        for (int j = 0; j < d; j++) {
            contributions[j] = shap[j * classes + classes - 1] * scale;
        }
        return contributions;
    }

    /**
     * Logistic regression on standardised features: its SHAP value is exact, each weight times the
     * feature's distance from the mean customer (whose standardised features are all 0).
     */
    private record LinearModel(Imputation imputation, FeatureScaling scale, double[] weights)
            implements ScoreModel {

        @Override
        public double score(double[] profile) {
            return explain(profile).total();
        }

        @Override
        public Explanation explain(double[] profile) {
            double[] z = scale.scale(imputation.apply(profile));
            int d = z.length;
            double[] contributions = new double[d];
            for (int j = 0; j < d; j++) {
                contributions[j] = weights[j] * z[j];
            }
            return new Explanation(weights[d], contributions);
        }

        @Override
        public String scoreSpace() {
            return "log-odds";
        }
    }

    /** Unknown values become the training mean of their feature. */
    record Imputation(double[] means) implements java.io.Serializable {
        static Imputation of(double[][] x) {
            // the means of the known values, as the k-means' scaling takes them (0 if none is
            // known)
            return new Imputation(FeatureScaling.fit(x, x[0].length).mean());
        }

        double[] apply(double[] row) {
            double[] out = row.clone();
            for (int j = 0; j < out.length; j++) {
                if (Double.isNaN(out[j])) {
                    out[j] = means[j];
                }
            }
            return out;
        }

        double[][] apply(double[][] x) {
            return Arrays.stream(x).map(this::apply).toArray(double[][]::new);
        }
    }
}
