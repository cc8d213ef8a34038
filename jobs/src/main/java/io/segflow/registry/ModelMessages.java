package io.segflow.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segflow.model.SegmentModel;
import java.util.Map;
import org.apache.flink.types.Row;

/**
 * The message format of the models topic (segment_model_topic in sql/90_sinks.sql): one model
 * version as a JSON object with the columns of {@link ModelRecord} by name, the JSON columns as
 * JSON values. segment_model stays the registry; the topic tells running jobs that a version
 * exists.
 */
public final class ModelMessages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelMessages() {}

    /** The message for a model, with the same content as its segment_model row. */
    public static String toMessage(SegmentModel model, Map<String, ?> extraMetrics) {
        Row row = ModelRecord.toRow(model, extraMetrics);
        ObjectNode message = JSON.createObjectNode();
        for (int i = 0; i < ModelRecord.COLUMNS.size(); i++) {
            String column = ModelRecord.COLUMNS.get(i);
            Object value = row.getField(i);
            if (value == null) {
                message.putNull(column);
            } else if (ModelRecord.JSON_COLUMNS.contains(column)) {
                try {
                    message.set(column, JSON.readTree((String) value));
                } catch (Exception e) {
                    throw new IllegalStateException(
                            "column " + column + " of model " + model.version() + " is not JSON",
                            e);
                }
            } else if (value instanceof Number) {
                message.set(column, JSON.valueToTree(value));
            } else {
                message.put(column, value.toString());
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
        if (node == null
                || !node.isObject()
                || !node.hasNonNull("model_version")
                || !node.hasNonNull("centroids")) {
            throw new IllegalArgumentException(
                    "not a segflow model: needs model_version, features, scaling and centroids");
        }
        return ModelRecord.fromColumns(
                node.get("model_version").asLong(),
                node.path("trained_by").asText("unknown"),
                column -> {
                    JsonNode value = node.get(column);
                    return value == null || value.isNull() ? null : value.toString();
                });
    }
}
