package io.segflow.insight;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StratifiedFoldsTest {

    @Test
    void theDefaultIsFiveFoldsAndThreeForLargeSamplesAndASetNumberIsKept() {
        int byDefault = InsightRun.Settings.defaults().folds();

        assertThat(StratifiedFolds.of(byDefault, 1_000)).isEqualTo(5);
        assertThat(StratifiedFolds.of(byDefault, 30_000)).isEqualTo(5);
        assertThat(StratifiedFolds.of(byDefault, 50_000)).isEqualTo(3);
        assertThat(StratifiedFolds.of(10, 50_000)).isEqualTo(10);
        assertThat(StratifiedFolds.of(2, 100)).isEqualTo(2);
    }

    @Test
    void everyFoldKeepsTheShareOfARareClass() {
        int[] labels = new int[3_000];
        for (int i = 0; i < labels.length; i += 20) {
            labels[i] = 1; // 5 %
        }
        int[] fold = StratifiedFolds.assign(labels, 3, 7);

        for (int f = 0; f < 3; f++) {
            int test = f;
            long rows = Arrays.stream(fold).filter(v -> v == test).count();
            long rare =
                    java.util.stream.IntStream.range(0, labels.length)
                            .filter(i -> fold[i] == test && labels[i] == 1)
                            .count();
            assertThat(rows).isEqualTo(1_000);
            assertThat(rare).isEqualTo(50);
        }
    }
}
