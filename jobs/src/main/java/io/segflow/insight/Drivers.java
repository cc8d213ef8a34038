package io.segflow.insight;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What drives a score: globally (the mean absolute SHAP value of each feature over the customers),
 * for one customer (the features with the largest contributions, signed), and for a segment (the
 * mean absolute SHAP values of a model that tells its members from everyone else).
 */
public final class Drivers {

    /** A feature and its contribution (signed for a customer, mean absolute for a population). */
    public record Driver(String feature, double contribution) {}

    private Drivers() {}

    /** Mean |contribution| of each feature over the profiles, largest first. */
    public static List<Driver> global(
            Function<double[], ScoreModel.Explanation> explain,
            double[][] profiles,
            List<String> features) {
        double[] meanAbsolute = new double[features.size()];
        for (double[] profile : profiles) {
            double[] contributions = explain.apply(profile).contributions();
            for (int j = 0; j < meanAbsolute.length; j++) {
                meanAbsolute[j] += Math.abs(contributions[j]) / profiles.length;
            }
        }
        List<Driver> drivers = new ArrayList<>();
        for (int j = 0; j < meanAbsolute.length; j++) {
            drivers.add(new Driver(features.get(j), meanAbsolute[j]));
        }
        drivers.sort(Comparator.comparingDouble((Driver d) -> -d.contribution()));
        return List.copyOf(drivers);
    }

    /**
     * The {@code n} largest contributions of one explanation, by absolute value, with their sign.
     */
    public static List<Driver> top(
            ScoreModel.Explanation explanation, List<String> features, int n) {
        List<Driver> drivers = new ArrayList<>();
        double[] contributions = explanation.contributions();
        for (int j = 0; j < contributions.length; j++) {
            drivers.add(new Driver(features.get(j), contributions[j]));
        }
        drivers.sort(Comparator.comparingDouble((Driver d) -> -Math.abs(d.contribution())));
        return List.copyOf(drivers.subList(0, Math.min(n, drivers.size())));
    }

    /**
     * For each segment, the drivers of membership: a logistic regression of "in this segment"
     * against everyone else, its mean |SHAP| per feature over all customers.
     */
    public static Map<Integer, List<Driver>> ofSegments(
            double[][] profiles, int[] segments, List<String> features, long seed) {
        Map<Integer, List<Driver>> bySegment = new TreeMap<>();
        membershipModels(profiles, segments, seed)
                .forEach(
                        (segment, membership) ->
                                bySegment.put(
                                        segment, global(membership::explain, profiles, features)));
        return bySegment;
    }

    /**
     * For each segment a logistic regression of "in this segment" against everyone else: its SHAP
     * for one customer says what puts them in (or keeps them out of) the segment.
     */
    public static Map<Integer, ScoreModel> membershipModels(
            double[][] profiles, int[] segments, long seed) {
        Map<Integer, ScoreModel> models = new TreeMap<>();
        for (int segment : java.util.Arrays.stream(segments).distinct().sorted().toArray()) {
            int[] member = new int[segments.length];
            for (int i = 0; i < segments.length; i++) {
                member[i] = segments[i] == segment ? 1 : 0;
            }
            models.put(segment, Candidate.LOGISTIC_REGRESSION.fit(profiles, member, seed));
        }
        return models;
    }
}
