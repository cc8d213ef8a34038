package io.segflow.segments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segflow.model.SegmentModel;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message format of the models topic (segment_model_topic in sql/90_sinks.sql): one model
 * version as a JSON object with the columns of segment_model, the JSON columns as JSON values.
 * segment_model stays the registry; the topic tells running jobs that a version exists.
 */
public final class ModelChannel {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> JSON_COLUMNS = List.of("features", "scaling", "centroids", "counts", "sizes", "metrics");

    private ModelChannel() {}

    /** The message for a model, with the same content as its segment_model row. */
    public static String toMessage(SegmentModel model, Map<String, ?> extraMetrics) {
        Row row = SegmentationStage.ToModelRow.row(model, extraMetrics);
        ObjectNode message = JSON.createObjectNode();
        // positions of ToModelRow.TYPE
        message.put("model_version", (Long) row.getField(0));
        message.put("created_at", row.getField(1).toString());
        message.put("trained_by", (String) row.getField(2));
        message.put("k", (Integer) row.getField(3));
        for (int i = 0; i < JSON_COLUMNS.size(); i++) {
            String column = JSON_COLUMNS.get(i);
            String value = (String) row.getField(4 + i);
            try {
                message.set(column, value == null ? null : JSON.readTree(value));
            } catch (Exception e) {
                throw new IllegalStateException("column " + column + " of model " + model.version() + " is not JSON", e);
            }
        }
        return message.toString();
    }

    /** A model from a message; throws with the reason when the message is not one. */
    public static SegmentModel fromMessage(String message) {
        JsonNode node;
        try {
            node = JSON.readTree(message);
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject() || !node.hasNonNull("model_version") || !node.hasNonNull("centroids")) {
            throw new IllegalArgumentException("not a segflow model: needs model_version, features, scaling and centroids");
        }
        return ModelRegistry.parse(
                node.get("model_version").asLong(),
                node.path("trained_by").asText("unknown"),
                text(node, "features"),
                text(node, "scaling"),
                text(node, "centroids"),
                text(node, "counts"),
                text(node, "metrics"));
    }

    private static String text(JsonNode node, String column) {
        JsonNode value = node.get(column);
        return value == null || value.isNull() ? null : value.toString();
    }

    /**
     * Reads the topic in the job: a message that is not a model, or a model of other features,
     * is logged with its reason and counted (segflow.rejectedPublishedModels), never fatal: the
     * job keeps the model it has.
     */
    static final class ReadPublished extends RichFlatMapFunction<Row, SegmentModel> {
        private static final Logger LOG = LoggerFactory.getLogger(ReadPublished.class);
        private final List<String> features;
        private transient Counter rejected;

        ReadPublished(List<String> features) {
            this.features = List.copyOf(features);
        }

        @Override
        public void open(OpenContext openContext) {
            rejected = getRuntimeContext().getMetricGroup().addGroup("segflow").counter("rejectedPublishedModels");
        }

        @Override
        public void flatMap(Row row, Collector<SegmentModel> out) {
            String message = (String) row.getField(0);
            try {
                SegmentModel model = fromMessage(message);
                model.requireFeatures(features);
                out.collect(model);
            } catch (IllegalArgumentException | IllegalStateException e) { // FeatureMismatchException too
                rejected.inc();
                LOG.error("Ignored a message on the models topic, the job keeps its model: {}", e.getMessage());
            }
        }
    }
}
