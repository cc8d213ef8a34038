package io.segflow.segments;

import io.segflow.model.SegmentModel;
import io.segflow.model.StreamingModel;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.Collector;
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

    private final TrainerSettings settings;
    private final List<String> features;
    private final SegmentModel warmStart;
    private boolean bounded;
    private transient boolean publishWarmStart;
    private transient long timerAt = Long.MIN_VALUE;
    private transient StreamingModel model;
    private transient ListState<StreamingModel.State> checkpointed;

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

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        checkpointed =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "segment-trainer", VersionedTypeInfo.TRAINER_STATE));
        for (StreamingModel.State state : checkpointed.get()) {
            model = StreamingModel.restore(settings.streamingModel(), features, state);
        }
        if (model == null) {
            if (warmStart != null) {
                // no checkpoint to resume from: continue from the given model (its k wins over --k)
                model = StreamingModel.startingFrom(settings.streamingModel(), features, warmStart);
                publishWarmStart = true;
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
        publish(
                update.deleted
                        ? model.remove(update.customerId, now)
                        : model.update(update.customerId, update.features, now),
                out);
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
                    LOG.info(
                            "Continuing from published model version {} (trained by {}, k={})",
                            m.version(),
                            m.trainedBy(),
                            m.k());
                });
        publish(adopted, out);
    }

    /** Updates paused: learn from what came since the last batch, or start a small base's model. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SegmentModel> out) {
        if (!settings.frozen()) {
            boolean before = model.started();
            publish(model.tick(timestamp), out);
            if (!model.started() && !bounded) {
                // fewer than k customers so far: look again later (a bounded run ends instead)
                timerAt = timestamp + settings.batchMaxWait().toMillis();
                ctx.timerService().registerProcessingTimeTimer(timerAt);
            } else if (!before) {
                LOG.info(
                        "Started the model of a small customer base: {} customers",
                        model.sampledCustomers());
            }
        }
    }

    /**
     * Every profile has arrived (a bounded run): learn from what is pending and start the model of
     * a small base now, since no timer fires after the end of the input.
     */
    void endOfProfiles(long now, Collector<SegmentModel> out) {
        if (!settings.frozen()) {
            publish(model.tick(Math.max(now, Long.MAX_VALUE / 2)), out);
        }
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

    private static void publish(Optional<SegmentModel> version, Collector<SegmentModel> out) {
        version.ifPresent(out::collect);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        checkpointed.update(List.of(model.state()));
    }
}
