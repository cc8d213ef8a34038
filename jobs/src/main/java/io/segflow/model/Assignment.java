package io.segflow.model;

/**
 * Where a point belongs: its segment (centre index), the distance to that segment's centre and to
 * the runner-up's, both in standardised units; for a mixture model also the posterior probability
 * of the segment and of the runner-up (the component of second highest posterior), NaN otherwise.
 */
public record Assignment(
        int segment,
        double distance,
        double secondDistance,
        double posterior,
        double secondPosterior) {

    /** A nearest-centre assignment: no posteriors. */
    public Assignment(int segment, double distance, double secondDistance) {
        this(segment, distance, secondDistance, Double.NaN, Double.NaN);
    }

    /** Whether the segment is a mixture component of highest posterior, not a nearest centre. */
    public boolean byPosterior() {
        return !Double.isNaN(posterior);
    }

    /**
     * How clearly the point belongs to its segment, in [0, 1]. Nearest centre: 1 - distance /
     * distance to the runner-up's centre (0 halfway between two centres, 1 on its centre). Mixture:
     * the segment's posterior minus the runner-up's (0 when two components are equally probable, 1
     * when the point surely belongs to its component).
     */
    public double margin() {
        if (byPosterior()) {
            double secondOrNone = Double.isNaN(secondPosterior) ? 0.0 : secondPosterior;
            return Math.max(0.0, Math.min(1.0, posterior - secondOrNone));
        }
        if (!(secondDistance > 0) || Double.isInfinite(secondDistance)) {
            return 1.0;
        }
        return Math.max(0.0, Math.min(1.0, (secondDistance - distance) / secondDistance));
    }
}
