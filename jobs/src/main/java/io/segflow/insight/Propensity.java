package io.segflow.insight;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The potential of each customer: the calibrated probability of an outcome (converted_to_sale).
 * Every candidate model is cross-validated on the same stratified folds; the one with the best
 * out-of-fold AUC is refitted on all customers; Platt scaling, fitted on its out-of-fold scores,
 * turns its score into a probability. The calibration is checked on held-out folds only: each fold
 * is calibrated by a Platt scaling fitted on the other folds.
 *
 * <p>An outcome may be unknown ({@link #UNKNOWN}: converted_to_sale NULL, a prospect the CRM has
 * not decided on): such customers are left out of the fit, the folds, the calibration and every
 * figure, and the scorer scores them as anyone else. Counting them as not converted would teach the
 * model that prospects do not buy.
 */
public final class Propensity {

    /**
     * Fewer positives or negatives than this and the score would be noise (Segment asks 100/100).
     */
    public static final int MINIMUM_PER_CLASS = 100;

    /** The outcome of a customer whose outcome is not known (converted_to_sale NULL). */
    public static final int UNKNOWN = -1;

    private static final int CALIBRATION_BINS = 10;

    /** Points of the ROC and gains curves kept for reports: enough for their shape. */
    private static final int ROC_POINTS = 50;

    private static final int GAINS_POINTS = 20;

    /** How one candidate did on the held-out folds. */
    public record CandidateResult(
            Candidate candidate, double auc, double logLoss, double liftInTopDecile) {}

    /** A potential scorer: the chosen model with its calibration. */
    public record Scorer(ScoreModel model, PlattScaling calibration) implements Serializable {

        /** The probability of the outcome, 0..1. */
        public double potential(double[] profile) {
            return calibration.probability(model.score(profile));
        }

        /**
         * The potential's log-odds taken apart: base + contributions = logit(potential), for every
         * customer (the calibration is linear in the model's score, so it keeps additivity).
         */
        public ScoreModel.Explanation explain(double[] profile) {
            ScoreModel.Explanation raw = model.explain(profile);
            double[] contributions = raw.contributions().clone();
            for (int j = 0; j < contributions.length; j++) {
                contributions[j] *= calibration.a();
            }
            return new ScoreModel.Explanation(calibration.logOdds(raw.base()), contributions);
        }
    }

    /**
     * @param heldOutPotential every customer's calibrated potential from the folds that did not see
     *     them (for the calibration curve, lift and reports)
     * @param rocCurve the chosen candidate's ROC curve on its out-of-fold scores (its area is the
     *     candidate's AUC)
     * @param gainsCurve the chosen candidate's cumulative gains and lift on its out-of-fold scores
     * @param fittedRows the rows (of the arrays given to fit or fitOnSample) the model was fitted
     *     on, ascending: heldOutPotential[j] is row fittedRows[j]'s; customers of unknown outcome
     *     and those outside the sample are not among them
     * @param unknown customers left out because their outcome is unknown
     */
    public record Result(
            Candidate chosen,
            List<CandidateResult> candidates,
            Scorer scorer,
            double[] heldOutPotential,
            double calibrationError,
            BinaryMetrics.CalibrationBin[] calibrationCurve,
            BinaryMetrics.RocPoint[] rocCurve,
            BinaryMetrics.GainsPoint[] gainsCurve,
            long positives,
            long negatives,
            int[] fittedRows,
            long unknown,
            List<StepFailure> failedCandidates) {

        public CandidateResult chosenResult() {
            return candidates.stream()
                    .filter(c -> c.candidate() == chosen)
                    .findFirst()
                    .orElseThrow();
        }
    }

    /** There are too few of one outcome to learn from; the message says how many there are. */
    public static final class TooFewOutcomesException extends IllegalArgumentException {
        TooFewOutcomesException(String message) {
            super(message);
        }
    }

    /**
     * Every candidate failed; {@link #failures()} says why each did. A candidate that fails while
     * another succeeds is only dropped from the choice ({@link Result#failedCandidates()}).
     */
    public static final class CandidatesFailedException extends IllegalStateException {
        private final List<StepFailure> failures;

        CandidatesFailedException(List<StepFailure> failures) {
            super(
                    "every propensity candidate failed ("
                            + failures.stream()
                                    .map(StepFailure::toString)
                                    .collect(java.util.stream.Collectors.joining("; "))
                            + "); no scores were written");
            this.failures = List.copyOf(failures);
        }

        public List<StepFailure> failures() {
            return failures;
        }
    }

    /** How a candidate is fitted: {@link Candidate#fit}; a test may put a failing one in. */
    @FunctionalInterface
    interface Fitter {
        ScoreModel fit(Candidate candidate, double[][] profiles, int[] outcomes, long seed);
    }

    static final Fitter CANDIDATE_FIT = Candidate::fit;

    private Propensity() {}

    /**
     * Fits on a stratified random sample of at most {@code maxCustomers} (every customer when there
     * are fewer): the model choice, the calibration and the fit settle long before a million rows,
     * while trees cost in proportion to them. The scorer then scores everyone; the held-out
     * potentials of the result are those of the sampled customers.
     */
    public static Result fitOnSample(
            double[][] profiles,
            int[] outcomes,
            String outcome,
            List<Candidate> candidates,
            int folds,
            int maxCustomers,
            long seed,
            Consumer<String> progress) {
        return fitOnSample(
                profiles,
                outcomes,
                outcome,
                candidates,
                folds,
                maxCustomers,
                seed,
                progress,
                CANDIDATE_FIT);
    }

    static Result fitOnSample(
            double[][] profiles,
            int[] outcomes,
            String outcome,
            List<Candidate> candidates,
            int folds,
            int maxCustomers,
            long seed,
            Consumer<String> progress,
            Fitter fitter) {
        int[] known = known(outcomes);
        int[] sample =
                java.util.stream.IntStream.of(sample(known.length, maxCustomers, seed))
                        .map(i -> known[i])
                        .toArray();
        return fitRows(
                profiles,
                outcomes,
                sample,
                outcomes.length - known.length,
                outcome,
                candidates,
                folds,
                seed,
                progress,
                fitter);
    }

    /** The rows whose outcome is known, ascending. */
    static int[] known(int[] outcomes) {
        return java.util.stream.IntStream.range(0, outcomes.length)
                .filter(i -> outcomes[i] != UNKNOWN)
                .toArray();
    }

    /**
     * Every row when there are at most {@code size}, else a seeded uniform sample of about that
     * many, ascending.
     */
    static int[] sample(int rows, int size, long seed) {
        if (rows <= size) {
            return java.util.stream.IntStream.range(0, rows).toArray();
        }
        java.util.Random random = new java.util.Random(seed);
        double share = (double) size / rows;
        return java.util.stream.IntStream.range(0, rows)
                .filter(i -> random.nextDouble() < share)
                .toArray();
    }

    /**
     * @param outcome the outcome's name, for messages (e.g. converted_to_sale)
     * @param progress told of every fit, for the console
     */
    public static Result fit(
            double[][] profiles,
            int[] outcomes,
            String outcome,
            List<Candidate> candidates,
            int folds,
            long seed,
            Consumer<String> progress) {
        return fit(profiles, outcomes, outcome, candidates, folds, seed, progress, CANDIDATE_FIT);
    }

    static Result fit(
            double[][] profiles,
            int[] outcomes,
            String outcome,
            List<Candidate> candidates,
            int folds,
            long seed,
            Consumer<String> progress,
            Fitter fitter) {
        int[] known = known(outcomes);
        return fitRows(
                profiles,
                outcomes,
                known,
                outcomes.length - known.length,
                outcome,
                candidates,
                folds,
                seed,
                progress,
                fitter);
    }

    /**
     * A candidate that throws (in any fold or in the final fit) is dropped from the choice with its
     * reason; the run fails only when every candidate does.
     */
    private static Result fitRows(
            double[][] allProfiles,
            int[] allOutcomes,
            int[] rows,
            long unknown,
            String outcome,
            List<Candidate> candidates,
            int folds,
            long seed,
            Consumer<String> progress,
            Fitter fitter) {
        double[][] profiles = new double[rows.length][];
        int[] outcomes = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            profiles[i] = allProfiles[rows[i]];
            outcomes[i] = allOutcomes[rows[i]];
        }
        long positives = 0;
        for (int y : outcomes) {
            positives += y;
        }
        long negatives = outcomes.length - positives;
        if (positives < MINIMUM_PER_CLASS || negatives < MINIMUM_PER_CLASS) {
            throw new TooFewOutcomesException(
                    String.format(
                            Locale.ROOT,
                            "%s is true for %,d customers and false for %,d (unknown for %,d, who"
                                + " are not counted): a potential score needs at least %d of each,"
                                + " or it would be noise; no scores were written",
                            outcome,
                            positives,
                            negatives,
                            unknown,
                            MINIMUM_PER_CLASS));
        }
        folds = StratifiedFolds.of(folds, outcomes.length);
        int[] fold = StratifiedFolds.assign(outcomes, folds, seed);
        List<CandidateResult> results = new ArrayList<>();
        List<double[]> heldOutScores = new ArrayList<>();
        List<StepFailure> failed = new ArrayList<>();
        for (Candidate candidate : candidates) {
            double[] scores = new double[outcomes.length];
            try {
                for (int f = 0; f < folds; f++) {
                    progress.accept(
                            String.format(
                                    Locale.ROOT,
                                    "%s: fold %d of %d",
                                    candidate.title(),
                                    f + 1,
                                    folds));
                    Split split = Split.of(profiles, outcomes, fold, f);
                    ScoreModel model = fitter.fit(candidate, split.trainX, split.trainY, seed + f);
                    for (int i : split.test) {
                        scores[i] = model.score(profiles[i]);
                    }
                }
            } catch (RuntimeException e) {
                failed.add(StepFailure.of(failedStep(candidate), e));
                progress.accept(candidate.title() + " failed, left out: " + SourceValue.reason(e));
                continue;
            }
            heldOutScores.add(scores);
            double[] probabilities = calibrateHeldOut(scores, outcomes, fold, folds);
            results.add(
                    new CandidateResult(
                            candidate,
                            BinaryMetrics.auc(scores, outcomes),
                            BinaryMetrics.logLoss(probabilities, outcomes),
                            BinaryMetrics.liftInTopDecile(scores, outcomes)));
        }
        // the best that can also be fitted on everyone; one that fails there makes way
        List<CandidateResult> choosable = new ArrayList<>(results);
        List<double[]> choosableScores = new ArrayList<>(heldOutScores);
        int best;
        Candidate chosen;
        ScoreModel model;
        while (true) {
            if (choosable.isEmpty()) {
                throw new CandidatesFailedException(failed);
            }
            best = choose(choosable);
            chosen = choosable.get(best).candidate();
            progress.accept(chosen.title() + ": fit on all customers");
            try {
                model = fitter.fit(chosen, profiles, outcomes, seed);
                break;
            } catch (RuntimeException e) {
                failed.add(StepFailure.of(failedStep(chosen) + " (fit on all customers)", e));
                progress.accept(chosen.title() + " failed, left out: " + SourceValue.reason(e));
                results.remove(choosable.remove(best));
                choosableScores.remove(best);
            }
        }
        double[] bestScores = choosableScores.get(best);
        PlattScaling calibration = PlattScaling.fit(bestScores, outcomes);
        double[] heldOutPotential = calibrateHeldOut(bestScores, outcomes, fold, folds);
        return new Result(
                chosen,
                List.copyOf(results),
                new Scorer(model, calibration),
                heldOutPotential,
                BinaryMetrics.expectedCalibrationError(
                        heldOutPotential, outcomes, CALIBRATION_BINS),
                BinaryMetrics.calibrationCurve(heldOutPotential, outcomes, CALIBRATION_BINS),
                // the raw out-of-fold scores, which the AUC and top-decile lift above rank too
                BinaryMetrics.rocCurve(bestScores, outcomes, ROC_POINTS),
                BinaryMetrics.gainsCurve(bestScores, outcomes, GAINS_POINTS),
                positives,
                negatives,
                rows,
                unknown,
                List.copyOf(failed));
    }

    private static String failedStep(Candidate candidate) {
        return "propensity candidate " + candidate.title();
    }

    /**
     * The candidate with the best cross-validated AUC, less what it must gain to be worth its cost
     * ({@link Candidate#requiredAucGain()}); ties keep the one listed first (the simpler).
     */
    static int choose(List<CandidateResult> results) {
        int best = 0;
        for (int c = 1; c < results.size(); c++) {
            if (worth(results.get(c)) > worth(results.get(best)) + 1e-9) {
                best = c;
            }
        }
        return best;
    }

    private static double worth(CandidateResult result) {
        return result.auc() - result.candidate().requiredAucGain();
    }

    /**
     * Each fold's held-out scores as probabilities, by a Platt scaling fitted on the other folds.
     */
    private static double[] calibrateHeldOut(
            double[] scores, int[] outcomes, int[] fold, int folds) {
        double[] probabilities = new double[scores.length];
        for (int f = 0; f < folds; f++) {
            List<Integer> others = new ArrayList<>();
            for (int i = 0; i < scores.length; i++) {
                if (fold[i] != f) {
                    others.add(i);
                }
            }
            double[] s = new double[others.size()];
            int[] y = new int[others.size()];
            for (int j = 0; j < s.length; j++) {
                s[j] = scores[others.get(j)];
                y[j] = outcomes[others.get(j)];
            }
            PlattScaling platt = PlattScaling.fit(s, y);
            for (int i = 0; i < scores.length; i++) {
                if (fold[i] == f) {
                    probabilities[i] = platt.probability(scores[i]);
                }
            }
        }
        return probabilities;
    }

    private record Split(double[][] trainX, int[] trainY, int[] test) {
        static Split of(double[][] x, int[] y, int[] fold, int f) {
            int testSize = 0;
            for (int value : fold) {
                testSize += value == f ? 1 : 0;
            }
            double[][] trainX = new double[x.length - testSize][];
            int[] trainY = new int[x.length - testSize];
            int[] test = new int[testSize];
            for (int i = 0, tr = 0, te = 0; i < x.length; i++) {
                if (fold[i] == f) {
                    test[te++] = i;
                } else {
                    trainX[tr] = x[i];
                    trainY[tr++] = y[i];
                }
            }
            return new Split(trainX, trainY, test);
        }
    }
}
