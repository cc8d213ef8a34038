package io.segflow.model;

import java.util.Locale;

/**
 * Decides a customer's segment from the nearest centre (or, for a mixture model, the component of
 * highest posterior), with hysteresis so that a customer near a boundary does not flap between two
 * segments, and a confidence that reflects both how clearly they belong (the margin to the next
 * centre, or the posterior's lead over the runner-up's: {@link Assignment#margin()}) and how much
 * data stands behind their profile.
 *
 * <p>Hysteresis, in both kinds of model: a customer moves when the new segment's margin over their
 * current one is at least the hysteresis. Nearest centre: the new centre is that fraction nearer
 * (distance to it at most (1 - hysteresis) times the distance to the current one). Mixture: the new
 * component's posterior exceeds the current one's by at least the hysteresis (0.1: ten points of
 * probability).
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

        /**
         * The class of {@code confidence} for a customer whose class is {@code current} (null: a
         * first assignment): they keep it while the confidence is within {@code band} of its range.
         */
        static ConfidenceClass of(double confidence, ConfidenceClass current, double band) {
            ConfidenceClass plain = of(confidence);
            if (current == null || plain == current) {
                return plain;
            }
            return of(confidence + band) == current || of(confidence - band) == current
                    ? current
                    : plain;
        }
    }

    /**
     * Whether enough data stands behind an assignment to act on it. A segment is <b>confirmed</b>
     * when the profile has a known, non-zero value for at least {@link #CONFIRMING_EVIDENCE} of the
     * model's features and the customer is at least {@link #CONFIRMING_MARGIN} nearer to the centre
     * of their segment than to the next (margin = 1 - distance / distance to the next centre; for a
     * mixture model: the posterior of their segment minus the runner-up's is at least {@link
     * #CONFIRMING_MARGIN}); otherwise it is <b>provisional</b>.
     *
     * <p>Why these two: the assigner sees only the model's features, and a zero there means the
     * source has nothing on the customer yet. A CRM row alone fills one feature of the shipped
     * seventeen (age); one session fills the web counts of that session and one or two topic
     * shares, less than half; a customer who read on several visits or used the product fills more
     * than half. A margin under 0.1 is where the default hysteresis (0.1) still lets a customer
     * move: such a segment is not settled, however much data there is.
     */
    public enum Status {
        PROVISIONAL,
        CONFIRMED;

        // asked for every customer at every model version
        private final String column = name().toLowerCase(Locale.ROOT);

        /** As written to customer_segment.status and the assignments topic. */
        public String column() {
            return column;
        }

        /** The status written as {@code column}; null for null (no assignment yet). */
        public static Status ofColumn(String column) {
            // asked for every customer at every model version: no string made
            for (Status status : values()) {
                if (status.column.equals(column)) {
                    return status;
                }
            }
            return null;
        }
    }

    /** Share of the features a profile must have data for, at least, to be confirmed. */
    public static final double CONFIRMING_EVIDENCE = 0.5;

    /** Margin to the next centre a confirmed customer keeps, at least. */
    public static final double CONFIRMING_MARGIN = 0.1;

    /** The rule of {@link Status}: evidence and margin both in [0, 1]. */
    public static Status status(double evidence, double margin) {
        return evidence >= CONFIRMING_EVIDENCE && margin >= CONFIRMING_MARGIN
                ? Status.CONFIRMED
                : Status.PROVISIONAL;
    }

    /**
     * The status for a customer whose status is {@code current} (null: a first assignment): a
     * confirmed customer stays confirmed while the margin is within {@code band} of the bound. The
     * evidence has no band: it changes only with the profile, not with the model.
     */
    static Status status(double evidence, double margin, Status current, double band) {
        Status plain = status(evidence, margin);
        if (current == Status.CONFIRMED
                && plain == Status.PROVISIONAL
                && evidence >= CONFIRMING_EVIDENCE
                && margin >= CONFIRMING_MARGIN - band) {
            return Status.CONFIRMED;
        }
        return plain;
    }

    /** The chosen segment, its distance (standardised units), the confidence and the status. */
    public record Decision(
            int segment,
            double distance,
            double confidence,
            ConfidenceClass confidenceClass,
            Status status) {}

    private final double hysteresis;

    /**
     * How far past a boundary of confidence class or status a customer who stays in their segment
     * must be before that changes: half the hysteresis. Every model version moves the centres a
     * little (and a fit check rescales them): without a band, each moved the customers near 0.3,
     * 0.6 or the margin bound across it and back, a row each time (at 100,000 customers up to
     * 42,000 rows for one version).
     */
    private final double band;

    /**
     * @param hysteresis how much nearer (as a fraction of the distance to the current centre) a new
     *     centre must be before the customer moves: 0 moves at once, 0.1 needs 10% nearer
     */
    public SegmentChooser(double hysteresis) {
        if (hysteresis < 0 || hysteresis >= 1) {
            throw new IllegalArgumentException("hysteresis must be in [0, 1)");
        }
        this.hysteresis = hysteresis;
        this.band = hysteresis / 2;
    }

    /**
     * @param nearest the nearest centre of the profile
     * @param current the customer's segment so far, or -1
     * @param distanceToCurrent the profile's distance to that segment's centre (ignored for -1)
     * @param evidence how much data stands behind the profile, in [0, 1]
     */
    public Decision choose(
            Assignment nearest, int current, double distanceToCurrent, double evidence) {
        return choose(nearest, current, distanceToCurrent, Double.NaN, evidence);
    }

    /** Without the customer's class and status so far: both are decided without a band. */
    public Decision choose(
            Assignment best,
            int current,
            double distanceToCurrent,
            double posteriorOfCurrent,
            double evidence) {
        return choose(best, current, distanceToCurrent, posteriorOfCurrent, evidence, null, null);
    }

    /**
     * @param best the profile's segment by the model's rule (nearest centre or highest posterior)
     * @param current the customer's segment so far, or -1
     * @param distanceToCurrent the profile's distance to that segment's centre (ignored for -1)
     * @param posteriorOfCurrent for a mixture model, that segment's posterior (ignored otherwise)
     * @param evidence how much data stands behind the profile, in [0, 1]
     * @param currentClass the customer's confidence class so far, or null
     * @param currentStatus the customer's status so far, or null
     */
    public Decision choose(
            Assignment best,
            int current,
            double distanceToCurrent,
            double posteriorOfCurrent,
            double evidence,
            ConfidenceClass currentClass,
            Status currentStatus) {
        int segment = best.segment();
        double distance = best.distance();
        double margin = best.margin();
        if (current >= 0 && current != segment) {
            if (best.byPosterior()) {
                if (best.posterior() - posteriorOfCurrent < hysteresis) {
                    // not clearly more probable: stay; the current component is not the most
                    // probable, so it has no lead over the runner-up
                    segment = current;
                    distance = distanceToCurrent;
                    margin = 0.0;
                }
            } else if (best.distance() > (1 - hysteresis) * distanceToCurrent) {
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
                                                                best.secondDistance(),
                                                                distanceToCurrent))
                                : 1.0;
                margin = Math.min(margin, best.margin());
            }
        }
        double confidence = margin * (0.5 + 0.5 * clamp(evidence));
        // a customer who changes segment is decided afresh
        boolean stays = current >= 0 && segment == current;
        double bandOfStay = stays ? band : 0.0;
        return new Decision(
                segment,
                distance,
                confidence,
                ConfidenceClass.of(confidence, stays ? currentClass : null, bandOfStay),
                status(clamp(evidence), margin, stays ? currentStatus : null, bandOfStay));
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
