package io.segflow.insight;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * What each segment is, for the segment_profile table: size and share, centroid in feature units,
 * the features that set it apart (its mean against the population's, in the population's standard
 * deviations), conversion rate and lift against the base rate, mean potential; and how well the
 * segments separate conversion (highest over lowest rate, share of the conversion variance between
 * segments).
 */
public final class SegmentProfiles {

    /**
     * A feature that sets a segment apart: how many population standard deviations from the mean.
     */
    public record Distinction(String feature, double standardisedDifference) {}

    public record Profile(
            int segmentId,
            long size,
            double share,
            double[] centroid,
            List<Distinction> distinguishing,
            double conversionRate,
            double lift,
            double meanPotential) {}

    /**
     * @param conversionLift the highest segment conversion rate over the lowest (NaN if one is 0)
     * @param conversionVarianceExplained between-segment variance of conversion over its total
     *     variance (eta squared), 0..1
     */
    public record Result(
            List<Profile> profiles,
            double baseRate,
            double conversionLift,
            double conversionVarianceExplained) {}

    private SegmentProfiles() {}

    /**
     * @param profiles feature values per customer (NaN where unknown: left out of the means)
     * @param segments each customer's segment id
     * @param converted each customer's outcome (1 yes, 0 no, {@link Propensity#UNKNOWN}: left out
     *     of every rate, as if not in the base)
     * @param potential each customer's potential, or null when there is none
     * @param distinguishing how many distinguishing features to keep per segment
     */
    public static Result of(
            double[][] profiles,
            List<String> features,
            int[] segments,
            int[] converted,
            double[] potential,
            int distinguishing) {
        int n = profiles.length;
        int d = features.size();
        double[] populationMean = means(profiles, IntStream.range(0, n).toArray(), d);
        double[] populationSd = new double[d];
        long[] known = new long[d];
        for (double[] row : profiles) {
            for (int j = 0; j < d; j++) {
                if (!Double.isNaN(row[j])) {
                    populationSd[j] += (row[j] - populationMean[j]) * (row[j] - populationMean[j]);
                    known[j]++;
                }
            }
        }
        for (int j = 0; j < d; j++) {
            populationSd[j] = known[j] > 1 ? Math.sqrt(populationSd[j] / (known[j] - 1)) : 0;
        }
        double baseRate =
                Arrays.stream(converted)
                        .filter(c -> c != Propensity.UNKNOWN)
                        .average()
                        .orElse(Double.NaN);
        long knownOutcomes = Arrays.stream(converted).filter(c -> c != Propensity.UNKNOWN).count();
        int[] ids = Arrays.stream(segments).distinct().sorted().toArray();
        List<Profile> result = new ArrayList<>();
        double between = 0;
        for (int id : ids) {
            int[] members = IntStream.range(0, n).filter(i -> segments[i] == id).toArray();
            double[] centroid = means(profiles, members, d);
            List<Distinction> apart = new ArrayList<>();
            for (int j = 0; j < d; j++) {
                if (populationSd[j] > 0 && !Double.isNaN(centroid[j])) {
                    apart.add(
                            new Distinction(
                                    features.get(j),
                                    (centroid[j] - populationMean[j]) / populationSd[j]));
                }
            }
            apart.sort(
                    Comparator.comparingDouble(
                            (Distinction x) -> -Math.abs(x.standardisedDifference())));
            int[] knownOutcomesOfMembers =
                    IntStream.of(members)
                            .map(i -> converted[i])
                            .filter(c -> c != Propensity.UNKNOWN)
                            .toArray();
            double rate = IntStream.of(knownOutcomesOfMembers).average().orElse(Double.NaN);
            if (knownOutcomesOfMembers.length > 0) {
                between += knownOutcomesOfMembers.length * (rate - baseRate) * (rate - baseRate);
            }
            double meanPotential =
                    potential == null
                            ? Double.NaN
                            : IntStream.of(members)
                                    .mapToDouble(i -> potential[i])
                                    .average()
                                    .orElse(Double.NaN);
            result.add(
                    new Profile(
                            id,
                            members.length,
                            (double) members.length / n,
                            centroid,
                            List.copyOf(apart.subList(0, Math.min(distinguishing, apart.size()))),
                            rate,
                            baseRate > 0 ? rate / baseRate : Double.NaN,
                            meanPotential));
        }
        // the variance of a 0/1 outcome, times the customers whose outcome is known
        double total = knownOutcomes * baseRate * (1 - baseRate);
        double highest =
                result.stream()
                        .mapToDouble(Profile::conversionRate)
                        .filter(r -> !Double.isNaN(r))
                        .max()
                        .orElse(Double.NaN);
        double lowest =
                result.stream()
                        .mapToDouble(Profile::conversionRate)
                        .filter(r -> !Double.isNaN(r))
                        .min()
                        .orElse(Double.NaN);
        return new Result(
                List.copyOf(result),
                baseRate,
                lowest > 0 ? highest / lowest : Double.NaN,
                total > 0 ? between / total : 0);
    }

    /** Mean of each feature over some rows, unknown values left out (NaN if none is known). */
    private static double[] means(double[][] profiles, int[] rows, int d) {
        double[] sum = new double[d];
        long[] count = new long[d];
        for (int i : rows) {
            for (int j = 0; j < d; j++) {
                double v = profiles[i][j];
                if (!Double.isNaN(v)) {
                    sum[j] += v;
                    count[j]++;
                }
            }
        }
        double[] mean = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] = count[j] == 0 ? Double.NaN : sum[j] / count[j];
        }
        return mean;
    }
}
