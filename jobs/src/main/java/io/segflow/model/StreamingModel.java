package io.segflow.model;

import java.io.Serializable;
import java.util.ArrayList;
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
 * <p>How it finds good segments. Mini-batch k-means only refines where it started, and k-means has
 * local optima a little worse than the best one (two behaviours merged, a third split). So the
 * model starts with the fit that `segflow retrain` runs ({@link BatchKMeans}: k-means++ and Lloyd,
 * {@link Retrainer.Settings#defaults()}' restarts, the best wins) on its first customers, and every
 * {@value #REFIT_EVERY_BATCHES} batches, and on a timer tick after changes, such a fit of (at most
 * {@value #SIZE_SAMPLE} of) the sampled customers competes with it, each time with other seeds;
 * once the model is settled, at most every {@value #SETTLED_REFIT_INTERVAL_MILLIS} ms while updates
 * flow, and when they pause. It replaces the model when its inertia per customer is clearly lower
 * on the same customers. Each version records its own inertia per customer and the batch fit's
 * ({@link SegmentModel.FitCheck}). Its cost does not grow with the base: the fit itself takes about
 * 40 ms on 5,000 customers of 11 features (k=6, 8 restarts), and a whole comparison (draw,
 * catch-up, fit, sizes) 80 to 145 ms with 100,000 customers (sample 50,000) on one core. The
 * operator thread runs one at most once per {@value #REFIT_EVERY_BATCHES} batches (10,240 updates
 * with the defaults) and once per tick while the model settles, then at most once a minute while
 * updates flow and once when they pause.
 *
 * <p>How ids keep their meaning. A model starts on the first customers, whose profiles are still
 * filling in, so for a while it <em>settles</em>. A replacing fit's centres take the ids of the
 * centres they replace, paired by the Hungarian algorithm ({@link SegmentIdMatcher}, as a batch
 * retrain does), and while the model settles every id is carried on, however far its centre moved:
 * nobody acts on a segment in its first minutes, and retiring ids then only leaves holes. Dying
 * centres are not re-seeded yet either. The model is settled once a fresh fit no longer beats it
 * and the sample holds {@code initSize} customers. From then on a replacement pairs centres only
 * within {@link SegmentIdMatcher#DEFAULT_MAX_DISTANCE}; one that would retire an id (a centre
 * paired with none gets a new id) must be better by {@value #REFIT_GAIN_RETIRING} rather than
 * {@value #REFIT_GAIN}, so that k-means' near-equal local optima do not reshuffle segments, unless
 * it separates two groups with a gap between them that the model holds in one segment ({@link
 * SegmentSeparation}): a model that settled while two behaviours did not differ yet must follow
 * them once they do. A re-seeded centre is a new segment.
 *
 * <p>A published Gaussian mixture ({@link SegmentModel#mixture()}, from {@code retrain --compare})
 * is learned by stepwise EM instead ({@link StepwiseEm}): every batch of sampled customers updates
 * its components' weights, means and variances with the same half-life as the k-means, in the
 * rotation and scaling the retrain fixed; its versions carry the updated mixture, the same ids and
 * names, every {@code emitEveryBatches} batches (once settled, see {@link #SETTLED_MOVED_SHARE}).
 * No fresh fit competes with it (a fresh fit is k-means): the next retrain replaces it.
 *
 * <p>Deterministic given its inputs and seed: a restored model draws the same batches.
 */
public final class StreamingModel {

    /** How the versions a stream trains are marked in segment_model. */
    public static final String TRAINED_BY = "stream";

    /** Every this many batches a fresh fit with restarts of the sample competes with the model. */
    public static final int REFIT_EVERY_BATCHES = 20;

    /**
     * Once the model is settled, a fresh fit competes with it at most this often while updates flow
     * (and whenever they pause). Every {@value #REFIT_EVERY_BATCHES} batches is every few seconds
     * at live rates: at 100,000 customers and 2,000 events/s the fits took the trainer 35 to 50% of
     * a core (Flink's busy time), 88% of its samples in a JFR profile, while a settled model is
     * replaced only by a clearly better fit (docs/benchmarks.md). Settling keeps its pace.
     */
    public static final long SETTLED_REFIT_INTERVAL_MILLIS = 60_000;

    /**
     * A fresh fit that keeps every segment replaces the model when its inertia per customer is this
     * much lower on the same customers. Small on purpose: k-means' local optima lie close together
     * in inertia. Measured on 480 customers of six behaviours (StreamingQualityTest): the optimum
     * that merges two behaviours and splits a third (ARI 0.80) is only 2.1% worse than the right
     * one (ARI 0.99), while fits of one and the same optimum differ by less than 0.01%. Each
     * replacement lowers the inertia, so fits cannot take turns.
     */
    public static final double REFIT_GAIN = 0.01;

    /**
     * A fresh fit that would retire a segment once the model is settled must be this much better,
     * so that segments people may act on keep their ids through reshuffles: measured on a demo-like
     * stream (2,000 customers of four behaviours, k=6, StreamingModelTest), a fit that splits the
     * behaviours differently beat the settled model by 8.0% while the counts grew. A model settles
     * only when a fit with restarts no longer beats it by {@value #REFIT_GAIN}, so it settles at
     * the batch optimum, not in a local one that is 2% worse. A fit that separates groups the model
     * holds in one segment needs only {@value #REFIT_GAIN} ({@link SegmentSeparation}): the model
     * may have settled while their profiles were still alike (measured: 20,000 customers of six
     * behaviours, three updates each, then ten minutes live; the stream stayed at ARI 0.78 to 0.79
     * in six seeds of six, its inertia 6 to 7 % above a fresh fit's).
     */
    public static final double REFIT_GAIN_RETIRING = 0.20;

    /** Customers drawn to compare fits and to measure segment sizes. */
    static final int SIZE_SAMPLE = 5_000;

    /**
     * Once the model is settled, its small steps are made into a version about once a minute
     * ({@link #SETTLED_EMIT_INTERVAL_MILLIS}): a version due every {@code emitEveryBatches} batches
     * within the minute is made only when it would move at least this share of the sampled
     * customers to another segment than the last version made did, or changes the segments' ids or
     * names, or a fresh fit replaced the model. Each version published has every assigner score all
     * its customers again, at 100,000 customers 0.25 to 2.3 s of work per subtask; and a stream
     * whose profiles grow moves its model all the time: in the benchmark's live phase each version
     * every 10 s moved 0.3 to 15 % of the customers (docs/benchmarks.md), and in a simulation of
     * 100,000 customers the fit checks' versions a minute apart moved 4 to 6 % of them: a share of
     * 0.5 % held back hardly any version. Customers with new data are scored at once with the
     * newest version.
     */
    public static final double SETTLED_MOVED_SHARE = 0.05;

    /**
     * A settled model's version that moves fewer customers than {@link #SETTLED_MOVED_SHARE} is
     * made at the first one due once this long has passed since the last one made, so that
     * segment_model and the customers' rows keep up with a model that moves; and whenever updates
     * pause.
     */
    public static final long SETTLED_EMIT_INTERVAL_MILLIS = 60_000;

    /** Customers drawn to measure how many a new version would move. */
    static final int MOVED_SAMPLE = 2_000;

    /**
     * The fit that starts the model and competes with it: `segflow retrain`'s k-means++ with
     * restarts ({@link BatchKMeans}), its iterations and tolerance, with half its restarts. A
     * retrain fits once and must find the optimum then; the stream fits again every minute with
     * other seeds, on the trainer's thread that every profile update passes (40 ms a fit on 5,000
     * customers with 8 restarts, 75 ms with 16).
     */
    private static final Retrainer.Settings BATCH_FIT =
            Retrainer.Settings.defaults().withRestarts(8);

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
        // transient: not in the Kryo-written state of release 1; TrainerStateSerializer writes
        // it from format 2 on
        public transient SegmentModel.FitCheck fitCheck;
        // transient as fitCheck; written from format 3 on. The mixture being learned (its counts
        // the components' masses), or null when the model is k-means; and its batches so far
        public transient SegmentModel mixture;
        public transient long mixtureBatches;
        // transient as fitCheck; written from format 4 on. The last version made (null before the
        // first, and in the state of an earlier release: the next version due is made), when,
        // and whether a version was due since and held back
        public transient SegmentModel lastEmitted;
        public transient long lastEmittedAt;
        public transient boolean withheld;
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
    private SegmentModel.FitCheck fitCheck;
    // not in the state: a restored model assumes it has learned since its last version
    private boolean learnedSinceEmit = true;
    // not in the state: a restored model checks its fit at the first chance
    private long lastFitCheckAt = Long.MIN_VALUE / 2;
    private long fitChecks;
    private SegmentModel mixture;
    private long mixtureBatches;
    private SegmentModel lastEmitted;
    private long lastEmittedAt;
    private boolean withheld;

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
            return mixture != null
                    ? learnMixture(now, false)
                    : learn(
                            now,
                            (kMeans.batches() + 1) % REFIT_EVERY_BATCHES == 0 && fitCheckDue(now),
                            false);
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
        boolean paused = now - lastBatchAt >= settings.batchMaxWaitMillis();
        if (mixture != null) {
            return pending > 0
                    ? learnMixture(now, paused)
                    : withheld ? Optional.of(emit(now)) : Optional.empty();
        }
        if (pending > 0) {
            // a batch within the wait means updates flow: the next batches come anyway, and a
            // settled model's fit is checked only when due
            return learn(now, paused || fitCheckDue(now), paused);
        }
        // profiles changed since the last check but came too fast or too few for another: a
        // history read at full speed arrives in a few folded batches, then nothing
        boolean replaced = changedSinceFitCheck > 0 && refitIfClearlyBetter(now);
        // no batch since the last tick: updates paused, and a version held back is made now
        return replaced || withheld ? Optional.of(emit(now)) : Optional.empty();
    }

    /**
     * The input ended (a bounded run): learn from what is pending, catch up with the whole sample,
     * and publish what the model has become, unless its last version already is that. A version is
     * otherwise published every {@code emitEveryBatches} batches or when a fresh fit wins, so a
     * bounded run would end with whatever version came last: in InsightITCase (1,200 customers),
     * the first fit, on the first 500 customers' profiles while their events were still arriving,
     * whose segments explained 0.2% of the conversion variance in one run on a loaded machine (26
     * to 28% in the others).
     */
    public Optional<SegmentModel> finish(long now) {
        if (kMeans == null) {
            // no more customers will come: a small base starts now, however briefly it waited
            return startIfReady(now, true);
        }
        if (mixture != null) {
            if (pending > 0) {
                Optional<SegmentModel> learned = learnMixture(now, true);
                if (learned.isPresent()) {
                    return learned;
                }
            }
            return learnedSinceEmit ? Optional.of(emit(now)) : Optional.empty();
        }
        if (pending > 0) {
            Optional<SegmentModel> learned = learn(now, true, true);
            if (learned.isPresent()) {
                return learned;
            }
        } else if (changedSinceFitCheck > 0 && refitIfClearlyBetter(now)) {
            return Optional.of(emit(now));
        }
        return learnedSinceEmit ? Optional.of(emit(now)) : Optional.empty();
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
        fitCheck = null; // the next comparison measures the adopted model
        learnedSinceEmit = false; // published already
        lastEmitted = model;
        lastEmittedAt = now;
        withheld = false;
        mixture = model.mixture() != null ? model : null;
        mixtureBatches = 0;
    }

    /**
     * One batch of stepwise EM on the published mixture (see the class comment); paused: updates
     * stopped or the input ended, and a version due or held back is made whatever it moves.
     */
    private Optional<SegmentModel> learnMixture(long now, boolean paused) {
        // the draw depends only on seed and progress, so a restored model draws the same batch
        Random draw = new Random(settings.seed() ^ (mixture.pointsSeen() * 0x9E3779B97F4A7C15L));
        double[][] batch = standardise(sample.draw(settings.batchSize(), draw));
        StepwiseEm.Step step =
                StepwiseEm.update(
                        mixture.mixture(),
                        mixture.counts(),
                        batch,
                        params(mixture.k()).batchDecay(batch.length));
        int k = mixture.k();
        int d = mixture.dimensions();
        double[] centres = new double[k * d];
        for (int c = 0; c < k; c++) {
            System.arraycopy(step.mixture().standardisedCentre(c), 0, centres, c * d, d);
        }
        double inertia =
                mixtureBatches == 0
                        ? step.meanSquaredDistance()
                        : 0.9 * mixture.inertia() + 0.1 * step.meanSquaredDistance();
        mixture =
                new SegmentModel(
                                mixture.version(),
                                TRAINED_BY,
                                features,
                                scaling,
                                centres,
                                step.masses(),
                                inertia,
                                mixture.pointsSeen() + batch.length,
                                segmentIds,
                                segmentNames)
                        .withMixture(step.mixture());
        mixtureBatches++;
        learnedSinceEmit = true;
        pending = 0;
        lastBatchAt = now;
        if (paused && withheld) {
            return Optional.of(emit(now));
        }
        return mixtureBatches % settings.emitEveryBatches() == 0
                ? emitIfDue(now, paused)
                : Optional.empty();
    }

    private Optional<SegmentModel> startIfReady(long now) {
        return startIfReady(now, false);
    }

    private Optional<SegmentModel> startIfReady(long now, boolean inputEnded) {
        boolean enough = sample.size() >= Math.max(settings.initSize(), settings.k());
        boolean smallBaseWaitedEnough =
                sample.size() >= settings.k()
                        && firstUpdateAt >= 0
                        && (inputEnded || now - firstUpdateAt >= settings.batchMaxWaitMillis());
        if (!enough && !smallBaseWaitedEnough) {
            return Optional.empty();
        }
        double[][] profiles = sample.all();
        scaling = FeatureScaling.fit(profiles, d);
        settled = false;
        double[][] customers = standardise(profiles);
        MiniBatchKMeans fitted = batchFit(customers, settings.k(), customers.length, 0);
        kMeans =
                fitted != null
                        ? fitted
                        : MiniBatchKMeans.initialise(customers, d, params(settings.k()));
        double inertiaPerCustomer = kMeans.inertia();
        fitCheck =
                fitted == null
                        ? null
                        : new SegmentModel.FitCheck(
                                inertiaPerCustomer, inertiaPerCustomer, customers.length);
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

    /**
     * One mini-batch; checkFit: a fresh fit competes; paused: updates stopped or the input ended,
     * and a version due or held back is made whatever it moves.
     */
    private Optional<SegmentModel> learn(long now, boolean checkFit, boolean paused) {
        // the draw depends only on seed and progress, so a restored model draws the same batch
        Random draw = new Random(settings.seed() ^ (kMeans.batches() * 0x9E3779B97F4A7C15L));
        kMeans.update(standardise(sample.draw(settings.batchSize(), draw)));
        renameReseededSegments();
        learnedSinceEmit = true;
        boolean replaced = checkFit && refitIfClearlyBetter(now);
        pending = 0;
        lastBatchAt = now;
        if (replaced || (paused && withheld)) {
            return Optional.of(emit(now));
        }
        return kMeans.batches() % settings.emitEveryBatches() == 0
                ? emitIfDue(now, paused)
                : Optional.empty();
    }

    /**
     * A version is due: made, unless the model is settled, updates flow, the last version was made
     * less than {@link #SETTLED_EMIT_INTERVAL_MILLIS} ago, and this one has the same segments and
     * would move fewer than {@link #SETTLED_MOVED_SHARE} of the customers (see there).
     */
    private Optional<SegmentModel> emitIfDue(long now, boolean paused) {
        if (paused
                || !settled
                || lastEmitted == null
                || now - lastEmittedAt >= SETTLED_EMIT_INTERVAL_MILLIS) {
            return Optional.of(emit(now));
        }
        SegmentModel candidate = current(lastEmitted.version());
        // the draw depends only on seed and progress, so a restored model decides the same
        long batches = mixture != null ? mixtureBatches : kMeans.batches();
        Random draw = new Random(settings.seed() ^ ((batches + 1) * 0xC2B2AE3D27D4EB4FL));
        if (!candidate.sameSegmentsAs(lastEmitted)
                || lastEmitted.shareMovedBy(candidate, sample.draw(MOVED_SAMPLE, draw))
                        >= SETTLED_MOVED_SHARE) {
            return Optional.of(emit(now));
        }
        withheld = true;
        return Optional.empty();
    }

    /**
     * Mini-batch k-means moves its centres a little with every batch, so it lags behind a base
     * whose profiles grow all the time, and it only refines where it started, on the first
     * customers, whose profiles were still filling in. So now and then the model catches up: Lloyd
     * iterations from its centres on the current sample (the same segments where their customers
     * are now), once settled only when that is clearly better ({@link #catchUpIfClearlyBetter});
     * and a fresh fit with restarts competes with that, replacing it only when it explains the same
     * customers clearly better. Returns whether the fresh fit won.
     */
    private boolean refitIfClearlyBetter(long now) {
        lastFitCheckAt = now;
        fitChecks++;
        changedSinceFitCheck = 0;
        learnedSinceEmit = true;
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
        MiniBatchKMeans fresh = batchFit(customers, k, kMeans.pointsSeen(), kMeans.batches());
        boolean withRestarts = fresh != null;
        if (!withRestarts) {
            // fewer distinct profiles than segments (profiles still empty): one seeding will do
            fresh = MiniBatchKMeans.initialise(customers, d, params(k));
        }
        if (settled) {
            caughtUp = catchUpIfClearlyBetter(kMeans.movedTo(centres), caughtUp, customers);
            fresh.keepMass(kMeans.mass());
        }
        SegmentModel current = caughtUp.toModel(0, TRAINED_BY, features, rescaled);
        SegmentModel candidate = fresh.toModel(0, TRAINED_BY, features, rescaled);
        double currentInertia = ClusteringMetrics.inertia(current, customers);
        double candidateInertia = ClusteringMetrics.inertia(candidate, customers);
        double gain = currentInertia > 0 ? 1 - candidateInertia / currentInertia : 0;
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
        boolean adopt =
                gain > REFIT_GAIN
                        && (!retiresSegments
                                || gain > REFIT_GAIN_RETIRING
                                || separatesGroups(current, candidate, customers, matching));
        fitCheck =
                withRestarts
                        ? new SegmentModel.FitCheck(
                                (adopt ? candidateInertia : currentInertia) / customers.length,
                                candidateInertia / customers.length,
                                customers.length)
                        : null;
        if (!adopt) {
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

    /**
     * Whether a fit that would retire segments separates customers the model holds in one segment
     * with a gap between them ({@link SegmentSeparation}): then the model merged two groups, and
     * every marketer acting on that segment reaches both. Cutting a group differently than the
     * model did is not reason enough to reshuffle ids ({@value #REFIT_GAIN_RETIRING}).
     */
    private static boolean separatesGroups(
            SegmentModel current,
            SegmentModel candidate,
            double[][] customers,
            SegmentIdMatcher.Matching matching) {
        boolean[] isNew = new boolean[candidate.k()];
        for (int c = 0; c < isNew.length; c++) {
            isNew[c] = !matching.continues(c);
        }
        return SegmentSeparation.separatesGroups(current, candidate, customers, isNew);
    }

    /**
     * A settled model's catch-up, only when it explains the sampled customers clearly better than
     * the model as it is (in the features scaled anew), as for a fresh fit ({@value #REFIT_GAIN}).
     * Lloyd from the model's centres goes to the optimum nearest them on this draw of the
     * customers, which in a base whose profiles grow is not where the mini-batches left them: in a
     * simulation of 100,000 customers (docs/benchmarks.md) the catch-ups a minute apart moved 36,
     * 7, 5.6 and 25 % of the customers to another segment, the second and third for 0.6 % of
     * inertia. The catch-up keeps the model's counts' total: Lloyd counts only the 5,000 customers
     * drawn, and mini-batches after it that weigh each batch against those few moved the centres,
     * and the customers near their borders, at every step.
     */
    static MiniBatchKMeans catchUpIfClearlyBetter(
            MiniBatchKMeans asIs, MiniBatchKMeans caughtUp, double[][] customers) {
        double asIsInertia = asIs.inertiaOn(customers);
        if (asIsInertia <= 0 || 1 - caughtUp.inertiaOn(customers) / asIsInertia < REFIT_GAIN) {
            return asIs;
        }
        caughtUp.keepMass(asIs.mass());
        return caughtUp;
    }

    /**
     * The best of {@link #BATCH_FIT}'s restarts of k-means++ and Lloyd on the given standardised
     * customers, as a mini-batch model that continues from there; null when fewer than k of them
     * differ (no k segments can be made of them yet) or the fit cannot fill k segments. The seed
     * follows progress, so each comparison tries other seedings and a restored model fits exactly
     * as the original.
     */
    private MiniBatchKMeans batchFit(double[][] customers, int k, long pointsSeen, long batches) {
        if (BatchKMeans.distinctPoints(customers, k) < k) {
            return null;
        }
        BatchKMeans.Fit fit;
        try {
            fit =
                    BatchKMeans.fit(
                            customers,
                            k,
                            BATCH_FIT.restarts(),
                            BATCH_FIT.maxIterations(),
                            BATCH_FIT.relativeTolerance(),
                            settings.seed() ^ (batches * 0x9E3779B97F4A7C15L));
        } catch (IllegalStateException emptyCluster) {
            // profiles distinct only in values that distances leave out (gaps) can leave a
            // cluster empty; a retrain fails on that, the stream carries on with one seeding
            return null;
        }
        // Lloyd from the fit's centres: already converged, it only counts the segments' sizes
        return MiniBatchKMeans.refined(
                customers, d, params(k), fit.flatCentroids(), pointsSeen, batches);
    }

    /** Whether a fresh fit may compete now: always while the model settles, then now and then. */
    private boolean fitCheckDue(long now) {
        return !settled || now - lastFitCheckAt >= SETTLED_REFIT_INTERVAL_MILLIS;
    }

    /** How many times a fresh fit competed with the model since it was made or restored. */
    long fitChecks() {
        return fitChecks;
    }

    /**
     * Whether a version was due and held back since the last one made (see {@link
     * #SETTLED_MOVED_SHARE}): the next tick after updates pause makes it.
     */
    public boolean holdsBackAVersion() {
        return withheld;
    }

    /** Whether profiles changed since the fit was last checked (a paused stream checks it). */
    public boolean fitUnchecked() {
        return kMeans != null && mixture == null && changedSinceFitCheck > 0;
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
        learnedSinceEmit = false;
        SegmentModel model = current(version);
        // segment sizes and spread among (at most SIZE_SAMPLE of) the sampled customers
        List<double[]> measured = new ArrayList<>();
        for (double[] profile : sample.draw(SIZE_SAMPLE, new Random(settings.seed() ^ version))) {
            measured.add(scaling.scale(profile));
        }
        SegmentModel emitted = model.measuredOn(measured).withFitCheck(fitCheck);
        lastEmitted = emitted;
        lastEmittedAt = now;
        withheld = false;
        return emitted;
    }

    /** The model as it is now, as a version (without sizes and spread). */
    private SegmentModel current(long version) {
        return mixture != null
                ? new SegmentModel(
                                version,
                                TRAINED_BY,
                                features,
                                scaling,
                                mixture.standardisedCentres(),
                                mixture.counts(),
                                mixture.inertia(),
                                mixture.pointsSeen(),
                                segmentIds,
                                segmentNames)
                        .withMixture(mixture.mixture())
                : kMeans.toModel(version, TRAINED_BY, features, scaling, segmentIds, segmentNames);
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

    /** A snapshot for a checkpoint: the model keeps learning without changing it. */
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
        // the model changes these in place; the snapshot keeps its own
        state.segmentIds = segmentIds == null ? null : segmentIds.clone();
        state.segmentNames = segmentNames == null ? null : segmentNames.clone();
        state.highestSegmentId = highestSegmentId;
        state.lastAdoptedVersion = lastAdoptedVersion;
        state.settled = settled;
        state.fitCheck = fitCheck;
        state.mixture = mixture;
        state.mixtureBatches = mixtureBatches;
        state.lastEmitted = lastEmitted;
        state.lastEmittedAt = lastEmittedAt;
        state.withheld = withheld;
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
        model.segmentIds = state.segmentIds == null ? null : state.segmentIds.clone();
        model.segmentNames = state.segmentNames == null ? null : state.segmentNames.clone();
        model.highestSegmentId = state.highestSegmentId;
        model.lastAdoptedVersion = state.lastAdoptedVersion;
        model.fitCheck = state.fitCheck;
        model.mixture = state.mixture;
        model.mixtureBatches = state.mixtureBatches;
        model.lastEmitted = state.lastEmitted;
        model.lastEmittedAt = state.lastEmittedAt;
        model.withheld = state.withheld;
        return model;
    }
}
