package io.segflow.insight;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DriversTest {

    private static final List<String> FEATURES = List.of("pages", "videos", "age");

    @Test
    void aCustomersTopDriversAreTheLargestContributionsWithTheirSign() {
        ScoreModel.Explanation explanation =
                new ScoreModel.Explanation(-1, new double[] {0.2, -0.9, 0.05});
        assertThat(Drivers.top(explanation, FEATURES, 2))
                .containsExactly(
                        new Drivers.Driver("videos", -0.9), new Drivers.Driver("pages", 0.2));
    }

    @Test
    void eachSegmentIsDrivenByTheFeatureThatSetsItApart() {
        Random random = new Random(4);
        int n = 1_200;
        double[][] profiles = new double[n][];
        int[] segments = new int[n];
        for (int i = 0; i < n; i++) {
            segments[i] = i % 2 == 0 ? 3 : 8;
            // segment 3 reads many pages, segment 8 watches videos; age is noise in both
            profiles[i] =
                    new double[] {
                        (segments[i] == 3 ? 10 : 2) + random.nextGaussian(),
                        (segments[i] == 8 ? 6 : 1) + random.nextGaussian() * 2,
                        40 + 10 * random.nextGaussian()
                    };
        }
        Map<Integer, List<Drivers.Driver>> drivers =
                Drivers.ofSegments(profiles, segments, FEATURES, 1);
        assertThat(drivers).containsOnlyKeys(3, 8);
        assertThat(drivers.get(3).get(2).feature()).isEqualTo("age");
        assertThat(drivers.get(8).get(2).feature()).isEqualTo("age");
        assertThat(drivers.get(3).get(0).contribution())
                .isGreaterThan(drivers.get(3).get(2).contribution() * 10);
    }
}
