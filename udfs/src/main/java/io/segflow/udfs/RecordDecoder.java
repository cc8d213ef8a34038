package io.segflow.udfs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes raw Kafka payloads into rows of declared columns, never throwing: a record that cannot
 * be used comes back with the reason. Two shapes are understood: a flat JSON object (analytics
 * events) and a Debezium change event, with or without Kafka Connect's schema envelope.
 */
public final class RecordDecoder {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final List<ColumnSpec> columns;

    public RecordDecoder(List<ColumnSpec> columns) {
        this.columns = List.copyOf(columns);
    }

    public List<ColumnSpec> columns() {
        return columns;
    }

    /** A flat JSON object whose top-level fields are the columns. */
    public DecodedRow decodeObject(String payload) {
        try {
            JsonNode root = parseObject(payload);
            return new DecodedRow(null, values(root, null), null);
        } catch (DecodeException e) {
            return DecodedRow.failed(null, columns.size(), e.getMessage());
        }
    }

    /**
     * A Debezium change event. For c (insert), r (snapshot read) and u (update) the row is the
     * "after" image; for d (delete) the "before" image, which under PostgreSQL's default replica
     * identity holds only the key. An update without a "before" image is normal.
     */
    public DecodedRow decodeChange(String payload) {
        String op = null;
        try {
            JsonNode root = parseObject(payload);
            JsonNode envelopeSchema = null;
            if (root.has("payload") && root.has("schema")) {
                envelopeSchema = root.get("schema");
                root = root.get("payload");
                if (root == null || !root.isObject()) {
                    throw new DecodeException("Debezium message without a payload object");
                }
            }
            JsonNode opNode = root.get("op");
            if (opNode == null || !opNode.isTextual()) {
                throw new DecodeException("missing Debezium op");
            }
            op = opNode.textValue();
            String image = switch (op) {
                case "c", "r", "u" -> "after";
                case "d" -> "before";
                default -> throw new DecodeException(
                        "unknown Debezium op '" + excerpt(op) + "'"
                                + (op.equals("t") ? " (truncate is not supported: delete the rows instead)" : ""));
            };
            JsonNode row = root.get(image);
            if (row == null || !row.isObject()) {
                throw new DecodeException("Debezium op '" + op + "' without a \"" + image + "\" row");
            }
            return new DecodedRow(op, values(row, fieldSchemas(envelopeSchema, image)), null);
        } catch (DecodeException e) {
            return DecodedRow.failed(op, columns.size(), e.getMessage());
        }
    }

    private Object[] values(JsonNode row, Map<String, JsonNode> fieldSchemas) throws DecodeException {
        Object[] values = new Object[columns.size()];
        for (int i = 0; i < values.length; i++) {
            ColumnSpec column = columns.get(i);
            JsonNode schema = fieldSchemas == null ? null : fieldSchemas.get(column.name());
            values[i] = ValueDecoder.decode(column, row.get(column.name()), schema);
            if (values[i] == null && column.required()) {
                throw new DecodeException("missing required field " + column.name());
            }
        }
        return values;
    }

    private static JsonNode parseObject(String payload) throws DecodeException {
        if (payload == null || payload.isBlank()) {
            throw new DecodeException("empty payload");
        }
        JsonNode root;
        try {
            root = JSON.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new DecodeException("malformed JSON: " + excerpt(e.getOriginalMessage()));
        }
        if (root == null || root.isMissingNode()) {
            throw new DecodeException("empty payload");
        }
        if (!root.isObject()) {
            throw new DecodeException(
                    "not a JSON object (found " + root.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        return root;
    }

    /** The Connect schemas of the row image's fields, by field name. */
    private static Map<String, JsonNode> fieldSchemas(JsonNode envelopeSchema, String image) {
        if (envelopeSchema == null) {
            return null;
        }
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode struct : envelopeSchema.path("fields")) {
            if (image.equals(struct.path("field").asText())) {
                for (JsonNode field : struct.path("fields")) {
                    byName.put(field.path("field").asText(), field);
                }
            }
        }
        return byName;
    }

    private static String excerpt(String text) {
        if (text == null) {
            return "";
        }
        String oneLine = text.replace('\n', ' ');
        return oneLine.length() > 120 ? oneLine.substring(0, 117) + "..." : oneLine;
    }
}
