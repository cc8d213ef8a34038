package io.segflow.segments;

import io.segflow.model.CustomerSample;
import io.segflow.model.FeatureScaling;
import io.segflow.model.MiniBatchKMeans;
import io.segflow.model.SegmentModel;
import java.io.Serializable;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The one global trainer of the streaming model (run it at parallelism 1). It keeps a uniform
 * sample of customers with their latest profiles ({@link CustomerSample}); once the sample holds
 * {@code initSize} customers it fits the scaling and initialises k-means++ on them; after that,
 * every {@code batchSize} profile updates (or {@code batchMaxWait}, whichever first) it draws a
 * mini-batch of customers from the sample and learns from it ({@link MiniBatchKMeans}), emitting
 * a new model version every {@code emitEveryBatches} batches. Sample and model are operator
 * state: a restart resumes exactly where the last checkpoint was.
 */
public class ModelTrainer extends ProcessFunction<ProfileUpdate, SegmentModel> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    /** Everything the trainer needs to resume. */
    public static class TrainerState implements Serializable {
        private static final long serialVersionUID = 1L;
        public long[] sampleIds;
        public double[][] sampleProfiles;
        public long customersOffered;
        public FeatureScaling scaling;
        public MiniBatchKMeans.State model;
        public long version;
        public long pending;
        public int[] segmentIds;
        public String[] segmentNames;
        public int nextSegmentId;
    }

    private final TrainerSettings settings;
    private final List<String> features;

    private transient CustomerSample sample;
    private transient FeatureScaling scaling;
    private transient MiniBatchKMeans kMeans;
    private transient long version;
    private transient long pending;
    private transient long lastBatchAt;
    private transient int[] segmentIds;
    private transient String[] segmentNames;
    private transient int nextSegmentId;
    private transient ListState<TrainerState> checkpointed;

    public ModelTrainer(TrainerSettings settings, List<String> features) {
        this.settings = settings;
        this.features = List.copyOf(features);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        checkpointed = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("segment-trainer", TypeInformation.of(TrainerState.class)));
        sample = new CustomerSample(settings.sampleCapacity(), features.size(), settings.seed());
        for (TrainerState state : checkpointed.get()) {
            sample = CustomerSample.restore(settings.sampleCapacity(), features.size(), settings.seed(),
                    state.sampleIds, state.sampleProfiles, state.customersOffered);
            scaling = state.scaling;
            kMeans = state.model == null ? null : MiniBatchKMeans.restore(settings.kMeansParams(), state.model);
            version = state.version;
            pending = state.pending;
            segmentIds = state.segmentIds;
            segmentNames = state.segmentNames;
            nextSegmentId = state.nextSegmentId;
        }
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext openContext) {
        getRuntimeContext().getMetricGroup().addGroup("segflow").gauge("modelVersion", (Gauge<Long>) () -> version);
        getRuntimeContext().getMetricGroup().addGroup("segflow").gauge("sampledCustomers", (Gauge<Integer>) () -> sample.size());
    }

    @Override
    public void processElement(ProfileUpdate update, Context ctx, Collector<SegmentModel> out) {
        if (update.deleted) {
            sample.remove(update.customerId);
        } else {
            sample.offer(update.customerId, update.features);
        }
        pending++;
        long now = ctx.timerService().currentProcessingTime();
        if (kMeans == null) {
            if (sample.size() >= Math.max(settings.initSize(), settings.k())) {
                double[][] profiles = sample.all();
                scaling = FeatureScaling.fit(profiles, features.size());
                kMeans = MiniBatchKMeans.initialise(standardise(profiles), features.size(), settings.kMeansParams());
                SegmentModel first = kMeans.toModel(0, "stream", features, scaling);
                segmentIds = new int[settings.k()];
                segmentNames = new String[settings.k()];
                for (int c = 0; c < settings.k(); c++) {
                    segmentIds[c] = nextSegmentId++;
                    segmentNames[c] = first.segmentName(c);
                }
                pending = 0;
                lastBatchAt = now;
                emit(now, out);
            }
            return;
        }
        boolean full = pending >= settings.batchSize();
        boolean waited = now - lastBatchAt >= settings.batchMaxWait().toMillis();
        if (full || waited) {
            // the draw depends only on seed and progress, so a restored trainer draws the same batch
            Random draw = new Random(settings.seed() ^ (kMeans.batches() * 0x9E3779B97F4A7C15L));
            kMeans.update(standardise(sample.draw(settings.batchSize(), draw)));
            renameReseededSegments();
            pending = 0;
            lastBatchAt = now;
            if (kMeans.batches() % settings.emitEveryBatches() == 0) {
                emit(now, out);
            }
        }
    }

    /**
     * A re-seeded centre is a new segment: it gets a new id and a name of its own. Every other
     * segment keeps its id and name however its centre drifts.
     */
    private void renameReseededSegments() {
        int[] reseeded = kMeans.reseededInLastUpdate();
        if (reseeded.length == 0) {
            return;
        }
        SegmentModel current = kMeans.toModel(0, "stream", features, scaling);
        for (int c : reseeded) {
            segmentIds[c] = nextSegmentId++;
            segmentNames[c] = current.segmentName(c);
        }
    }

    private void emit(long now, Collector<SegmentModel> out) {
        // versions order all models ever published, across restarts and batch retraining
        version = Math.max(version + 1, now);
        out.collect(kMeans.toModel(version, "stream", features, scaling, segmentIds, segmentNames));
    }

    private double[][] standardise(double[][] raw) {
        double[][] scaled = new double[raw.length][];
        for (int i = 0; i < raw.length; i++) {
            scaled[i] = scaling.scale(raw[i]);
        }
        return scaled;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        TrainerState state = new TrainerState();
        state.sampleIds = sample.ids();
        state.sampleProfiles = sample.all();
        state.customersOffered = sample.customersOffered();
        state.scaling = scaling;
        state.model = kMeans == null ? null : kMeans.state();
        state.version = version;
        state.pending = pending;
        state.segmentIds = segmentIds;
        state.segmentNames = segmentNames;
        state.nextSegmentId = nextSegmentId;
        checkpointed.update(List.of(state));
    }
}
