package io.segflow.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast nearest-centre search against the obvious one, for every k around the unrolling. */
class CentroidsTest {

    @Test
    void agreesWithABruteForceSearch() {
        Random random = new Random(9);
        for (int k = 1; k <= 9; k++) {
            int d = 1 + random.nextInt(13);
            double[] centres = random.doubles((long) k * d, -3, 3).toArray();
            double[] out = new double[2];
            for (int n = 0; n < 500; n++) {
                double[] point = random.doubles(d, -4, 4).toArray();
                int found = Centroids.nearest(centres, k, d, point, out);
                double best = Double.POSITIVE_INFINITY;
                double second = Double.POSITIVE_INFINITY;
                int expected = -1;
                for (int c = 0; c < k; c++) {
                    double sq = 0;
                    for (int j = 0; j < d; j++) {
                        double diff = point[j] - centres[c * d + j];
                        sq += diff * diff;
                    }
                    if (sq < best) {
                        second = best;
                        best = sq;
                        expected = c;
                    } else if (sq < second) {
                        second = sq;
                    }
                }
                assertThat(found).isEqualTo(expected);
                assertThat(out[0]).isEqualTo(best);
                assertThat(out[1]).isEqualTo(second);
            }
        }
    }
}
