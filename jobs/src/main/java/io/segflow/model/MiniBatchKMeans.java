package io.segflow.model;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Streaming k-means after Sculley, "Web-Scale K-Means Clustering" (WWW 2010), on standardised
 * points. Each mini-batch is first assigned to the current centres; then every point pulls its
 * centre towards itself with learning rate 1 / (points that centre has absorbed), so a centre is
 * the running mean of its points. Three additions keep it useful on a stream that never ends:
 *
 * <ul>
 *   <li>Decay: before each batch every centre's count is multiplied by a factor below 1 (given
 *       directly, or from a half-life in points), so the learning rate never reaches zero and the
 *       centres follow drift. A half-life of h points halves the weight of what was seen h points
 *       ago.
 *   <li>Re-seeding: a centre whose count falls below {@code reseedRatio} times the largest count is
 *       dying (it lost its points to drift or was badly placed); it is moved to a point of the
 *       batch drawn with probability proportional to its squared distance from its centre, as in
 *       k-means++.
 *   <li>Initialisation by k-means++ (with several candidates per step) and Lloyd iterations on a
 *       sample of the first points, or a warm start from a published model.
 * </ul>
 *
 * <p>Missing values (NaN) are left out of distances and of updates: a customer whose age is unknown
 * moves the other coordinates of their centre only. The state is plain arrays, so the trainer
 * operator can snapshot it as is. Not thread-safe.
 */
public final class MiniBatchKMeans {

    /** How the model learns. decayFactor and halfLifePoints combine; 1 and 0 turn decay off. */
    public record Params(
            int k, double decayFactor, long halfLifePoints, double reseedRatio, long seed) {

        public Params {
            if (k < 1) {
                throw new IllegalArgumentException("k must be at least 1");
            }
            if (!(decayFactor > 0 && decayFactor <= 1)) {
                throw new IllegalArgumentException("decay factor must be in (0, 1]");
            }
            if (halfLifePoints < 0 || reseedRatio < 0 || reseedRatio >= 1) {
                throw new IllegalArgumentException(
                        "half-life must be >= 0 and reseed ratio in [0, 1)");
            }
        }

        public static Params of(int k) {
            return new Params(k, 1.0, 0, 0.01, 42);
        }

        /** The factor that applies to a batch of the given size. */
        double batchDecay(int batchSize) {
            double factor = decayFactor;
            if (halfLifePoints > 0) {
                factor *= Math.pow(0.5, (double) batchSize / halfLifePoints);
            }
            return factor;
        }
    }

    private static final int LLOYD_ITERATIONS = 25;
    private static final int INIT_RUNS = 3;

    private final Params params;
    private final int k;
    private final int d;
    private final double[] centres;
    private final double[] counts;
    private final Random random;
    private long pointsSeen;
    private long batches;
    private double inertia;
    private int[] reseeded = new int[0];

    private MiniBatchKMeans(Params params, int d, double[] centres, double[] counts, long seed) {
        this.params = params;
        this.k = params.k();
        this.d = d;
        this.centres = centres;
        this.counts = counts;
        this.random = new Random(seed);
    }

    /** k-means++ and Lloyd on a sample of standardised points: the best of a few runs. */
    public static MiniBatchKMeans initialise(double[][] sample, int d, Params params) {
        if (sample.length == 0) {
            throw new IllegalArgumentException("cannot initialise from an empty sample");
        }
        Random random = new Random(params.seed());
        double[] best = null;
        double[] bestCounts = null;
        double bestInertia = Double.POSITIVE_INFINITY;
        for (int run = 0; run < INIT_RUNS; run++) {
            double[] centres = kMeansPlusPlus(sample, params.k(), d, random);
            double[] counts = new double[params.k()];
            double inertia = lloyd(sample, centres, params.k(), d, counts, random);
            if (inertia < bestInertia) {
                bestInertia = inertia;
                best = centres;
                bestCounts = counts;
            }
        }
        MiniBatchKMeans model = new MiniBatchKMeans(params, d, best, bestCounts, params.seed() + 1);
        model.pointsSeen = sample.length;
        model.inertia = bestInertia / sample.length;
        return model;
    }

