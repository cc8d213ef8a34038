package io.segflow.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * How good a model version is, stored with it in the {@code metrics} JSON of segment_model.
 *
 * @param inertia sum of squared standardised distances of all profiles to their centre
 * @param profiles how many profiles the inertia covers
 * @param silhouette mean silhouette of the evaluation sample (higher is better, in [-1, 1]); NaN
 *     when the sample falls in fewer than two segments
 * @param daviesBouldin Davies-Bouldin index of the sample against the model's centres (lower is
 *     better); NaN when undefined
 * @param sampleSize profiles in the evaluation sample
 * @param stability adjusted Rand index between the previous version's and this version's segments
 *     of the same sample (1: the same partition, about 0: unrelated); NaN when there is no previous
 *     version or it read other features
 * @param previousVersion the version stability was measured against, or -1
 * @param silhouetteByK the sample's silhouette for each k tried when k was chosen (else empty)
 */
public record ModelEvaluation(
        double inertia,
        long profiles,
        double silhouette,
        double daviesBouldin,
        int sampleSize,
        double stability,
        long previousVersion,
        Map<Integer, Double> silhouetteByK) {

    public ModelEvaluation {
        silhouetteByK = Collections.unmodifiableMap(new TreeMap<>(silhouetteByK));
    }

    /**
     * Measures a model on all profiles (inertia) and on a sample of them (the rest).
     *
     * @param standardised every profile, standardised with the model's scaling
     * @param rawSample the sample in feature units: the previous model reads it with its own
     *     scaling
     * @param standardisedSample the same sample standardised with the model's scaling
     * @param previous the version this one replaces, or null
     */
    public static ModelEvaluation evaluate(
            SegmentModel model,
            double[][] standardised,
            double[][] rawSample,
            double[][] standardisedSample,
            SegmentModel previous,
            Map<Integer, Double> silhouetteByK) {
        if (rawSample.length != standardisedSample.length) {
            throw new IllegalArgumentException("raw and standardised samples differ in size");
        }
        double inertia = ClusteringMetrics.inertia(model, standardised);
        int[] labels = ClusteringMetrics.labels(model, standardisedSample);
        double silhouette = Silhouette.mean(standardisedSample, labels);
        double[][] centroids = new double[model.k()][];
        for (int c = 0; c < model.k(); c++) {
            centroids[c] = model.standardisedCentroid(c);
        }
        double daviesBouldin = DaviesBouldin.index(standardisedSample, labels, centroids);
        double stability = Double.NaN;
        long previousVersion = -1;
        if (previous != null
                && previous.features().equals(model.features())
                && rawSample.length > 0) {
            int[] previousLabels = new int[rawSample.length];
            for (int i = 0; i < rawSample.length; i++) {
                previousLabels[i] = previous.assign(rawSample[i]).segment();
            }
            stability = ClusteringMetrics.adjustedRandIndex(previousLabels, labels);
            previousVersion = previous.version();
        }
        return new ModelEvaluation(
                inertia,
                standardised.length,
                silhouette,
                daviesBouldin,
                standardisedSample.length,
                stability,
                previousVersion,
                silhouetteByK);
    }

    /**
     * The measures as JSON-ready values for the {@code metrics} column, to be merged with what the
     * writer already puts there ({@code segments}, {@code inertia_estimate}, {@code points_seen}:
     * none of these keys collide, so ModelRegistry reads the names as before). Undefined measures
     * are null, since JSON has no NaN.
     */
    public Map<String, Object> toMetrics() {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("inertia", finiteOrNull(inertia));
        metrics.put("inertia_per_profile", profiles == 0 ? null : finiteOrNull(inertia / profiles));
        metrics.put("profiles", profiles);
        metrics.put("silhouette", finiteOrNull(silhouette));
        metrics.put("davies_bouldin", finiteOrNull(daviesBouldin));
        metrics.put("evaluation_sample_size", sampleSize);
        metrics.put("stability_ari", finiteOrNull(stability));
        metrics.put("stability_against_version", previousVersion < 0 ? null : previousVersion);
        if (!silhouetteByK.isEmpty()) {
            Map<String, Object> byK = new LinkedHashMap<>();
            silhouetteByK.forEach((k, s) -> byK.put(Integer.toString(k), finiteOrNull(s)));
            metrics.put("silhouette_by_k", byK);
        }
        return metrics;
    }

    private static Double finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
