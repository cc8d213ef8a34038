package io.segflow.segments;

import io.segflow.model.MiniBatchKMeans;
import io.segflow.model.ModelDefaults;
import io.segflow.model.SegmentDrift;
import io.segflow.model.StreamingModel;
import java.io.Serializable;
import java.time.Duration;

/** How the streaming model learns; every field is an option of `segflow run`. */
public record TrainerSettings(
        int k,
        int batchSize,
        Duration batchMaxWait,
        double decayFactor,
        long halfLifePoints,
        double reseedRatio,
        int initSize,
        int sampleCapacity,
        int emitEveryBatches,
        double hysteresis,
        long seed,
        boolean frozen,
        SegmentDrift.Settings drift)
        implements Serializable {

    /** A trainer that learns, watching drift by the defaults. */
    public TrainerSettings(
            int k,
            int batchSize,
            Duration batchMaxWait,
            double decayFactor,
            long halfLifePoints,
            double reseedRatio,
            int initSize,
            int sampleCapacity,
            int emitEveryBatches,
            double hysteresis,
            long seed) {
        this(
                k,
                batchSize,
                batchMaxWait,
                decayFactor,
                halfLifePoints,
                reseedRatio,
                initSize,
                sampleCapacity,
                emitEveryBatches,
                hysteresis,
                seed,
                false,
                SegmentDrift.Settings.defaults());
    }

    public TrainerSettings {
        new MiniBatchKMeans.Params(
                k, decayFactor, halfLifePoints, reseedRatio, seed); // validates those
        if (batchSize < 1
                || initSize < 1
                || emitEveryBatches < 1
                || sampleCapacity < Math.max(initSize, k)) {
            throw new IllegalArgumentException(
                    "batch size, init size and emit-every must be at least 1, and the sample must"
                            + " hold at least init-size and k customers");
        }
        if (hysteresis < 0 || hysteresis >= 1) {
            throw new IllegalArgumentException("hysteresis must be in [0, 1)");
        }
        if (drift == null) {
            throw new IllegalArgumentException("drift settings are required");
        }
    }

    public static TrainerSettings defaults() {
        return new TrainerSettings(
                ModelDefaults.K,
                512,
                Duration.ofSeconds(5),
                1.0,
                100_000,
                0.01,
                500,
                50_000,
                10,
                0.1,
                ModelDefaults.SEED);
    }

    /**
     * Frozen: the trainer publishes its warm start and never learns, so that runs over the same
     * input (streaming and backfill, or two backfills) score with one and the same model.
     */
    public TrainerSettings withFrozen(boolean value) {
        return new TrainerSettings(
                k,
                batchSize,
                batchMaxWait,
                decayFactor,
                halfLifePoints,
                reseedRatio,
                initSize,
                sampleCapacity,
                emitEveryBatches,
                hysteresis,
                seed,
                value,
                drift);
    }

    /** How drift is watched between retrains (options of `segflow run`). */
    public TrainerSettings withDrift(SegmentDrift.Settings value) {
        return new TrainerSettings(
                k,
                batchSize,
                batchMaxWait,
                decayFactor,
                halfLifePoints,
                reseedRatio,
                initSize,
                sampleCapacity,
                emitEveryBatches,
                hysteresis,
                seed,
                frozen,
                value);
    }

    public TrainerSettings withHysteresis(double value) {
        return new TrainerSettings(
                k,
                batchSize,
                batchMaxWait,
                decayFactor,
                halfLifePoints,
                reseedRatio,
                initSize,
                sampleCapacity,
                emitEveryBatches,
                value,
                seed,
                frozen,
                drift);
    }

    /**
     * The settings of the model itself (what the trainer operator adds: timers, frozen,
     * hysteresis).
     */
    public StreamingModel.Settings streamingModel() {
        return new StreamingModel.Settings(
                k,
                batchSize,
                batchMaxWait.toMillis(),
                kMeansParams(),
                initSize,
                sampleCapacity,
                emitEveryBatches,
                seed);
    }

    public MiniBatchKMeans.Params kMeansParams() {
        return new MiniBatchKMeans.Params(k, decayFactor, halfLifePoints, reseedRatio, seed);
    }
}
