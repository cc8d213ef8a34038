package io.segflow.insight;

import io.segflow.model.FeatureMismatchException;
import io.segflow.model.SegmentModel;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Everything an insight run fitted that applies to one customer: their potential, its percentile
 * among the customers of the run, its drivers, their segment and what puts them there, whether they
 * are in the control group, and the segment_label predicted for them. Serializable: the insight job
 * ships it to the operators that score every customer.
 */
public final class CustomerScorer implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Potentials kept to place a customer among the others: percentiles to 0.01, and a published
     * scorer that stays small (80 KB of them) for the running job to load.
     */
    static final int PERCENTILE_REFERENCE = 10_000;

    /** One customer's row of customer_score. */
    public record Score(
            double potential,
            double percentile,
            double baseValue,
            List<Drivers.Driver> drivers,
            int segmentId,
            List<Drivers.Driver> segmentDrivers,
            boolean control,
            String predictedLabel,
            double labelProbability,
            List<Drivers.Driver> labelDrivers) {

        /**
         * The same row with another potential (an out-of-fold one): the drivers still explain the
         * published model's score of the customer.
         */
        public Score withPotential(double value, double valuePercentile) {
            return new Score(
                    value,
                    valuePercentile,
                    baseValue,
                    drivers,
                    segmentId,
                    segmentDrivers,
                    control,
                    predictedLabel,
                    labelProbability,
                    labelDrivers);
        }
    }

    private final Propensity.Scorer propensity;
    private final SegmentModel segmentation;
    private final TreeMap<Integer, ScoreModel> membership;
    private final SegmentLabels.LabelModel labels;
    private final double[] referencePotentials;
    private final List<String> features;
    private final int topDrivers;
    private final double holdout;
    private final long holdoutSeed;

    /**
     * @param potentials the potentials of the run's customers, which percentiles are taken against
     * @param labels the segment_label model, or null when none was fitted
     */
    public CustomerScorer(
            Propensity.Scorer propensity,
            SegmentModel segmentation,
            Map<Integer, ScoreModel> membership,
            SegmentLabels.LabelModel labels,
            double[] potentials,
            List<String> features,
            int topDrivers,
            double holdout,
            long holdoutSeed) {
        this.propensity = propensity;
        this.segmentation = segmentation;
        this.membership = new TreeMap<>(membership);
        this.labels = labels;
        this.referencePotentials = reference(potentials, holdoutSeed);
        this.features = List.copyOf(features);
        this.topDrivers = topDrivers;
        this.holdout = holdout;
        this.holdoutSeed = holdoutSeed;
    }

    /**
     * @param profile feature values in the order of {@link #features()}, NaN where unknown
     * @param label the customer's segment_label, or null: only then is one predicted
     */
    public Score score(long customerId, double[] profile, String label) {
        return score(customerId, profile, label, true);
    }

    /**
     * @param predictLabel false to leave the segment_label prediction out (the live scores do: its
     *     explanation costs a hundred times the potential's); the Score then has none
     */
    public Score score(long customerId, double[] profile, String label, boolean predictLabel) {
        double potential = propensity.potential(profile);
        ScoreModel.Explanation explanation = propensity.explain(profile);
        int segmentId = segmentation.segmentId(segmentation.assign(profile).segment());
        ScoreModel member = membership.get(segmentId);
        List<Drivers.Driver> segmentDrivers =
                member == null
                        ? List.of()
                        : Drivers.top(member.explain(profile), features, topDrivers);
        String predicted = null;
        double probability = Double.NaN;
        List<Drivers.Driver> labelDrivers = List.of();
        if (predictLabel && label == null && labels != null) {
            SegmentLabels.Prediction prediction = labels.predict(customerId, profile);
            predicted = prediction.label();
            probability = prediction.probability();
            // null: the label model explains a sample of the customers only
            labelDrivers =
                    prediction.explanation() == null
                            ? null
                            : Drivers.top(prediction.explanation(), features, topDrivers);
        }
        return new Score(
                potential,
                percentile(potential),
                explanation.base(),
                Drivers.top(explanation, features, topDrivers),
                segmentId,
                segmentDrivers,
                isControl(customerId, holdout, holdoutSeed),
                predicted,
                probability,
                labelDrivers);
    }

    public List<String> features() {
        return features;
    }

    /**
     * Throws {@link FeatureMismatchException} with the difference when {@code offered} are not
     * exactly the features this scorer was fitted on, in order.
     */
    public void requireFeatures(List<String> offered, String model, String whose) {
        requireFeatures(features, offered, model, whose);
    }

    /** As {@link #requireFeatures(List, String, String)} for features known before loading. */
    public static void requireFeatures(
            List<String> trained, List<String> offered, String model, String whose) {
        FeatureMismatchException.describe(model, trained, offered, whose)
                .ifPresent(
                        mismatch -> {
                            throw new FeatureMismatchException(
                                    mismatch
                                            + ". Run segflow insight again so that the propensity"
                                            + " model matches the SQL.");
                        });
    }

    public long segmentModelVersion() {
        return segmentation.version();
    }

    /** The calibrated probability of converting, as {@link #score} gives it. */
    public double potential(double[] profile) {
        return propensity.potential(profile);
    }

    /** 100 x the share of the run's customers whose potential is at most this one: top is 100. */
    public double percentile(double potential) {
        int n = referencePotentials.length;
        int at = Arrays.binarySearch(referencePotentials, potential);
        int atMost;
        if (at >= 0) {
            while (at + 1 < n && referencePotentials[at + 1] == potential) {
                at++;
            }
            atMost = at + 1;
        } else {
            atMost = -at - 1;
        }
        return 100.0 * atMost / n;
    }

    /**
     * Whether a customer is held out of the campaign: a draw that depends on the seed and the
     * customer alone, so the same customers are held out every run, whoever else is there, and each
     * segment holds out about the same share.
     */
    public static boolean isControl(long customerId, double share, long seed) {
        return share > 0
                && new SplittableRandom(seed ^ (customerId * 0x9E3779B97F4A7C15L)).nextDouble()
                        < share;
    }

    private static double[] reference(double[] potentials, long seed) {
        double[] kept;
        if (potentials.length <= PERCENTILE_REFERENCE) {
            kept = potentials.clone();
        } else {
            kept =
                    Arrays.stream(Propensity.sample(potentials.length, PERCENTILE_REFERENCE, seed))
                            .mapToDouble(i -> potentials[i])
                            .toArray();
        }
        Arrays.sort(kept);
        return kept;
    }
}