    /**
     * Lloyd iterations on a sample of standardised points, starting from the given centres instead
     * of k-means++: the same segments, moved to where the points are now. Counts become the sizes
     * of the clusters in the sample.
     */
    public static MiniBatchKMeans refined(
            double[][] sample,
            int d,
            Params params,
            double[] centres,
            long pointsSeen,
            long batches) {
        if (sample.length == 0) {
            throw new IllegalArgumentException("cannot refine on an empty sample");
        }
        double[] moved = centres.clone();
        double[] counts = new double[params.k()];
        Random random = new Random(params.seed() + batches);
        double inertia = lloyd(sample, moved, params.k(), d, counts, random);
        MiniBatchKMeans model =
                new MiniBatchKMeans(params, d, moved, counts, params.seed() + batches * 7919 + 1);
        model.pointsSeen = pointsSeen;
        model.batches = batches;
        model.inertia = inertia / sample.length;
        return model;
    }

    /**
     * This model with its centres at the given places and everything else kept: the same segments
     * in features scaled anew, having learned nothing.
     */
    public MiniBatchKMeans movedTo(double[] standardisedCentres) {
        if (standardisedCentres.length != centres.length) {
            throw new IllegalArgumentException(
                    "expected "
                            + centres.length
                            + " coordinates, got "
                            + standardisedCentres.length);
        }
        MiniBatchKMeans moved =
                new MiniBatchKMeans(
                        params,
                        d,
                        standardisedCentres.clone(),
                        counts.clone(),
                        params.seed() + batches * 7919 + 1);
        moved.pointsSeen = pointsSeen;
        moved.batches = batches;
        moved.inertia = inertia;
        return moved;
    }

    /**
     * Scales the counts up so that they sum to the given total, when they sum to less. A model
     * refined on a sample counts only that sample's customers (5,000), while one that learned for a
     * while counts many more (some 140,000 with the defaults' half-life): continuing with the small
     * counts would weigh each next batch as a tenth of all that is known and move the centres, and
     * the customers near their borders, at every step.
     */
    public void keepMass(double total) {
        double mass = mass();
        if (mass > 0 && total > mass) {
            for (int c = 0; c < k; c++) {
                counts[c] *= total / mass;
            }
        }
    }

    /** The sum of squared distances of standardised points to their nearest centre. */
    public double inertiaOn(double[][] points) {
        double[] out = new double[2];
        double total = 0.0;
        for (double[] point : points) {
            Centroids.nearest(centres, k, d, point, out);
            total += out[0];
        }
        return total;
    }

    /** The sum of the counts: how many points the centres stand for, decayed. */
    public double mass() {
        double mass = 0;
        for (double count : counts) {
            mass += count;
        }
        return mass;
    }

    /** Continues from a published model: its centres and counts. */
    public static MiniBatchKMeans resume(SegmentModel model, Params params) {
        if (model.k() != params.k()) {
            throw new IllegalArgumentException(
                    "model has k=" + model.k() + ", params say " + params.k());
        }
        MiniBatchKMeans resumed =
                new MiniBatchKMeans(
                        params,
                        model.dimensions(),
                        model.standardisedCentres(),
                        model.counts(),
                        params.seed() + model.version());
        resumed.pointsSeen = model.pointsSeen();
        resumed.inertia = model.inertia();
        return resumed;
    }

    /** Restores the exact state of {@link #state()}. */
    public static MiniBatchKMeans restore(Params params, State state) {
        MiniBatchKMeans restored =
                new MiniBatchKMeans(
                        params,
                        state.dimensions(),
                        state.centres().clone(),
                        state.counts().clone(),
                        state.randomSeed());
        restored.pointsSeen = state.pointsSeen();
        restored.batches = state.batches();
        restored.inertia = state.inertia();
        return restored;
    }

    /** Everything needed to continue exactly: what the trainer operator keeps in its state. */
    public record State(
            int dimensions,
            double[] centres,
            double[] counts,
            long pointsSeen,
            long batches,
            double inertia,
            long randomSeed) {}

    public State state() {
        // the generator itself cannot be captured; a fresh seed derived from progress keeps
        // restores deterministic
        return new State(
                d,
                centres.clone(),
                counts.clone(),
                pointsSeen,
                batches,
                inertia,
                params.seed() + batches * 7919);
    }

