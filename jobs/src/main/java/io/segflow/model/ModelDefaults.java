package io.segflow.model;

/** What streaming training and retraining share unless told otherwise. */
public final class ModelDefaults {

    /** Segments in a model. */
    public static final int K = 6;

    /** Random seed of every fit, so that runs over the same data give the same model. */
    public static final long SEED = 42L;

    private ModelDefaults() {}
}
