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
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.flink.util.Collector;

/**
 * The one global trainer of the streaming model (run it at parallelism 1). It keeps a uniform
 * sample of customers with their latest profiles ({@link CustomerSample}); once the sample holds
 * {@code initSize} customers it fits the scaling and initialises k-means++ on them; after that,
 * every {@code batchSize} profile updates (or {@code batchMaxWait}, whichever first) it draws a
 * mini-batch of customers from the sample and learns from it ({@link MiniBatchKMeans}), emitting
 * a new model version every {@code emitEveryBatches} batches. When updates pause, a timer
 * learns from what has arrived since the last batch. Sample and model are operator state: a
 * restart resumes exactly where the last checkpoint was.
 *
 * <p>Its second input is models published elsewhere (segflow retrain, through the models
 * topic): the trainer adopts each new one as it comes, continues learning from it, and passes it
 * on so that every customer is re-scored with it.
 *
 * <p>Every stream goes to one key (see {@link #ALL}): keyed only so that it may set timers.
 */
public class ModelTrainer extends KeyedCoProcessFunction<Integer, ProfileUpdate, SegmentModel, SegmentModel> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ModelTrainer.class);
    /** How the versions this trainer makes are marked in segment_model. */
    public static final String TRAINED_BY = "stream";
    /** The one key all profile updates go to. */
    public static final int ALL = 0;
    private static final int SIZE_SAMPLE = 5_000;
    /** Every this many batches a fresh k-means++ fit of the sample competes with the model. */
    static final int REFIT_EVERY_BATCHES = 20;
    /** A fresh fit replaces the model only when this much better on the same customers. */
    static final double REFIT_GAIN = 0.05;
    /** Beyond this distance (standard deviations) a refitted centre is a new segment. */
    static final double SAME_SEGMENT_DISTANCE = 1.0;

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
        public long lastAdoptedVersion;
    }

    private final TrainerSettings settings;
    private final List<String> features;
    private final SegmentModel warmStart;
    private transient boolean publishWarmStart;
    private transient long timerAt = Long.MIN_VALUE;

    private transient CustomerSample sample;
    private transient FeatureScaling scaling;
    private transient MiniBatchKMeans kMeans;
    private transient long version;
    private transient long pending;
    private transient long lastBatchAt;
    private transient int[] segmentIds;
    private transient String[] segmentNames;
    private transient int nextSegmentId;
    private transient long lastAdoptedVersion;
    private transient ListState<TrainerState> checkpointed;

    public ModelTrainer(TrainerSettings settings, List<String> features) {
        this(settings, features, null);
    }

    /** A trainer that starts from a published model instead of its first customers. */
    public ModelTrainer(TrainerSettings settings, List<String> features, SegmentModel warmStart) {
        this.settings = settings;
        this.features = List.copyOf(features);
        this.warmStart = warmStart;
        if (settings.frozen() && warmStart == null) {
            throw new IllegalArgumentException("a frozen model needs a model to start from (--warm-start-version)");
        }
        if (warmStart != null) {
            warmStart.requireFeatures(this.features);
        }
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
            kMeans = state.model == null ? null : MiniBatchKMeans.restore(paramsFor(state.model.centres().length / features.size()), state.model);
            version = state.version;
            pending = state.pending;
            segmentIds = state.segmentIds;
            segmentNames = state.segmentNames;
            nextSegmentId = state.nextSegmentId;
            lastAdoptedVersion = state.lastAdoptedVersion;
        }
        if (kMeans == null && warmStart != null) {
            // no checkpoint to resume from: continue from the given model (its k wins over --k)
            scaling = warmStart.scaling();
            kMeans = MiniBatchKMeans.resume(warmStart, paramsFor(warmStart.k()));
            segmentIds = new int[warmStart.k()];
            segmentNames = new String[warmStart.k()];
            for (int c = 0; c < warmStart.k(); c++) {
                segmentIds[c] = warmStart.segmentId(c);
                segmentNames[c] = warmStart.segmentName(c);
                nextSegmentId = Math.max(nextSegmentId, segmentIds[c] + 1);
            }
            version = warmStart.version();
            publishWarmStart = true;
        }
    }

    private MiniBatchKMeans.Params paramsFor(int k) {
        MiniBatchKMeans.Params params = settings.kMeansParams();
        return new MiniBatchKMeans.Params(k, params.decayFactor(), params.halfLifePoints(), params.reseedRatio(), params.seed());
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext openContext) {
        getRuntimeContext().getMetricGroup().addGroup("segflow").gauge("modelVersion", (Gauge<Long>) () -> version);
        getRuntimeContext().getMetricGroup().addGroup("segflow").gauge("sampledCustomers", (Gauge<Integer>) () -> sample.size());
    }

    @Override
    public void processElement1(ProfileUpdate update, Context ctx, Collector<SegmentModel> out) throws Exception {
        if (settings.frozen()) {
            // a frozen model is announced once and never learned from (no sample, no timers)
            if (publishWarmStart) {
                publishWarmStart = false;
                out.collect(warmStart);
            }
            return;
        }
        if (update.deleted) {
            sample.remove(update.customerId);
        } else {
            sample.offer(update.customerId, update.features);
        }
        pending++;
        long now = ctx.timerService().currentProcessingTime();
        if (timerAt < now) {
            timerAt = now + settings.batchMaxWait().toMillis();
            ctx.timerService().registerProcessingTimeTimer(timerAt);
        }
        if (publishWarmStart) {
            // the assigners learn the starting model with the first profile
            publishWarmStart = false;
            out.collect(warmStart);
        }
        if (kMeans == null) {
            if (sample.size() >= Math.max(settings.initSize(), settings.k())) {
                double[][] profiles = sample.all();
                scaling = FeatureScaling.fit(profiles, features.size());
                kMeans = MiniBatchKMeans.initialise(standardise(profiles), features.size(), settings.kMeansParams());
                SegmentModel first = kMeans.toModel(0, TRAINED_BY, features, scaling);
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
        if (pending >= settings.batchSize() || now - lastBatchAt >= settings.batchMaxWait().toMillis()) {
            learn(now, (kMeans.batches() + 1) % REFIT_EVERY_BATCHES == 0, out);
        }
    }

    /**
     * A model published by a retrain (its features already checked): from now on the trainer
     * learns from it, keeping its segment ids and names, and the assigners re-score with it.
     * The topic is read from its start, so a model seen before (same or older version than
     * the last adopted one) is skipped.
     */
    @Override
    public void processElement2(SegmentModel published, Context ctx, Collector<SegmentModel> out) {
        if (settings.frozen() || published.version() <= lastAdoptedVersion) {
            // frozen: the given model stays, whatever is published meanwhile
            return;
        }
        lastAdoptedVersion = published.version();
        scaling = published.scaling();
        kMeans = MiniBatchKMeans.resume(published, paramsFor(published.k()));
        segmentIds = new int[published.k()];
        segmentNames = new String[published.k()];
        for (int c = 0; c < published.k(); c++) {
            segmentIds[c] = published.segmentId(c);
            segmentNames[c] = published.segmentName(c);
            nextSegmentId = Math.max(nextSegmentId, segmentIds[c] + 1);
        }
        // later versions of this trainer are newer than the published one
        version = Math.max(version, published.version());
        pending = 0;
        lastBatchAt = ctx.timerService().currentProcessingTime();
        publishWarmStart = false;
        LOG.info("Continuing from published model version {} (trained by {}, k={})",
                published.version(), published.trainedBy(), published.k());
        out.collect(published);
    }

    /** Updates paused: learn from what came since the last batch, and check the fit. */
    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SegmentModel> out) {
        if (kMeans != null && pending > 0) {
            learn(timestamp, true, out);
        }
    }

    private void learn(long now, boolean checkFit, Collector<SegmentModel> out) {
        // the draw depends only on seed and progress, so a restored trainer draws the same batch
        Random draw = new Random(settings.seed() ^ (kMeans.batches() * 0x9E3779B97F4A7C15L));
        kMeans.update(standardise(sample.draw(settings.batchSize(), draw)));
        renameReseededSegments();
        if (checkFit) {
            refitIfClearlyBetter();
        }
        pending = 0;
        lastBatchAt = now;
        if (kMeans.batches() % settings.emitEveryBatches() == 0) {
            emit(now, out);
        }
    }

    /**
     * Mini-batch k-means only refines where it started, and the first customers (on which it
     * started) may not look like the customer base: profiles fill in over time. So now and then
     * a fresh k-means++ fit on the current sample competes, and replaces the model when it
     * explains the same customers clearly better. Segment ids follow their centres: a new
     * centre close to an old one keeps its id and name, one far from every old centre is new.
     */
    private void refitIfClearlyBetter() {
        int k = kMeans.k();
        int d = features.size();
        double[][] raw = sample.draw(SIZE_SAMPLE, new Random(settings.seed() ^ kMeans.batches()));
        // the scaling follows the customer base too: early profiles are mostly empty
        FeatureScaling rescaled = FeatureScaling.fit(raw, d);
        double[][] customers = new double[raw.length][];
        for (int i = 0; i < raw.length; i++) {
            customers[i] = rescaled.scale(raw[i]);
        }
        double[] centres = kMeans.centres();
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) {
                centres[c * d + j] = rescaled.scale(j, scaling.unscale(j, centres[c * d + j]));
            }
        }
        MiniBatchKMeans.State state = kMeans.state();
        MiniBatchKMeans kept = MiniBatchKMeans.restore(paramsFor(k), new MiniBatchKMeans.State(
                d, centres, kMeans.counts(), state.pointsSeen(), state.batches(), state.inertia(), state.randomSeed()));
        MiniBatchKMeans fresh = MiniBatchKMeans.initialise(customers, d, paramsFor(k));
        SegmentModel current = kept.toModel(0, TRAINED_BY, features, rescaled);
        SegmentModel candidate = fresh.toModel(0, TRAINED_BY, features, rescaled);
        double currentInertia = io.segflow.model.ClusteringMetrics.inertia(current, customers);
        double freshInertia = io.segflow.model.ClusteringMetrics.inertia(candidate, customers);
        scaling = rescaled;
        if (!(freshInertia < (1 - REFIT_GAIN) * currentInertia)) {
            kMeans = kept;
            return;
        }
        int[] ids = new int[k];
        String[] names = new String[k];
        boolean[] oldTaken = new boolean[k];
        boolean[] newTaken = new boolean[k];
        // closest pairs first, each old segment to at most one new centre
        for (int round = 0; round < k; round++) {
            int bestNew = -1;
            int bestOld = -1;
            double bestDistance = Double.POSITIVE_INFINITY;
            for (int n = 0; n < k; n++) {
                if (newTaken[n]) {
                    continue;
                }
                double[] centre = candidate.standardisedCentroid(n);
                for (int o = 0; o < k; o++) {
                    if (!oldTaken[o]) {
                        double distance = current.distanceTo(centre, o);
                        if (distance < bestDistance) {
                            bestDistance = distance;
                            bestNew = n;
                            bestOld = o;
                        }
                    }
                }
            }
            newTaken[bestNew] = true;
            oldTaken[bestOld] = true;
            if (bestDistance <= SAME_SEGMENT_DISTANCE) {
                ids[bestNew] = segmentIds[bestOld];
                names[bestNew] = segmentNames[bestOld];
            } else {
                ids[bestNew] = nextSegmentId++;
                names[bestNew] = candidate.segmentName(bestNew);
            }
        }
        kMeans = fresh;
        segmentIds = ids;
        segmentNames = names;
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
        SegmentModel current = kMeans.toModel(0, TRAINED_BY, features, scaling);
        for (int c : reseeded) {
            segmentIds[c] = nextSegmentId++;
            segmentNames[c] = current.segmentName(c);
        }
    }

    private void emit(long now, Collector<SegmentModel> out) {
        // versions order all models ever published, across restarts and batch retraining
        version = Math.max(version + 1, now);
        SegmentModel model = kMeans.toModel(version, TRAINED_BY, features, scaling, segmentIds, segmentNames);
        out.collect(model.withSizes(sizes(model)));
    }

    /** Segment sizes among (at most SIZE_SAMPLE of) the sampled customers. */
    private long[] sizes(SegmentModel model) {
        long[] sizes = new long[model.k()];
        double[] distances = new double[2];
        Random draw = new Random(settings.seed() ^ version);
        for (double[] profile : sample.draw(SIZE_SAMPLE, draw)) {
            sizes[model.nearestStandardised(scaling.scale(profile), distances)]++;
        }
        return sizes;
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
        state.lastAdoptedVersion = lastAdoptedVersion;
        checkpointed.update(List.of(state));
    }
}
