package io.segflow.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BinaryMetricsTest {

    @Test
    void aucCountsPairsRankedRightAndTiesAsHalf() {
        int[] labels = {0, 0, 1, 1};
        assertThat(BinaryMetrics.auc(new double[] {0.1, 0.2, 0.8, 0.9}, labels)).isEqualTo(1.0);
        assertThat(BinaryMetrics.auc(new double[] {0.9, 0.8, 0.2, 0.1}, labels)).isEqualTo(0.0);
        assertThat(BinaryMetrics.auc(new double[] {0.5, 0.5, 0.5, 0.5}, labels)).isEqualTo(0.5);
        // one of the four positive-negative pairs is ranked wrong
        assertThat(BinaryMetrics.auc(new double[] {0.1, 0.7, 0.6, 0.9}, labels)).isEqualTo(0.75);
        assertThat(BinaryMetrics.auc(new double[] {0.1, 0.2}, new int[] {1, 1})).isNaN();
    }

    @Test
    void logLossAndLift() {
        assertThat(BinaryMetrics.logLoss(new double[] {0.5, 0.5}, new int[] {0, 1}))
                .isCloseTo(Math.log(2), within(1e-12));
        double[] scores = new double[100];
        int[] labels = new int[100];
        for (int i = 0; i < 100; i++) {
            scores[i] = i;
            labels[i] =
                    i >= 90 || i % 10 == 0 ? 1 : 0; // top tenth all positive, 19 positives in all
        }
        assertThat(BinaryMetrics.liftInTopDecile(scores, labels))
                .isCloseTo(1.0 / 0.19, within(1e-9));
    }

    @Test
    void theRocCurveRunsFromNothingToEverythingAndItsAreaIsTheAuc() {
        java.util.Random random = new java.util.Random(3);
        double[] scores = new double[400];
        int[] labels = new int[400];
        for (int i = 0; i < scores.length; i++) {
            labels[i] = random.nextDouble() < 0.3 ? 1 : 0;
            // informative but noisy, rounded so that ties occur
            scores[i] = Math.round((labels[i] + random.nextGaussian()) * 10) / 10.0;
        }
        BinaryMetrics.RocPoint[] all = BinaryMetrics.rocCurve(scores, labels, 10_000);
        assertThat(all[0]).isEqualTo(new BinaryMetrics.RocPoint(0, 0));
        assertThat(all[all.length - 1]).isEqualTo(new BinaryMetrics.RocPoint(1, 1));
        assertThat(trapezoid(all)).isCloseTo(BinaryMetrics.auc(scores, labels), within(1e-12));
        for (int i = 1; i < all.length; i++) {
            assertThat(all[i].falsePositiveRate())
                    .isGreaterThanOrEqualTo(all[i - 1].falsePositiveRate());
            assertThat(all[i].truePositiveRate())
                    .isGreaterThanOrEqualTo(all[i - 1].truePositiveRate());
        }

        BinaryMetrics.RocPoint[] thinned = BinaryMetrics.rocCurve(scores, labels, 40);
        assertThat(thinned).hasSize(40);
        assertThat(thinned[0]).isEqualTo(all[0]);
        assertThat(thinned[39]).isEqualTo(all[all.length - 1]);
        assertThat(trapezoid(thinned)).isCloseTo(trapezoid(all), within(0.01));

        // a perfect ranking goes straight up, then across
        assertThat(
                        BinaryMetrics.rocCurve(
                                new double[] {0.9, 0.8, 0.2, 0.1}, new int[] {1, 1, 0, 0}, 50))
                .extracting(BinaryMetrics.RocPoint::truePositiveRate)
                .containsExactly(0.0, 0.5, 1.0, 1.0, 1.0);
        assertThat(BinaryMetrics.rocCurve(new double[] {0.1, 0.2}, new int[] {1, 1}, 50)).isEmpty();
    }

    @Test
    void theGainsCurveCountsThePositivesReachedFromTheTopOfTheList() {
        double[] scores = new double[100];
        int[] labels = new int[100];
        for (int i = 0; i < 100; i++) {
            scores[i] = i;
            labels[i] = i >= 90 || i % 10 == 0 ? 1 : 0; // the top tenth all positive, 19 in all
        }
        BinaryMetrics.GainsPoint[] gains = BinaryMetrics.gainsCurve(scores, labels, 20);
        assertThat(gains).hasSize(20);
        // the first 10 % reach 10 of the 19 positives: the lift in the top decile
        assertThat(gains[1].share()).isCloseTo(0.1, within(1e-12));
        assertThat(gains[1].capturedPositives()).isCloseTo(10 / 19.0, within(1e-12));
        assertThat(gains[1].lift())
                .isCloseTo(BinaryMetrics.liftInTopDecile(scores, labels), within(1e-12));
        // everyone contacted reaches everyone, no better than chance
        assertThat(gains[19].share()).isEqualTo(1.0);
        assertThat(gains[19].capturedPositives()).isEqualTo(1.0);
        assertThat(gains[19].lift()).isCloseTo(1.0, within(1e-12));
        for (int i = 1; i < gains.length; i++) {
            assertThat(gains[i].capturedPositives())
                    .isGreaterThanOrEqualTo(gains[i - 1].capturedPositives());
        }
        assertThat(BinaryMetrics.gainsCurve(new double[] {1, 2}, new int[] {0, 0}, 20)).isEmpty();
    }

    private static double trapezoid(BinaryMetrics.RocPoint[] curve) {
        double area = 0;
        for (int i = 1; i < curve.length; i++) {
            area +=
                    (curve[i].falsePositiveRate() - curve[i - 1].falsePositiveRate())
                            * (curve[i].truePositiveRate() + curve[i - 1].truePositiveRate())
                            / 2;
        }
        return area;
    }

    @Test
    void calibrationErrorIsTheGapBetweenPredictedAndObserved() {
        // ten customers at 0.3, three of them positive: perfectly calibrated
        double[] p = {0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3};
        int[] y = {1, 1, 1, 0, 0, 0, 0, 0, 0, 0};
        assertThat(BinaryMetrics.expectedCalibrationError(p, y, 10)).isCloseTo(0, within(1e-12));
        int[] allPositive = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        assertThat(BinaryMetrics.expectedCalibrationError(p, allPositive, 10))
                .isCloseTo(0.7, within(1e-12));
        assertThat(BinaryMetrics.calibrationCurve(p, y, 10))
                .singleElement()
                .satisfies(bin -> assertThat(bin.observedRate()).isCloseTo(0.3, within(1e-12)));
    }

    @Test
    void foldsKeepTheShareOfARareOutcome() {
        int[] labels = new int[1000];
        for (int i = 0; i < 50; i++) {
            labels[i * 20] = 1;
        }
        int[] fold = StratifiedFolds.assign(labels, 5, 7);
        for (int f = 0; f < 5; f++) {
            int positives = 0;
            int rows = 0;
            for (int i = 0; i < labels.length; i++) {
                if (fold[i] == f) {
                    rows++;
                    positives += labels[i];
                }
            }
            assertThat(rows).isEqualTo(200);
            assertThat(positives).isEqualTo(10);
        }
    }

    @Test
    void plattScalingRecoversALogisticLink() {
        java.util.Random random = new java.util.Random(3);
        int n = 20_000;
        double[] scores = new double[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            scores[i] = random.nextGaussian() * 2;
            labels[i] = random.nextDouble() < PlattScaling.sigmoid(0.5 * scores[i] - 1) ? 1 : 0;
        }
        PlattScaling platt = PlattScaling.fit(scores, labels);
        assertThat(platt.a()).isCloseTo(0.5, within(0.05));
        assertThat(platt.b()).isCloseTo(-1, within(0.06));
    }
}
