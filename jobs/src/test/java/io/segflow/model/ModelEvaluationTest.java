package io.segflow.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelEvaluationTest {

    private static final List<String> FEATURES = List.of("x");

    /** Two segments on a line: centres 1 and 10, profiles {0, 2} and {9, 11}. */
    private static SegmentModel model(long version, int[] ids) {
        return new SegmentModel(
                version,
                "batch",
                FEATURES,
                FeatureScaling.identity(1),
                new double[] {1, 10},
                new double[] {2, 2},
                1,
                4,
                ids,
                null);
    }

    @Test
    void measuresMatchTheHandComputation() {
        double[][] profiles = {{0}, {2}, {9}, {11}};
        ModelEvaluation evaluation =
                ModelEvaluation.evaluate(
                        model(5, new int[] {0, 1}), profiles, profiles, profiles, null, Map.of());
        // inertia: four profiles 1 from their centre
        assertThat(evaluation.inertia()).isEqualTo(4.0);
        // silhouette: x=0: a=2, b=(9+11)/2=10 -> 0.8; x=2: a=2, b=8 -> 0.75; x=9: a=2, b=8 -> 0.75;
        // x=11: a=2, b=10 -> 0.8
        assertThat(evaluation.silhouette()).isCloseTo((0.8 + 0.75 + 0.75 + 0.8) / 4, within(1e-12));
        // Davies-Bouldin: S = 1 and 1, M = 9 -> (2/9 + 2/9) / 2
        assertThat(evaluation.daviesBouldin()).isCloseTo(2.0 / 9, within(1e-12));
        assertThat(evaluation.stability()).isNaN();
        assertThat(evaluation.previousVersion()).isEqualTo(-1);
    }

    @Test
    void stabilityComparesThePreviousPartitionOfTheSameSample() {
        double[][] profiles = {{0}, {2}, {9}, {11}};
        SegmentModel previous = model(4, new int[] {7, 3});
        ModelEvaluation same =
                ModelEvaluation.evaluate(
                        model(5, new int[] {3, 7}),
                        profiles,
                        profiles,
                        profiles,
                        previous,
                        Map.of());
        assertThat(same.stability()).isEqualTo(1.0);
        assertThat(same.previousVersion()).isEqualTo(4);

        // a previous model with centres -2 and 5 cut the line elsewhere: {0} | {2, 9, 11}
        SegmentModel other =
                new SegmentModel(
                        3,
                        "stream",
                        FEATURES,
                        FeatureScaling.identity(1),
                        new double[] {-2, 5},
                        new double[] {1, 3},
                        1,
                        4);
        double stability =
                ModelEvaluation.evaluate(
                                model(5, new int[] {0, 1}),
                                profiles,
                                profiles,
                                profiles,
                                other,
                                Map.of())
                        .stability();
        assertThat(stability)
                .isEqualTo(
                        ClusteringMetrics.adjustedRandIndex(
                                new int[] {0, 1, 1, 1}, new int[] {0, 0, 1, 1}))
                .isLessThan(1.0);
        // ARI by hand: contingency cells 1, 1, 2 -> 1 agreeing pair; row pairs 0 + 3, column pairs
        // 1 + 1;
        // expected 3 * 2 / 6 = 1, maximum (3 + 2) / 2 = 2.5 -> (1 - 1) / (2.5 - 1) = 0
        assertThat(stability).isEqualTo(0.0);
    }

    @Test
    void aPreviousModelOnOtherFeaturesGivesNoStability() {
        double[][] profiles = {{0}, {2}, {9}, {11}};
        SegmentModel previous =
                new SegmentModel(
                        4,
                        "batch",
                        List.of("y"),
                        FeatureScaling.identity(1),
                        new double[] {1, 10},
                        new double[] {2, 2},
                        1,
                        4);
        ModelEvaluation evaluation =
                ModelEvaluation.evaluate(
                        model(5, new int[] {0, 1}),
                        profiles,
                        profiles,
                        profiles,
                        previous,
                        Map.of());
        assertThat(evaluation.stability()).isNaN();
        assertThat(evaluation.toMetrics())
                .containsEntry("stability_ari", null)
                .containsEntry("stability_against_version", null);
    }

    @Test
    void metricsAreValidJsonBesideTheSegmentNames() throws Exception {
        double[][] profiles = {{0}, {2}, {9}, {11}};
        ModelEvaluation evaluation =
                ModelEvaluation.evaluate(
                        model(5, new int[] {0, 1}),
                        profiles,
                        profiles,
                        profiles,
                        model(4, new int[] {0, 1}),
                        Map.of(2, 0.775, 3, Double.NaN));
        Map<String, Object> metrics = evaluation.toMetrics();
        assertThat(metrics).doesNotContainKeys("segments", "inertia_estimate", "points_seen");

        // as the writer would merge it into the metrics column
        ObjectMapper json = new ObjectMapper();
        ObjectNode column = json.valueToTree(metrics);
        column.putObject("segments").put("0", "low x").put("1", "high x");
        JsonNode read = json.readTree(column.toString());
        assertThat(read.get("inertia").asDouble()).isEqualTo(4.0);
        assertThat(read.get("silhouette").asDouble()).isCloseTo(0.775, within(1e-12));
        assertThat(read.get("stability_ari").asDouble()).isEqualTo(1.0);
        assertThat(read.get("stability_against_version").asLong()).isEqualTo(4);
        assertThat(read.get("silhouette_by_k").get("2").asDouble()).isEqualTo(0.775);
        assertThat(read.get("silhouette_by_k").get("3").isNull()).isTrue();
        assertThat(read.get("segments").get("1").asText()).isEqualTo("high x");
    }
}
