package io.segflow.insight;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Customers ranked by potential within their segment and overall, with the conversions a campaign
 * can expect down to each rank (the sum of the potentials so far). An optional control group is
 * held out at random within each segment, reproducibly for a seed, so that a campaign's lift can be
 * measured against it later.
 */
public final class TargetList {

    public record Entry(
            long customerId,
            int segmentId,
            double potential,
            int rankInSegment,
            int rankOverall,
            double expectedConversionsInSegment,
            double expectedConversionsOverall,
            boolean control) {}

    private TargetList() {}

    /**
     * @param holdout share of each segment held out as a control group (0 for none), below 1
     * @param seed the control group's seed: the same seed holds out the same customers
     */
    public static List<Entry> rank(
            long[] customers, int[] segments, double[] potentials, double holdout, long seed) {
        if (holdout < 0 || holdout >= 1) {
            throw new IllegalArgumentException(
                    "the control group is a share in [0, 1), got " + holdout);
        }
        int n = customers.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // highest potential first; ties by customer id, so the list is the same every run
        java.util.Arrays.sort(
                order,
                Comparator.comparingDouble((Integer i) -> -potentials[i])
                        .thenComparingLong(i -> customers[i]));
        boolean[] control = new boolean[n];
        if (holdout > 0) {
            for (int i = 0; i < n; i++) {
                // each customer's draw depends on the seed and the customer alone, not on the
                // others
                control[i] =
                        new SplittableRandom(seed ^ (customers[i] * 0x9E3779B97F4A7C15L))
                                        .nextDouble()
                                < holdout;
            }
        }
        Map<Integer, Integer> rankInSegment = new HashMap<>();
        Map<Integer, Double> expectedInSegment = new HashMap<>();
        List<Entry> entries = new ArrayList<>(n);
        double expectedOverall = 0;
        int rankOverall = 0;
        for (int i : order) {
            if (control[i]) {
                entries.add(
                        new Entry(
                                customers[i],
                                segments[i],
                                potentials[i],
                                0,
                                0,
                                Double.NaN,
                                Double.NaN,
                                true));
                continue;
            }
            int segment = segments[i];
            int rank = rankInSegment.merge(segment, 1, Integer::sum);
            double expected = expectedInSegment.merge(segment, potentials[i], Double::sum);
            expectedOverall += potentials[i];
            entries.add(
                    new Entry(
                            customers[i],
                            segment,
                            potentials[i],
                            rank,
                            ++rankOverall,
                            expected,
                            expectedOverall,
                            false));
        }
        return entries;
    }
}
