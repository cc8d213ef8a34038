package io.segflow.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segflow.model.FeatureScaling;
import io.segflow.model.SegmentModel;
import java.util.List;
import java.util.Map;
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
}
