package io.segflow.model;

/**
 * Whether a fit that adds segments separates customers another model holds together: two groups
 * with a gap between them in one segment, rather than one group cut in two. k-means cuts any group
 * it is given more centres for, so the gain in inertia alone cannot say which a new segment is.
 *
 * <p>For each new segment of the candidate, the current segment most of its customers come from is
 * looked at along the line between the new segment's centre and that of the candidate segment
 * taking most of the rest of them. The share of that projection's variance between the two parts is
 * 2/π (0.64) for a normal group cut at its mean and 0.75 for a uniform one; two groups with a gap
 * of four of their standard deviations between them give 0.8 and more.
 */
final class SegmentSeparation {

    /**
     * The share between the parts at and above which a cut separates groups with a gap. Measured
     * (docs/streaming-at-scale.md): fits that cut a demo-like base's personas differently than the
     * model did, 0.61 to 0.82 (one of twelve seeds 0.88, after which the segments matched the
     * personas better); fits that separate two behaviours a settled model held in one segment, 0.84
     * to 0.93.
     */
    static final double SEPARATED = 0.85;

    private SegmentSeparation() {}

    /**
     * Whether one of the candidate's new segments (those {@code isNew} marks) separates customers
     * the current model holds in one segment ({@link #strongestOfNewSegments} at least {@link
     * #SEPARATED}).
     */
    static boolean separatesGroups(
            SegmentModel current, SegmentModel candidate, double[][] points, boolean[] isNew) {
        return strongestOfNewSegments(current, candidate, points, isNew) >= SEPARATED;
    }

    /**
     * The strongest separation among the candidate's new segments (those {@code isNew} marks), in
     * [0, 1]; 0 when it has none. Points are standardised in the scaling of both models.
     */
    static double strongestOfNewSegments(
            SegmentModel current, SegmentModel candidate, double[][] points, boolean[] isNew) {
        int k = candidate.k();
        double[] distances = new double[2];
        int[] was = new int[points.length];
        int[] is = new int[points.length];
        for (int i = 0; i < points.length; i++) {
            was[i] = current.nearestStandardised(points[i], distances);
            is[i] = candidate.nearestStandardised(points[i], distances);
        }
        double strongest = 0;
        for (int created = 0; created < k; created++) {
            if (isNew[created]) {
                strongest =
                        Math.max(
                                strongest, of(created, current.k(), k, was, is, points, candidate));
            }
        }
        return strongest;
    }

    private static double of(
            int created,
            int currentK,
            int k,
            int[] was,
            int[] is,
            double[][] points,
            SegmentModel candidate) {
        int source = mostCommon(currentK, was, is, created, -1);
        if (source < 0) {
            return 0;
        }
        int rest = mostCommon(k, is, was, source, created);
        if (rest < 0) {
            return 0;
        }
        double[] from = candidate.standardisedCentroid(rest);
        double[] to = candidate.standardisedCentroid(created);
        double[] line = new double[from.length];
        for (int j = 0; j < line.length; j++) {
            line[j] = to[j] - from[j];
        }
        double[] sum = new double[2];
        double[] sumOfSquares = new double[2];
        long[] count = new long[2];
        for (int i = 0; i < points.length; i++) {
            if (was[i] != source || (is[i] != created && is[i] != rest)) {
                continue;
            }
            double projection = 0;
            for (int j = 0; j < line.length; j++) {
                projection += points[i][j] * line[j];
            }
            int part = is[i] == created ? 0 : 1;
            sum[part] += projection;
            sumOfSquares[part] += projection * projection;
            count[part]++;
        }
        if (count[0] < 2 || count[1] < 2) {
            return 0;
        }
        double within = 0;
        for (int part = 0; part < 2; part++) {
            within += sumOfSquares[part] - sum[part] * sum[part] / count[part];
        }
        long n = count[0] + count[1];
        double total = sumOfSquares[0] + sumOfSquares[1] - Math.pow(sum[0] + sum[1], 2) / n;
        return total > 0 ? 1 - within / total : 0;
    }

    /**
     * The value of {@code of} most common among the points whose {@code where} is {@code at}, other
     * than {@code except}; -1 when there is none.
     */
    private static int mostCommon(int values, int[] of, int[] where, int at, int except) {
        long[] counts = new long[values];
        for (int i = 0; i < of.length; i++) {
            if (where[i] == at && of[i] != except) {
                counts[of[i]]++;
            }
        }
        int best = -1;
        for (int v = 0; v < values; v++) {
            if (counts[v] > 0 && (best < 0 || counts[v] > counts[best])) {
                best = v;
            }
        }
        return best;
    }
}
