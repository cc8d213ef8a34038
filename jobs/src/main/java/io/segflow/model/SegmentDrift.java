package io.segflow.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Watches whether the segments still describe the customers: per segment, the share of recent
 * profile updates nearest to it and their mean distance to its centre (standardised units), as
 * exponentially decayed sums, against a baseline measured the same way right after the last
 * batch-trained model (a retrain, a warm start, or the stream's own model once it settled).
 *
 * <p>The baseline is measured on updates, not taken from the model's recorded sizes: sizes count
 * customers, while updates come more often from active customers, so comparing update shares with
 * customer shares would flag a stationary stream whose segments differ in activity. The first
 * {@link Settings#minimumUpdates} updates after a baseline point make the baseline; the recent
 * figures start after them and are judged only once as many updates again have arrived, so a
 * stationary stream never flags on a handful of updates.
 *
 * <p>A segment drifts when its recent share differs from its baseline share by more than {@link
 * Settings#shareBound} (absolute), or its customers sit more than {@link Settings#distanceBound}
 * (relative) farther from its centre than at the baseline.
 */
public final class SegmentDrift {

    /**
     * How drift is judged.
     *
     * @param halfLifeUpdates after this many updates an update weighs half as much in the recent
     *     figures
     * @param minimumUpdates updates that make the baseline, and the least number of updates after
     *     it before any segment is judged
     * @param stabilityBound the population stability index of the segments' shares (recent against
     *     baseline) above which their shares have drifted
     * @param distanceBound largest relative rise of a segment's mean distance that is no drift
     * @param warmUpUpdates updates left out before the baseline of a model the stream trained
     *     itself: its customers' profiles are still filling in when it settles
     * @param checkEveryUpdates a check every this many updates once judging (counted, so that a
     *     replay checks at the same points)
     * @param persistChecks checks in a row that must see the stability bound crossed before it is a
     *     flag
     * @param distancePersistChecks checks in a row that must see a segment's distance bound crossed
     *     before it is a flag: more than for shares, because one segment's mean distance wanders
     *     more than the index of all shares
     */
    public record Settings(
            double halfLifeUpdates,
            long minimumUpdates,
            double stabilityBound,
            double distanceBound,
            long warmUpUpdates,
            long checkEveryUpdates,
            int persistChecks,
            int distancePersistChecks)
            implements Serializable {

        /** Conventional line of a significant shift in a population stability index. */
        public static final double DEFAULT_STABILITY_BOUND = 0.1;

        public static final double DEFAULT_DISTANCE_BOUND = 0.5;

        /** Updates of the baseline and half-life of the recent figures, by default. */
        public static final long DEFAULT_WINDOW_UPDATES = 5_000;

        public static Settings defaults() {
            return of(DEFAULT_WINDOW_UPDATES, DEFAULT_STABILITY_BOUND, DEFAULT_DISTANCE_BOUND);
        }

        /**
         * The settings the options of `segflow run` give: a window of updates (the baseline's
         * updates and the recent figures' half-life; the warm-up is two windows, a check every two
         * fifths of one) and the two bounds.
         */
        public static Settings of(long windowUpdates, double stabilityBound, double distanceBound) {
            if (windowUpdates < 5) {
                throw new IllegalArgumentException(
                        "the drift window must be at least 5 updates, not " + windowUpdates);
            }
            return new Settings(
                    windowUpdates,
                    windowUpdates,
                    stabilityBound,
                    distanceBound,
                    2 * windowUpdates,
                    Math.max(1, windowUpdates * 2 / 5),
                    2,
                    3);
        }

        public Settings {
            if (!(halfLifeUpdates > 0) || minimumUpdates < 1) {
                throw new IllegalArgumentException(
                        "drift needs a positive half-life and minimum of updates");
            }
            if (warmUpUpdates < 0
                    || checkEveryUpdates < 1
                    || persistChecks < 1
                    || distancePersistChecks < 1) {
                throw new IllegalArgumentException(
                        "drift needs a warm-up of zero or more, a check every 1 or more updates"
                                + " and at least 1 check to persist");
            }
            if (!(stabilityBound > 0) || !(distanceBound > 0)) {
                throw new IllegalArgumentException(
                        "drift bounds must be positive, not "
                                + stabilityBound
                                + " and "
                                + distanceBound);
            }
        }
    }

    /**
     * One segment's figures at a check; {@code action} is null when it has not drifted. {@code
     * stabilityIndex} is the population stability index of all segments' shares at this check (the
     * same on each segment's row).
     */
    public record Check(
            int segmentId,
            double share,
            double baselineShare,
            double meanDistance,
            double baselineMeanDistance,
            double stabilityIndex,
            boolean drifted,
            String action) {}

    /** Everything needed to continue exactly: what the trainer checkpoints. */
    public static final class State implements Serializable {
        private static final long serialVersionUID = 1L;

        /** Whether a baseline point was set (else nothing is measured). */
        public boolean baselineStarted;

        /** The model version the baseline belongs to. */
        public long baselineVersion;

        /** Updates still to be left out before the baseline. */
        public long warmUpLeft;

        /** Updates counted into the baseline so far (it is complete at the minimum). */
        public long baselineUpdates;

        /** Updates counted into the recent figures since the baseline was complete. */
        public long recentUpdates;

        /** Checks in a row whose stability index was above the bound. */
        public int unstableChecks;

        /** By segment id: baseline updates, their distance sum, decayed recent weight, distance. */
        public int[] segmentIds = new int[0];

        public double[] baselineCount = new double[0];
        public double[] baselineDistance = new double[0];
        public double[] recentWeight = new double[0];
        public double[] recentDistance = new double[0];

        /** By segment: checks in a row whose mean distance was above the bound. */
        public int[] fartherChecks = new int[0];
    }

    /** Sums of one segment. */
    private static final class Sums {
        double baselineCount;
        double baselineDistance;
        double recentWeight;
        double recentDistance;
        int fartherChecks;
    }

    /** See {@link #stabilityTerm}. */
    static final double SHARE_FLOOR = 0.01;

    /**
     * Segments with a smaller baseline share are not judged on distance: the mean of a few
     * customers wanders.
     */
    static final double MINIMUM_SHARE_FOR_DISTANCE = 0.05;

    private final Settings settings;
    private final double decay;
    private final Map<Integer, Sums> bySegment = new TreeMap<>();
    private boolean baselineStarted;
    private long baselineVersion;
    private long warmUpLeft;
    private long baselineUpdates;
    private long recentUpdates;
    private int unstableChecks;

    public SegmentDrift(Settings settings) {
        this.settings = settings;
        this.decay = Math.pow(0.5, 1 / settings.halfLifeUpdates());
    }

    /** A tracker continuing from checkpointed state. */
    public static SegmentDrift restore(Settings settings, State state) {
        SegmentDrift drift = new SegmentDrift(settings);
        drift.baselineStarted = state.baselineStarted;
        drift.baselineVersion = state.baselineVersion;
        drift.warmUpLeft = state.warmUpLeft;
        drift.baselineUpdates = state.baselineUpdates;
        drift.recentUpdates = state.recentUpdates;
        drift.unstableChecks = state.unstableChecks;
        for (int i = 0; i < state.segmentIds.length; i++) {
            Sums sums = new Sums();
            sums.baselineCount = state.baselineCount[i];
            sums.baselineDistance = state.baselineDistance[i];
            sums.recentWeight = state.recentWeight[i];
            sums.recentDistance = state.recentDistance[i];
            sums.fartherChecks = state.fartherChecks[i];
            drift.bySegment.put(state.segmentIds[i], sums);
        }
        return drift;
    }

    public State state() {
        State state = new State();
        state.baselineStarted = baselineStarted;
        state.baselineVersion = baselineVersion;
        state.warmUpLeft = warmUpLeft;
        state.baselineUpdates = baselineUpdates;
        state.recentUpdates = recentUpdates;
        state.unstableChecks = unstableChecks;
        int n = bySegment.size();
        state.segmentIds = new int[n];
        state.baselineCount = new double[n];
        state.baselineDistance = new double[n];
        state.recentWeight = new double[n];
        state.recentDistance = new double[n];
        state.fartherChecks = new int[n];
        int i = 0;
        for (Map.Entry<Integer, Sums> entry : bySegment.entrySet()) {
            state.segmentIds[i] = entry.getKey();
            state.baselineCount[i] = entry.getValue().baselineCount;
            state.baselineDistance[i] = entry.getValue().baselineDistance;
            state.recentWeight[i] = entry.getValue().recentWeight;
            state.recentDistance[i] = entry.getValue().recentDistance;
            state.fartherChecks[i] = entry.getValue().fartherChecks;
            i++;
        }
        return state;
    }

    /**
     * A batch-trained model is in use from now: the next updates make a new baseline.
     *
     * @param version the model version the baseline belongs to
     * @param warmUp whether to leave out {@link Settings#warmUpUpdates} updates first (the stream's
     *     own model)
     */
    public void rebase(long version, boolean warmUp) {
        bySegment.clear();
        baselineStarted = true;
        baselineVersion = version;
        warmUpLeft = warmUp ? settings.warmUpUpdates() : 0;
        baselineUpdates = 0;
        recentUpdates = 0;
        unstableChecks = 0;
    }

    public boolean baselineStarted() {
        return baselineStarted;
    }

    public long baselineVersion() {
        return baselineVersion;
    }

    /** Updates measured since the baseline point (the warm-up left out): where a check stands. */
    public long updatesMeasured() {
        return baselineUpdates + recentUpdates;
    }

    /** Whether the last update completed another {@link Settings#checkEveryUpdates}. */
    public boolean checkDue() {
        return judging() && recentUpdates % settings.checkEveryUpdates() == 0;
    }

    /** Whether the baseline is complete and enough updates came after it to judge. */
    public boolean judging() {
        return baselineUpdates >= settings.minimumUpdates()
                && recentUpdates >= settings.minimumUpdates();
    }

    /**
     * One profile update, nearest to the given segment at the given distance (standardised units).
     * Ignored before a baseline point.
     */
    public void observe(int segmentId, double distance) {
        if (!baselineStarted || !Double.isFinite(distance)) {
            return;
        }
        if (warmUpLeft > 0) {
            warmUpLeft--;
            return;
        }
        Sums own = bySegment.computeIfAbsent(segmentId, id -> new Sums());
        if (baselineUpdates < settings.minimumUpdates()) {
            baselineUpdates++;
            own.baselineCount++;
            own.baselineDistance += distance;
            return;
        }
        recentUpdates++;
        for (Sums sums : bySegment.values()) {
            sums.recentWeight *= decay;
            sums.recentDistance *= decay;
        }
        own.recentWeight++;
        own.recentDistance += distance;
    }

    /**
     * Every segment's figures (the segments of the baseline or of the recent updates), or none
     * while there is too little to judge. Call it once per due check: a flag needs {@link
     * Settings#persistChecks} checks in a row over a bound.
     */
    public List<Check> check() {
        List<Check> checks = new ArrayList<>();
        if (!judging()) {
            return checks;
        }
        double recentTotal = 0;
        for (Sums sums : bySegment.values()) {
            recentTotal += sums.recentWeight;
        }
        int k = bySegment.size();
        double[] shares = new double[k];
        double[] baselineShares = new double[k];
        double[] contributions = new double[k];
        double stability = 0;
        int i = 0;
        for (Sums sums : bySegment.values()) {
            shares[i] = sums.recentWeight / recentTotal;
            baselineShares[i] = sums.baselineCount / baselineUpdates;
            contributions[i] = stabilityTerm(shares[i], baselineShares[i]);
            stability += contributions[i];
            i++;
        }
        unstableChecks = stability > settings.stabilityBound() ? unstableChecks + 1 : 0;
        boolean sharesDrifted = unstableChecks >= settings.persistChecks();
        // a segment's mean distance is judged only on this many (weighted) updates and a share of
        // them that makes its mean a figure of its customers, not of a few
        double enough = Math.max(1, settings.minimumUpdates() / 100.0);
        i = 0;
        for (Map.Entry<Integer, Sums> entry : bySegment.entrySet()) {
            int id = entry.getKey();
            Sums sums = entry.getValue();
            double distance =
                    sums.recentWeight > 0 ? sums.recentDistance / sums.recentWeight : Double.NaN;
            double baselineDistance =
                    sums.baselineCount > 0
                            ? sums.baselineDistance / sums.baselineCount
                            : Double.NaN;
            boolean farther =
                    sums.recentWeight >= enough
                            && sums.baselineCount >= enough
                            && baselineShares[i] >= MINIMUM_SHARE_FOR_DISTANCE
                            && baselineDistance > 0
                            && distance / baselineDistance > 1 + settings.distanceBound();
            sums.fartherChecks = farther ? sums.fartherChecks + 1 : 0;
            String action = null;
            // the segments that moved the index most: a fifth of it or more
            if (sharesDrifted && contributions[i] >= 0.2 * stability) {
                action =
                        String.format(
                                Locale.ROOT,
                                "retrain: segment %d's share %s from %.0f%% to %.0f%% of recent"
                                        + " updates (stability index %.2f over all segments)",
                                id,
                                shares[i] > baselineShares[i] ? "rose" : "fell",
                                100 * baselineShares[i],
                                100 * shares[i],
                                stability);
            } else if (sums.fartherChecks >= settings.distancePersistChecks()) {
                action =
                        String.format(
                                Locale.ROOT,
                                "retrain: customers sit %.0f%% farther from segment %d's centre"
                                        + " (mean distance %.2f, was %.2f)",
                                100 * (distance / baselineDistance - 1),
                                id,
                                distance,
                                baselineDistance);
            }
            checks.add(
                    new Check(
                            id,
                            shares[i],
                            baselineShares[i],
                            distance,
                            baselineDistance,
                            stability,
                            action != null,
                            action));
            i++;
        }
        return checks;
    }

    /**
     * A segment's term of the population stability index, sum over segments of (recent - baseline)
     * * ln(recent / baseline); shares are floored at {@value #SHARE_FLOOR} so that a segment that
     * empties or appears counts as large, not infinite.
     */
    static double stabilityTerm(double share, double baselineShare) {
        double recent = Math.max(share, SHARE_FLOOR);
        double baseline = Math.max(baselineShare, SHARE_FLOOR);
        return (recent - baseline) * Math.log(recent / baseline);
    }
}
