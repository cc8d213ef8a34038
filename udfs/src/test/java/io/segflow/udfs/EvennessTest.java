package io.segflow.udfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EvennessTest {

    @Test
    void oneTopicIsZeroAnEvenSpreadIsOne() {
        assertThat(Evenness.of(7L, 0L, 0L, 0L, 0L)).isEqualTo(0.0);
        assertThat(Evenness.of(3L, 3L, 3L, 3L, 3L)).isEqualTo(1.0);
        assertThat(Evenness.of(1L, 1L)).isEqualTo(1.0);
    }

    @Test
    void inBetweenItIsTheEntropyOverItsLargestValue() {
        // shares 1/2, 1/4, 1/4 of three topics: (ln 2 / 2 + 2 ln 4 / 4) / ln 3
        double expected = (0.5 * Math.log(2) + 0.5 * Math.log(4)) / Math.log(3);
        assertThat(Evenness.of(2L, 1L, 1L)).isCloseTo(expected, within(1e-12));
        // only the shares count, not the totals
        assertThat(Evenness.of(200L, 100L, 100L)).isCloseTo(expected, within(1e-12));
        // an unvisited topic counts as a category without share
        assertThat(Evenness.of(5L, 5L, 0L)).isCloseTo(Math.log(2) / Math.log(3), within(1e-12));
    }

    @Test
    void nothingCountedOrNothingToSpreadOverIsZero() {
        assertThat(Evenness.of(0L, 0L, 0L)).isEqualTo(0.0);
        assertThat(Evenness.of(null, null)).isEqualTo(0.0);
        assertThat(Evenness.of(9L)).isEqualTo(0.0);
        assertThat(Evenness.of()).isEqualTo(0.0);
        assertThat(Evenness.of(4L, null, -3L, 4L)).isCloseTo(0.5, within(1e-12));
    }
}