    /**
     * Learns from one mini-batch of standardised points; returns the batch's mean squared distance
     * to the centres it was assigned to (before the update).
     */
    public double update(double[][] batch) {
        if (batch.length == 0) {
            return inertia;
        }
        double decay = params.batchDecay(batch.length);
        for (int c = 0; c < k; c++) {
            counts[c] *= decay;
        }
        int[] nearest = new int[batch.length];
        double[] sqDistance = new double[batch.length];
        double[] out = new double[2];
        double total = 0.0;
        for (int i = 0; i < batch.length; i++) {
            nearest[i] = Centroids.nearest(centres, k, d, batch[i], out);
            sqDistance[i] = out[0];
            total += out[0];
        }
        for (int i = 0; i < batch.length; i++) {
            int c = nearest[i];
            counts[c] += 1.0;
            double eta = 1.0 / counts[c];
            int offset = c * d;
            double[] point = batch[i];
            for (int j = 0; j < d; j++) {
                double v = point[j];
                if (!Double.isNaN(v)) {
                    centres[offset + j] += eta * (v - centres[offset + j]);
                }
            }
        }
        batches++;
        pointsSeen += batch.length;
        double batchInertia = total / batch.length;
        inertia = batches == 1 ? batchInertia : 0.9 * inertia + 0.1 * batchInertia;
        reseedDyingCentres(batch, sqDistance);
        return batchInertia;
    }

    /** Centres moved to new places by the last update: segments that are new, not continued. */
    public int[] reseededInLastUpdate() {
        return reseeded.clone();
    }

    private void reseedDyingCentres(double[][] batch, double[] sqDistance) {
        reseeded = new int[0];
        if (params.reseedRatio() <= 0) {
            return;
        }
        double max = 0.0;
        for (double count : counts) {
            max = Math.max(max, count);
        }
        double threshold = params.reseedRatio() * max;
        double smallestHealthy = Double.POSITIVE_INFINITY;
        boolean anyDying = false;
        for (double count : counts) {
            if (count < threshold) {
                anyDying = true;
            } else {
                smallestHealthy = Math.min(smallestHealthy, count);
            }
        }
        if (!anyDying) {
            return;
        }
        double[] weights = sqDistance.clone();
        for (int c = 0; c < k; c++) {
            if (counts[c] >= threshold) {
                continue;
            }
            int pick = drawProportional(weights, random);
            int offset = c * d;
            for (int j = 0; j < d; j++) {
                double v = batch[pick][j];
                if (!Double.isNaN(v)) {
                    centres[offset + j] = v;
                }
            }
            weights[pick] = 0.0; // two dying centres never land on the same point
            reseeded = Arrays.copyOf(reseeded, reseeded.length + 1);
            reseeded[reseeded.length - 1] = c;
            counts[c] = Math.min(smallestHealthy, Math.max(1.0, threshold));
        }
    }

    /** A snapshot as a model version. */
    public SegmentModel toModel(
            long version, String trainedBy, List<String> features, FeatureScaling scaling) {
        return new SegmentModel(
                version, trainedBy, features, scaling, centres, counts, inertia, pointsSeen);
    }

    /** A snapshot as a model version with the given segment ids and names. */
    public SegmentModel toModel(
            long version,
            String trainedBy,
            List<String> features,
            FeatureScaling scaling,
            int[] ids,
            String[] names) {
        return new SegmentModel(
                version,
                trainedBy,
                features,
                scaling,
                centres,
                counts,
                inertia,
                pointsSeen,
                ids,
                names);
    }

    public long pointsSeen() {
        return pointsSeen;
    }

    public long batches() {
        return batches;
    }

    public double inertia() {
        return inertia;
    }

    public int k() {
        return k;
    }

    public double[] centres() {
        return centres.clone();
    }

    public double[] counts() {
        return counts.clone();
    }

    // ---- initialisation -------------------------------------------------------------------

