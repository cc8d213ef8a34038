package io.segflow.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Between retrains a published mixture follows its customers by stepwise EM. */
class StepwiseEmTest {

    private static final List<String> XY = List.of("x", "y");

    /** The truth after drift: narrow at (0.5, 0) sd 0.3 (weight 0.4), wide at (4, 1) sd 1.5. */
    private static double[] drifted(Random random) {
        return random.nextDouble() < 0.4
                ? new double[] {0.5 + 0.3 * random.nextGaussian(), 0.3 * random.nextGaussian()}
                : new double[] {4 + 1.5 * random.nextGaussian(), 1 + 1.5 * random.nextGaussian()};
    }

    /** What a retrain published before the drift: narrow at (0, 0), wide at (4, 0). */
    private static SegmentMixture published() {
        return new SegmentMixture(
                new double[] {0, 0},
                new double[][] {{1, 0}, {0, 1}},
                new double[] {0.5, 0.5},
                new double[][] {{0, 0}, {4, 0}},
                new double[][] {{0.09, 0.09}, {2.25, 2.25}});
    }

    @Test
    void batchesMoveTheComponentsToWhereTheirPointsAre() {
        Random random = new Random(11);
        SegmentMixture mixture = published();
        double[] masses = {500, 500};
        double decay = new MiniBatchKMeans.Params(2, 1.0, 5_000, 0.0, 1).batchDecay(256);
        for (int b = 0; b < 200; b++) {
            double[][] batch = new double[256][];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = drifted(random);
            }
            StepwiseEm.Step step = StepwiseEm.update(mixture, masses, batch, decay);
            mixture = step.mixture();
            masses = step.masses();
        }
        assertThat(mixture.means()[0]).containsExactly(new double[] {0.5, 0}, within(0.05));
        assertThat(mixture.means()[1]).containsExactly(new double[] {4, 1}, within(0.15));
        assertThat(mixture.variances()[0]).containsExactly(new double[] {0.09, 0.09}, within(0.02));
        assertThat(mixture.variances()[1]).containsExactly(new double[] {2.25, 2.25}, within(0.3));
        assertThat(mixture.weights()[0]).isCloseTo(0.4, within(0.03));
        // the masses reach the half-life's level: 5,000 points / ln 2 in all
        assertThat(masses[0] + masses[1]).isCloseTo(5_000 / Math.log(2), within(300.0));
    }

    @Test
    void withoutDecayOneBatchIsTheExactMStepOfItsStatistics() {
        SegmentMixture mixture = published();
        double[][] batch = {{0.1, 0}, {-0.1, 0.2}, {5, 0}, {3, -1}, {4, 2}};
        StepwiseEm.Step step = StepwiseEm.update(mixture, new double[] {0, 0}, batch, 1.0);
        // responsibility-weighted mass, mean and variance of the batch, component by component
        double[][] r = new double[batch.length][2];
        for (int i = 0; i < batch.length; i++) {
            mixture.posteriors(batch[i], r[i]);
        }
        for (int c = 0; c < 2; c++) {
            double mass = 0;
            double[] mean = new double[2];
            for (int i = 0; i < batch.length; i++) {
                mass += r[i][c];
                for (int a = 0; a < 2; a++) {
                    mean[a] += r[i][c] * batch[i][a];
                }
            }
            double[] variance = new double[2];
            for (int a = 0; a < 2; a++) {
                mean[a] /= mass;
                for (int i = 0; i < batch.length; i++) {
                    variance[a] += r[i][c] * (batch[i][a] - mean[a]) * (batch[i][a] - mean[a]);
                }
                variance[a] /= mass;
            }
            assertThat(step.masses()[c]).isCloseTo(mass, within(1e-12));
            assertThat(step.mixture().weights()[c]).isCloseTo(mass / batch.length, within(1e-12));
            assertThat(step.mixture().means()[c]).containsExactly(mean, within(1e-12));
            assertThat(step.mixture().variances()[c]).containsExactly(variance, within(1e-9));
        }
    }

    /** The streaming model learns a published mixture and publishes mixtures, same ids. */
    @Test
    void theStreamingModelKeepsLearningAPublishedMixture() {
        StreamingModel.Settings settings =
                new StreamingModel.Settings(
                        2,
                        256,
                        60_000,
                        new MiniBatchKMeans.Params(2, 1.0, 5_000, 0.01, 3),
                        100,
                        5_000,
                        5,
                        3);
        SegmentMixture mixture = published();
        double[] centres = new double[4];
        for (int c = 0; c < 2; c++) {
            System.arraycopy(mixture.standardisedCentre(c), 0, centres, c * 2, 2);
        }
        SegmentModel retrained =
                new SegmentModel(
                                1_000,
                                "batch",
                                XY,
                                new FeatureScaling(new double[] {0, 0}, new double[] {1, 1}),
                                centres,
                                new double[] {500, 500},
                                1.0,
                                1_000,
                                new int[] {4, 9},
                                new String[] {"narrow", "wide"})
                        .withMixture(mixture);
        StreamingModel model = new StreamingModel(settings, XY);
        assertThat(model.adopt(retrained, 0)).contains(retrained);
        Random random = new Random(12);
        List<SegmentModel> versions = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            model.update(i % 4_000, drifted(random), i).ifPresent(versions::add);
        }
        // twenty seconds of updates to a settled model: a version that moves fewer than one
        // customer in twenty waits for a minute to pass or, as here, for updates to pause
        model.tick(20_000 + settings.batchMaxWaitMillis()).ifPresent(versions::add);
        assertThat(versions).isNotEmpty();
        SegmentModel last = versions.get(versions.size() - 1);
        assertThat(last.trainedBy()).isEqualTo("stream");
        assertThat(last.mixture()).as("still a mixture").isNotNull();
        assertThat(last.segmentId(0)).isEqualTo(4);
        assertThat(last.segmentName(1)).isEqualTo("wide");
        assertThat(last.standardisedCentroid(0))
                .containsExactly(new double[] {0.5, 0}, within(0.1));
        assertThat(last.standardisedCentroid(1)).containsExactly(new double[] {4, 1}, within(0.3));
        assertThat(last.version()).isGreaterThan(retrained.version());

        // restored from its state it continues exactly
        StreamingModel restored = StreamingModel.restore(settings, XY, model.state());
        Random again = new Random(13);
        for (int i = 0; i < 3_000; i++) {
            double[] profile = drifted(again);
            Optional<SegmentModel> a = model.update(i % 4_000, profile, 30_000 + i);
            Optional<SegmentModel> b = restored.update(i % 4_000, profile, 30_000 + i);
            assertThat(b.map(SegmentModel::mixture)).isEqualTo(a.map(SegmentModel::mixture));
        }
    }
}
