package io.segflow.cli;

import io.segflow.model.SegmentDrift;
import io.segflow.pipeline.JobSettings;
import io.segflow.segments.TrainerSettings;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * How the streaming model learns: the options of the commands that run the trainer (run, backfill,
 * demo). Defaults come from {@link TrainerSettings#defaults()}.
 */
final class TrainerOptions {

    @Option(names = "--k", description = "Number of segments. Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(
            names = "--batch-size",
            description =
                    "Customers per mini-batch; a batch is drawn after this many profile updates."
                            + " Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(
            names = "--batch-max-wait",
            description =
                    "Longest wait for a mini-batch while updates arrive. Default:"
                            + " ${DEFAULT-VALUE}.")
    Duration batchMaxWait;

    @Option(
            names = "--decay",
            description =
                    "Factor (0, 1] applied to every centre's weight at every batch; 1 is none."
                            + " Default: ${DEFAULT-VALUE}.")
    double decay;

    @Option(
            names = "--half-life",
            paramLabel = "POINTS",
            description =
                    "Points after which past data weighs half, so the model follows drift; 0 is"
                            + " none. Default: ${DEFAULT-VALUE}.")
    long halfLife;

    @Option(
            names = "--reseed-ratio",
            description =
                    "A centre whose weight falls below this share of the largest is re-seeded."
                            + " Default: ${DEFAULT-VALUE}.")
    double reseedRatio;

    @Option(
            names = "--init-size",
            description =
                    "Customers sampled before the model starts (k-means++ with restarts, as"
                            + " retrain fits). Default: ${DEFAULT-VALUE}.")
    int initSize;

    @Option(
            names = "--sample-size",
            description =
                    "Customers kept in the trainer's uniform sample. Default: ${DEFAULT-VALUE}.")
    int sampleSize;

    @Option(
            names = "--emit-every",
            paramLabel = "BATCHES",
            description =
                    "Make a model version every this many batches (once the model has settled,"
                        + " about once a minute, or sooner if it moves 5 %% of the customers, or"
                        + " when updates pause); with checkpoints on, the newest version a"
                        + " completed checkpoint holds is published, and re-scores every customer."
                        + " Default: ${DEFAULT-VALUE}.")
    int emitEvery;

    @Option(
            names = "--hysteresis",
            description =
                    "How much nearer (share of the distance) a new segment must be before a"
                            + " customer moves; for a Gaussian mixture, how much more probable"
                            + " (posterior). A customer who stays keeps their confidence class"
                            + " and status within half of it past a boundary. Default:"
                            + " ${DEFAULT-VALUE}.")
    double hysteresis;

    @Option(
            names = "--warm-start-version",
            paramLabel = "VERSION",
            description =
                    "Start the trainer from this segment_model version instead of k-means++ with"
                            + " restarts on the first customers (when there is no checkpoint).")
    Long warmStartVersion;

    @Option(
            names = "--freeze-model",
            description =
                    "Score every customer with --warm-start-version and never learn (e.g. to"
                            + " compare runs under one model).")
    boolean freezeModel;

    @Option(
            names = "--seed",
            description = "Random seed of the trainer. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--drift-stability-bound",
            paramLabel = "INDEX",
            description =
                    "Segments' shares of recent profile updates have drifted when their population"
                            + " stability index against the baseline (the updates after the last"
                            + " batch-trained model) exceeds this, two checks in a row."
                            + " Default: ${DEFAULT-VALUE}.")
    double driftStabilityBound;

    @Option(
            names = "--drift-distance-bound",
            paramLabel = "SHARE",
            description =
                    "A segment has drifted when its recent customers sit this much farther (0.5"
                            + " is 50 %%) from its centre than at the baseline, three checks in a"
                            + " row. Default: ${DEFAULT-VALUE}.")
    double driftDistanceBound;

    @Option(
            names = "--drift-window",
            paramLabel = "UPDATES",
            description =
                    "Profile updates that make the drift baseline and the half-life of the recent"
                            + " figures (a check every two fifths of it). Default:"
                            + " ${DEFAULT-VALUE}.")
    long driftWindow;

    /** Refuses options that do not go together; call where the command line is at hand. */
    void validate(CommandLine commandLine) {
        if (!(driftStabilityBound > 0) || !(driftDistanceBound > 0) || driftWindow < 5) {
            throw new CommandLine.ParameterException(
                    commandLine,
                    "--drift-stability-bound and --drift-distance-bound must be positive and"
                            + " --drift-window at least 5 updates");
        }
        if (freezeModel && warmStartVersion == null) {
            throw new CommandLine.ParameterException(
                    commandLine,
                    "--freeze-model needs the model to freeze: --warm-start-version VERSION");
        }
    }

    JobSettings applyTo(JobSettings settings) {
        return settings.withWarmStartVersion(warmStartVersion)
                .withTrainer(
                        new TrainerSettings(
                                        k,
                                        batchSize,
                                        batchMaxWait,
                                        decay,
                                        halfLife,
                                        reseedRatio,
                                        initSize,
                                        sampleSize,
                                        emitEvery,
                                        hysteresis,
                                        seed)
                                .withFrozen(freezeModel)
                                .withDrift(
                                        SegmentDrift.Settings.of(
                                                driftWindow,
                                                driftStabilityBound,
                                                driftDistanceBound)));
    }
}
