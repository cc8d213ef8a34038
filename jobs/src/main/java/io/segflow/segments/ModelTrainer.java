package io.segflow.segments;

import io.segflow.model.SegmentDrift;
import io.segflow.model.SegmentModel;
import io.segflow.model.StreamingModel;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one global trainer of the streaming model (run it at parallelism 1): feeds every profile
 * update, timer tick and published model to a {@link StreamingModel} and publishes the versions it
 * makes. The model is operator state: a restart resumes exactly where the last checkpoint was. When
 * updates pause, a timer makes the model learn from what has arrived since its last batch (and
 * starts the model of a small customer base).
 *
 * <p>Its second input is models published elsewhere (segflow retrain, through the models topic):
 * the trainer adopts each new one as it comes, continues learning from it, and passes it on so that
 * every customer is re-scored with it.
 *
 * <p>With checkpoints on, a version the trainer makes is published only once a checkpoint that
 * holds it has completed. The JDBC sinks write at checkpoints, before the checkpoint is known to
 * complete: a version published at once and written then, by a job that failed before the
 * checkpoint completed, would stay in segment_model (and in the customer_segment rows scored with
 * it) although the restored trainer never made it, and its replay would make another. Held back,
 * every version that reaches segment_model or an assigner is in the trainer's restored state, and
 * one restored unpublished is published again, the same version with the same centres. The cost is
 * one checkpoint interval between a version and its use. Of the versions one checkpoint holds only
 * the newest is published (and the drift baseline, which segment_drift names): each published
 * version has every customer scored again.
 *
 * <p>It also watches drift ({@link SegmentDrift}): every profile update is measured against the
 * batch-trained version of the baseline (kept in state, fixed until the next one), and every {@link
 * SegmentDrift.Settings#checkEveryUpdates} updates it writes one row per segment to the side output
 * {@link #DRIFT}, keyed by the baseline's version, the segment and the updates measured, so that a
 * replay from a checkpoint writes the same rows again. The baseline restarts with every model
 * published elsewhere, a warm start, and once with the stream's own model when it has settled
 * (after a warm-up). A bounded or frozen run does not watch drift.
 *
 * <p>Every stream goes to one key (see {@link #ALL}): keyed only so that it may set timers.
 */
public class ModelTrainer
        extends KeyedCoProcessFunction<Integer, ProfileUpdate, SegmentModel, SegmentModel>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ModelTrainer.class);

    /** How the versions this trainer makes are marked in segment_model. */
    public static final String TRAINED_BY = StreamingModel.TRAINED_BY;

    /** The one key all profile updates go to. */
    public static final int ALL = 0;

    /** The rows of segment_drift (sql/90_sinks.sql), one per segment and check. */
    public static final TypeInformation<Row> DRIFT_ROW =
            Types.ROW_NAMED(
                    new String[] {
                        "baseline_version",
                        "segment_id",
                        "updates",
                        "model_version",
                        "detected_at",
                        "share",
                        "baseline_share",
                        "mean_distance",
                        "baseline_mean_distance",
                        "stability_index",
                        "drifted",
                        "action"
                    },
                    Types.LONG,
                    Types.INT,
                    Types.LONG,
                    Types.LONG,
                    Types.LOCAL_DATE_TIME,
                    Types.DOUBLE,
                    Types.DOUBLE,
                    Types.DOUBLE,
                    Types.DOUBLE,
                    Types.DOUBLE,
                    Types.BOOLEAN,
                    Types.STRING);

    /** The side output of drift rows. */
    public static final OutputTag<Row> DRIFT = new OutputTag<>("segment-drift", DRIFT_ROW);

    private final TrainerSettings settings;
    private final List<String> features;
    private final SegmentModel warmStart;
    private boolean bounded;
    private boolean holdUntilCheckpointed;
    private transient boolean publishWarmStart;
    private transient List<Unpublished> unpublished;
    private transient ListState<SegmentModel> checkpointedUnpublished;
    private transient long timerAt = Long.MIN_VALUE;
    private transient StreamingModel model;
    private transient ListState<StreamingModel.State> checkpointed;
    private transient SegmentDrift drift;

    /**
     * The segments whose drift was last logged: a check runs every few hundred updates, many times
     * a second while the stream catches up, and every check of a drifted segment is a segment_drift
     * row already; the log says when a segment starts or stops drifting.
     */
    private transient java.util.Set<Integer> loggedDrifting;

    private transient ListState<SegmentDrift.State> checkpointedDrift;
    // the batch-trained version drift is measured against: fixed until the next one, so that the
    // stream's own learning (re-seeded centres, replacements) is not taken for drift
    private transient SegmentModel baselineModel;

    /** The segment ids of the last version made, to say when a settled model changes them. */
    private transient Set<Integer> lastSegmentIds;

    private transient ListState<SegmentModel> checkpointedBaselineModel;
    private transient int driftedSegments;
    // scratch of measureDrift, which runs for every profile update
    private final double[] driftDistances = new double[2];
    private transient Counter driftFlags;

    public ModelTrainer(TrainerSettings settings, List<String> features) {
        this(settings, features, null);
    }

    /** A trainer that starts from a published model instead of its first customers. */
    public ModelTrainer(TrainerSettings settings, List<String> features, SegmentModel warmStart) {
        this.settings = settings;
        this.features = List.copyOf(features);
        this.warmStart = warmStart;
        if (settings.frozen() && warmStart == null) {
            throw new IllegalArgumentException(
                    "a frozen model needs a model to start from (--warm-start-version)");
        }
        if (warmStart != null) {
            warmStart.requireFeatures(this.features);
        }
    }

    /**
     * A trainer of a bounded (BATCH) run, whose timers fire once, at the end of the input: it does
     * not wait there for customers who will never come.
     */
    public ModelTrainer bounded(boolean value) {
        this.bounded = value;
        return this;
    }

    /**
     * Publish each version only once a checkpoint that holds it has completed (a streaming job with
     * checkpoints); otherwise at once.
     */
    public ModelTrainer holdingVersionsUntilCheckpointed(boolean value) {
        this.holdUntilCheckpointed = value;
        return this;
    }

    /** A version made and not yet published, and the first checkpoint that holds it (or -1). */
    private static final class Unpublished {
        final SegmentModel model;
        long checkpointId;

        Unpublished(SegmentModel model, long checkpointId) {
            this.model = model;
            this.checkpointId = checkpointId;
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        checkpointed =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "segment-trainer", VersionedTypeInfo.TRAINER_STATE));
        checkpointedUnpublished =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "segment-trainer-unpublished",
                                        VersionedTypeInfo.SEGMENT_MODEL));
        for (StreamingModel.State state : checkpointed.get()) {
            model = StreamingModel.restore(settings.streamingModel(), features, state);
        }
        // state of its own: a checkpoint from before drift was watched restores without it
        checkpointedDrift =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "segment-drift", VersionedTypeInfo.DRIFT_STATE));
        drift = new SegmentDrift(settings.drift());
        for (SegmentDrift.State state : checkpointedDrift.get()) {
            drift = SegmentDrift.restore(settings.drift(), state);
        }
        checkpointedBaselineModel =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "segment-drift-baseline", VersionedTypeInfo.SEGMENT_MODEL));
        for (SegmentModel restored : checkpointedBaselineModel.get()) {
            baselineModel = restored;
        }
        unpublished = new ArrayList<>();
        // restored from a completed checkpoint: durable, to be published (again) at once
        for (SegmentModel version : checkpointedUnpublished.get()) {
            unpublished.add(new Unpublished(version, 0));
        }
        if (model == null) {
            if (warmStart != null) {
                // no checkpoint to resume from: continue from the given model (its k wins over --k)
                model = StreamingModel.startingFrom(settings.streamingModel(), features, warmStart);
                publishWarmStart = true;
                baselineModel = warmStart;
                drift.rebase(warmStart.version(), false);
            } else {
                model = new StreamingModel(settings.streamingModel(), features);
            }
        }
    }

    @Override
    public void open(OpenContext openContext) {
        var group = getRuntimeContext().getMetricGroup().addGroup("segflow");
        group.gauge("modelVersion", (Gauge<Long>) () -> model.version());
        group.gauge("sampledCustomers", (Gauge<Integer>) () -> model.sampledCustomers());
        group.gauge("driftedSegments", (Gauge<Integer>) () -> driftedSegments);
        driftFlags = group.counter("driftFlags");
        loggedDrifting = new java.util.HashSet<>();
    }

    @Override
    public void processElement1(ProfileUpdate update, Context ctx, Collector<SegmentModel> out)
            throws Exception {
        if (publishWarmStart) {
            // the assigners learn the starting model with the first profile
            publishWarmStart = false;
            out.collect(warmStart);
        }
        if (settings.frozen()) {
            return; // a frozen model is announced once and never learned from (no sample, no
            // timers)
        }
        long now = ctx.timerService().currentProcessingTime();
        if (timerAt < now) {
            timerAt = now + settings.batchMaxWait().toMillis();
            ctx.timerService().registerProcessingTimeTimer(timerAt);
        }
        if (!update.deleted && baselineModel != null && watchesDrift()) {
            measureDrift(update.features, ctx);
        }
        publish(
                update.deleted
                        ? model.remove(update.customerId, now)
                        : model.update(update.customerId, update.features, now),
                out);
    }

    /** A bounded run (backfill) and a frozen model do not watch drift (docs/drift.md). */
    private boolean watchesDrift() {
        return !bounded && !settings.frozen();
    }

    /**
     * Where the update lies in the batch-trained version the baseline belongs to; every so many
     * updates, the drift rows of each segment.
     */
    private void measureDrift(double[] features, Context ctx) {
        double[] distances = driftDistances;
        int nearest =
                baselineModel.nearestStandardised(
                        baselineModel.scaling().scale(features), distances);
        drift.observe(baselineModel.segmentId(nearest), Math.sqrt(distances[0]));
        if (!drift.checkDue()) {
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        LocalDateTime at = LocalDateTime.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC);
        int drifted = 0;
        for (SegmentDrift.Check check : drift.check()) {
            if (check.drifted()) {
                drifted++;
                driftFlags.inc();
                if (loggedDrifting.add(check.segmentId())) {
                    LOG.info(
                            "Segment drift since model version {}: {}",
                            drift.baselineVersion(),
                            check.action());
                }
            } else if (loggedDrifting.remove(check.segmentId())) {
                LOG.info(
                        "Segment {} no longer drifts from model version {}",
                        check.segmentId(),
                        drift.baselineVersion());
            }
            ctx.output(
                    DRIFT,
                    Row.of(
                            drift.baselineVersion(),
                            check.segmentId(),
                            drift.updatesMeasured(),
                            baselineModel.version(),
                            at,
                            finiteOrNull(check.share()),
                            finiteOrNull(check.baselineShare()),
                            finiteOrNull(check.meanDistance()),
                            finiteOrNull(check.baselineMeanDistance()),
                            finiteOrNull(check.stabilityIndex()),
                            check.drifted(),
                            check.action()));
        }
        driftedSegments = drifted;
    }

    /**
     * A version was made or adopted; the stream's own settled model becomes the baseline. A settled
     * model's segments rarely change (a fresh fit that retires one, a dying centre re-seeded): when
     * they do, the log says which.
     */
    private void versionMade(SegmentModel version) {
        Set<Integer> ids = new TreeSet<>();
        for (int c = 0; c < version.k(); c++) {
            ids.add(version.segmentId(c));
        }
        if (model.settled() && lastSegmentIds != null && !ids.equals(lastSegmentIds)) {
            Set<Integer> retired = new TreeSet<>(lastSegmentIds);
            retired.removeAll(ids);
            Set<Integer> added = new TreeSet<>(ids);
            added.removeAll(lastSegmentIds);
            LOG.info(
                    "Model version {} changes the segments: {} retired, {} new",
                    version.version(),
                    retired,
                    added);
        }
        lastSegmentIds = ids;
        if (!drift.baselineStarted() && model.settled() && watchesDrift()) {
            baselineModel = version;
            drift.rebase(version.version(), true);
            loggedDrifting.clear();
            LOG.info(
                    "Watching segment drift against the stream's settled model version {}, after"
                            + " a warm-up of {} updates",
                    version.version(),
                    settings.drift().warmUpUpdates());
        }
    }

    private static Double finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
    }

    /**
     * A model published by a retrain (its features already checked): from now on the trainer learns
     * from it, and the assigners re-score with it. The topic is read from its start, so a model
     * seen before is skipped.
     */
    @Override
    public void processElement2(SegmentModel published, Context ctx, Collector<SegmentModel> out) {
        if (settings.frozen()) {
            return; // the given model stays, whatever is published meanwhile
        }
        Optional<SegmentModel> adopted =
                model.adopt(published, ctx.timerService().currentProcessingTime());
        adopted.ifPresent(
                m -> {
                    publishWarmStart = false;
                    // a batch-trained model: drift is measured from it anew
                    baselineModel = m;
                    drift.rebase(m.version(), false);
                    loggedDrifting.clear();
                    // versions of ours not yet published are older: they never will be
                    unpublished.clear();
                    LOG.info(
                            "Continuing from published model version {} (trained by {}, k={});"
                                    + " segment drift is measured against it from now",
                            m.version(),
                            m.trainedBy(),
                            m.k());
                });
        // a published model is in segment_model already: the assigners get it at once
        adopted.ifPresent(out::collect);
    }

    /** Updates paused: learn from what came since the last batch, or start a small base's model. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SegmentModel> out) {
        if (!settings.frozen()) {
            boolean before = model.started();
            publish(model.tick(timestamp), out);
            if ((!model.started() || model.fitUnchecked() || model.holdsBackAVersion())
                    && !bounded) {
                // fewer than k customers so far, or profiles changed since the fit was last
                // checked, or a version is held back (updates flowed, and may have stopped): look
                // again later (a bounded run ends instead)
                timerAt = timestamp + settings.batchMaxWait().toMillis();
                ctx.timerService().registerProcessingTimeTimer(timerAt);
            }
            if (model.started() && !before) {
                LOG.info(
                        "Started the model of a small customer base: {} customers",
                        model.sampledCustomers());
            }
        }
    }

    /**
     * Every profile has arrived (a bounded run): learn from what is pending, publish what the model
     * has become, and start the model of a small base now, since no timer fires after the end of
     * the input.
     */
    void endOfProfiles(long now, Collector<SegmentModel> out) {
        if (!settings.frozen()) {
            publish(model.finish(now), out);
        }
        // no checkpoint completes after the end of the input while the job still runs
        toPublish(unpublished.stream().map(u -> u.model).toList()).forEach(out::collect);
        unpublished.clear();
    }

    /**
     * The newest version that the completed checkpoint holds, now to be published; none of those it
     * holds is held any longer. The older ones are not published: each version makes the assigners
     * score every customer again, and one made a moment before the next would only be overwritten
     * by it (a catch-up makes several between two checkpoints). Except the version drift is
     * measured against: segment_drift names it, so segment_model must hold it.
     */
    List<SegmentModel> checkpointCompleted(long checkpointId) {
        List<SegmentModel> ready = new ArrayList<>();
        unpublished.removeIf(
                u -> {
                    boolean held = u.checkpointId >= 0 && u.checkpointId <= checkpointId;
                    if (held) {
                        ready.add(u.model);
                    }
                    return held;
                });
        return toPublish(ready);
    }

    /** Of versions made one after the other: the drift baseline among them, and the newest. */
    private List<SegmentModel> toPublish(List<SegmentModel> versions) {
        List<SegmentModel> published = new ArrayList<>();
        for (int i = 0; i < versions.size(); i++) {
            SegmentModel version = versions.get(i);
            if (i == versions.size() - 1
                    || (baselineModel != null && baselineModel.version() == version.version())) {
                published.add(version);
            }
        }
        return published;
    }

    /**
     * The trainer as an operator: a keyed co-process operator that also hears of the end of the
     * profile input, which a process function does not.
     */
    public static final class Operator
            extends KeyedCoProcessOperator<Integer, ProfileUpdate, SegmentModel, SegmentModel>
            implements BoundedMultiInput {
        private static final long serialVersionUID = 1L;
        private final ModelTrainer trainer;

        public Operator(ModelTrainer trainer) {
            super(trainer);
            this.trainer = trainer;
        }

        @Override
        public void open() throws Exception {
            super.open();
            // versions restored unpublished: their checkpoint completed
            publishLater(trainer.checkpointCompleted(Long.MAX_VALUE));
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            super.notifyCheckpointComplete(checkpointId);
            publishLater(trainer.checkpointCompleted(checkpointId));
        }

        /** Emitted from a timer of the task's own thread, as any record this operator emits. */
        private void publishLater(List<SegmentModel> versions) {
            if (!versions.isEmpty()) {
                ProcessingTimeService time = getProcessingTimeService();
                time.registerTimer(
                        time.getCurrentProcessingTime(),
                        timestamp -> versions.forEach(v -> output.collect(new StreamRecord<>(v))));
            }
        }

        @Override
        public void endInput(int inputId) {
            if (inputId == 1) {
                setCurrentKey(ALL);
                trainer.endOfProfiles(
                        getProcessingTimeService().getCurrentProcessingTime(),
                        new Collector<>() {
                            @Override
                            public void collect(SegmentModel model) {
                                output.collect(new StreamRecord<>(model));
                            }

                            @Override
                            public void close() {}
                        });
            }
        }
    }

    private void publish(Optional<SegmentModel> version, Collector<SegmentModel> out) {
        if (version.isEmpty()) {
            return;
        }
        versionMade(version.get());
        if (holdUntilCheckpointed) {
            unpublished.add(new Unpublished(version.get(), -1));
        } else {
            out.collect(version.get());
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        checkpointed.update(List.of(model.state()));
        checkpointedDrift.update(List.of(drift.state()));
        checkpointedBaselineModel.update(
                baselineModel == null ? List.of() : List.of(baselineModel));
        List<SegmentModel> held = new ArrayList<>();
        for (Unpublished u : unpublished) {
            if (u.checkpointId < 0) {
                u.checkpointId = context.getCheckpointId();
            }
            held.add(u.model);
        }
        checkpointedUnpublished.update(held);
    }
}
