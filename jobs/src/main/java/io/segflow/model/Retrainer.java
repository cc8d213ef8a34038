package io.segflow.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The batch retrain of a snapshot of profiles: scale, choose k (or take it), fit k-means with
 * restarts, give the segments ids that continue the previous version's, name them, and evaluate.
 * Plain Java: the bounded Flink job collects the profiles and publishes the result.
 */
public final class Retrainer {

    /**
     * @param kMin smallest k tried (equal to kMax: k is fixed)
     * @param kMax largest k tried
     * @param restarts k-means fits with different seeds; the lowest inertia wins
     * @param sampleSize profiles in the seeded sample used to choose k and for the sample measures
     *     (silhouette is O(sample^2))
     * @param maxIterations Lloyd iterations per fit at most
     * @param relativeTolerance a fit stops when an iteration gains less than this fraction of the
     *     total variance
     * @param seed makes the retrain reproducible
     * @param maxMatchDistance beyond this standardised distance a new centre is a new segment (see
     *     {@link SegmentIdMatcher#DEFAULT_MAX_DISTANCE})
     */
    public record Settings(
            int kMin,
            int kMax,
            int restarts,
            int sampleSize,
            int maxIterations,
            double relativeTolerance,
            long seed,
            double maxMatchDistance) {

        public Settings {
            if (kMin < 2 || kMax < kMin) {
                throw new IllegalArgumentException(
                        "need 2 <= kMin <= kMax, got [" + kMin + ", " + kMax + "]");
            }
            if (restarts < 1
                    || sampleSize < 2
                    || maxIterations < 1
                    || !(relativeTolerance >= 0)
                    || !(maxMatchDistance >= 0)) {
                throw new IllegalArgumentException(
                        "restarts, sampleSize (>= 2), maxIterations must be positive, tolerance and"
                                + " match distance >= 0");
            }
        }

        /**
         * What `segflow retrain` does without options: k=6, 16 restarts, a sample of 5,000
         * profiles. With 8, 2 retrains in 20 seeds of 20,000 customers of six behaviours ended in
         * the optimum that merges two of them (ARI 0.80 and 0.82, inertia 2 % worse); with 16, none
         * of 40 (RetrainerTest). A million profiles: 7 to 9 s with 8, 12 to 15 s with 16 (the same
         * run).
         */
        public static Settings defaults() {
            return fixedK(ModelDefaults.K);
        }

        public static Settings fixedK(int k) {
            return kRange(k, k);
        }

        public static Settings kRange(int kMin, int kMax) {
            return new Settings(
                    kMin,
                    kMax,
                    16,
                    5_000,
                    100,
                    1e-6,
                    ModelDefaults.SEED,
                    SegmentIdMatcher.DEFAULT_MAX_DISTANCE);
        }

        public Settings withSeed(long newSeed) {
            return new Settings(
                    kMin,
                    kMax,
                    restarts,
                    sampleSize,
                    maxIterations,
                    relativeTolerance,
                    newSeed,
                    maxMatchDistance);
        }

        public Settings withRestarts(int newRestarts) {
            return new Settings(
                    kMin,
                    kMax,
                    newRestarts,
                    sampleSize,
                    maxIterations,
                    relativeTolerance,
                    seed,
                    maxMatchDistance);
        }

        public Settings withMaxIterations(int newMaxIterations) {
            return new Settings(
                    kMin,
                    kMax,
                    restarts,
                    sampleSize,
                    newMaxIterations,
                    relativeTolerance,
                    seed,
                    maxMatchDistance);
        }

        public Settings withSampleSize(int newSampleSize) {
            return new Settings(
                    kMin,
                    kMax,
                    restarts,
                    newSampleSize,
                    maxIterations,
                    relativeTolerance,
                    seed,
                    maxMatchDistance);
        }

        public boolean chooseK() {
            return kMax > kMin;
        }
    }

    /**
     * @param model the new version (trained by "batch"), with sizes
     * @param evaluation its measures
     * @param matching which previous segment each centre continues (indices into the previous
     *     model), in the model's centre order
     * @param highestSegmentIdUsed the highest id ever used, this version included
     */
    public record Result(
            SegmentModel model,
            ModelEvaluation evaluation,
            SegmentIdMatcher.Matching matching,
            int highestSegmentIdUsed,
            MethodComparison.Outcome comparison) {

        public Result(
                SegmentModel model,
                ModelEvaluation evaluation,
                SegmentIdMatcher.Matching matching,
                int highestSegmentIdUsed) {
            this(model, evaluation, matching, highestSegmentIdUsed, null);
        }

        /**
         * Everything to store in the {@code metrics} JSON of the version, besides the segment
         * names.
         */
        public Map<String, Object> metrics() {
            Map<String, Object> metrics = new LinkedHashMap<>(evaluation.toMetrics());
            if (comparison != null) {
                metrics.put("k_selection", "comparison");
                metrics.put("method", comparison.chosen().label());
                metrics.put("comparison", comparison.toMetrics());
            } else {
                metrics.put(
                        "k_selection",
                        evaluation.silhouetteByK().isEmpty() ? "fixed" : "silhouette");
            }
            metrics.put("highest_segment_id", highestSegmentIdUsed);
            List<Integer> continued = new ArrayList<>();
            List<Integer> created = new ArrayList<>();
            for (int c = 0; c < model.k(); c++) {
                (matching.continues(c) ? continued : created).add(model.segmentId(c));
            }
            metrics.put("segments_continued", continued);
            metrics.put("segments_new", created);
            return metrics;
        }
    }

