package io.segflow.benchmarks;

import io.segflow.insight.Candidate;
import io.segflow.insight.Propensity;
import io.segflow.insight.TargetList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The insight math on N generated profiles x 12 features with a known conversion probability: the
 * time of each step (cross-validation of the candidates, the final fit, scoring and SHAP of every
 * customer, the target list). Not a test: it prints figures.
 *
 * <pre>java -Xmx8g -cp jobs/target/segflow.jar:benchmarks/target/benchmarks.jar \
 *     io.segflow.benchmarks.InsightBenchmark 1000000 [candidates, e.g. LOGISTIC_REGRESSION,GRADIENT_BOOSTING]
 * </pre>
 */
public final class InsightBenchmark {

    private InsightBenchmark() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        List<Candidate> candidates =
                args.length > 1
                        ? Arrays.stream(args[1].split(",")).map(Candidate::valueOf).toList()
                        : Arrays.asList(Candidate.values());
        int sample = args.length > 2 ? Integer.parseInt(args[2]) : 50_000;
        int d = 12;
        Random random = new Random(1);
        double[][] profiles = new double[n][d];
        int[] converted = new int[n];
        long[] ids = new long[n];
        int[] segments = new int[n];
        for (int i = 0; i < n; i++) {
            double logOdds = -2;
            for (int j = 0; j < d; j++) {
                profiles[i][j] = random.nextGaussian();
                logOdds += (j < 6 ? 0.4 : 0.0) * profiles[i][j];
            }
            logOdds += profiles[i][0] > 1 ? 1 : 0;
            converted[i] = random.nextDouble() < 1 / (1 + Math.exp(-logOdds)) ? 1 : 0;
            ids[i] = i + 1;
            segments[i] = i % 8;
        }
        List<String> steps = new ArrayList<>();
        long started = System.nanoTime();
        long[] last = {started};
        Propensity.Result result =
                Propensity.fitOnSample(
                        profiles,
                        converted,
                        "converted",
                        candidates,
                        5,
                        sample,
                        42,
                        step -> {
                            long now = System.nanoTime();
                            steps.add(
                                    String.format(
                                            Locale.ROOT,
                                            "%6.1f s  %s",
                                            (now - last[0]) / 1e9,
                                            step));
                            last[0] = now;
                        });
        long fitted = System.nanoTime();
        // customers are scored and explained on every core, as an insight run would
        double[] potentials =
                IntStream.range(0, n)
                        .parallel()
                        .mapToDouble(i -> result.scorer().potential(profiles[i]))
                        .toArray();
        long scored = System.nanoTime();
        double sum =
                IntStream.range(0, n)
                        .parallel()
                        .mapToDouble(i -> result.scorer().explain(profiles[i]).total())
                        .sum();
        long explained = System.nanoTime();
        List<TargetList.Entry> targets = TargetList.rank(ids, segments, potentials, 0.1, 7);
        long ranked = System.nanoTime();

        System.out.printf(
                Locale.ROOT,
                "insight on %,d profiles x %d features, candidates %s, 5 folds on a sample of"
                        + " %,d%n",
                n,
                d,
                candidates,
                Math.min(n, sample));
        System.out.println("  (each line: the time up to the step it names, which then starts)");
        steps.forEach(step -> System.out.println("  " + step));
        System.out.printf(
                Locale.ROOT,
                "cross-validation and final fit: %.1f s (chosen %s, AUC %.3f)%n",
                (fitted - started) / 1e9,
                result.chosen().title(),
                result.chosenResult().auc());
        System.out.printf(
                Locale.ROOT,
                "potential of every customer, on every core: %.1f s%n",
                (scored - fitted) / 1e9);
        System.out.printf(
                Locale.ROOT,
                "SHAP of every customer, on every core: %.1f s (checksum %.1f)%n",
                (explained - scored) / 1e9,
                sum);
        System.out.printf(
                Locale.ROOT,
                "target list: %.1f s (%,d entries)%n",
                (ranked - explained) / 1e9,
                targets.size());
        System.out.printf(
                Locale.ROOT,
                "total: %.1f s (target: under 300 s for 1 M profiles)%n",
                (ranked - started) / 1e9);
    }
}
