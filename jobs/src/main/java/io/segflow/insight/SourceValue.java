package io.segflow.insight;

import io.segflow.model.BatchKMeans;
import io.segflow.model.ClusteringMetrics;
import io.segflow.model.FeatureScaling;
import io.segflow.model.Silhouette;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * What each data source adds: the propensity model and the segmentation are refitted without the
 * source's features. For the propensity, the loss in cross-validated AUC; for the segmentation, how
 * much the segments stay the same (adjusted Rand index between the segments with and without the
 * source: 1 is the same segments, 0 no more alike than chance) and the change in silhouette.
 */
public final class SourceValue {

    /** Silhouette costs the square of the rows: it is measured on a sample of this many. */
    static final int SILHOUETTE_SAMPLE = 2_000;

    /**
     * @param aucLoss cross-validated AUC with every source minus without this one
     * @param segmentationAri agreement of the segments without this source with those with it
     * @param silhouetteChange silhouette without the source minus with it (in its own features)
     * @param notMeasured why a figure is missing (NaN): e.g. "without crm: 1 distinct profile,
     *     segmentation not comparable"; null when every figure asked for was measured
     */
    public record Value(
            String source,
            List<String> features,
            double auc,
            double aucWithout,
            double aucLoss,
            double segmentationAri,
            double silhouette,
            double silhouetteWithout,
            double silhouetteChange,
            String notMeasured) {}

    private SourceValue() {}

    /**
     * Each source's value; a fit that cannot be made (fewer distinct profiles than segments once a
     * source is left out, a candidate that fails) leaves its figures NaN with the reason in {@link
     * Value#notMeasured()}, and the other sources are still measured.
     *
     * @param outcomes each customer's outcome, or null when there is no propensity to measure (too
     *     few outcomes): then only the segmentation figures are measured, the AUC ones are NaN
     */
    public static List<Value> of(
            double[][] profiles,
            int[] outcomes,
            String outcome,
            List<String> features,
            Map<String, List<String>> sources,
            Candidate candidate,
            int folds,
            int k,
            long seed,
            Consumer<String> progress) {
        List<String> withEverySource = new ArrayList<>();
        double auc = Double.NaN;
        if (outcomes != null) {
            progress.accept("every source: propensity");
            try {
                auc = crossValidatedAuc(profiles, outcomes, outcome, candidate, folds, seed);
            } catch (RuntimeException e) {
                withEverySource.add("with every source: propensity failed: " + reason(e));
            }
        }
        int[] sample = sample(profiles.length, seed);
        progress.accept("every source: segmentation");
        Segmentation full = null;
        try {
            full = Segmentation.fit(profiles, k, seed, sample, "every source");
        } catch (RuntimeException e) {
            withEverySource.add("with every source: segmentation failed: " + reason(e));
        }
        double silhouette = full == null ? Double.NaN : full.silhouette;
        List<Value> values = new ArrayList<>();
        for (Map.Entry<String, List<String>> source : sources.entrySet()) {
            String name = source.getKey();
            List<String> notMeasured = new ArrayList<>(withEverySource);
            int[] kept =
                    IntStream.range(0, features.size())
                            .filter(j -> !source.getValue().contains(features.get(j)))
                            .toArray();
            if (kept.length == 0) {
                values.add(
                        new Value(
                                name,
                                source.getValue(),
                                auc,
                                outcomes == null ? Double.NaN : 0.5,
                                auc - 0.5,
                                Double.NaN,
                                silhouette,
                                Double.NaN,
                                Double.NaN,
                                note(notMeasured)));
                continue;
            }
            double[][] without = new double[profiles.length][];
            for (int i = 0; i < profiles.length; i++) {
                double[] row = new double[kept.length];
                for (int j = 0; j < kept.length; j++) {
                    row[j] = profiles[i][kept[j]];
                }
                without[i] = row;
            }
            double aucWithout = Double.NaN;
            if (outcomes != null && Double.isFinite(auc)) {
                progress.accept(String.format(Locale.ROOT, "without %s: propensity", name));
                try {
                    aucWithout =
                            crossValidatedAuc(without, outcomes, outcome, candidate, folds, seed);
                } catch (RuntimeException e) {
                    notMeasured.add("without " + name + ": propensity failed: " + reason(e));
                }
            }
            double ari = Double.NaN;
            double silhouetteWithout = Double.NaN;
            if (full != null) {
                progress.accept(String.format(Locale.ROOT, "without %s: segmentation", name));
                try {
                    Segmentation ablated =
                            Segmentation.fit(without, k, seed, sample, "without " + name);
                    ari = ClusteringMetrics.adjustedRandIndex(full.labels, ablated.labels);
                    silhouetteWithout = ablated.silhouette;
                } catch (NotComparableException e) {
                    notMeasured.add(e.getMessage());
                } catch (RuntimeException e) {
                    notMeasured.add("without " + name + ": segmentation failed: " + reason(e));
                }
            }
            values.add(
                    new Value(
                            name,
                            source.getValue(),
                            auc,
                            aucWithout,
                            auc - aucWithout,
                            ari,
                            silhouette,
                            silhouetteWithout,
                            silhouetteWithout - silhouette,
                            note(notMeasured)));
        }
        return List.copyOf(values);
    }