    private Retrainer() {}

    /**
     * @param raw one row per profile, features in the order of {@code features}, NaN where unknown
     * @param previous the version in use, or null for the first model
     * @param highestSegmentIdUsed the highest segment id any published version used (-1 if unknown:
     *     the previous model's ids are counted anyway)
     * @param nowMillis the wall clock: versions are max(previous + 1, now), as the stream does
     */
    public static Result retrain(
            double[][] raw,
            List<String> features,
            SegmentModel previous,
            int highestSegmentIdUsed,
            Settings settings,
            long nowMillis) {
        requireShape(raw, features.size());
        FeatureScaling scaling = FeatureScaling.fit(raw, features.size());
        double[][] standardised = standardise(raw, scaling);
        int[] sampleIndices =
                KSelection.sampleIndices(raw.length, settings.sampleSize(), settings.seed());
        double[][] sample = KSelection.rows(standardised, sampleIndices);
        KSelection.Choice choice =
                settings.chooseK()
                        ? KSelection.bySilhouette(
                                sample,
                                settings.kMin(),
                                settings.kMax(),
                                settings.restarts(),
                                settings.maxIterations(),
                                settings.relativeTolerance(),
                                settings.seed())
                        : KSelection.fixed(settings.kMin());

        BatchKMeans.Fit fit =
                BatchKMeans.fit(
                        standardised,
                        choice.k(),
                        settings.restarts(),
                        settings.maxIterations(),
                        settings.relativeTolerance(),
                        settings.seed());
        return finish(
                raw,
                standardised,
                scaling,
                sampleIndices,
                features,
                previous,
                highestSegmentIdUsed,
                settings,
                fit,
                null,
                choice.silhouetteByK(),
                null,
                nowMillis);
    }

    /**
     * The retrain of {@code segflow retrain --compare}: the methods of {@link MethodComparison}
     * fitted and measured on the same scaled sample the plain retrain chooses k on, the chosen one
     * fitted on all profiles (a mixture: as fitted on the sample) and published with ids matched by
     * centre as always; a mixture is published with its components, which the stream applies.
     *
     * @param converted one outcome per profile: 1 converted, 0 not, NaN unknown
     */
    public static Result retrainCompared(
            double[][] raw,
            double[] converted,
            List<String> features,
            SegmentModel previous,
            int highestSegmentIdUsed,
            Settings settings,
            MethodComparison.Settings comparison,
            long nowMillis) {
        requireShape(raw, features.size());
        if (converted.length != raw.length) {
            throw new IllegalArgumentException("one outcome per profile expected");
        }
        FeatureScaling scaling = FeatureScaling.fit(raw, features.size());
        double[][] standardised = standardise(raw, scaling);
        int[] sampleIndices =
                KSelection.sampleIndices(raw.length, settings.sampleSize(), settings.seed());
        double[] sampleConverted = new double[sampleIndices.length];
        for (int i = 0; i < sampleIndices.length; i++) {
            sampleConverted[i] = converted[sampleIndices[i]];
        }
        MethodComparison.Outcome outcome =
                MethodComparison.compare(
                        KSelection.rows(standardised, sampleIndices),
                        KSelection.rows(raw, sampleIndices),
                        sampleConverted,
                        previous,
                        features,
                        settings,
                        comparison);
        double[][] centres = MethodComparison.centresOnAll(outcome, standardised, settings);
        SegmentMixture mixture = outcome.mixture();
        return finish(
                raw,
                standardised,
                scaling,
                sampleIndices,
                features,
                previous,
                highestSegmentIdUsed,
                settings,
                assignAll(standardised, centres, mixture),
                mixture,
                Map.of(),
                outcome,
                nowMillis);
    }

    private static void requireShape(double[][] raw, int d) {
        if (raw.length == 0) {
            throw new IllegalArgumentException("no profiles to retrain on");
        }
        for (double[] row : raw) {
            if (row.length != d) {
                throw new IllegalArgumentException(
                        "a profile has " + row.length + " values for " + d + " features");
            }
        }
    }

    private static double[][] standardise(double[][] raw, FeatureScaling scaling) {
        double[][] standardised = new double[raw.length][];
        for (int i = 0; i < raw.length; i++) {
            standardised[i] = scaling.scale(raw[i]);
        }
        return standardised;
    }

