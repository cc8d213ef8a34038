package io.segflow.insight;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How well probabilities of a yes/no outcome rank and how honest they are: AUC, log loss, lift in
 * the top decile, and the calibration curve. Plain Java on arrays: scores[i] belongs to labels[i]
 * (1 yes, 0 no).
 */
public final class BinaryMetrics {

    private static final double EPSILON = 1e-15;

    private BinaryMetrics() {}

    /**
     * The probability that a random positive scores above a random negative (ties count half): the
     * Mann-Whitney statistic over average ranks. NaN without both classes.
     */
    public static double auc(double[] scores, int[] labels) {
        int n = scores.length;
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        double rankSumOfPositives = 0;
        long positives = 0;
        for (int start = 0; start < n; ) {
            int end = start;
            while (end + 1 < n && scores[order[end + 1]] == scores[order[start]]) {
                end++;
            }
            double averageRank = (start + end) / 2.0 + 1; // ranks from 1, ties share their mean
            for (int i = start; i <= end; i++) {
                if (labels[order[i]] == 1) {
                    rankSumOfPositives += averageRank;
                    positives++;
                }
            }
            start = end + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSumOfPositives - positives * (positives + 1) / 2.0)
                / ((double) positives * negatives);
    }

    /** Mean negative log-likelihood of the labels under the probabilities (natural log). */
    public static double logLoss(double[] probabilities, int[] labels) {
        double sum = 0;
        for (int i = 0; i < probabilities.length; i++) {
            double p = Math.min(1 - EPSILON, Math.max(EPSILON, probabilities[i]));
            sum -= labels[i] == 1 ? Math.log(p) : Math.log(1 - p);
        }
        return sum / probabilities.length;
    }

    /** The positive rate among the highest-scored tenth over the overall positive rate. */
    public static double liftInTopDecile(double[] scores, int[] labels) {
        int n = scores.length;
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        int top = Math.max(1, n / 10);
        double topPositives = 0;
        for (int i = 0; i < top; i++) {
            topPositives += labels[order[i]];
        }
        double baseRate = Arrays.stream(labels).sum() / (double) n;
        return baseRate == 0 ? Double.NaN : (topPositives / top) / baseRate;
    }

    /**
     * A point of the ROC curve: the shares of negatives and of positives scored at or above a cut.
     */
    public record RocPoint(double falsePositiveRate, double truePositiveRate) {}

    /**
     * The ROC curve from (0, 0) to (1, 1), one point per distinct score cut (customers of equal
     * score enter together, so that the area under all the cuts is the {@link #auc}), thinned to at
     * most {@code maxPoints} evenly spaced cuts: a chart needs its shape, not every customer. Empty
     * without both classes.
     */
    public static RocPoint[] rocCurve(double[] scores, int[] labels, int maxPoints) {
        Integer[] order = descending(scores);
        long positives = Arrays.stream(labels).filter(y -> y == 1).count();
        long negatives = labels.length - positives;
        if (positives == 0 || negatives == 0) {
            return new RocPoint[0];
        }
        List<RocPoint> cuts = new ArrayList<>();
        cuts.add(new RocPoint(0, 0));
        long truePositives = 0;
        long falsePositives = 0;
        for (int start = 0; start < order.length; ) {
            int end = start;
            while (end + 1 < order.length && scores[order[end + 1]] == scores[order[start]]) {
                end++;
            }
            for (int i = start; i <= end; i++) {
                if (labels[order[i]] == 1) {
                    truePositives++;
                } else {
                    falsePositives++;
                }
            }
            cuts.add(
                    new RocPoint(
                            (double) falsePositives / negatives,
                            (double) truePositives / positives));
            start = end + 1;
        }
        return thin(cuts, maxPoints).toArray(RocPoint[]::new);
    }

    /**
     * A point of the cumulative gains curve: contacting the highest-scored {@code share} of
     * customers reaches {@code capturedPositives} of all positives, {@code lift} times what a
     * random pick of that size would.
     */
    public record GainsPoint(double share, double capturedPositives, double lift) {}

    /**
     * The cumulative gains and lift at {@code points} equal steps of the list, highest score first
     * (the step at 10 % is {@link #liftInTopDecile} when a tenth is a whole number of customers).
     * Empty without positives.
     */
    public static GainsPoint[] gainsCurve(double[] scores, int[] labels, int points) {
        Integer[] order = descending(scores);
        int n = order.length;
        long positives = Arrays.stream(labels).filter(y -> y == 1).count();
        if (positives == 0 || n == 0) {
            return new GainsPoint[0];
        }
        GainsPoint[] curve = new GainsPoint[points];
        long captured = 0;
        int contacted = 0;
        for (int step = 1; step <= points; step++) {
            int upTo = step == points ? n : Math.max(1, (int) ((long) n * step / points));
            while (contacted < upTo) {
                captured += labels[order[contacted++]];
            }
            double share = (double) contacted / n;
            double gain = (double) captured / positives;
            curve[step - 1] = new GainsPoint(share, gain, gain / share);
        }
        return curve;
    }

    /** Indices by score, highest first; equal scores keep their index order. */
    private static Integer[] descending(double[] scores) {
        Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
        return order;
    }

    /** At most {@code max} of the points, evenly spaced, the first and the last always kept. */
    private static <T> List<T> thin(List<T> points, int max) {
        if (points.size() <= max) {
            return points;
        }
        List<T> kept = new ArrayList<>();
        for (int k = 0; k < max; k++) {
            kept.add(points.get((int) Math.round((double) k * (points.size() - 1) / (max - 1))));
        }
        return kept;
    }

    /** One bin of a calibration curve: the mean predicted probability and the observed rate. */
    public record CalibrationBin(
            double lower, double upper, long count, double meanPredicted, double observedRate) {}

    /** Equal-width bins of predicted probability; empty bins are left out. */
    public static CalibrationBin[] calibrationCurve(
            double[] probabilities, int[] labels, int bins) {
        long[] counts = new long[bins];
        double[] predicted = new double[bins];
        double[] observed = new double[bins];
        for (int i = 0; i < probabilities.length; i++) {
            int bin = Math.min(bins - 1, (int) (probabilities[i] * bins));
            counts[bin]++;
            predicted[bin] += probabilities[i];
            observed[bin] += labels[i];
        }
        return IntStream.range(0, bins)
                .filter(b -> counts[b] > 0)
                .mapToObj(
                        b ->
                                new CalibrationBin(
                                        (double) b / bins,
                                        (double) (b + 1) / bins,
                                        counts[b],
                                        predicted[b] / counts[b],
                                        observed[b] / counts[b]))
                .toArray(CalibrationBin[]::new);
    }

    /**
     * Expected calibration error: the count-weighted mean gap between predicted and observed rates
     * over the bins of the calibration curve.
     */
    public static double expectedCalibrationError(double[] probabilities, int[] labels, int bins) {
        double gap = 0;
        for (CalibrationBin bin : calibrationCurve(probabilities, labels, bins)) {
            gap += bin.count() * Math.abs(bin.meanPredicted() - bin.observedRate());
        }
        return gap / probabilities.length;
    }
}
