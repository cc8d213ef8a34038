package io.segflow.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DaviesBouldinTest {

    @Test
    void threeClustersMatchTheHandComputation() {
        // cluster 0 = {0, 2} around 1:   S0 = (1 + 1)/2 = 1
        // cluster 1 = {9, 11} around 10: S1 = 1
        // cluster 2 = {20, 24} around 22: S2 = (2 + 2)/2 = 2
        // M01 = 9, M02 = 21, M12 = 12
        // R01 = (1+1)/9 = 0.2222, R02 = (1+2)/21 = 0.1429, R12 = (1+2)/12 = 0.25
        // D0 = max(R01, R02) = 2/9, D1 = max(R01, R12) = 0.25, D2 = max(R02, R12) = 0.25
        // DB = (2/9 + 0.25 + 0.25) / 3 = 0.240741
        double[][] points = {{0}, {2}, {9}, {11}, {20}, {24}};
        int[] labels = {0, 0, 1, 1, 2, 2};
        double[][] centroids = {{1}, {10}, {22}};
        assertThat(DaviesBouldin.index(points, labels, centroids))
                .isCloseTo((2.0 / 9 + 0.25 + 0.25) / 3, within(1e-12));
        assertThat(DaviesBouldin.index(points, labels, centroids))
                .isCloseTo(0.240741, within(1e-6));
    }

    @Test
    void usesTheGivenCentroidsAndEuclideanDistance() {
        // cluster 0 = {(0,0), (6,8)} around (3,4): S0 = (5 + 5)/2 = 5
        // cluster 1 = {(30,40)} around itself: S1 = 0; M01 = |(27,36)| = 45
        // DB = (5/45 + 5/45) / 2 = 1/9
        double[][] points = {{0, 0}, {6, 8}, {30, 40}};
        double index =
                DaviesBouldin.index(points, new int[] {0, 0, 1}, new double[][] {{3, 4}, {30, 40}});
        assertThat(index).isCloseTo(1.0 / 9, within(1e-12));
    }

    @Test
    void aCentroidWithoutPointsInTheSampleIsLeftOut() {
        double[][] points = {{0}, {2}, {9}, {11}};
        // centroid 2 has no point: the index is that of clusters 0 and 1 alone, (1+1)/9 each
        double index =
                DaviesBouldin.index(
                        points, new int[] {0, 0, 1, 1}, new double[][] {{1}, {10}, {10.5}});
        assertThat(index).isCloseTo(2.0 / 9, within(1e-12));
    }

    @Test
    void undefinedForOneClusterAndInfiniteForCoincidentCentroids() {
        assertThat(
                        DaviesBouldin.index(
                                new double[][] {{0}, {1}},
                                new int[] {0, 0},
                                new double[][] {{0.5}, {3}}))
                .isNaN();
        assertThat(
                        DaviesBouldin.index(
                                new double[][] {{0}, {1}},
                                new int[] {0, 1},
                                new double[][] {{0.5}, {0.5}}))
                .isInfinite();
    }
}
