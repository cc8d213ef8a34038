package io.segflow.model;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The streaming segmentation model and how it learns, without Flink: a uniform sample of customers
 * with their latest profiles ({@link CustomerSample}), the feature scaling, the mini-batch k-means
 * ({@link MiniBatchKMeans}) and the segment ids and names of its centres. The trainer operator
 * feeds it profile updates, timer ticks and published models, publishes what it returns, and
 * checkpoints its {@link State}.
 *
 * <p>When it starts: with {@code initSize} sampled customers; or, for a small customer base, with
 * at least k of them once {@code batchMaxWait} has passed since the first profile, so that a base
 * of 60 customers is segmented too.
 *
 * <p>How ids keep their meaning. A model starts on the first customers, whose profiles are still
 * filling in, so for a while it <em>settles</em>: every {@value #REFIT_EVERY_BATCHES} batches a
 * fresh k-means++ fit of the sample competes, and replaces the model when it explains the same
 * customers clearly better. Its centres take the ids of the centres they replace, paired by the
 * Hungarian algorithm ({@link SegmentIdMatcher}, as a batch retrain does), and while the model
 * settles every id is carried on, however far its centre moved: nobody acts on a segment in its
 * first minutes, and retiring ids then only leaves holes. Dying centres are not re-seeded yet
 * either. The model is settled once a fresh fit no longer beats it and the sample holds {@code
 * initSize} customers. From then on a replacement pairs centres only within {@link
 * SegmentIdMatcher#DEFAULT_MAX_DISTANCE}; one that would retire an id (a centre paired with none)
 * must be much better ({@value #REFIT_GAIN_RETIRING}) than one that keeps them all ({@value
 * #REFIT_GAIN}), so that k-means' many near-equal local optima do not reshuffle segments; a
 * re-seeded centre is a new segment.
 *
 * <p>Deterministic given its inputs and seed: a restored model draws the same batches.
 */
public final class StreamingModel {

    /** How the versions a stream trains are marked in segment_model. */
    public static final String TRAINED_BY = "stream";

    /** Every this many batches a fresh k-means++ fit of the sample competes with the model. */
    public static final int REFIT_EVERY_BATCHES = 20;

    /**
     * A fresh fit that keeps every segment replaces the model when this much better on the same
     * customers.
     */
    public static final double REFIT_GAIN = 0.05;

    /**
     * A fresh fit that would retire a segment must be this much better (once the model is settled).
     */
    public static final double REFIT_GAIN_RETIRING = 0.20;

    /** Customers drawn to compare fits and to measure segment sizes. */
    static final int SIZE_SAMPLE = 5_000;

    /** How the model learns; every field is an option of `segflow run`. */
    public record Settings(
            int k,
            int batchSize,
            long batchMaxWaitMillis,
            MiniBatchKMeans.Params kMeans,
            int initSize,
            int sampleCapacity,
            int emitEveryBatches,
            long seed)
            implements Serializable {}

    /** Everything needed to continue exactly: what the trainer operator checkpoints. */
    public static class State implements Serializable {
        private static final long serialVersionUID = 2L;
        public long[] sampleIds;
        public double[][] sampleProfiles;
        public long customersOffered;
        public FeatureScaling scaling;
        public MiniBatchKMeans.State model;
        public long version;
        public long pending;
        public long changedSinceFitCheck;
        public long firstUpdateAt;
        public int[] segmentIds;
        public String[] segmentNames;
        public int highestSegmentId;
        public long lastAdoptedVersion;
        public boolean settled;
    }

    private final Settings settings;
    private final List<String> features;
    private final int d;
    private CustomerSample sample;
    private FeatureScaling scaling;
    private MiniBatchKMeans kMeans;
    private long version;
    private long pending;
    private long changedSinceFitCheck;
    private long lastBatchAt;
    private long firstUpdateAt = -1;
    private int[] segmentIds;
    private String[] segmentNames;
    private int highestSegmentId = -1;
    private long lastAdoptedVersion;
    private boolean settled;

    public StreamingModel(Settings settings, List<String> features) {
        this.settings = settings;
        this.features = List.copyOf(features);
        this.d = features.size();
        this.sample = new CustomerSample(settings.sampleCapacity(), d, settings.seed());
    }

    /** A model that starts from a published one instead of its first customers. */
    public static StreamingModel startingFrom(
            Settings settings, List<String> features, SegmentModel model) {
        StreamingModel streaming = new StreamingModel(settings, features);
        streaming.continueFrom(model, 0);
        return streaming;
    }

    /** A customer's latest profile. Returns a model version to publish, if this update made one. */
    public Optional<SegmentModel> update(long customerId, double[] profile, long now) {
        sample.offer(customerId, profile);
        return afterChange(now);
    }

    /** A customer deleted: they leave the sample. */
    public Optional<SegmentModel> remove(long customerId, long now) {
        sample.remove(customerId);
        return afterChange(now);
    }

    private Optional<SegmentModel> afterChange(long now) {
        if (firstUpdateAt < 0) {
            firstUpdateAt = now;
        }
        pending++;
        changedSinceFitCheck++;
        if (kMeans == null) {
            return startIfReady(now);
        }
        if (pending >= settings.batchSize() || now - lastBatchAt >= settings.batchMaxWaitMillis()) {
            return learn(now, (kMeans.batches() + 1) % REFIT_EVERY_BATCHES == 0);
        }
        return Optional.empty();
    }

    /**
     * Time passed without enough updates for a batch: learn from what came since the last one and
     * check the fit; or start a small customer base's model.
     */
    public Optional<SegmentModel> tick(long now) {
        if (kMeans == null) {
            return startIfReady(now);
        }
        if (pending > 0) {
            return learn(now, true);
        }
        if (changedSinceFitCheck > 0) {
            // profiles changed since the last check but came too fast or too few for another: a
            // history read at full speed arrives in a few folded batches, then nothing
            return refitIfClearlyBetter() ? Optional.of(emit(now)) : Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * A model trained elsewhere (a retrain, its features already checked): learning continues from
     * it, with its ids and names. One seen before (same or older version) is ignored.
     */
    public Optional<SegmentModel> adopt(SegmentModel published, long now) {
        if (published.version() <= lastAdoptedVersion) {
            return Optional.empty();
        }
        lastAdoptedVersion = published.version();
        continueFrom(published, now);
        return Optional.of(published);
    }

    private void continueFrom(SegmentModel model, long now) {
        scaling = model.scaling();
        settled = true; // a published model was fitted on a snapshot of the whole base
        kMeans = MiniBatchKMeans.resume(model, params(model.k()));
        segmentIds = new int[model.k()];
        segmentNames = new String[model.k()];
        for (int c = 0; c < model.k(); c++) {
            segmentIds[c] = model.segmentId(c);
            segmentNames[c] = model.segmentName(c);
            highestSegmentId = Math.max(highestSegmentId, segmentIds[c]);
        }
        version = Math.max(version, model.version());
        pending = 0;
        lastBatchAt = now;
    }

    private Optional<SegmentModel> startIfReady(long now) {
        boolean enough = sample.size() >= Math.max(settings.initSize(), settings.k());
        boolean smallBaseWaitedEnough =
                sample.size() >= settings.k()
                        && firstUpdateAt >= 0
                        && now - firstUpdateAt >= settings.batchMaxWaitMillis();
        if (!enough && !smallBaseWaitedEnough) {
            return Optional.empty();
        }
        double[][] profiles = sample.all();
        scaling = FeatureScaling.fit(profiles, d);
        settled = false;
        kMeans = MiniBatchKMeans.initialise(standardise(profiles), d, params(settings.k()));
        SegmentModel first = kMeans.toModel(0, TRAINED_BY, features, scaling);
        segmentIds = new int[settings.k()];
        segmentNames = new String[settings.k()];
        for (int c = 0; c < settings.k(); c++) {
            segmentIds[c] = ++highestSegmentId;
            segmentNames[c] = first.segmentName(c);
        }
        pending = 0;
        changedSinceFitCheck = 0;
        lastBatchAt = now;
        return Optional.of(emit(now));
    }

    private Optional<SegmentModel> learn(long now, boolean checkFit) {
        // the draw depends only on seed and progress, so a restored model draws the same batch
        Random draw = new Random(settings.seed() ^ (kMeans.batches() * 0x9E3779B97F4A7C15L));
        kMeans.update(standardise(sample.draw(settings.batchSize(), draw)));
        renameReseededSegments();
        boolean replaced = checkFit && refitIfClearlyBetter();
        pending = 0;
        lastBatchAt = now;
        if (replaced || kMeans.batches() % settings.emitEveryBatches() == 0) {
            return Optional.of(emit(now));
        }
        return Optional.empty();
    }

    /**
     * Mini-batch k-means moves its centres a little with every batch, so it lags behind a base
     * whose profiles grow all the time, and it only refines where it started, on the first
     * customers, whose profiles were still filling in. So now and then the model catches up: Lloyd
     * iterations from its centres on the current sample (the same segments where their customers
     * are now); and a fresh k-means++ fit competes with that, replacing it only when it explains
     * the same customers clearly better. Returns whether the fresh fit won.
     */
    private boolean refitIfClearlyBetter() {
        changedSinceFitCheck = 0;
        int k = kMeans.k();
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
        MiniBatchKMeans caughtUp =
                MiniBatchKMeans.refined(
                        customers, d, params(k), centres, kMeans.pointsSeen(), kMeans.batches());
        MiniBatchKMeans fresh = MiniBatchKMeans.initialise(customers, d, params(k));
        SegmentModel current = caughtUp.toModel(0, TRAINED_BY, features, rescaled);
        SegmentModel candidate = fresh.toModel(0, TRAINED_BY, features, rescaled);
        double currentInertia = ClusteringMetrics.inertia(current, customers);
        double gain =
                currentInertia > 0
                        ? 1 - ClusteringMetrics.inertia(candidate, customers) / currentInertia
                        : 0;
        scaling = rescaled;

        double[][] previous = new double[k][];
        double[][] next = new double[k][];
        for (int c = 0; c < k; c++) {
            previous[c] = current.standardisedCentroid(c);
            next[c] = candidate.standardisedCentroid(c);
        }
        SegmentIdMatcher.Matching matching =
                SegmentIdMatcher.match(
                        previous,
                        segmentIds,
                        next,
                        highestSegmentId,
                        settled ? SegmentIdMatcher.DEFAULT_MAX_DISTANCE : Double.POSITIVE_INFINITY);
        boolean retiresSegments = false;
        for (int c = 0; c < k; c++) {
            retiresSegments |= !matching.continues(c);
        }
        double required = retiresSegments ? REFIT_GAIN_RETIRING : REFIT_GAIN;
        if (!(gain > required)) {
            kMeans = caughtUp;
            if (!settled) {
                // the centres are still finding their places: their names follow them
                for (int c = 0; c < k; c++) {
                    segmentNames[c] = current.segmentName(c);
                }
                if (sample.size() >= settings.initSize()) {
                    settled = true;
                    kMeans =
                            MiniBatchKMeans.restore(
                                    params(k), kMeans.state()); // re-seeding from now on
                }
            }
            return false;
        }
        String[] names = new String[k];
        for (int c = 0; c < k; c++) {
            names[c] =
                    settled && matching.continues(c)
                            ? segmentNames[matching.previousIndex()[c]]
                            : candidate.segmentName(c);
        }
        kMeans = fresh;
        segmentIds = matching.ids();
        segmentNames = names;
        highestSegmentId = matching.highestIdUsed();
        return true;
    }

    /** A re-seeded centre is a new segment: a new id and a name of its own. */
    private void renameReseededSegments() {
        int[] reseeded = kMeans.reseededInLastUpdate();
        if (reseeded.length == 0) {
            return;
        }
        SegmentModel current = kMeans.toModel(0, TRAINED_BY, features, scaling);
        for (int c : reseeded) {
            segmentIds[c] = ++highestSegmentId;
            segmentNames[c] = current.segmentName(c);
        }
    }

    private SegmentModel emit(long now) {
        // versions order all models ever published, across restarts and batch retraining
        version = Math.max(version + 1, now);
        SegmentModel model =
                kMeans.toModel(version, TRAINED_BY, features, scaling, segmentIds, segmentNames);
        return model.withSizes(sizes(model));
    }

    /** Segment sizes among (at most SIZE_SAMPLE of) the sampled customers. */
    private long[] sizes(SegmentModel model) {
        long[] sizes = new long[model.k()];
        double[] distances = new double[2];
        for (double[] profile : sample.draw(SIZE_SAMPLE, new Random(settings.seed() ^ version))) {
            sizes[model.nearestStandardised(scaling.scale(profile), distances)]++;
        }
        return sizes;
    }

    /** Learning parameters for k centres: no re-seeding while the model settles. */
    private MiniBatchKMeans.Params params(int k) {
        MiniBatchKMeans.Params p = settings.kMeans();
        return new MiniBatchKMeans.Params(
                k, p.decayFactor(), p.halfLifePoints(), settled ? p.reseedRatio() : 0.0, p.seed());
    }

    private double[][] standardise(double[][] raw) {
        double[][] scaled = new double[raw.length][];
        for (int i = 0; i < raw.length; i++) {
            scaled[i] = scaling.scale(raw[i]);
        }
        return scaled;
    }

    /** Whether a model exists yet. */
    public boolean started() {
        return kMeans != null;
    }

    /** Whether the model has settled (see the class comment). */
    public boolean settled() {
        return settled;
    }

    public long version() {
        return version;
    }

    public int sampledCustomers() {
        return sample.size();
    }

    public State state() {
        State state = new State();
        state.sampleIds = sample.ids();
        state.sampleProfiles = sample.all();
        state.customersOffered = sample.customersOffered();
        state.scaling = scaling;
        state.model = kMeans == null ? null : kMeans.state();
        state.version = version;
        state.pending = pending;
        state.changedSinceFitCheck = changedSinceFitCheck;
        state.firstUpdateAt = firstUpdateAt;
        state.segmentIds = segmentIds;
        state.segmentNames = segmentNames;
        state.highestSegmentId = highestSegmentId;
        state.lastAdoptedVersion = lastAdoptedVersion;
        state.settled = settled;
        return state;
    }

    public static StreamingModel restore(Settings settings, List<String> features, State state) {
        StreamingModel model = new StreamingModel(settings, features);
        model.sample =
                CustomerSample.restore(
                        settings.sampleCapacity(),
                        features.size(),
                        settings.seed(),
                        state.sampleIds,
                        state.sampleProfiles,
                        state.customersOffered);
        model.scaling = state.scaling;
        model.settled = state.settled;
        model.kMeans =
                state.model == null
                        ? null
                        : MiniBatchKMeans.restore(
                                model.params(state.model.centres().length / features.size()),
                                state.model);
        model.version = state.version;
        model.pending = state.pending;
        model.changedSinceFitCheck = state.changedSinceFitCheck;
        model.firstUpdateAt = state.firstUpdateAt;
        model.segmentIds = state.segmentIds;
        model.segmentNames = state.segmentNames;
        model.highestSegmentId = state.highestSegmentId;
        model.lastAdoptedVersion = state.lastAdoptedVersion;
        return model;
    }
}
