package io.segflow.model;

import java.time.Duration;

/** What streaming training and retraining share unless told otherwise. */
public final class ModelDefaults {

    /** Segments in a model. */
    public static final int K = 6;

    /** Random seed of every fit, so that runs over the same data give the same model. */
    public static final long SEED = 42L;

    /**
     * How long segment_history keeps a change: 400 days, so that a segment of this month can be
     * compared with the same month a year ago (infra/PostgresSchema deletes older rows).
     */
    public static final Duration SEGMENT_HISTORY_RETENTION = Duration.ofDays(400);

    private ModelDefaults() {}
}
