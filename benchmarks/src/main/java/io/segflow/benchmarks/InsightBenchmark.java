package io.segflow.benchmarks;

import io.segflow.insight.Candidate;
import io.segflow.insight.CustomerScorer;
import io.segflow.insight.InsightRun;
import io.segflow.model.Retrainer;
import io.segflow.model.SegmentModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The insight run on N generated profiles x 12 features (three sources) with a known conversion
 * probability, a fifth of them labelled, as `segflow insight` runs it: {@link InsightRun} (segments
 * and their quality, cross-validation of the candidates, the final fit, potentials, drivers,
 * profiles, the value of each source, labels), then the {@link CustomerScorer} on every customer,
 * as the job's operators apply it (potential, percentile, SHAP drivers, segment drivers). Not a
 * test: it prints figures.
 *
 * <pre>java -Xmx10g -cp jobs/target/segflow.jar:benchmarks/target/benchmarks.jar \
 *     io.segflow.benchmarks.InsightBenchmark 1000000 [candidates, e.g. LOGISTIC_REGRESSION,GRADIENT_BOOSTING]
 * </pre>
 */
public final class InsightBenchmark {

    private InsightBenchmark() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        InsightRun.Settings settings = InsightRun.Settings.defaults();
        if (args.length > 1) {
            settings =
                    settings.withCandidates(
                            Arrays.stream(args[1].split(",")).map(Candidate::valueOf).toList());
        }
        InsightRun.Input input = generated(n);
        double[][] profiles = input.profiles();
        long[] ids = input.customers();
        String[] labels = input.labels();

        long started = System.nanoTime();
        InsightRun.Result result = InsightRun.run(input, settings, 2L, step -> {});
        long fitted = System.nanoTime();
        CustomerScorer scorer = result.scorer().orElseThrow();
        double checksum =
                IntStream.range(0, n)
                        .parallel()
                        .mapToDouble(
                                i -> {
                                    CustomerScorer.Score score =
                                            scorer.score(ids[i], profiles[i], labels[i]);
                                    return score.potential() + score.percentile();
                                })
                        .sum();
        long scored = System.nanoTime();

        System.out.printf(
                Locale.ROOT,
                "insight on %,d profiles x %d features, candidates %s, %d folds on a sample of"
                        + " %,d, %d cores%n",
                n,
                profiles[0].length,
                settings.candidates(),
                io.segflow.insight.StratifiedFolds.of(
                        settings.folds(), Math.min(n, settings.fitSample())),
                Math.min(n, settings.fitSample()),
                Runtime.getRuntime().availableProcessors());
        result.stepSeconds()
                .forEach(
                        (step, seconds) ->
                                System.out.printf(Locale.ROOT, "  %6.1f s  %s%n", seconds, step));
        System.out.printf(
                Locale.ROOT,
                "insight run (fits, cross-validation, measures): %.1f s (chosen %s, AUC %.3f)%n",
                (fitted - started) / 1e9,
                result.propensity().orElseThrow().chosen().title(),
                result.propensity().orElseThrow().chosenResult().auc());
        System.out.printf(
                Locale.ROOT,
                "customer_score of every customer (potential, percentile, SHAP and segment"
                        + " drivers), on every core: %.1f s (checksum %.1f)%n",
                (scored - fitted) / 1e9,
                checksum);
        System.out.printf(
                Locale.ROOT,
                "total: %.1f s (target: under 300 s for 1 M profiles)%n",
                (scored - started) / 1e9);
    }

    /**
     * n customers of four personas, 12 features in three sources, a quarter converting by a known
     * logistic law, a fifth labelled, and the segment model in use (k = 6, retrained on a sample).
     */
    static InsightRun.Input generated(int n) {
        int d = 12;
        Random random = new Random(1);
        double[][] profiles = new double[n][d];
        int[] converted = new int[n];
        long[] ids = new long[n];
        String[] labels = new String[n];
        for (int i = 0; i < n; i++) {
            int persona = random.nextInt(4);
            double logOdds = -2 + 0.5 * persona;
            for (int j = 0; j < d; j++) {
                profiles[i][j] = random.nextGaussian() + (j % 4 == persona ? 2 : 0);
                logOdds += (j < 6 ? 0.3 : 0.0) * profiles[i][j];
            }
            logOdds += profiles[i][0] > 1 ? 1 : 0;
            converted[i] = random.nextDouble() < 1 / (1 + Math.exp(-logOdds)) ? 1 : 0;
            ids[i] = i + 1;
            // a fifth carry the segment sales gave them, as in the demo's CRM
            labels[i] = random.nextInt(5) == 0 ? "persona-" + persona : null;
        }
        List<String> features = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            features.add("f" + j);
        }
        Map<String, List<String>> sources = new LinkedHashMap<>();
        sources.put("crm", features.subList(0, 2));
        sources.put("web", features.subList(2, 7));
        sources.put("product", features.subList(7, 12));
        // the segment model in use, fitted on a sample (not timed: retrain's work, not insight's)
        double[][] sample = Arrays.copyOf(profiles, Math.min(n, 50_000));
        SegmentModel model =
                Retrainer.retrain(sample, features, null, -1, Retrainer.Settings.fixedK(6), 1L)
                        .model();
        return new InsightRun.Input(
                ids, profiles, features, sources, converted, labels, model, null);
    }
}
