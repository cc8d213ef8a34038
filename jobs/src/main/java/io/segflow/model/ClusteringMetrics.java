package io.segflow.model;

import java.util.HashMap;
import java.util.Map;

/** Measures of a segmentation that need no Flink: inertia and agreement between labelings. */
public final class ClusteringMetrics {

    private ClusteringMetrics() {}

    /** Sum of squared standardised distances of the points to their nearest centre. */
    public static double inertia(SegmentModel model, double[][] standardised) {
        double[] out = new double[2];
        double total = 0.0;
        for (double[] point : standardised) {
            model.nearestStandardised(point, out);
            total += out[0];
        }
        return total;
    }

    /** Labels of standardised points under a model. */
    public static int[] labels(SegmentModel model, double[][] standardised) {
        double[] out = new double[2];
        int[] labels = new int[standardised.length];
        for (int i = 0; i < standardised.length; i++) {
            labels[i] = model.nearestStandardised(standardised[i], out);
        }
        return labels;
    }

    /**
     * Adjusted Rand index (Hubert and Arabie 1985): 1 for the same partition, about 0 for
     * independent ones, whatever the label numbers.
     */
    public static double adjustedRandIndex(int[] a, int[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("labelings differ in length");
        }
        Map<Long, Long> cells = new HashMap<>();
        Map<Integer, Long> rows = new HashMap<>();
        Map<Integer, Long> columns = new HashMap<>();
        for (int i = 0; i < a.length; i++) {
            cells.merge(((long) a[i] << 32) ^ (b[i] & 0xffffffffL), 1L, Long::sum);
            rows.merge(a[i], 1L, Long::sum);
            columns.merge(b[i], 1L, Long::sum);
        }
        double index = 0.0;
        for (long n : cells.values()) {
            index += pairs(n);
        }
        double rowPairs = 0.0;
        for (long n : rows.values()) {
            rowPairs += pairs(n);
        }
        double columnPairs = 0.0;
        for (long n : columns.values()) {
            columnPairs += pairs(n);
        }
        double expected = rowPairs * columnPairs / pairs(a.length);
        double max = (rowPairs + columnPairs) / 2.0;
        if (max == expected) {
            return 1.0;
        }
        return (index - expected) / (max - expected);
    }

    private static double pairs(long n) {
        return n * (n - 1) / 2.0;
    }
}
