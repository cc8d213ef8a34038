package io.segflow.model;

/**
 * Where a point belongs: the nearest centre, its distance and the distance to the runner-up, both
 * in standardised units.
 */
public record Assignment(int segment, double distance, double secondDistance) {

    /**
     * How clearly the point belongs to its segment: 0 halfway between two centres, 1 on its centre.
     */
    public double margin() {
        if (!(secondDistance > 0) || Double.isInfinite(secondDistance)) {
            return 1.0;
        }
        return Math.max(0.0, Math.min(1.0, (secondDistance - distance) / secondDistance));
    }
}
