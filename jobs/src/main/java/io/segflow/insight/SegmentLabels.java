package io.segflow.insight;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import smile.classification.RandomForest;
import smile.data.Tuple;

/**
 * Where some customers carry a segment label (segment_label, set by people), a random forest learns
 * it from the features and predicts it for everyone else, with its probability and the features
 * that drove it (TreeSHAP for the predicted label, which adds up to its probability).
 * Cross-validated on folds stratified by label: accuracy, macro F1 and the confusion matrix.
 */
public final class SegmentLabels {

    /** Each label needs this many labelled customers, or it cannot be learnt or checked. */
    public static final int MINIMUM_PER_LABEL = 10;

    /**
     * @param confusion counts by [true label][predicted label], in the order of {@code labels}
     */
    public record Evaluation(
            List<String> labels, double accuracy, double macroF1, long[][] confusion) {}

    /**
     * A prediction for one customer: the label, its probability and the drivers of that
     * probability.
     */
    public record Prediction(
            String label, double probability, ScoreModel.Explanation explanation) {}

    public record Result(Evaluation evaluation, LabelModel model, long labelled) {}

    /**
     * The forest fitted on every labelled customer, ready to predict anyone's label; serializable,
     * so that a Flink job scores customers with it.
     */
    public record LabelModel(
            RandomForest forest, List<String> names, Candidate.Imputation imputation, double[] base)
            implements java.io.Serializable {

        public Prediction predict(double[] profile) {
            int d = profile.length;
            int k = names.size();
            Tuple t = tuple(imputation.apply(profile));
            double[] posterior = Candidate.meanPosterior(forest, t, k);
            int predicted = argmax(posterior);
            double[] shap = forest.shap(t);
            double[] contributions = new double[d];
            for (int j = 0; j < d; j++) {
                contributions[j] = shap[j * k + predicted];
            }
            return new Prediction(
                    names.get(predicted),
                    posterior[predicted],
                    new ScoreModel.Explanation(base[predicted], contributions));
        }
    }

    private SegmentLabels() {}

    /**
     * @param labels each customer's label, null where none
     * @return empty when nobody carries a label (the message says so through {@code progress})
     */
    public static Optional<Result> predict(
            double[][] profiles, String[] labels, int folds, long seed, Consumer<String> progress) {
        List<String> names =
                new ArrayList<>(
                        new TreeSet<>(Arrays.stream(labels).filter(l -> l != null).toList()));
        if (names.isEmpty()) {
            progress.accept(
                    "segment_label: no customer carries one, so there is nothing to learn;"
                            + " skipped");
            return Optional.empty();
        }
        int[] labelled =
                java.util.stream.IntStream.range(0, labels.length)
                        .filter(i -> labels[i] != null)
                        .toArray();
        int[] classes = Arrays.stream(labelled).map(i -> names.indexOf(labels[i])).toArray();
        for (int c = 0; c < names.size(); c++) {
            int label = c;
            long count = Arrays.stream(classes).filter(v -> v == label).count();
            if (count < Math.max(MINIMUM_PER_LABEL, folds)) {
                throw new IllegalArgumentException(
                        String.format(
                                Locale.ROOT,
                                "segment_label '%s' is carried by %d customers: each label needs at"
                                        + " least %d to be learnt and checked",
                                names.get(c),
                                count,
                                Math.max(MINIMUM_PER_LABEL, folds)));
            }
        }
        if (names.size() < 2) {
            throw new IllegalArgumentException(
                    "segment_label has one value only ('"
                            + names.get(0)
                            + "'): there is nothing to tell apart");
        }
        Candidate.Imputation imputation = Candidate.Imputation.of(profiles);
        double[][] x =
                Arrays.stream(labelled)
                        .mapToObj(i -> imputation.apply(profiles[i]))
                        .toArray(double[][]::new);
        int[] fold = StratifiedFolds.assign(classes, folds, seed);
        long[][] confusion = new long[names.size()][names.size()];
        for (int f = 0; f < folds; f++) {
            progress.accept(
                    String.format(Locale.ROOT, "segment labels: fold %d of %d", f + 1, folds));
            List<double[]> trainX = new ArrayList<>();
            List<Integer> trainY = new ArrayList<>();
            for (int i = 0; i < x.length; i++) {
                if (fold[i] != f) {
                    trainX.add(x[i]);
                    trainY.add(classes[i]);
                }
            }
            RandomForest forest =
                    labelForest(
                            trainX.toArray(double[][]::new),
                            trainY.stream().mapToInt(Integer::intValue).toArray(),
                            seed + f);
            for (int i = 0; i < x.length; i++) {
                if (fold[i] == f) {
                    confusion[classes[i]][
                            argmax(Candidate.meanPosterior(forest, tuple(x[i]), names.size()))]++;
                }
            }
        }
        progress.accept("segment labels: fit on every labelled customer");
        RandomForest forest = labelForest(x, classes, seed);
        int d = profiles[0].length;
        int k = names.size();
        double[] base = new double[k];
        // base value per label: probability minus contributions, the same for every row (the
        // mean posterior is what TreeSHAP explains); averaged over a few rows against rounding
        int rows = Math.min(x.length, 200);
        for (int i = 0; i < rows; i++) {
            Tuple t = tuple(x[i]);
            double[] posterior = Candidate.meanPosterior(forest, t, k);
            double[] shap = forest.shap(t);
            for (int c = 0; c < k; c++) {
                double sum = 0;
                for (int j = 0; j < d; j++) {
                    sum += shap[j * k + c];
                }
                base[c] += (posterior[c] - sum) / rows;
            }
        }
        return Optional.of(
                new Result(
                        evaluate(names, confusion),
                        new LabelModel(forest, List.copyOf(names), imputation, base),
                        labelled.length));
    }

    static Evaluation evaluate(List<String> names, long[][] confusion) {
        int k = names.size();
        long correct = 0;
        long total = 0;
        double f1 = 0;
        for (int c = 0; c < k; c++) {
            correct += confusion[c][c];
            long actual = Arrays.stream(confusion[c]).sum();
            long predicted = 0;
            for (long[] row : confusion) {
                predicted += row[c];
            }
            total += actual;
            double precision = predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
            double recall = actual == 0 ? 0 : (double) confusion[c][c] / actual;
            f1 += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }
        return new Evaluation(List.copyOf(names), (double) correct / total, f1 / k, confusion);
    }

    /**
     * Labels are predicted, and explained, for every unlabelled customer, and TreeSHAP of a forest
     * costs in proportion to labels x trees x leaves x depth^2: 1.4 ms a customer at 50 trees of 64
     * leaves and four labels. A lighter forest than the propensity's (30 trees of at most 32
     * leaves, depth 8) explains several times faster, and segment labels are coarse enough for it.
     */
    private static RandomForest labelForest(double[][] x, int[] y, long seed) {
        return Candidate.forest(x, y, seed, 30, 8, 32);
    }

    private static int argmax(double[] values) {
        int best = 0;
        for (int c = 1; c < values.length; c++) {
            if (values[c] > values[best]) {
                best = c;
            }
        }
        return best;
    }

    private static Tuple tuple(double[] row) {
        return Candidate.tuple(row, row.length);
    }
}
