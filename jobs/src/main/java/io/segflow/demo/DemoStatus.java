package io.segflow.demo;

import java.util.List;

/**
 * One look at the running demo, as the console shows it.
 *
 * @param inputRecords records in the four input topics so far
 * @param inputPerSecond how fast the input topics grow
 * @param lag input records the job has not yet committed (at its last checkpoint); -1 before the
 *     first
 */
public record DemoStatus(
        long inputRecords,
        double inputPerSecond,
        long lag,
        long profiles,
        List<SegmentSize> segments,
        Long modelVersion,
        long modelVersions,
        long deadLetters,
        String jobStatus) {

    public record SegmentSize(int segmentId, String name, long customers) {}

    long segmented() {
        return segments.stream().mapToLong(SegmentSize::customers).sum();
    }
}
