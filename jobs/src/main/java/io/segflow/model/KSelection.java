package io.segflow.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * The number of segments: given, or the k in [kMin, kMax] whose clustering of a seeded random
 * sample has the highest mean silhouette. Each candidate k is fitted on the sample itself (the same
 * restarts as the final fit), because the full data would multiply the retrain time by the width of
 * the range while a few thousand points place the centres of segments that matter well enough to
 * compare k; the chosen k is then fitted on all profiles by the caller.
 */
public final class KSelection {

    /**
     * @param k the chosen number of segments
     * @param silhouetteByK the mean silhouette of the sample for each k tried (empty when k was
     *     given)
     */
    public record Choice(int k, Map<Integer, Double> silhouetteByK) {

        public Choice {
            silhouetteByK = Collections.unmodifiableMap(new TreeMap<>(silhouetteByK));
        }

        public boolean wasSelected() {
            return !silhouetteByK.isEmpty();
        }
    }

    private KSelection() {}

    public static Choice fixed(int k) {
        if (k < 2) {
            throw new IllegalArgumentException("k must be at least 2, was " + k);
        }
        return new Choice(k, Map.of());
    }

    /**
     * @param sample standardised points (e.g. from {@link #sampleIndices}); the k range is cut to
     *     the number of distinct points, since more clusters than that cannot be filled
     */
    public static Choice bySilhouette(
            double[][] sample,
            int kMin,
            int kMax,
            int restarts,
            int maxIterations,
            double relativeTolerance,
            long seed) {
        if (kMin < 2 || kMax < kMin) {
            throw new IllegalArgumentException(
                    "k range must satisfy 2 <= kMin <= kMax, was [" + kMin + ", " + kMax + "]");
        }
        int distinct = BatchKMeans.distinctPoints(sample, kMax);
        if (distinct < kMin) {
            throw new IllegalArgumentException(
                    "cannot make "
                            + kMin
                            + " segments from "
                            + distinct
                            + " distinct profiles in the sample: lower kMin to at most "
                            + distinct);
        }
        Map<Integer, Double> silhouettes = new TreeMap<>();
        int bestK = -1;
        double bestSilhouette = Double.NEGATIVE_INFINITY;
        for (int k = kMin; k <= Math.min(kMax, distinct); k++) {
            BatchKMeans.Fit fit =
                    BatchKMeans.fit(sample, k, restarts, maxIterations, relativeTolerance, seed);
            double silhouette = Silhouette.mean(sample, fit.labels());
            silhouettes.put(k, silhouette);
            // ties go to the smaller k: fewer segments are easier to act on
            if (silhouette > bestSilhouette) {
                bestSilhouette = silhouette;
                bestK = k;
            }
        }
        return new Choice(bestK, silhouettes);
    }

    /**
     * Indices of a uniform random sample of min(size, n) of n points without replacement, in
     * increasing order, reproducible from the seed (partial Fisher-Yates shuffle).
     */
    public static int[] sampleIndices(int n, int size, long seed) {
        if (size >= n) {
            return IntStream.range(0, n).toArray();
        }
        int[] order = IntStream.range(0, n).toArray();
        Random random = new Random(seed);
        for (int i = 0; i < size; i++) {
            int j = i + random.nextInt(n - i);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        int[] chosen = Arrays.copyOf(order, size);
        Arrays.sort(chosen);
        return chosen;
    }

    /** The rows at the given indices (shared, not copied). */
    public static double[][] rows(double[][] points, int[] indices) {
        double[][] rows = new double[indices.length][];
        for (int i = 0; i < indices.length; i++) {
            rows[i] = points[indices[i]];
        }
        return rows;
    }
}
