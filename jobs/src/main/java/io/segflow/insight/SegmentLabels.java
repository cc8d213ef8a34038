package io.segflow.insight;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Where some customers carry a segment label (segment_label, set by people), a classifier learns it
 * from the features and predicts it for everyone else, with its probability and the features that
 * drove it. Chosen as the propensity model is: every candidate ({@link Candidate}, in its
 * multi-class form {@link LabelClassifier}) is cross-validated on the same folds, stratified by
 * label, and the best macro F1 wins (a tie keeps the candidate listed first, the simpler); each
 * candidate's accuracy and macro F1 and the winner's confusion matrix are kept.
 *
 * <p>The classifier's capacity is what the labels need (an unpruned forest, boosted trees), not
 * what explaining every customer would cost. The drivers of a predicted label are the chosen
 * model's own SHAP values for that label; a model that is dear to explain (trees: tens of
 * milliseconds a customer) explains a seeded sample of at most {@link #MAX_EXPLAINED} unlabelled
 * customers, and the others get their label and probability without drivers.
 */
public final class SegmentLabels {

    /** Each label needs this many labelled customers, or it cannot be learnt or checked. */
    public static final int MINIMUM_PER_LABEL = 10;

    /**
     * Labelled customers the candidates are cross-validated on at most (a seeded sample beyond):
     * the choice settles long before, and boosted trees cost a tree a label a round.
     */
    public static final int MAX_CROSS_VALIDATED = 5_000;

    /**
     * Labelled customers the chosen classifier is fitted on at most (a seeded sample beyond, which
     * contains those cross-validated): unpruned trees cost in proportion to the rows.
     */
    public static final int MAX_FIT = 10_000;

    /**
     * Unlabelled customers whose label a dear model (trees) explains at most: their TreeSHAP costs
     * tens of milliseconds a customer, a minute or two on two cores for these.
     */
    public static final int MAX_EXPLAINED = 2_000;

    /**
     * @param confusion counts by [true label][predicted label], in the order of {@code labels}
     */
    public record Evaluation(
            List<String> labels, double accuracy, double macroF1, long[][] confusion) {}

    /** How one candidate did on the held-out folds. */
    public record CandidateResult(Candidate candidate, double accuracy, double macroF1) {}

    /**
     * A prediction for one customer: the label, its probability and the drivers of that label's
     * score (null when the customer was not among those explained).
     */
    public record Prediction(
            String label, double probability, ScoreModel.Explanation explanation) {}

    /**
     * @param evaluation the chosen candidate's cross-validated figures
     * @param candidates every candidate's, in the order they were tried
     * @param labelled the labelled customers there were (cross-validated on at most {@link
     *     #MAX_CROSS_VALIDATED}, fitted on at most {@link #MAX_FIT})
     */
    public record Result(
            Evaluation evaluation,
            Candidate chosen,
            List<CandidateResult> candidates,
            LabelModel model,
            long labelled,
            List<StepFailure> failedCandidates) {

        /** How the drivers of the predicted labels were computed, for people. */
        public String explained() {
            return model.explainShare() >= 1
                    ? "SHAP of the chosen model for every unlabelled customer ("
                            + model.classifier().scoreSpace()
                            + ")"
                    : String.format(
                            Locale.ROOT,
                            "TreeSHAP of the chosen model for a seeded sample of about %,d"
                                    + " unlabelled customers (%.1f %%); the others have no label"
                                    + " drivers",
                            MAX_EXPLAINED,
                            100 * model.explainShare());
        }
    }

    /**
     * The chosen classifier fitted on the labelled customers, ready to predict anyone's label;
     * serializable, so that a Flink job scores customers with it.
     *
     * @param base each label's base value: its score less the contributions, the same for every
     *     customer
     * @param explainShare the share of unlabelled customers whose label is explained (1: all)
     */
    public record LabelModel(
            LabelClassifier classifier,
            List<String> names,
            Candidate.Imputation imputation,
            double[] base,
            double explainShare,
            long explainSeed)
            implements java.io.Serializable {

        /** The label of a profile, always explained (tests, single customers). */
        public Prediction predict(double[] profile) {
            return predict(profile, true);
        }

        /**
         * The label of a customer, explained when the model explains everyone or the customer is in
         * the seeded sample it explains (the same customers every time, whoever else is there).
         */
        public Prediction predict(long customerId, double[] profile) {
            return predict(profile, explainShare >= 1 || drawn(customerId));
        }

        private boolean drawn(long customerId) {
            return new SplittableRandom(explainSeed ^ (customerId * 0xBF58476D1CE4E5B9L))
                            .nextDouble()
                    < explainShare;
        }

        private Prediction predict(double[] profile, boolean explain) {
            double[] x = imputation.apply(profile);
            double[] posterior = classifier.posterior(x);
            int predicted = argmax(posterior);
            return new Prediction(
                    names.get(predicted),
                    posterior[predicted],
                    explain
                            ? new ScoreModel.Explanation(
                                    base[predicted], classifier.contributions(x, predicted))
                            : null);
        }
    }

    private SegmentLabels() {}

    /** Every candidate. */
    public static Optional<Result> predict(
            double[][] profiles, String[] labels, int folds, long seed, Consumer<String> progress) {
        return predict(profiles, labels, Arrays.asList(Candidate.values()), folds, seed, progress);
    }

    /**
     * @param labels each customer's label, null where none
     * @return empty when nobody carries a label (the message says so through {@code progress})
     * @throws IllegalArgumentException when a label is carried by too few to learn, or there is a
     *     single label
     */
    public static Optional<Result> predict(
            double[][] profiles,
            String[] labels,
            List<Candidate> candidates,
            int folds,
            long seed,
            Consumer<String> progress) {
        return predict(profiles, labels, candidates, folds, seed, progress, LabelClassifier::fit);
    }

    /** How a candidate is fitted: {@link LabelClassifier#fit}; a test may put a failing one in. */
    @FunctionalInterface
    interface Fitter {
        LabelClassifier fit(Candidate candidate, double[][] x, int[] y, int classes, long seed);
    }

    /**
     * As above, each candidate fitted by {@code fitter}. A candidate that throws is left out of the
     * choice ({@link Result#failedCandidates()}); only when every one throws does the step fail.
     */
    static Optional<Result> predict(
            double[][] profiles,
            String[] labels,
            List<Candidate> candidates,
            int folds,
            long seed,
            Consumer<String> progress,
            Fitter fitter) {
        List<String> names =
                new ArrayList<>(
                        new TreeSet<>(Arrays.stream(labels).filter(l -> l != null).toList()));
        if (names.isEmpty()) {
            progress.accept(
                    "segment_label: no customer carries one, so there is nothing to learn;"
                            + " skipped");
            return Optional.empty();
        }
        int[] labelled = IntStream.range(0, labels.length).filter(i -> labels[i] != null).toArray();
        int[] classes = Arrays.stream(labelled).map(i -> names.indexOf(labels[i])).toArray();
        folds = StratifiedFolds.of(folds, Math.min(labelled.length, MAX_CROSS_VALIDATED));
        int k = names.size();
        for (int c = 0; c < k; c++) {
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
        if (k < 2) {
            throw new IllegalArgumentException(
                    "segment_label has one value only ('"
                            + names.get(0)
                            + "'): there is nothing to tell apart");
        }
        Candidate.Imputation imputation = Candidate.Imputation.of(profiles);
        int[] fitted = Propensity.sample(labelled.length, MAX_FIT, seed);
        double[][] fitX =
                Arrays.stream(fitted)
                        .mapToObj(s -> imputation.apply(profiles[labelled[s]]))
                        .toArray(double[][]::new);
        int[] fitY = Arrays.stream(fitted).map(s -> classes[s]).toArray();
        // a seeded share of those fitted on, so that every label keeps its share
        int[] checked = Propensity.sample(fitted.length, MAX_CROSS_VALIDATED, seed + 1);
        double[][] x = Arrays.stream(checked).mapToObj(i -> fitX[i]).toArray(double[][]::new);
        int[] y = Arrays.stream(checked).map(i -> fitY[i]).toArray();
        int[] fold = StratifiedFolds.assign(y, folds, seed);

        List<CandidateResult> results = new ArrayList<>();
        List<long[][]> confusions = new ArrayList<>();
        List<StepFailure> failed = new ArrayList<>();
        for (Candidate candidate : candidates) {
            long[][] confusion = new long[k][k];
            try {
                crossValidate(candidate, x, y, fold, folds, k, seed, confusion, progress, fitter);
            } catch (RuntimeException e) {
                failed.add(StepFailure.of("segment-label candidate " + candidate.title(), e));
                progress.accept(
                        "segment labels, "
                                + candidate.title()
                                + " failed, left out: "
                                + SourceValue.reason(e));
                continue;
            }
            Evaluation evaluation = evaluate(names, confusion);
            results.add(
                    new CandidateResult(candidate, evaluation.accuracy(), evaluation.macroF1()));
            confusions.add(confusion);
        }
        if (results.isEmpty()) {
            throw new IllegalStateException(
                    "every candidate failed: "
                            + failed.stream().map(StepFailure::toString).toList());
        }
        int best = 0;
        for (int c = 1; c < results.size(); c++) {
            if (results.get(c).macroF1() > results.get(best).macroF1() + 1e-9) {
                best = c;
            }
        }
        Candidate chosen = results.get(best).candidate();
        progress.accept("segment labels, " + chosen.title() + ": fit on every labelled customer");
        LabelClassifier classifier = fitter.fit(chosen, fitX, fitY, k, seed);
        long unlabelled = labels.length - labelled.length;
        double explainShare =
                classifier.explainsCheaply() || unlabelled <= MAX_EXPLAINED
                        ? 1
                        : (double) MAX_EXPLAINED / unlabelled;
        return Optional.of(
                new Result(
                        evaluate(names, confusions.get(best)),
                        chosen,
                        List.copyOf(results),
                        new LabelModel(
                                classifier,
                                List.copyOf(names),
                                imputation,
                                base(classifier, fitX, k),
                                explainShare,
                                seed),
                        labelled.length,
                        List.copyOf(failed)));
    }

    /** The candidate's cross-validated predictions, counted into {@code confusion}. */
    private static void crossValidate(
            Candidate candidate,
            double[][] x,
            int[] y,
            int[] fold,
            int folds,
            int k,
            long seed,
            long[][] confusion,
            Consumer<String> progress,
            Fitter fitter) {
        for (int f = 0; f < folds; f++) {
            progress.accept(
                    String.format(
                            Locale.ROOT,
                            "segment labels, %s: fold %d of %d",
                            candidate.title(),
                            f + 1,
                            folds));
            int test = f;
            int[] train = IntStream.range(0, y.length).filter(i -> fold[i] != test).toArray();
            LabelClassifier model =
                    fitter.fit(
                            candidate,
                            Arrays.stream(train).mapToObj(i -> x[i]).toArray(double[][]::new),
                            Arrays.stream(train).map(i -> y[i]).toArray(),
                            k,
                            seed + f);
            for (int i = 0; i < y.length; i++) {
                if (fold[i] == f) {
                    confusion[y[i]][argmax(model.posterior(x[i]))]++;
                }
            }
        }
    }

    /**
     * Each label's base value: score minus contributions, the same for every row (TreeSHAP's and
     * linear SHAP's expected score); averaged over a few rows against rounding.
     */
    private static double[] base(LabelClassifier classifier, double[][] x, int k) {
        double[] base = new double[k];
        int rows = Math.min(x.length, 50);
        for (int i = 0; i < rows; i++) {
            for (int c = 0; c < k; c++) {
                double sum = 0;
                for (double contribution : classifier.contributions(x[i], c)) {
                    sum += contribution;
                }
                base[c] += (classifier.score(x[i], c) - sum) / rows;
            }
        }
        return base;
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

    static int argmax(double[] values) {
        int best = 0;
        for (int c = 1; c < values.length; c++) {
            if (values[c] > values[best]) {
                best = c;
            }
        }
        return best;
    }
}