    /** Greedy k-means++ (Arthur and Vassilvitskii 2007): 2 + log k candidates per step. */
    static double[] kMeansPlusPlus(double[][] points, int k, int d, Random random) {
        int n = points.length;
        double[] centres = new double[k * d];
        double[] closest = new double[n];
        Arrays.fill(closest, Double.POSITIVE_INFINITY);
        int first = random.nextInt(n);
        copyInto(points[first], centres, 0, d);
        updateClosest(points, centres, 0, d, closest);
        int candidates = 2 + (int) Math.log(k);
        for (int c = 1; c < k; c++) {
            int bestCandidate = -1;
            double bestPotential = Double.POSITIVE_INFINITY;
            double[] trial = new double[d];
            for (int t = 0; t < candidates; t++) {
                int candidate = drawProportional(closest, random);
                fill(points[candidate], trial, d);
                double potential = 0.0;
                for (int i = 0; i < n; i++) {
                    potential += Math.min(closest[i], squaredDistance(points[i], trial, 0, d));
                }
                if (potential < bestPotential) {
                    bestPotential = potential;
                    bestCandidate = candidate;
                }
            }
            copyInto(points[bestCandidate], centres, c * d, d);
            updateClosest(points, centres, c * d, d, closest);
        }
        return centres;
    }

    /** Lloyd iterations; fills counts with cluster sizes; returns the total squared distance. */
    static double lloyd(
            double[][] points, double[] centres, int k, int d, double[] counts, Random random) {
        int n = points.length;
        int[] labels = new int[n];
        double[] sqDistance = new double[n];
        double[] out = new double[2];
        double inertia = Double.POSITIVE_INFINITY;
        for (int iteration = 0; iteration < LLOYD_ITERATIONS; iteration++) {
            double total = 0.0;
            for (int i = 0; i < n; i++) {
                labels[i] = Centroids.nearest(centres, k, d, points[i], out);
                sqDistance[i] = out[0];
                total += out[0];
            }
            double[] sums = new double[k * d];
            double[] observed = new double[k * d];
            Arrays.fill(counts, 0.0);
            for (int i = 0; i < n; i++) {
                int offset = labels[i] * d;
                counts[labels[i]]++;
                for (int j = 0; j < d; j++) {
                    double v = points[i][j];
                    if (!Double.isNaN(v)) {
                        sums[offset + j] += v;
                        observed[offset + j]++;
                    }
                }
            }
            for (int c = 0; c < k; c++) {
                if (counts[c] == 0) {
                    // an empty cluster takes the point worst served by its centre
                    int worst = 0;
                    for (int i = 1; i < n; i++) {
                        if (sqDistance[i] > sqDistance[worst]) {
                            worst = i;
                        }
                    }
                    fillCentre(points[worst], centres, c * d, d);
                    sqDistance[worst] = 0.0;
                    counts[c] = 1;
                    continue;
                }
                for (int j = 0; j < d; j++) {
                    int at = c * d + j;
                    if (observed[at] > 0) {
                        centres[at] = sums[at] / observed[at];
                    }
                }
            }
            boolean converged = inertia - total <= 1e-9 * Math.max(1.0, total);
            inertia = total;
            if (converged) {
                break;
            }
        }
        return inertia;
    }

    private static void updateClosest(
            double[][] points, double[] centres, int offset, int d, double[] closest) {
        for (int i = 0; i < points.length; i++) {
            closest[i] = Math.min(closest[i], squaredDistance(points[i], centres, offset, d));
        }
    }

    private static double squaredDistance(double[] point, double[] centres, int offset, int d) {
        return Centroids.squaredDistance(point, centres, offset, d);
    }

    /** An index drawn with probability proportional to its weight (uniform if all are 0). */
    static int drawProportional(double[] weights, Random random) {
        double total = 0.0;
        for (double w : weights) {
            total += w;
        }
        if (!(total > 0) || Double.isInfinite(total)) {
            return random.nextInt(weights.length);
        }
        double r = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            r -= weights[i];
            if (r <= 0 && weights[i] > 0) {
                return i;
            }
        }
        for (int i = weights.length - 1; i >= 0; i--) {
            if (weights[i] > 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    private static void copyInto(double[] point, double[] centres, int offset, int d) {
        fillCentre(point, centres, offset, d);
    }

    /** A centre at the point; a missing coordinate becomes 0, the standardised mean. */
    private static void fillCentre(double[] point, double[] centres, int offset, int d) {
        for (int j = 0; j < d; j++) {
            double v = point[j];
            centres[offset + j] = Double.isNaN(v) ? 0.0 : v;
        }
    }

    private static void fill(double[] point, double[] target, int d) {
        fillCentre(point, target, 0, d);
    }
}
