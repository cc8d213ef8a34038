package io.segflow.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Readable names from what sets a centre apart: the features furthest from the average customer, in
 * standard deviations, e.g. "high videos_viewed, low customer_age". A centre within half a standard
 * deviation of the mean on every feature is "typical customers".
 */
public final class SegmentNames {

    /** Below this many standard deviations from the mean a feature does not distinguish. */
    static final double DISTINCT = 0.5;

    static final int MAX_TERMS = 2;

    private SegmentNames() {}

    public static String describe(double[] standardisedCentroid, List<String> features) {
        List<Integer> order =
                IntStream.range(0, features.size())
                        .boxed()
                        .filter(j -> Math.abs(standardisedCentroid[j]) >= DISTINCT)
                        .sorted(Comparator.comparingDouble(j -> -Math.abs(standardisedCentroid[j])))
                        .limit(MAX_TERMS)
                        .toList();
        if (order.isEmpty()) {
            return "typical customers";
        }
        List<String> terms = new ArrayList<>();
        for (int j : order) {
            terms.add((standardisedCentroid[j] > 0 ? "high " : "low ") + features.get(j));
        }
        return String.join(", ", terms);
    }

    /**
     * One name per standardised centre (stored flat); two that would read the same are numbered.
     */
    public static List<String> describeAll(double[] centres, int k, List<String> features) {
        int d = features.size();
        List<String> names = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            String name = describe(Arrays.copyOfRange(centres, c * d, (c + 1) * d), features);
            String unique = name;
            for (int n = 2; names.contains(unique); n++) {
                unique = name + " (" + n + ")";
            }
            names.add(unique);
        }
        return names;
    }
}
