package io.segflow.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segflow.model.FeatureScaling;
import io.segflow.model.SegmentMixture;
import io.segflow.model.SegmentModel;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class ModelMessagesTest {

    private static final SegmentModel MODEL =
            new SegmentModel(
                    1_764_000_000_000L,
                    "batch",
                    List.of("visits", "minutes"),
                    new FeatureScaling(new double[] {10, 300}, new double[] {9, 290}),
                    new double[] {-1, -1, 1, 1},
                    new double[] {120, 80},
                    0.5,
                    200,
                    new int[] {3, 8},
                    new String[] {"quiet", "busy"});

    @Test
    void aMessageCarriesTheWholeModelAndTheRetrainMetrics() {
        String message = ModelMessages.toMessage(MODEL, Map.of("silhouette", 0.61));
        assertThat(message).contains("\"trained_by\":\"batch\"", "\"silhouette\":0.61", "\"k\":2");
        SegmentModel read = ModelMessages.fromMessage(message);
        assertThat(read.version()).isEqualTo(MODEL.version());
        assertThat(read.features()).isEqualTo(MODEL.features());
        assertThat(read.segmentId(0)).isEqualTo(3);
        assertThat(read.segmentName(1)).isEqualTo("busy");
        assertThat(read.centroid(1)).containsExactly(MODEL.centroid(1), Offset.offset(1e-9));
        assertThat(read.counts()).containsExactly(120, 80);
        double[] customer = {25, 600};
        assertThat(read.assign(customer).segment()).isEqualTo(MODEL.assign(customer).segment());
    }

    @Test
    void whatIsNotAModelIsRefusedWithItsReason() {
        assertThatThrownBy(() -> ModelMessages.fromMessage("{not json"))
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> ModelMessages.fromMessage("{\"hello\":1}"))
                .hasMessageContaining("not a segflow model");
        assertThatThrownBy(
                        () ->
                                ModelMessages.fromMessage(
                                        "{\"model_version\":5,\"centroids\":{\"0\":[1]},\"features\":[\"a\"],\"scaling\":{}}"))
                .hasMessageContaining("model version 5");
    }

    /**
     * A mixture model (a narrow and a wide component, rotated by 45 degrees) reaches a running job
     * and the registry whole: the message and the row read back assign every point as it does, by
     * posterior, also where the nearest centre says otherwise.
     */
    @Test
    void aMixtureTravelsWithItsModel() {
        double r = Math.sqrt(0.5);
        SegmentMixture mixture =
                new SegmentMixture(
                        new double[] {0.1, -0.2},
                        new double[][] {{r, r}, {-r, r}},
                        new double[] {0.3, 0.7},
                        new double[][] {{0, 0}, {2, 0}},
                        new double[][] {{0.02, 0.01}, {3, 2}});
        double[] centres = new double[4];
        System.arraycopy(mixture.standardisedCentre(0), 0, centres, 0, 2);
        System.arraycopy(mixture.standardisedCentre(1), 0, centres, 2, 2);
        SegmentModel model =
                new SegmentModel(
                                MODEL.version(),
                                "batch",
                                MODEL.features(),
                                MODEL.scaling(),
                                centres,
                                new double[] {30, 70},
                                0.5,
                                100,
                                new int[] {5, 2},
                                new String[] {"narrow", "wide"})
                        .withMixture(mixture);
        String message = ModelMessages.toMessage(model, Map.of());
        assertThat(message).contains("\"mixture\":{\"centre\"", "\"components\":{\"5\"");
        SegmentModel fromTopic = ModelMessages.fromMessage(message);
        assertThat(fromTopic.segmentId(0)).isEqualTo(5);
        assertThat(fromTopic.mixture().weights()).containsExactly(0.3, 0.7);
        assertThat(fromTopic.mixture().axes()[1]).containsExactly(-r, r);
        assertThat(ModelMessages.fromMessage(ModelMessages.toMessage(MODEL, Map.of())).mixture())
                .as("a nearest-centre model has none")
                .isNull();

        Random random = new Random(1);
        int disagreeWithNearest = 0;
        for (int i = 0; i < 1_000; i++) {
            double[] customer = {10 + 9 * random.nextGaussian(), 300 + 290 * random.nextGaussian()};
            int expected = model.assign(customer).segment();
            assertThat(fromTopic.assign(customer).segment()).isEqualTo(expected);
            if (model.withMixture(null).assign(customer).segment() != expected) {
                disagreeWithNearest++;
            }
        }
        assertThat(disagreeWithNearest)
                .as("points where posterior and distance differ")
                .isPositive();
    }
}
