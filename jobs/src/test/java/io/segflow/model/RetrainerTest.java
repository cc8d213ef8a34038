package io.segflow.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetrainerTest {

    private static final int D = 12;
    private static final List<String> FEATURES = MiniBatchKMeansTest.names(D);
    private static final long NOW = 1_800_000_000_000L;

    @Test
    void recoversThePersonasWithAFixedK() {
        Personas personas = Personas.gaussian(20_000, 4, D, 31L);
        Retrainer.Result result =
                Retrainer.retrain(
                        personas.points, FEATURES, null, -1, Retrainer.Settings.fixedK(4), NOW);
        SegmentModel model = result.model();
        assertThat(model.trainedBy()).isEqualTo("batch");
        assertThat(model.version()).isEqualTo(NOW);
        assertThat(model.k()).isEqualTo(4);
        assertThat(ids(model)).containsExactly(0, 1, 2, 3);
        assertThat(result.highestSegmentIdUsed()).isEqualTo(3);
        assertThat(
                        ClusteringMetrics.adjustedRandIndex(
                                labels(model, personas.points), personas.labels))
                .isGreaterThanOrEqualTo(0.95);
        assertThat(Arrays.stream(model.sizes()).sum()).isEqualTo(20_000);
        assertThat(model.segmentNames()).doesNotHaveDuplicates();
        // the version records how far its customers sit from their centres: well-separated
        // groups, so each segment's mean distance is well under half the gap to the next centre
        double[] spread = model.meanDistances();
        assertThat(spread).hasSize(4);
        for (int c = 0; c < 4; c++) {
            double gap = Double.POSITIVE_INFINITY;
            for (int o = 0; o < 4; o++) {
                if (o != c) {
                    gap = Math.min(gap, model.distanceTo(model.standardisedCentroid(o), c));
                }
            }
            assertThat(spread[c]).isPositive().isLessThan(gap / 2);
        }

        ModelEvaluation evaluation = result.evaluation();
        assertThat(evaluation.profiles()).isEqualTo(20_000);
        assertThat(evaluation.sampleSize()).isEqualTo(5_000);
        assertThat(evaluation.silhouette()).isGreaterThan(0.45);
        assertThat(evaluation.daviesBouldin()).isLessThan(1.0);
        assertThat(evaluation.stability()).isNaN();
        assertThat(result.metrics())
                .containsEntry("k_selection", "fixed")
                .containsEntry("segments_new", List.of(0, 1, 2, 3));
    }

    @Test
    void choosesKOverARangeBySilhouette() {
        // well separated: persona centres at least 12 noise deviations apart. (With seed 32 two
        // personas sit 9 apart and the silhouette of k = 3 edges out k = 4, 0.465 to 0.461: the
        // silhouette rewards merging a close pair, which is its nature, not a fitting error.)
        Personas personas = Personas.gaussian(8_000, 4, D, 31L);
        Retrainer.Settings settings =
                Retrainer.Settings.kRange(2, 6).withSampleSize(1_500).withRestarts(2);
        Retrainer.Result result =
                Retrainer.retrain(personas.points, FEATURES, null, -1, settings, NOW);
        assertThat(result.model().k()).isEqualTo(4);
        assertThat(result.evaluation().silhouetteByK()).containsOnlyKeys(2, 3, 4, 5, 6);
        assertThat(result.metrics())
                .containsEntry("k_selection", "silhouette")
                .containsKey("silhouette_by_k");
    }

    @Test
    void retrainingTheSameProfilesKeepsEverySegmentsIdAndName() {
        Personas personas = Personas.gaussian(12_000, 4, D, 33L);
        Retrainer.Settings settings =
                Retrainer.Settings.fixedK(4).withSampleSize(2_000).withRestarts(2);
        Retrainer.Result first =
                Retrainer.retrain(personas.points, FEATURES, null, -1, settings, NOW);
        // another seed: Smile finds the centres in another order
        Retrainer.Result second =
                Retrainer.retrain(
                        personas.points,
                        FEATURES,
                        first.model(),
                        first.highestSegmentIdUsed(),
                        settings.withSeed(1234),
                        NOW - 5_000);

        assertThat(second.model().version()).isEqualTo(NOW + 1);
        assertThat(ids(second.model())).containsExactlyInAnyOrder(0, 1, 2, 3);
        Map<Integer, Integer> personaOfIdFirst = personaOfEachId(first.model(), personas);
        Map<Integer, Integer> personaOfIdSecond = personaOfEachId(second.model(), personas);
        assertThat(personaOfIdSecond).isEqualTo(personaOfIdFirst);
        for (int id = 0; id < 4; id++) {
            assertThat(second.model().segmentName(second.model().indexOf(id)))
                    .isEqualTo(first.model().segmentName(first.model().indexOf(id)));
        }
        assertThat(second.evaluation().stability()).isGreaterThan(0.99);
        assertThat(second.evaluation().previousVersion()).isEqualTo(NOW);
        assertThat(second.metrics())
                .containsEntry("segments_new", List.of())
                .containsEntry("highest_segment_id", 3);
    }

    @Test
    void aPersonaThatAppearsGetsANewIdAndTheOthersKeepTheirs() {
        Personas personas = Personas.gaussian(15_000, 5, D, 34L);
        // the first snapshot has no customer of persona 4 yet
        int[] withoutNewcomers =
                IntStream.range(0, personas.labels.length)
                        .filter(i -> personas.labels[i] != 4)
                        .toArray();
        double[][] before = KSelection.rows(personas.points, withoutNewcomers);
        Retrainer.Settings settings =
                Retrainer.Settings.fixedK(4).withSampleSize(2_000).withRestarts(2);
        Retrainer.Result first = Retrainer.retrain(before, FEATURES, null, -1, settings, NOW);
        Map<Integer, Integer> personaOfIdFirst = personaOfEachId(first.model(), personas);

        // id 6 was used by some version in between (say a streaming one): the newcomer must get 7
        Retrainer.Result second =
                Retrainer.retrain(
                        personas.points,
                        FEATURES,
                        first.model(),
                        6,
                        Retrainer.Settings.fixedK(5).withSampleSize(2_000).withRestarts(2),
                        NOW + 60_000);
        Map<Integer, Integer> personaOfIdSecond = personaOfEachId(second.model(), personas);
        assertThat(personaOfIdSecond)
                .hasSize(5)
                .containsAllEntriesOf(personaOfIdFirst)
                .containsEntry(7, 4);
        assertThat(second.highestSegmentIdUsed()).isEqualTo(7);
        assertThat(second.metrics())
                .containsEntry("segments_new", List.of(7))
                .containsEntry("segments_continued", List.of(0, 1, 2, 3));
        assertThat(
                        ClusteringMetrics.adjustedRandIndex(
                                labels(second.model(), personas.points), personas.labels))
                .isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void aPreviousModelOnOtherFeaturesStartsFreshIdsAndMeasuresNoStability() {
        Personas personas = Personas.gaussian(6_000, 3, D, 35L);
        Retrainer.Settings settings =
                Retrainer.Settings.fixedK(3).withSampleSize(1_000).withRestarts(1);
        List<String> oldFeatures = MiniBatchKMeansTest.names(D - 1);
        SegmentModel previous =
                new SegmentModel(
                        10,
                        "stream",
                        oldFeatures,
                        FeatureScaling.identity(D - 1),
                        new double[(D - 1) * 2],
                        new double[] {1, 1},
                        0,
                        0,
                        new int[] {0, 5},
                        null);
        Retrainer.Result result =
                Retrainer.retrain(personas.points, FEATURES, previous, -1, settings, 5);
        assertThat(ids(result.model())).containsExactly(6, 7, 8);
        assertThat(result.model().version()).isEqualTo(11);
        assertThat(result.evaluation().stability()).isNaN();
        assertThat(result.metrics()).containsEntry("stability_ari", null);
    }

    private static int[] ids(SegmentModel model) {
        return IntStream.range(0, model.k()).map(model::segmentId).toArray();
    }

    private static int[] labels(SegmentModel model, double[][] raw) {
        return Arrays.stream(raw).mapToInt(p -> model.assign(p).segment()).toArray();
    }

    /** For each segment id, the persona most of its customers come from. */
    private static Map<Integer, Integer> personaOfEachId(SegmentModel model, Personas personas) {
        int k = personas.centres.length;
        int[][] votes = new int[model.k()][k];
        for (int i = 0; i < personas.points.length; i++) {
            votes[model.assign(personas.points[i]).segment()][personas.labels[i]]++;
        }
        Map<Integer, Integer> persona = new HashMap<>();
        for (int c = 0; c < model.k(); c++) {
            int best = 0;
            for (int p = 1; p < k; p++) {
                if (votes[c][p] > votes[c][best]) {
                    best = p;
                }
            }
            persona.put(model.segmentId(c), best);
        }
        return persona;
    }

    /**
     * Every seed of a default retrain finds the six behaviours of 20,000 customers whose profiles
     * hold about seventy events each. There the optimum that merges two behaviours and splits a
     * third is 2 % worse in inertia, and with 8 restarts 2 retrains in 20 seeds ended in it (ARI
     * 0.80 and 0.82); 16 restarts found the right one in 40 of 40 (two such bases).
     */
    @Test
    void everySeedOfTheDefaultRetrainFindsTheBehaviours() {
        int n = 20_000;
        Customers base = new Customers(n, 6, 1);
        Random random = new Random(2);
        for (int event = 0; event < 70 * n; event++) {
            base.event(random.nextInt(n), random);
        }
        double[][] profiles = new double[n][];
        int[] behaviours = new int[n];
        for (int i = 0; i < n; i++) {
            profiles[i] = base.profile(i);
            behaviours[i] = base.persona(i);
        }

        for (long seed = 0; seed < 20; seed++) {
            SegmentModel model =
                    Retrainer.retrain(
                                    profiles,
                                    Customers.FEATURES,
                                    null,
                                    -1,
                                    Retrainer.Settings.defaults().withSeed(seed),
                                    0)
                            .model();
            int[] segments = new int[n];
            for (int i = 0; i < n; i++) {
                segments[i] = model.assign(profiles[i]).segment();
            }
            assertThat(ClusteringMetrics.adjustedRandIndex(behaviours, segments))
                    .as("ARI against the behaviours, seed %d", seed)
                    .isGreaterThan(0.95);
        }
    }
}
