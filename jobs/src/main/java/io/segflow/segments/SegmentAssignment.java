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

    /** 'provisional' or 'confirmed' (SegmentChooser.Status). */
    public String status;

    public long modelVersion;

    /**
     * When this assignment moves the customer to another segment (or gives them their first): the
     * number of that change in segment_history; 0 when the segment stays. For a deletion: how many
     * history rows the customer has, all of which go.
     */
    public int historySeq;

    /** The segment the customer leaves; null for their first segment or no move. */
    public Integer previousSegmentId;

    public long assignedAtMillis;

    /** True when the customer was deleted: the row must go. */
    public boolean deleted;

    public SegmentAssignment() {}

    public static SegmentAssignment deletion(
            long customerId, long modelVersion, int historyRows, long atMillis) {
        SegmentAssignment deletion = new SegmentAssignment();
        deletion.historySeq = historyRows;
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
                        + " "
                        + status
                        + (historySeq > 0 ? " change#" + historySeq : "")
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
                && other.historySeq == historySeq
                && Objects.equals(other.previousSegmentId, previousSegmentId)
                && Objects.equals(other.status, status)
                && Objects.equals(other.confidenceClass, confidenceClass);
    }

    @Override
    public int hashCode() {
        return Objects.hash(customerId, segmentId, deleted, modelVersion);
    }
}
