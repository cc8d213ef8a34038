package io.segflow.benchmarks;

import io.segflow.insight.Candidate;
import io.segflow.insight.CustomerScorer;
import io.segflow.insight.InsightRun;
import io.segflow.model.Assignment;
import io.segflow.model.SegmentChooser;
import io.segflow.model.SegmentModel;
import io.segflow.registry.PropensityRecord;
import java.util.List;
import java.util.Locale;

/**
 * What live scoring costs per profile update, next to the segment assignment the stream does for
 * the same update, on one thread: the live scorer's work ({@link CustomerScorer#score}: potential,
 * percentile, SHAP drivers, segment and its drivers; the label prediction is the insight run's) for
 * each propensity candidate, against {@link SegmentModel#assign} plus the {@link SegmentChooser}
 * decision. Also the size of the published scorer and the time to load it (what a running job does
 * when a version is announced).
 *
 * <p>{@code java -cp segflow.jar:benchmarks.jar io.segflow.benchmarks.LiveScoringBenchmark
 * [customers, default 20000]}
 */
public final class LiveScoringBenchmark {

    private LiveScoringBenchmark() {}

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        InsightRun.Input input = InsightBenchmark.generated(n);
        double[][] profiles = input.profiles();
        long[] ids = input.customers();
        String[] labels = input.labels();
        SegmentModel segments = input.segmentation();
        SegmentChooser chooser = new SegmentChooser(0.1);

        System.out.printf(
                Locale.ROOT,
                "live scoring of %,d profile updates x %d features, one thread%n",
                n,
                profiles[0].length);
        double segmentNanos = 0;
        for (int round = 0; round < 3; round++) {
            segmentNanos = timeSegments(segments, chooser, profiles);
        }
        System.out.printf(
                Locale.ROOT,
                "  segment assignment (baseline)           %9.1f µs/update%n",
                segmentNanos / 1e3);
        for (Candidate candidate : Candidate.values()) {
            InsightRun.Result result =
                    InsightRun.run(
                            input,
                            // the fit's quality does not change what a score costs: fewer folds
                            InsightRun.Settings.defaults()
                                    .withCandidates(List.of(candidate))
                                    .withFolds(2)
                                    .withSourceValueSample(2_000),
                            3L,
                            step -> {});
            CustomerScorer scorer = result.scorer().orElseThrow();
            byte[] bytes = PropensityRecord.encode(scorer);
            long loadStarted = System.nanoTime();
            CustomerScorer loaded = PropensityRecord.decode(1, bytes);
            double loadMillis = (System.nanoTime() - loadStarted) / 1e6;
            double liveNanos = 0;
            double insightNanos = 0;
            for (int round = 0; round < 2; round++) {
                liveNanos = timeScores(loaded, ids, profiles, labels, false);
                insightNanos = timeScores(loaded, ids, profiles, labels, true);
            }
            System.out.printf(
                    Locale.ROOT,
                    "  live score, %-24s %9.1f µs/update = %7.1f x the segment assignment"
                            + " (an insight row, with the label prediction: %.1f µs); published"
                            + " scorer %,d bytes, loaded in %.0f ms%n",
                    candidate.title(),
                    liveNanos / 1e3,
                    liveNanos / segmentNanos,
                    insightNanos / 1e3,
                    bytes.length,
                    loadMillis);
        }
    }

    private static double timeSegments(
            SegmentModel model, SegmentChooser chooser, double[][] profiles) {
        long started = System.nanoTime();
        double checksum = 0;
        for (double[] profile : profiles) {
            Assignment nearest = model.assign(profile);
            checksum +=
                    chooser.choose(nearest, -1, Double.NaN, SegmentChooser.evidence(profile))
                            .confidence();
        }
        blackhole(checksum);
        return (System.nanoTime() - started) / (double) profiles.length;
    }

    private static double timeScores(
            CustomerScorer scorer,
            long[] ids,
            double[][] profiles,
            String[] labels,
            boolean predictLabel) {
        long started = System.nanoTime();
        double checksum = 0;
        for (int i = 0; i < profiles.length; i++) {
            checksum += scorer.score(ids[i], profiles[i], labels[i], predictLabel).potential();
        }
        blackhole(checksum);
        return (System.nanoTime() - started) / (double) profiles.length;
    }

    private static void blackhole(double checksum) {
        if (checksum == 42.4242) {
            System.out.println();
        }
    }
}
