package io.segflow.model;

import java.util.Arrays;
import java.util.List;

/**
 * Gives the centroids of a new model version their segment ids, so that an id keeps its meaning
 * across versions: each new centroid is paired with at most one previous centroid by the Hungarian
 * algorithm on squared standardised distance (the pairing that moves the centres least in total,
 * where greedy nearest-first can steal a partner and cascade). A pair inherits the previous id when
 * the centres are at most {@code maxDistance} apart; a new centroid left unpaired (k grew) or
 * paired too far away is a new segment and gets a fresh id above every id ever used, so a retired
 * id is never handed to a different segment.
 *
 * <p>Both sets of centroids must be in the same standardisation; a caller holding models with
 * different scalings converts the previous centres through feature units (see {@link
 * #inScalingOf}).
 */
public final class SegmentIdMatcher {

    /**
     * Default largest distance (standardised units, Euclidean over all features) at which a new
     * centroid still continues a previous segment: one population standard deviation. Centres of
     * the same segment refitted on a similar snapshot move a small fraction of that (their
     * estimation error shrinks as 1/sqrt(size)); segments worth telling apart sit several units
     * apart, or k-means would not have split them. It is the streaming trainer's threshold too
     * (StreamingModel, once settled), so batch and stream agree on what "the same segment" means.
     */
    public static final double DEFAULT_MAX_DISTANCE = 1.0;

    /**
     * @param ids the segment id of each new centroid
     * @param previousIndex for each new centroid, the index of the previous centroid whose id it
     *     took, or -1 when it is a new segment
     * @param highestIdUsed the highest id used by this or any earlier version, to pass on
     */
    public record Matching(int[] ids, int[] previousIndex, int highestIdUsed) {

        /** Whether new centroid c continues a previous segment. */
        public boolean continues(int c) {
            return previousIndex[c] >= 0;
        }
    }

    private SegmentIdMatcher() {}

    /**
     * @param previousCentroids the previous version's centroids, standardised like {@code
     *     newCentroids}
     * @param previousIds the segment id of each previous centroid
     * @param newCentroids the centroids of the new version
     * @param highestIdUsed the highest segment id any published version ever used (e.g. the maximum
     *     over segment_model), or -1 when none was; the previous ids count as used too
     * @param maxDistance beyond this Euclidean distance a pair is not the same segment
     */
    public static Matching match(
            double[][] previousCentroids,
            int[] previousIds,
            double[][] newCentroids,
            int highestIdUsed,
            double maxDistance) {
        if (previousCentroids.length != previousIds.length) {
            throw new IllegalArgumentException(
                    previousCentroids.length
                            + " previous centroids but "
                            + previousIds.length
                            + " ids");
        }
        if (!(maxDistance >= 0)) {
            throw new IllegalArgumentException("maxDistance must be >= 0, was " + maxDistance);
        }
        int highest = highestIdUsed;
        for (int id : previousIds) {
            highest = Math.max(highest, id);
        }
        int k = newCentroids.length;
        int[] ids = new int[k];
        int[] previousIndex = new int[k];
        Arrays.fill(previousIndex, -1);
        if (previousCentroids.length > 0 && k > 0) {
            double[][] cost = new double[k][previousCentroids.length];
            for (int c = 0; c < k; c++) {
                for (int p = 0; p < previousCentroids.length; p++) {
                    double distance = Silhouette.distance(newCentroids[c], previousCentroids[p]);
                    cost[c][p] = distance * distance;
                }
            }
            int[] pairedWith = HungarianAlgorithm.assign(cost);
            for (int c = 0; c < k; c++) {
                int p = pairedWith[c];
                if (p >= 0 && Math.sqrt(cost[c][p]) <= maxDistance) {
                    previousIndex[c] = p;
                    ids[c] = previousIds[p];
                }
            }
        }
        for (int c = 0; c < k; c++) {
            if (previousIndex[c] < 0) {
                ids[c] = ++highest;
            }
        }
        return new Matching(ids, previousIndex, highest);
    }

    /**
     * Ids for the centroids of a new version given the previous model, if any: with no previous
     * model, or one trained on other features (its distances mean nothing here), every centroid is
     * a new segment, numbered from highestIdUsed + 1 (0 when nothing was ever published).
     *
     * @param newCentroids standardised with {@code newScaling}
     */
    public static Matching match(
            SegmentModel previous,
            List<String> features,
            FeatureScaling newScaling,
            double[][] newCentroids,
            int highestIdUsed,
            double maxDistance) {
        if (previous == null) {
            return match(new double[0][], new int[0], newCentroids, highestIdUsed, maxDistance);
        }
        int[] previousIds = new int[previous.k()];
        for (int c = 0; c < previous.k(); c++) {
            previousIds[c] = previous.segmentId(c);
        }
        if (!previous.features().equals(features)) {
            // the previous ids still count as used: a different segment must not take one
            int highest = highestIdUsed;
            for (int id : previousIds) {
                highest = Math.max(highest, id);
            }
            return match(new double[0][], new int[0], newCentroids, highest, maxDistance);
        }
        return match(
                inScalingOf(previous, newScaling),
                previousIds,
                newCentroids,
                highestIdUsed,
                maxDistance);
    }

    /** The previous model's centres, through feature units, in another standardisation. */
    public static double[][] inScalingOf(SegmentModel previous, FeatureScaling scaling) {
        double[][] centres = new double[previous.k()][];
        for (int c = 0; c < previous.k(); c++) {
            centres[c] = scaling.scale(previous.centroid(c));
        }
        return centres;
    }
}
