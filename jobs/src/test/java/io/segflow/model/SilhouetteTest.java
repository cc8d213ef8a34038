package io.segflow.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SilhouetteTest {

    @Test
    void oneDimensionalClustersWithASingletonMatchTheHandComputation() {
        // A = {0, 1}, B = {4, 6}, C = {10} (a singleton)
        double[][] points = {{0}, {1}, {4}, {6}, {10}};
        int[] labels = {7, 7, 3, 3, 9}; // any label values
        // x=0  (A): a = |0-1| = 1;  B: (4+6)/2 = 5,   C: 10 -> b = 5;   s = (5-1)/5     = 0.8
        // x=1  (A): a = 1;          B: (3+5)/2 = 4,   C: 9  -> b = 4;   s = (4-1)/4     = 0.75
        // x=4  (B): a = |4-6| = 2;  A: (4+3)/2 = 3.5, C: 6  -> b = 3.5; s = (3.5-2)/3.5 = 3/7
        // x=6  (B): a = 2;          A: (6+5)/2 = 5.5, C: 4  -> b = 4;   s = (4-2)/4     = 0.5
        // x=10 (C): alone in its cluster -> s = 0
        assertThat(Silhouette.scores(points, labels))
                .containsExactly(new double[] {0.8, 0.75, 3.0 / 7, 0.5, 0.0}, within(1e-12));
        // mean = (0.8 + 0.75 + 0.428571... + 0.5 + 0) / 5 = 0.495714...
        assertThat(Silhouette.mean(points, labels))
                .isCloseTo((0.8 + 0.75 + 3.0 / 7 + 0.5) / 5, within(1e-12));
        assertThat(Silhouette.mean(points, labels)).isCloseTo(0.495714, within(1e-6));
    }

    @Test
    void twoDimensionalDistancesAreEuclideanAndAPointCanScoreBelowZero() {
        // A = {(0,0), (0,2)}, B = {(3,4), (6,8)}
        double[][] points = {{0, 0}, {0, 2}, {3, 4}, {6, 8}};
        int[] labels = {0, 0, 1, 1};
        // distances: (0,0)-(0,2) = 2, (0,0)-(3,4) = 5, (0,0)-(6,8) = 10,
        //            (0,2)-(3,4) = sqrt(9+4) = sqrt 13, (0,2)-(6,8) = sqrt(36+36) = sqrt 72,
        // (3,4)-(6,8) = 5
        // (0,0): a = 2, b = (5 + 10)/2 = 7.5                        -> s = 5.5/7.5        =
        // 0.733333
        // (0,2): a = 2, b = (sqrt13 + sqrt72)/2 = 6.045416          -> s = 4.045416/6.045416 =
        // 0.669171
        // (3,4): a = 5, b = (5 + sqrt13)/2 = 4.302776 < a           -> s = (b - a)/a      =
        // -0.139445
        // (6,8): a = 5, b = (10 + sqrt72)/2 = 9.242641              -> s = 4.242641/9.242641 =
        // 0.459029
        double b1 = (Math.sqrt(13) + Math.sqrt(72)) / 2;
        double b2 = (5 + Math.sqrt(13)) / 2;
        double b3 = (10 + Math.sqrt(72)) / 2;
        double[] expected = {5.5 / 7.5, (b1 - 2) / b1, (b2 - 5) / 5, (b3 - 5) / b3};
        assertThat(Silhouette.scores(points, labels)).containsExactly(expected, within(1e-12));
        assertThat(expected[2]).isCloseTo(-0.139445, within(1e-6));
        // mean = (0.733333 + 0.669171 - 0.139445 + 0.459029) / 4 = 0.430522
        assertThat(Silhouette.mean(points, labels)).isCloseTo(0.430522, within(1e-6));
    }

    @Test
    void wellSeparatedClustersScoreCloseToOne() {
        Random random = new Random(1);
        double[][] points = new double[300][2];
        int[] labels = new int[300];
        for (int i = 0; i < points.length; i++) {
            labels[i] = i % 3;
            points[i][0] = labels[i] * 100 + random.nextGaussian();
            points[i][1] = random.nextGaussian();
        }
        assertThat(Silhouette.mean(points, labels)).isGreaterThan(0.97).isLessThanOrEqualTo(1.0);
    }

    @Test
    void aRandomLabellingScoresAboutZero() {
        Random random = new Random(2);
        double[][] points = new double[400][3];
        int[] labels = new int[400];
        for (int i = 0; i < points.length; i++) {
            for (int j = 0; j < 3; j++) {
                points[i][j] = random.nextGaussian();
            }
            labels[i] = random.nextInt(4);
        }
        assertThat(Silhouette.mean(points, labels)).isBetween(-0.1, 0.05);
    }

    @Test
    void fewerThanTwoClustersIsUndefined() {
        assertThat(Silhouette.mean(new double[][] {{0}, {1}, {2}}, new int[] {5, 5, 5})).isNaN();
        assertThat(Silhouette.mean(new double[0][], new int[0])).isNaN();
    }

    @Test
    void duplicatesSplitAcrossClustersScoreZeroNotNaN() {
        double[][] points = {{1, 1}, {1, 1}, {1, 1}, {1, 1}};
        assertThat(Silhouette.mean(points, new int[] {0, 0, 1, 1})).isEqualTo(0.0);
    }

    @Test
    void missingCoordinatesAreLeftOutAndTheRestScaledUp() {
        // observed coordinate difference 3 over 1 of 2 features: sqrt(3^2 * 2 / 1)
        assertThat(Silhouette.distance(new double[] {0, Double.NaN}, new double[] {3, 5}))
                .isCloseTo(Math.sqrt(18), within(1e-12));
    }

    @Test
    void labelsMustMatchPoints() {
        assertThatThrownBy(() -> Silhouette.mean(new double[][] {{0}}, new int[] {0, 1}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
