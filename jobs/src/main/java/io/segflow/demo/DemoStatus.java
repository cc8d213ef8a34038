package io.segflow.demo;

import java.util.List;

/**
 * One look at the running demo, as the console shows it.
 *
 * @param inputRecords records in the input topics (every input table of the SQL) so far
 * @param inputPerSecond how fast the input topics grow
 * @param lag input records the job has not yet committed (at its last checkpoint); -1 before the
 *     first
 * @param propensityVersion the newest published propensity version, null before any
 * @param liveScores customer_score rows the streaming job has written (scored_by 'stream')
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
        String jobStatus,
        Long propensityVersion,
        long liveScores) {

    /**
     * @param meanPotential the mean potential_score of the segment's customers, null before any
     */
    public record SegmentSize(int segmentId, String name, long customers, Double meanPotential) {
        public SegmentSize(int segmentId, String name, long customers) {
            this(segmentId, name, customers, null);
        }
    }

    long segmented() {
        return segments.stream().mapToLong(SegmentSize::customers).sum();
    }
}
