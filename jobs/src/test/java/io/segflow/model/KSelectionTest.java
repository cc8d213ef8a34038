package io.segflow.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KSelectionTest {

    @Test
    void picksTheNumberOfWellSeparatedPersonas() {
        Personas personas = Personas.gaussian(6_000, 4, 12, 21L);
        double[][] scaled = BatchKMeansTest.standardise(personas.points);
        double[][] sample =
                KSelection.rows(scaled, KSelection.sampleIndices(scaled.length, 1_500, 5));
        KSelection.Choice choice = KSelection.bySilhouette(sample, 2, 7, 3, 100, 1e-6, 5);
        assertThat(choice.k()).isEqualTo(4);
        assertThat(choice.silhouetteByK()).containsOnlyKeys(2, 3, 4, 5, 6, 7);
        // 12 noisy dimensions keep even the right clustering far from 1
        assertThat(choice.silhouetteByK().get(4))
                .isGreaterThan(0.45)
                .isEqualTo(
                        choice.silhouetteByK().values().stream()
                                .mapToDouble(Double::doubleValue)
                                .max()
                                .orElseThrow());
        assertThat(choice.wasSelected()).isTrue();
    }

    @Test
    void aFixedKIsTakenAsIs() {
        KSelection.Choice choice = KSelection.fixed(6);
        assertThat(choice.k()).isEqualTo(6);
        assertThat(choice.silhouetteByK()).isEmpty();
        assertThat(choice.wasSelected()).isFalse();
    }

    @Test
    void theRangeStopsAtTheNumberOfDistinctProfiles() {
        double[][] points = new double[60][];
        for (int i = 0; i < points.length; i++) {
            points[i] = new double[] {(i % 3) * 10, 0};
        }
        KSelection.Choice choice = KSelection.bySilhouette(points, 2, 6, 2, 50, 1e-6, 1);
        assertThat(choice.silhouetteByK()).containsOnlyKeys(2, 3);
        assertThat(choice.k()).isEqualTo(3);
        assertThatThrownBy(() -> KSelection.bySilhouette(points, 4, 6, 2, 50, 1e-6, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 distinct profiles");
    }

    @Test
    void theSampleIsDistinctSortedAndReproducible() {
        int[] sample = KSelection.sampleIndices(1_000, 100, 9);
        assertThat(sample).hasSize(100).isSorted();
        assertThat(Arrays.stream(sample).distinct().count()).isEqualTo(100);
        assertThat(Arrays.stream(sample).allMatch(i -> i >= 0 && i < 1_000)).isTrue();
        assertThat(KSelection.sampleIndices(1_000, 100, 9)).containsExactly(sample);
        assertThat(KSelection.sampleIndices(1_000, 100, 10)).isNotEqualTo(sample);
        assertThat(KSelection.sampleIndices(5, 100, 9)).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void aRangeBelowTwoIsRefused() {
        assertThatThrownBy(
                        () ->
                                KSelection.bySilhouette(
                                        new double[][] {{0}, {1}}, 1, 3, 1, 10, 1e-6, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
