package io.segflow.model;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * One published version of the segmentation: which features it reads, how it scales them, and its
 * centres. Immutable, so the scoring side can share it freely. Centres are kept standardised for
 * speed and reported in feature units for people.
 */
public final class SegmentModel implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long version;
    private final String trainedBy;
    private final List<String> features;
    private final FeatureScaling scaling;
    private final int k;
    private final int d;
    private final double[] centres;
    private final double[] counts;
    private final double inertia;
    private final long pointsSeen;
    private final int[] segmentIds;
    private final String[] segmentNames;
    private long[] sizes;
    // transient: the Kryo-written state of release 1 (read once to migrate it) lists the fields
    // above and no more; SegmentModelSerializer writes it from format 2 on
    private transient FitCheck fitCheck;

    /**
     * How a version compared with a batch fit with restarts (what `segflow retrain` runs) on the
     * same customers: the stream's evidence that it is at the batch optimum. Inertia per customer
     * is the mean squared standardised distance of a customer to their nearest centre.
     *
     * @param inertiaPerCustomer this version's, on the customers compared
     * @param batchInertiaPerCustomer the best batch fit's, on the same customers
     * @param customers how many customers (of the trainer's sample) were compared
     */
    public record FitCheck(double inertiaPerCustomer, double batchInertiaPerCustomer, int customers)
            implements Serializable {}

    /** A model whose segment ids are its centre indices and whose names are generated. */
    public SegmentModel(
            long version,
            String trainedBy,
            List<String> features,
            FeatureScaling scaling,
            double[] centres,
            double[] counts,
            double inertia,
            long pointsSeen) {
        this(
                version,
                trainedBy,
                features,
                scaling,
                centres,
                counts,
                inertia,
                pointsSeen,
                null,
                null);
    }

    /**
     * @param segmentIds the stable id of the segment at each centre (null: the index)
     * @param segmentNames the name of each segment (null: generated from the centres)
     */
    public SegmentModel(
            long version,
            String trainedBy,
            List<String> features,
            FeatureScaling scaling,
            double[] centres,
            double[] counts,
            double inertia,
            long pointsSeen,
            int[] segmentIds,
            String[] segmentNames) {
        this.d = features.size();
        if (scaling.dimensions() != d
                || centres.length % d != 0
                || centres.length / d != counts.length) {
            throw new IllegalArgumentException(
                    "features, scaling, centres and counts do not agree");
        }
        this.version = version;
        this.trainedBy = trainedBy;
        this.features = List.copyOf(features);
        this.scaling = scaling;
        this.k = counts.length;
        this.centres = centres.clone();
        this.counts = counts.clone();
        this.inertia = inertia;
        this.pointsSeen = pointsSeen;
        this.segmentIds = segmentIds == null ? IntStream.range(0, k).toArray() : segmentIds.clone();
        this.segmentNames =
                segmentNames == null
                        ? SegmentNames.describeAll(this.centres, k, this.features)
                                .toArray(new String[0])
                        : segmentNames.clone();
        if (this.segmentIds.length != k || this.segmentNames.length != k) {
            throw new IllegalArgumentException("one id and one name per centre");
        }
    }

    /** The stable id of the segment at centre index c: it never changes meaning across versions. */
    public int segmentId(int c) {
        return segmentIds[c];
    }

    public String segmentName(int c) {
        return segmentNames[c];
    }

    /** The centre index of a segment id, or -1 when this version no longer has it. */
    public int indexOf(int segmentId) {
        for (int c = 0; c < k; c++) {
            if (segmentIds[c] == segmentId) {
                return c;
            }
        }
        return -1;
    }

    public List<String> segmentNames() {
        return List.of(segmentNames);
    }

    /** This version with the number of customers nearest each centre (in a sample of them). */
    public SegmentModel withSizes(long[] customersPerCentre) {
        SegmentModel sized =
                new SegmentModel(
                        version,
                        trainedBy,
                        features,
                        scaling,
                        centres,
                        counts,
                        inertia,
                        pointsSeen,
                        segmentIds,
                        segmentNames);
        sized.sizes = customersPerCentre.clone();
        sized.fitCheck = fitCheck;
        return sized;
    }

    /** This version with how it compared with a batch fit (see {@link FitCheck}). */
    public SegmentModel withFitCheck(FitCheck check) {
        SegmentModel checked =
                new SegmentModel(
                        version,
                        trainedBy,
                        features,
                        scaling,
                        centres,
                        counts,
                        inertia,
                        pointsSeen,
                        segmentIds,
                        segmentNames);
        checked.sizes = sizes;
        checked.fitCheck = check;
        return checked;
    }

    /** How this version compared with a batch fit with restarts, or null when not compared. */
    public FitCheck fitCheck() {
        return fitCheck;
    }

    /** Customers nearest each centre when the version was made, or null when not measured. */
    public long[] sizes() {
        return sizes == null ? null : sizes.clone();
    }

    public long version() {
        return version;
    }

    public String trainedBy() {
        return trainedBy;
    }

    public List<String> features() {
        return features;
    }

    public FeatureScaling scaling() {
        return scaling;
    }

    public int k() {
        return k;
    }

    public int dimensions() {
        return d;
    }

    /** Mean squared standardised distance of recent points to their centre. */
    public double inertia() {
        return inertia;
    }

    public long pointsSeen() {
        return pointsSeen;
    }

    public double[] counts() {
        return counts.clone();
    }

    double[] standardisedCentres() {
        return centres.clone();
    }

    /** Centre c in the features' own units. */
    public double[] centroid(int c) {
        double[] centroid = new double[d];
        for (int j = 0; j < d; j++) {
            centroid[j] = scaling.unscale(j, centres[c * d + j]);
        }
        return centroid;
    }

    /**
     * Centre c standardised: how many standard deviations above or below the mean each feature is.
     */
    public double[] standardisedCentroid(int c) {
        double[] centroid = new double[d];
        System.arraycopy(centres, c * d, centroid, 0, d);
        return centroid;
    }

    /**
     * Distance (standardised units) of a standardised point to centre c, gaps left out as in
     * scoring.
     */
    public double distanceTo(double[] scaled, int c) {
        return Math.sqrt(Centroids.squaredDistance(scaled, centres, c * d, d));
    }

    /** The segment of a raw profile (features in model order; NaN where unknown). */
    public Assignment assign(double[] raw) {
        double[] scaled = scaling.scale(raw);
        double[] distances = new double[2];
        int segment = Centroids.nearest(centres, k, d, scaled, distances);
        return new Assignment(segment, Math.sqrt(distances[0]), Math.sqrt(distances[1]));
    }

    /**
     * The hot path: the nearest centre of an already standardised point, with squared distances to
     * the nearest and the second-nearest written to {@code distances}. Allocates nothing.
     */
    public int nearestStandardised(double[] scaled, double[] distances) {
        return Centroids.nearest(centres, k, d, scaled, distances);
    }

    /**
     * Refuses to score profiles whose features differ from the model's: a model that reads the
     * wrong columns assigns garbage. The message names what was added and what was removed.
     */
    public void requireFeatures(List<String> profileFeatures) {
        describeMismatch(profileFeatures, "the profile")
                .ifPresent(
                        mismatch -> {
                            throw new FeatureMismatchException(
                                    mismatch
                                            + ". Retrain (or start without a model) so that the"
                                            + " model matches the SQL.");
                        });
    }

    /**
     * Why columns that {@code whose} offers cannot be scored by this model, e.g. "model version 7
     * was trained on [a, b] but the profile has [a, c]; added: [c]; removed: [b]"; empty when they
     * are exactly the model's features in the model's order.
     */
    public Optional<String> describeMismatch(List<String> offered, String whose) {
        return FeatureMismatchException.describe(
                "model version " + version, features, offered, whose);
    }
}
