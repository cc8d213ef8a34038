package io.segflow.segments;

import java.util.Objects;

/** A customer's segment as written to customer_segment and the assignments topic. */
public class SegmentAssignment {

    public long customerId;
    public int segmentId;
    public String segmentName;
    public double distance;
    public double confidence;
    public String confidenceClass;
    public long modelVersion;
    public long assignedAtMillis;

    /** True when the customer was deleted: the row must go. */
    public boolean deleted;

    public SegmentAssignment() {}

    public static SegmentAssignment deletion(long customerId, long modelVersion, long atMillis) {
        SegmentAssignment deletion = new SegmentAssignment();
        deletion.customerId = customerId;
        deletion.segmentId = -1;
        deletion.modelVersion = modelVersion;
        deletion.assignedAtMillis = atMillis;
        deletion.deleted = true;
        return deletion;
    }

    @Override
    public String toString() {
        return deleted
                ? "SegmentAssignment{" + customerId + " deleted}"
                : "SegmentAssignment{"
                        + customerId
                        + " -> "
                        + segmentId
                        + " '"
                        + segmentName
                        + "' d="
                        + distance
                        + " conf="
                        + confidence
                        + " "
                        + confidenceClass
                        + " v"
                        + modelVersion
                        + "}";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SegmentAssignment other
                && other.customerId == customerId
                && other.segmentId == segmentId
                && other.deleted == deleted
                && other.modelVersion == modelVersion
                && Objects.equals(other.confidenceClass, confidenceClass);
    }

    @Override
    public int hashCode() {
        return Objects.hash(customerId, segmentId, deleted, modelVersion);
    }
}