    private static String note(List<String> notMeasured) {
        return notMeasured.isEmpty() ? null : String.join("; ", notMeasured);
    }

    /** The exception's message, or its class where it has none (a bare NullPointerException). */
    static String reason(RuntimeException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /**
     * The customers have fewer distinct profiles in the features left than there are segments: no
     * segmentation of k segments exists to compare with.
     */
    private static final class NotComparableException extends IllegalArgumentException {
        NotComparableException(String message) {
            super(message);
        }
    }

    private static double crossValidatedAuc(
            double[][] profiles,
            int[] outcomes,
            String outcome,
            Candidate candidate,
            int folds,
            long seed) {
        return Propensity.fit(profiles, outcomes, outcome, List.of(candidate), folds, seed, s -> {})
                .chosenResult()
                .auc();
    }

    private static int[] sample(int n, long seed) {
        if (n <= SILHOUETTE_SAMPLE) {
            return IntStream.range(0, n).toArray();
        }
        Random random = new Random(seed);
        return random.ints(0, n).distinct().limit(SILHOUETTE_SAMPLE).sorted().toArray();
    }

    /**
     * k-means on the standardised features, as a retrain fits it, and its silhouette on a sample.
     */
    private record Segmentation(int[] labels, double silhouette) {
        static Segmentation fit(double[][] profiles, int k, long seed, int[] sample, String which) {
            int d = profiles[0].length;
            FeatureScaling scaling = FeatureScaling.fit(profiles, d);
            double[][] standardised = new double[profiles.length][];
            for (int i = 0; i < profiles.length; i++) {
                standardised[i] = scaling.scale(profiles[i]);
            }
            // a CRM-only base without the CRM: every customer alike, no k segments to compare
            int distinct = BatchKMeans.distinctPoints(standardised, k);
            if (distinct < k) {
                throw new NotComparableException(
                        String.format(
                                Locale.ROOT,
                                "%s: %d distinct profile%s, segmentation not comparable (k = %d)",
                                which,
                                distinct,
                                distinct == 1 ? "" : "s",
                                k));
            }
            BatchKMeans.Fit fit = BatchKMeans.fit(standardised, k, 4, 100, 1e-6, seed);
            double[][] points =
                    IntStream.of(sample).mapToObj(i -> standardised[i]).toArray(double[][]::new);
            int[] labels = IntStream.of(sample).map(i -> fit.labels()[i]).toArray();
            return new Segmentation(fit.labels(), Silhouette.mean(points, labels));
        }
    }
}
