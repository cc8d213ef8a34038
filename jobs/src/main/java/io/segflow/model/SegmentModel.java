package io.segflow.model;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * One published version of the segmentation: which features it reads, how it scales them, and its
 * centres. Immutable, so the scoring side can share it freely. Centres are kept standardised for
 * speed and reported in feature units for people.
 *
 * <p>A version may carry a Gaussian mixture ({@link SegmentMixture}, what {@code retrain --compare}
 * publishes when it chooses one): then a point's segment is the component of highest posterior, not
 * the nearest centre, everywhere the model assigns ({@link #assign}, {@link #nearestStandardised}:
 * the stream, a backfill, ML_PREDICT, the insight), and the centres are the components' means,
 * which name the segments.
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
    // transient for the same reason (release 1's Kryo state); SegmentModelSerializer writes it
    // from format 3 on, and Java serialization (a warm start inside the job graph) by writeObject
    private transient SegmentMixture mixture;
    // transient for the same reason; SegmentModelSerializer writes it from format 4 on
    private transient double[] meanDistances;

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
        SegmentModel sized = copy();
        sized.sizes = customersPerCentre.clone();
        return sized;
    }

    /**
     * This version with the mean distance (standardised units) of its customers to their segment's
     * centre, by centre index (NaN for a centre no customer is in); see {@link #meanDistancesOf}.
     */
    public SegmentModel withMeanDistances(double[] byCentre) {
        if (byCentre.length != k) {
            throw new IllegalArgumentException(
                    "mean distances for " + byCentre.length + " centres, the model has " + k);
        }
        SegmentModel measured = copy();
        measured.meanDistances = byCentre.clone();
        return measured;
    }

    /**
     * The mean distance of the given standardised profiles to the centre of the segment this
     * version assigns each to (nearest centre, or a mixture's most probable component), by centre
     * index; NaN for a centre none of them is in.
     */
    public double[] meanDistancesOf(Iterable<double[]> standardised) {
        return measuredOn(standardised).meanDistances;
    }

    /**
     * This version with its sizes and mean distances measured on the given standardised profiles (a
     * sample of its customers), each in the segment this version assigns it to.
     */
    public SegmentModel measuredOn(Iterable<double[]> standardised) {
        double[] sums = new double[k];
        long[] counts = new long[k];
        double[] distances = new double[2];
        for (double[] profile : standardised) {
            int c = nearestStandardised(profile, distances);
            sums[c] += Math.sqrt(distances[0]);
            counts[c]++;
        }
        double[] means = new double[k];
        for (int c = 0; c < k; c++) {
            means[c] = counts[c] > 0 ? sums[c] / counts[c] : Double.NaN;
        }
        SegmentModel measured = copy();
        measured.sizes = counts;
        measured.meanDistances = means;
        return measured;
    }

    /** This version with how it compared with a batch fit (see {@link FitCheck}). */
    public SegmentModel withFitCheck(FitCheck check) {
        SegmentModel checked = copy();
        checked.fitCheck = check;
        return checked;
    }

    /**
     * This version assigning by a mixture (null: by nearest centre). Component c is the segment at
     * centre c; the centres should be the components' means ({@link
     * SegmentMixture#standardisedCentre}).
     */
    public SegmentModel withMixture(SegmentMixture newMixture) {
        if (newMixture != null && (newMixture.k() != k || newMixture.dimensions() != d)) {
            throw new IllegalArgumentException(
                    "the mixture has "
                            + newMixture.k()
                            + " components in "
                            + newMixture.dimensions()
                            + " dimensions, the model "
                            + k
                            + " centres in "
                            + d);
        }
        SegmentModel mixed = copy();
        mixed.mixture = newMixture;
        return mixed;
    }

    /** A copy of this version, sizes, fit check and mixture included (the withers change one). */
    private SegmentModel copy() {
        SegmentModel copy =
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
        copy.sizes = sizes;
        copy.fitCheck = fitCheck;
        copy.mixture = mixture;
        copy.meanDistances = meanDistances;
        return copy;
    }

    /** The mixture this version assigns by, or null when it assigns by nearest centre. */
    public SegmentMixture mixture() {
        return mixture;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        out.writeObject(mixture);
        out.writeObject(meanDistances);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        mixture = (SegmentMixture) in.readObject();
        meanDistances = (double[]) in.readObject();
    }

    /** How this version compared with a batch fit with restarts, or null when not compared. */
    public FitCheck fitCheck() {
        return fitCheck;
    }

    /**
     * Mean distance (standardised units) of the version's customers to their centre when it was
     * made, by centre index (NaN for an empty centre), or null when not measured.
     */
    public double[] meanDistances() {
        return meanDistances == null ? null : meanDistances.clone();
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

    /**
     * The segment of a raw profile (features in model order; NaN where unknown): the nearest
     * centre, or for a mixture the component of highest posterior (with both posteriors).
     */
    public Assignment assign(double[] raw) {
        double[] scaled = scaling.scale(raw);
        if (mixture != null) {
            double[] posteriors = new double[k];
            int segment = mixture.posteriors(scaled, posteriors);
            int second = runnerUp(posteriors, segment);
            return new Assignment(
                    segment,
                    distanceTo(scaled, segment),
                    second < 0 ? Double.POSITIVE_INFINITY : distanceTo(scaled, second),
                    posteriors[segment],
                    second < 0 ? 0.0 : posteriors[second]);
        }
        double[] distances = new double[2];
        int segment = Centroids.nearest(centres, k, d, scaled, distances);
        return new Assignment(segment, Math.sqrt(distances[0]), Math.sqrt(distances[1]));
    }

    /**
     * Whether the other version has the same segments: the same ids and names at the same centres.
     * A version that changes them has every customer's row rewritten.
     */
    public boolean sameSegmentsAs(SegmentModel other) {
        return Arrays.equals(segmentIds, other.segmentIds)
                && Arrays.equals(segmentNames, other.segmentNames);
    }

    /**
     * The share of these customers (raw profiles) whom the newer version puts in another segment
     * (by id) than this one does: how many customers' rows a switch from this version to the newer
     * one would move.
     */
    public double shareMovedBy(SegmentModel newer, double[][] rawProfiles) {
        if (rawProfiles.length == 0) {
            return 0;
        }
        int moved = 0;
        for (double[] profile : rawProfiles) {
            if (segmentId(assign(profile).segment())
                    != newer.segmentId(newer.assign(profile).segment())) {
                moved++;
            }
        }
        return (double) moved / rawProfiles.length;
    }

    /**
     * The posterior of segment c for a standardised point under this version's mixture; NaN for a
     * nearest-centre model.
     */
    public double posteriorOf(double[] scaled, int c) {
        if (mixture == null) {
            return Double.NaN;
        }
        double[] posteriors = new double[k];
        mixture.posteriors(scaled, posteriors);
        return posteriors[c];
    }

    /**
     * The hot path: the segment of an already standardised point (nearest centre; for a mixture the
     * component of highest posterior), with the squared distances to its centre and to the
     * runner-up's written to {@code distances}. Allocates nothing for a nearest-centre model.
     */
    public int nearestStandardised(double[] scaled, double[] distances) {
        if (mixture != null) {
            double[] posteriors = new double[k];
            int segment = mixture.posteriors(scaled, posteriors);
            int second = runnerUp(posteriors, segment);
            distances[0] = Centroids.squaredDistance(scaled, centres, segment * d, d);
            distances[1] =
                    second < 0
                            ? Double.POSITIVE_INFINITY
                            : Centroids.squaredDistance(scaled, centres, second * d, d);
            return segment;
        }
        return Centroids.nearest(centres, k, d, scaled, distances);
    }

    /** The component of second highest posterior, -1 for a single one. */
    private static int runnerUp(double[] posteriors, int best) {
        int second = -1;
        for (int c = 0; c < posteriors.length; c++) {
            if (c != best && (second < 0 || posteriors[c] > posteriors[second])) {
                second = c;
            }
        }
        return second;
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
