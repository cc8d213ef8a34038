package io.segflow.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A mixture model assigns by posterior, not by the nearest centre: a narrow and a wide component,
 * where a point nearer the narrow mean lies many of its standard deviations away and belongs to the
 * wide one.
 */
class SegmentMixtureTest {

    private static final List<String> XY = List.of("x", "y");

    /** Narrow at (0, 0), sd 0.1; wide at (3, 0), sd 2; equal weights; no rotation. */
    static SegmentMixture narrowAndWide() {
        return new SegmentMixture(
                new double[] {0, 0},
                new double[][] {{1, 0}, {0, 1}},
                new double[] {0.5, 0.5},
                new double[][] {{0, 0}, {3, 0}},
                new double[][] {{0.01, 0.01}, {4, 4}});
    }

    /** The mixture as a model over standardised features (unit scaling), centres its means. */
    static SegmentModel model(SegmentMixture mixture) {
        double[] centres = new double[mixture.k() * 2];
        for (int c = 0; c < mixture.k(); c++) {
            System.arraycopy(mixture.standardisedCentre(c), 0, centres, c * 2, 2);
        }
        return new SegmentModel(
                        9,
                        "batch",
                        XY,
                        new FeatureScaling(new double[] {0, 0}, new double[] {1, 1}),
                        centres,
                        new double[] {100, 100},
                        0,
                        200,
                        new int[] {4, 7},
                        new String[] {"narrow", "wide"})
                .withMixture(mixture);
    }

    @Test
    void aPointNearerTheNarrowMeanBelongsToTheWideComponent() {
        SegmentModel mixed = model(narrowAndWide());
        SegmentModel nearestCentre = mixed.withMixture(null);
        double[] point = {1, 0}; // 1 from the narrow mean (10 of its sds), 2 from the wide one's

        assertThat(nearestCentre.assign(point).segment()).isZero();
        Assignment byPosterior = mixed.assign(point);
        assertThat(byPosterior.segment()).isEqualTo(1);
        assertThat(byPosterior.byPosterior()).isTrue();
        assertThat(byPosterior.distance()).isCloseTo(2.0, within(1e-12));
        assertThat(byPosterior.secondDistance()).isCloseTo(1.0, within(1e-12));
        assertThat(byPosterior.posterior() + byPosterior.secondPosterior())
                .isCloseTo(1.0, within(1e-12));
        assertThat(byPosterior.margin()).isGreaterThan(0.99);
        double[] squared = new double[2];
        assertThat(mixed.nearestStandardised(point, squared)).isEqualTo(1);
        assertThat(squared).containsExactly(new double[] {4, 1}, within(1e-12));

        // close to the narrow mean it is the narrow one's
        assertThat(mixed.assign(new double[] {0.05, 0}).segment()).isZero();
    }

    @Test
    void posteriorsFollowBayesRuleExactly() {
        SegmentMixture mixture = narrowAndWide();
        double[] point = {0.3, -0.1};
        double[] posteriors = new double[2];
        mixture.posteriors(point, posteriors);
        double narrow = 0.5 * gauss(0.3, 0, 0.01) * gauss(-0.1, 0, 0.01);
        double wide = 0.5 * gauss(0.3, 3, 4) * gauss(-0.1, 0, 4);
        assertThat(posteriors[0]).isCloseTo(narrow / (narrow + wide), within(1e-12));
        assertThat(posteriors[1]).isCloseTo(wide / (narrow + wide), within(1e-12));
        // far away, where both densities underflow, the posteriors still sum to one
        mixture.posteriors(new double[] {1e4, 1e4}, posteriors);
        assertThat(posteriors[0] + posteriors[1]).isCloseTo(1.0, within(1e-12));
        assertThat(mixture.map(new double[] {1e4, 1e4})).isEqualTo(1);
    }

    private static double gauss(double x, double mean, double variance) {
        return Math.exp(-(x - mean) * (x - mean) / (2 * variance))
                / Math.sqrt(2 * Math.PI * variance);
    }

    /** Components elongated along the diagonal: the rotation lines them up with the axes. */
    @Test
    void theRotationLetsDiagonalCovariancesFollowCorrelatedGroups() {
        double r = Math.sqrt(0.5);
        SegmentMixture diagonal =
                new SegmentMixture(
                        new double[] {0, 0},
                        new double[][] {{r, r}, {-r, r}},
                        new double[] {0.5, 0.5},
                        // along the diagonal (axis 0) long, across (axis 1) thin, side by side
                        new double[][] {{0, -1}, {0, 1}},
                        new double[][] {{25, 0.05}, {25, 0.05}});
        // four sds along the diagonal, 0.9 across on the first group's side
        double[] point = {4 * r + 0.9 * r, 4 * r - 0.9 * r};
        double[] rotated = diagonal.rotate(point);
        assertThat(rotated[0]).isCloseTo(4, within(1e-12));
        assertThat(rotated[1]).isCloseTo(-0.9, within(1e-12));
        assertThat(diagonal.map(point)).isZero();
        assertThat(diagonal.standardisedCentre(1))
                .containsExactly(new double[] {-r, r}, within(1e-12));
        // a missing value is the feature's mean, as in the fit
        assertThat(diagonal.rotate(new double[] {Double.NaN, 0}))
                .containsExactly(new double[] {0, 0}, within(1e-12));
    }

    @Test
    void hysteresisComparesPosteriors() {
        SegmentChooser chooser = new SegmentChooser(0.1);
        Assignment best = new Assignment(1, 2.0, 1.0, 0.54, 0.46);
        SegmentChooser.Decision stays = chooser.choose(best, 0, 1.0, 0.46, 1.0);
        assertThat(stays.segment()).as("8 points more probable is not enough").isZero();
        assertThat(stays.status()).isEqualTo(SegmentChooser.Status.PROVISIONAL);
        SegmentChooser.Decision moves =
                chooser.choose(new Assignment(1, 2.0, 1.0, 0.56, 0.44), 0, 1.0, 0.44, 1.0);
        assertThat(moves.segment()).isEqualTo(1);
        assertThat(moves.status()).isEqualTo(SegmentChooser.Status.CONFIRMED);
        assertThat(moves.confidence()).isCloseTo(0.12, within(1e-12));
    }

    @Test
    void modelCopiesAndJavaSerializationKeepTheMixture() throws Exception {
        SegmentModel mixed = model(narrowAndWide()).withSizes(new long[] {3, 4});
        assertThat(mixed.withFitCheck(null).mixture()).isEqualTo(narrowAndWide());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(mixed);
        }
        SegmentModel read;
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            read = (SegmentModel) in.readObject();
        }
        assertThat(read.mixture()).isEqualTo(mixed.mixture());
        assertThat(read.assign(new double[] {1, 0}).segment()).isEqualTo(1);
        assertThat(Arrays.stream(read.sizes()).sum()).isEqualTo(7);
    }

    @Test
    void reorderingMovesWholeComponents() {
        SegmentMixture swapped = narrowAndWide().reordered(new int[] {1, 0});
        assertThat(swapped.weights()).containsExactly(0.5, 0.5);
        assertThat(swapped.means()[0]).containsExactly(3, 0);
        assertThat(swapped.variances()[1]).containsExactly(0.01, 0.01);
        assertThat(swapped.map(new double[] {1, 0})).isZero();
    }
}
