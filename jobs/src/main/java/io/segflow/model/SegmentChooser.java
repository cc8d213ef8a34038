package io.segflow.model;

/**
 * Decides a customer's segment from the nearest centre, with hysteresis so that a customer near a
 * boundary does not flap between two segments, and a confidence that reflects both how clearly they
 * belong (the margin to the next centre) and how much data stands behind their profile.
 */
public final class SegmentChooser {

    /** Coarse confidence, so that downstream systems hear of a change only when it matters. */
    public enum ConfidenceClass {
        LOW,
        MEDIUM,
        HIGH;

        static ConfidenceClass of(double confidence) {
            return confidence >= 0.6 ? HIGH : confidence >= 0.3 ? MEDIUM : LOW;
        }
    }

    /** The chosen segment, its distance (standardised units) and the confidence. */
    public record Decision(
            int segment, double distance, double confidence, ConfidenceClass confidenceClass) {}

    private final double hysteresis;

    /**
     * @param hysteresis how much nearer (as a fraction of the distance to the current centre) a new
     *     centre must be before the customer moves: 0 moves at once, 0.1 needs 10% nearer
     */
    public SegmentChooser(double hysteresis) {
        if (hysteresis < 0 || hysteresis >= 1) {
            throw new IllegalArgumentException("hysteresis must be in [0, 1)");
        }
        this.hysteresis = hysteresis;
    }

    /**
     * @param nearest the nearest centre of the profile
     * @param current the customer's segment so far, or -1
     * @param distanceToCurrent the profile's distance to that segment's centre (ignored for -1)
     * @param evidence how much data stands behind the profile, in [0, 1]
     */
    public Decision choose(
            Assignment nearest, int current, double distanceToCurrent, double evidence) {
        int segment = nearest.segment();
        double distance = nearest.distance();
        double margin = nearest.margin();
        if (current >= 0
                && current != segment
                && nearest.distance() > (1 - hysteresis) * distanceToCurrent) {
            // not clearly nearer: stay, with the margin measured from the staying centre
            segment = current;
            distance = distanceToCurrent;
            margin =
                    distanceToCurrent > 0
                            ? Math.max(
                                    0.0,
                                    1
                                            - distanceToCurrent
                                                    / Math.max(
                                                            nearest.secondDistance(),
                                                            distanceToCurrent))
                            : 1.0;
            margin = Math.min(margin, nearest.margin());
        }
        double confidence = margin * (0.5 + 0.5 * clamp(evidence));
        return new Decision(segment, distance, confidence, ConfidenceClass.of(confidence));
    }

    /**
     * How much data stands behind a profile: the share of its features that are known and not zero
     * (a zero count means the source has nothing on this customer yet).
     */
    public static double evidence(double[] raw) {
        if (raw.length == 0) {
            return 0.0;
        }
        int informative = 0;
        for (double v : raw) {
            if (!Double.isNaN(v) && v != 0.0) {
                informative++;
            }
        }
        return (double) informative / raw.length;
    }

    private static double clamp(double v) {
        return Math.max(0.0, Math.min(1.0, v));
    }
}