    /**
     * Centres to a published version: sizes and inertia of all profiles by nearest centre (or
     * highest posterior: {@code fit}'s labels), ids matched to the previous version, names,
     * measures.
     *
     * @param mixture the mixture whose component c has centre c of {@code fit}, or null
     */
    private static Result finish(
            double[][] raw,
            double[][] standardised,
            FeatureScaling scaling,
            int[] sampleIndices,
            List<String> features,
            SegmentModel previous,
            int highestSegmentIdUsed,
            Settings settings,
            BatchKMeans.Fit fit,
            SegmentMixture mixture,
            Map<Integer, Double> silhouetteByK,
            MethodComparison.Outcome comparison,
            long nowMillis) {
        int d = features.size();
        double[][] sample = KSelection.rows(standardised, sampleIndices);
        SegmentIdMatcher.Matching matching =
                SegmentIdMatcher.match(
                        previous,
                        features,
                        scaling,
                        fit.centroids(),
                        highestSegmentIdUsed,
                        settings.maxMatchDistance());

        // centres in id order: versions read alike and the JSON lists segments by id
        int k = fit.k();
        Integer[] order =
                IntStream.range(0, k)
                        .boxed()
                        .sorted(Comparator.comparingInt(c -> matching.ids()[c]))
                        .toArray(Integer[]::new);
        double[] centres = new double[k * d];
        double[] counts = new double[k];
        long[] sizes = new long[k];
        int[] ids = new int[k];
        int[] previousIndex = new int[k];
        for (int at = 0; at < k; at++) {
            int c = order[at];
            System.arraycopy(fit.centroids()[c], 0, centres, at * d, d);
            counts[at] = fit.sizes()[c];
            sizes[at] = fit.sizes()[c];
            ids[at] = matching.ids()[c];
            previousIndex[at] = matching.previousIndex()[c];
        }
        String[] names = names(centres, k, features, previous, previousIndex);
        long version = previous == null ? nowMillis : Math.max(previous.version() + 1, nowMillis);
        SegmentModel model =
                new SegmentModel(
                                version,
                                "batch",
                                features,
                                scaling,
                                centres,
                                counts,
                                fit.inertia() / raw.length,
                                raw.length,
                                ids,
                                names)
                        .withSizes(sizes)
                        .withMixture(
                                mixture == null
                                        ? null
                                        : mixture.reordered(
                                                Arrays.stream(order)
                                                        .mapToInt(Integer::intValue)
                                                        .toArray()));
        model = model.withMeanDistances(model.meanDistancesOf(Arrays.asList(standardised)));

        ModelEvaluation evaluation =
                ModelEvaluation.evaluate(
                        model,
                        standardised,
                        KSelection.rows(raw, sampleIndices),
                        sample,
                        previous,
                        silhouetteByK);
        return new Result(
                model,
                evaluation,
                new SegmentIdMatcher.Matching(ids, previousIndex, matching.highestIdUsed()),
                matching.highestIdUsed(),
                comparison);
    }

    /**
     * Every profile to its nearest centre (or, with a mixture, its component of highest posterior):
     * the sizes and inertia (squared distance to the segment's centre) the stream will start from.
     */
    private static BatchKMeans.Fit assignAll(
            double[][] standardised, double[][] centroids, SegmentMixture mixture) {
        int k = centroids.length;
        int d = centroids[0].length;
        double[] flat = new double[k * d];
        for (int c = 0; c < k; c++) {
            System.arraycopy(centroids[c], 0, flat, c * d, d);
        }
        int[] labels = new int[standardised.length];
        long[] sizes = new long[k];
        double inertia = 0;
        double[] distances = new double[2];
        for (int i = 0; i < standardised.length; i++) {
            if (mixture != null) {
                labels[i] = mixture.map(standardised[i]);
                inertia += Centroids.squaredDistance(standardised[i], flat, labels[i] * d, d);
            } else {
                labels[i] = Centroids.nearest(flat, k, d, standardised[i], distances);
                inertia += distances[0];
            }
            sizes[labels[i]]++;
        }
        return new BatchKMeans.Fit(centroids, labels, sizes, inertia, 0);
    }

    /**
     * A continued segment keeps its name (people may have overridden it, as in the stream); a new
     * one is named from what distinguishes its centre, numbered if that name is taken.
     */
    private static String[] names(
            double[] centres,
            int k,
            List<String> features,
            SegmentModel previous,
            int[] previousIndex) {
        int d = features.size();
        String[] names = new String[k];
        Set<String> taken = new HashSet<>();
        for (int c = 0; c < k; c++) {
            if (previousIndex[c] >= 0) {
                names[c] = previous.segmentName(previousIndex[c]);
                taken.add(names[c]);
            }
        }
        for (int c = 0; c < k; c++) {
            if (previousIndex[c] < 0) {
                String name =
                        SegmentNames.describe(
                                Arrays.copyOfRange(centres, c * d, (c + 1) * d), features);
                String unique = name;
                for (int n = 2; taken.contains(unique); n++) {
                    unique = name + " (" + n + ")";
                }
                names[c] = unique;
                taken.add(unique);
            }
        }
        return names;
    }
}
