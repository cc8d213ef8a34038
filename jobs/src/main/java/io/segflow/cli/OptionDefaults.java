package io.segflow.cli;

import io.segflow.insight.InsightRun;
import io.segflow.model.Retrainer;
import io.segflow.pipeline.JobSettings;
import io.segflow.segments.TrainerSettings;
import java.util.HashMap;
import java.util.Map;

/**
 * The built-in default of each option, read from the settings objects' own defaults ({@link
 * JobSettings#defaults()}, {@link TrainerSettings#defaults()}, {@link
 * Retrainer.Settings#defaults()}), so that a default is written once and the help shows what a run
 * does. Keys are long option names without dashes, as in configuration files.
 */
final class OptionDefaults {

    private static final Map<String, String> DEFAULTS = defaults();

    private OptionDefaults() {}

    /** The default of an option, or null when it has none (or defines its own). */
    static String of(String key) {
        return DEFAULTS.get(key);
    }

    private static Map<String, String> defaults() {
        JobSettings job = JobSettings.defaults();
        TrainerSettings trainer = TrainerSettings.defaults();
        Retrainer.Settings fit = Retrainer.Settings.defaults();
        Map<String, String> defaults = new HashMap<>();
        // --topic-customers is ${topic.customers}, and so on
        JobSettings.DEFAULT_TOPICS
                .keySet()
                .forEach(name -> defaults.put("topic-" + name, job.topic(name)));
        defaults.put("group-id", job.consumerGroup());
        defaults.put("startup-mode", job.startupMode());
        defaults.put("checkpoint-interval", Durations.format(job.checkpointInterval()));
        defaults.put("dedup-window", Durations.format(job.dedupWindow()));
        defaults.put("jdbc-flush-interval", Durations.format(job.jdbcFlushInterval()));
        defaults.put("mini-batch-latency", Durations.format(job.miniBatchLatency()));
        defaults.put(
                "max-restarts-without-checkpoint",
                Integer.toString(job.maxRestartsWithoutCheckpoint()));
        defaults.put("max-payload-bytes", Long.toString(job.maxPayloadBytes()));
        defaults.put("earliest-event-time", job.earliestEventTime().toString());
        defaults.put("max-time-ahead", Durations.format(job.maxTimeAhead()));
        defaults.put("blocked-ids", String.join(",", job.blockedIds()));
        defaults.put("max-ids-per-system", Integer.toString(job.maxIdsPerSystem()));
        defaults.put("k", Integer.toString(trainer.k()));
        defaults.put("batch-size", Integer.toString(trainer.batchSize()));
        defaults.put("batch-max-wait", Durations.format(trainer.batchMaxWait()));
        defaults.put("decay", Double.toString(trainer.decayFactor()));
        defaults.put("half-life", Long.toString(trainer.halfLifePoints()));
        defaults.put("reseed-ratio", Double.toString(trainer.reseedRatio()));
        defaults.put("init-size", Integer.toString(trainer.initSize()));
        defaults.put("sample-size", Integer.toString(trainer.sampleCapacity()));
        defaults.put("emit-every", Integer.toString(trainer.emitEveryBatches()));
        defaults.put("hysteresis", Double.toString(trainer.hysteresis()));
        defaults.put("seed", Long.toString(trainer.seed()));
        defaults.put("drift-stability-bound", Double.toString(trainer.drift().stabilityBound()));
        defaults.put("drift-distance-bound", Double.toString(trainer.drift().distanceBound()));
        defaults.put("drift-window", Long.toString(trainer.drift().minimumUpdates()));
        defaults.put("restarts", Integer.toString(fit.restarts()));
        defaults.put("max-iterations", Integer.toString(fit.maxIterations()));
        defaults.put("evaluation-sample", Integer.toString(fit.sampleSize()));
        InsightRun.Settings insight = InsightRun.Settings.defaults();
        defaults.put("folds", Integer.toString(insight.folds()));
        defaults.put("fit-sample", Integer.toString(insight.fitSample()));
        defaults.put("source-value-sample", Integer.toString(insight.sourceValueSample()));
        defaults.put("holdout", Double.toString(insight.holdout()));
        defaults.put("holdout-seed", Long.toString(insight.holdoutSeed()));
        defaults.put("top", "20");
        return Map.copyOf(defaults);
    }
}
