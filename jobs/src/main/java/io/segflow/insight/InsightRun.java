package io.segflow.insight;

import io.segflow.model.ModelDefaults;
import io.segflow.model.ModelEvaluation;
import io.segflow.model.Retrainer;
import io.segflow.model.SegmentModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Everything one insight run learns from a snapshot of the customers, as plain data: the quality of
 * the segmentation in use, what each segment is, each customer's potential and its drivers, the
 * target list, the value of each data source and the segment labels predicted for the unlabelled.
 * The steps that cannot be done on these customers (too few conversions, no labels) are skipped
 * with the reason in {@link Result#propensityStatus()} or {@link Result#labelStatus()}; the rest is
 * still measured. A step that fails (the value of a source, the labels, a propensity candidate) is
 * left out with its reason in {@link Result#stepFailures()}: no step but reading the customers and
 * the segments of the model in use can sink the run.
 */
public final class InsightRun {

    /**
     * @param folds stratified folds of every cross-validation, or {@link
     *     StratifiedFolds#CHOSEN_BY_SIZE} (the default): 5, or 3 beyond 30,000 customers
     * @param fitSample customers the candidates are cross-validated and fitted on (a seeded sample
     *     when there are more; everyone is scored)
     * @param sourceValueSample customers the fits without each source are made on
     * @param topDrivers signed drivers kept per customer
     * @param holdout share of each segment held out of the target list as a control group
     * @param holdoutSeed the control group's seed: the same seed holds out the same customers
     * @param includeConverted whether the run's target list ranks customers known to have converted
     *     too (by default it ranks only the others: prospects and known non-converters)
     */
    public record Settings(
            List<Candidate> candidates,
            int folds,
            int fitSample,
            int sourceValueSample,
            int topDrivers,
            double holdout,
            long holdoutSeed,
            long seed,
            boolean includeConverted) {

        public Settings {
            candidates = List.copyOf(candidates);
            if (candidates.isEmpty()) {
                throw new IllegalArgumentException("name at least one propensity candidate");
            }
            if (folds < 2 && folds != StratifiedFolds.CHOSEN_BY_SIZE) {
                throw new IllegalArgumentException(
                        "cross-validation needs 2 folds or more (0: chosen by the number of"
                                + " customers)");
            }
            if (holdout < 0 || holdout >= 1) {
                throw new IllegalArgumentException(
                        "the control group is a share in [0, 1), got " + holdout);
            }
        }

        public static Settings defaults() {
            return new Settings(
                    List.of(Candidate.values()),
                    StratifiedFolds.CHOSEN_BY_SIZE,
                    50_000,
                    10_000,
                    3,
                    0.0,
                    ModelDefaults.SEED,
                    ModelDefaults.SEED,
                    false);
        }

        public Settings withCandidates(List<Candidate> value) {
            return new Settings(
                    value,
                    folds,
                    fitSample,
                    sourceValueSample,
                    topDrivers,
                    holdout,
                    holdoutSeed,
                    seed,
                    includeConverted);
        }

        public Settings withFolds(int value) {
            return new Settings(
                    candidates,
                    value,
                    fitSample,
                    sourceValueSample,
                    topDrivers,
                    holdout,
                    holdoutSeed,
                    seed,
                    includeConverted);
        }

        public Settings withFitSample(int value) {
            return new Settings(
                    candidates,
                    folds,
                    value,
                    sourceValueSample,
                    topDrivers,
                    holdout,
                    holdoutSeed,
                    seed,
                    includeConverted);
        }

        public Settings withSourceValueSample(int value) {
            return new Settings(
                    candidates,
                    folds,
                    fitSample,
                    value,
                    topDrivers,
                    holdout,
                    holdoutSeed,
                    seed,
                    includeConverted);
        }

        public Settings withHoldout(double share, long controlSeed) {
            return new Settings(
                    candidates,
                    folds,
                    fitSample,
                    sourceValueSample,
                    topDrivers,
                    share,
                    controlSeed,
                    seed,
                    includeConverted);
        }

        public Settings withIncludeConverted(boolean value) {
            return new Settings(
                    candidates,
                    folds,
                    fitSample,
                    sourceValueSample,
                    topDrivers,
                    holdout,
                    holdoutSeed,
                    seed,
                    value);
        }

        public Settings withSeed(long value) {
            return new Settings(
                    candidates,
                    folds,
                    fitSample,
                    sourceValueSample,
                    topDrivers,
                    holdout,
                    holdoutSeed,
                    value,
                    includeConverted);
        }
    }

    /**
     * The customers of one snapshot.
     *
     * @param profiles features in the order of {@code features}, NaN where unknown
     * @param converted 1 where converted_to_sale is true, 0 where false, {@link Propensity#UNKNOWN}
     *     where NULL (unknown: left out of fitting and of every rate, still scored)
     * @param labels segment_label, null where none
     * @param sources feature names per data source (sql/profile.yml)
     * @param segmentation the segment model in use (the registry's latest)
     * @param previous the version before it, or null
     */
    public record Input(
            long[] customers,
            double[][] profiles,
            List<String> features,
            Map<String, List<String>> sources,
            int[] converted,
            String[] labels,
            SegmentModel segmentation,
            SegmentModel previous) {

        public Input {
            int n = customers.length;
            if (profiles.length != n || converted.length != n || labels.length != n) {
                throw new IllegalArgumentException("one row per customer in every column");
            }
            segmentation.requireFeatures(features);
        }
    }

    public record Result(
            long version,
            Input input,
            int[] segmentIds,
            ModelEvaluation quality,
            SegmentProfiles.Result profiles,
            Map<Integer, List<Drivers.Driver>> segmentDrivers,
            Optional<Propensity.Result> propensity,
            String propensityStatus,
            List<Drivers.Driver> globalDrivers,
            double[] potentials,
            Optional<CustomerScorer> scorer,
            List<SourceValue.Value> sourceValues,
            Optional<SegmentLabels.Result> labels,
            String labelStatus,
            Map<String, Double> stepSeconds,
            List<StepFailure> stepFailures) {

        /**
         * The potentials customer_score shows for the customers the model was fitted on: each from
         * the fold that did not see them (empty without a propensity model).
         */
        public OutOfFoldPotentials outOfFold() {
            return propensity
                    .map(fitted -> OutOfFoldPotentials.of(input.customers(), fitted))
                    .orElseGet(OutOfFoldPotentials::none);
        }

        /** Customers whose outcome is known true, known false, and unknown (NULL). */
        public long[] outcomeCounts() {
            long[] counts = new long[3];
            for (int c : input.converted()) {
                counts[c == 1 ? 0 : c == 0 ? 1 : 2]++;
            }
            return counts;
        }
    }

    public static final String OUTCOME = "converted_to_sale";

    private InsightRun() {}

    /**
     * @param version the version of this run's propensity model and target list
     * @param progress told of every long step, for the console
     */
    public static Result run(
            Input input, Settings settings, long version, Consumer<String> progress) {
        return run(input, settings, version, progress, Propensity.CANDIDATE_FIT);
    }

    /** With the candidates fitted by {@code fitter} (a test's failing one). */
    static Result run(
            Input input,
            Settings settings,
            long version,
            Consumer<String> progress,
            Propensity.Fitter fitter) {
        Steps steps = new Steps(progress);
        List<StepFailure> failures = new ArrayList<>();
        int n = input.customers().length;
        if (n == 0) {
            throw new IllegalArgumentException(
                    "customer_profile holds no customers: run the streaming job or a backfill"
                            + " first");
        }
        double[][] x = input.profiles();
        SegmentModel model = input.segmentation();

        steps.start(String.format(Locale.ROOT, "segments of %,d customers", n));
        int[] segmentIds = new int[n];
        double[][] standardised = new double[n][];
        IntStream.range(0, n)
                .parallel()
                .forEach(
                        i -> {
                            standardised[i] = model.scaling().scale(x[i]);
                            segmentIds[i] = model.segmentId(model.assign(x[i]).segment());
                        });
        int[] evaluationSample =
                Propensity.sample(
                        n, Retrainer.Settings.defaults().sampleSize(), settings.seed() + 1);
        ModelEvaluation quality =
                ModelEvaluation.evaluate(
                        model,
                        standardised,
                        rows(x, evaluationSample),
                        rows(standardised, evaluationSample),
                        input.previous(),
                        Map.of());

        int[] fitSample = Propensity.sample(n, settings.fitSample(), settings.seed());
        steps.start("what sets each segment apart");
        Map<Integer, ScoreModel> membership = Map.of();
        Map<Integer, List<Drivers.Driver>> segmentDrivers = new LinkedHashMap<>();
        try {
            membership =
                    Drivers.membershipModels(
                            rows(x, fitSample), columns(segmentIds, fitSample), settings.seed());
            membership.forEach(
                    (segment, m) ->
                            segmentDrivers.put(
                                    segment,
                                    Drivers.global(
                                            m::explain, rows(x, fitSample), input.features())));
        } catch (RuntimeException e) {
            membership = Map.of();
            segmentDrivers.clear();
            failures.add(StepFailure.of("what sets each segment apart", e));
        }

        Optional<Propensity.Result> propensity = Optional.empty();
        String propensityStatus;
        try {
            Propensity.Result fitted =
                    Propensity.fitOnSample(
                            x,
                            input.converted(),
                            OUTCOME,
                            settings.candidates(),
                            settings.folds(),
                            settings.fitSample(),
                            settings.seed(),
                            steps::start,
                            fitter);
            propensity = Optional.of(fitted);
            failures.addAll(fitted.failedCandidates());
            propensityStatus =
                    String.format(
                            Locale.ROOT,
                            "%s chosen: cross-validated AUC %.3f",
                            fitted.chosen().title(),
                            fitted.chosenResult().auc());
        } catch (Propensity.TooFewOutcomesException e) {
            propensityStatus = "no potential scores: " + e.getMessage();
            progress.accept(propensityStatus);
        } catch (Propensity.CandidatesFailedException e) {
            propensityStatus = "no potential scores: " + e.getMessage();
            failures.addAll(e.failures());
        } catch (RuntimeException e) {
            propensityStatus = "no potential scores: the propensity fit failed: " + reason(e);
            failures.add(StepFailure.of("propensity model", e));
        }

        double[] potentials = null;
        List<Drivers.Driver> globalDrivers = List.of();
        if (propensity.isPresent()) {
            Propensity.Scorer scorer = propensity.get().scorer();
            steps.start(String.format(Locale.ROOT, "potential of %,d customers", n));
            potentials =
                    IntStream.range(0, n)
                            .parallel()
                            .mapToDouble(i -> scorer.potential(x[i]))
                            .toArray();
            // the fitted customers as customer_score shows them: out of fold, not in-sample
            Propensity.Result fitted = propensity.get();
            for (int j = 0; j < fitted.fittedRows().length; j++) {
                potentials[fitted.fittedRows()[j]] = fitted.heldOutPotential()[j];
            }
            steps.start(
                    String.format(
                            Locale.ROOT,
                            "global drivers: SHAP of %,d customers",
                            fitSample.length));
            double[][] sampled = rows(x, fitSample);
            try {
                double[][] contributions =
                        IntStream.range(0, sampled.length)
                                .parallel()
                                .mapToObj(i -> scorer.explain(sampled[i]).contributions())
                                .toArray(double[][]::new);
                globalDrivers =
                        Drivers.global(
                                profile -> new ScoreModel.Explanation(0, profile),
                                contributions,
                                input.features());
            } catch (RuntimeException e) {
                failures.add(StepFailure.of("global drivers of the potential", e));
            }
        }

        steps.start("segment profiles");
        SegmentProfiles.Result profiles =
                SegmentProfiles.of(
                        x, input.features(), segmentIds, input.converted(), potentials, 3);

        int[] valueSample = Propensity.sample(n, settings.sourceValueSample(), settings.seed());
        List<SourceValue.Value> sourceValues = List.of();
        try {
            sourceValues =
                    SourceValue.of(
                            rows(x, valueSample),
                            propensity.isPresent() ? columns(input.converted(), valueSample) : null,
                            OUTCOME,
                            input.features(),
                            input.sources(),
                            propensity
                                    .map(Propensity.Result::chosen)
                                    .orElse(Candidate.RANDOM_FOREST),
                            settings.folds(),
                            model.k(),
                            settings.seed(),
                            step -> steps.start("value of each data source: " + step));
            for (SourceValue.Value value : sourceValues) {
                if (value.notMeasured() != null) {
                    failures.add(
                            new StepFailure(
                                    "value of data source " + value.source(), value.notMeasured()));
                }
            }
        } catch (RuntimeException e) {
            failures.add(StepFailure.of("value of each data source", e));
        }

        Optional<SegmentLabels.Result> labels = Optional.empty();
        String labelStatus;
        try {
            labels =
                    SegmentLabels.predict(
                            x, input.labels(), settings.folds(), settings.seed(), steps::start);
            labels.ifPresent(r -> failures.addAll(r.failedCandidates()));
            labelStatus =
                    labels.map(
                                    r ->
                                            String.format(
                                                    Locale.ROOT,
                                                    "segment_label predicted by %s from %,d"
                                                            + " labelled customers:"
                                                            + " cross-validated accuracy %.3f,"
                                                            + " macro F1 %.3f",
                                                    r.chosen().title(),
                                                    r.labelled(),
                                                    r.evaluation().accuracy(),
                                                    r.evaluation().macroF1()))
                            .orElse(
                                    "segment_label: no customer carries one, so there is nothing"
                                            + " to learn; skipped");
        } catch (IllegalArgumentException e) {
            labelStatus = "segment_label not predicted: " + e.getMessage();
            progress.accept(labelStatus);
        } catch (RuntimeException e) {
            labelStatus = "segment_label not predicted: the classifier failed: " + reason(e);
            failures.add(StepFailure.of("segment labels", e));
        }
        Optional<CustomerScorer> customerScorer = Optional.empty();
        if (propensity.isPresent()) {
            customerScorer =
                    Optional.of(
                            new CustomerScorer(
                                    propensity.get().scorer(),
                                    model,
                                    membership,
                                    labels.map(SegmentLabels.Result::model).orElse(null),
                                    potentials,
                                    input.features(),
                                    settings.topDrivers(),
                                    settings.holdout(),
                                    settings.holdoutSeed()));
        }
        steps.finish();
        return new Result(
                version,
                input,
                segmentIds,
                quality,
                profiles,
                segmentDrivers,
                propensity,
                propensityStatus,
                globalDrivers,
                potentials,
                customerScorer,
                sourceValues,
                labels,
                labelStatus,
                steps.seconds,
                List.copyOf(failures));
    }

    private static String reason(RuntimeException e) {
        return SourceValue.reason(e);
    }

    private static double[][] rows(double[][] x, int[] indices) {
        return IntStream.of(indices).mapToObj(i -> x[i]).toArray(double[][]::new);
    }

    private static int[] columns(int[] values, int[] indices) {
        return IntStream.of(indices).map(i -> values[i]).toArray();
    }

    /** Times each step and tells the console when one starts. */
    private static final class Steps {
        private final Consumer<String> progress;
        private final Map<String, Double> seconds = new LinkedHashMap<>();
        private String current;
        private long startedAt;

        Steps(Consumer<String> progress) {
            this.progress = progress;
        }

        void start(String step) {
            finish();
            // timed per stage ("random forest", "value of each data source"), not per fold
            current = step.contains(":") ? step.substring(0, step.indexOf(':')) : step;
            startedAt = System.nanoTime();
            progress.accept(step);
        }

        void finish() {
            if (current != null) {
                seconds.merge(current, (System.nanoTime() - startedAt) / 1e9, Double::sum);
                current = null;
            }
        }
    }
}
