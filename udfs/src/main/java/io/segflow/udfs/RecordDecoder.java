package io.segflow.udfs;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Decodes raw Kafka payloads into rows of declared columns and never throws: a record that cannot
 * be used comes back with all values null and the reason. Two shapes are understood:
 *
 * <ul>
 *   <li>{@link #decodeObject(String)}: a flat JSON object whose top-level fields are the columns
 *       (analytics events);
 *   <li>{@link #decodeChange(String)}: a Debezium change event as Kafka Connect's JsonConverter
 *       writes it, with the schema envelope ({@code {"schema":{...},"payload":{...}}}) or without
 *       it (schemas.enable=false), detected per record.
 * </ul>
 *
 * <p>A column declared NOT NULL ({@link ColumnSpec#required()}) must be present and not null in
 * every record, including the key-only "before" image of a Debezium delete: declare only key
 * columns NOT NULL in change-event schemas. Fields that are not declared are ignored.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class RecordDecoder {

    /** Jackson's " (start marker at [Source: ...; line: 1, column: 2])" in messages. */
    private static final Pattern SOURCE_REFERENCE =
            Pattern.compile(" ?\\(start marker at \\[[^\\]]*\\]\\)");

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
            return DecodedRow.decoded(null, values(root, null));
        } catch (DecodeException e) {
            return DecodedRow.failed(null, columns.size(), e.getMessage());
        } catch (RuntimeException e) {
            return DecodedRow.failed(null, columns.size(), unexpected(e));
        }
    }

    /**
     * A Debezium change event. For c (insert), r (snapshot read) and u (update) the row is the
     * "after" image, for d (delete) the "before" image. Under PostgreSQL's default REPLICA IDENTITY
     * an update has {@code "before": null} (or only the key) and a delete's "before" holds only the
     * key columns, the others null: both are normal. Other operations (t for truncate, m for a
     * logical decoding message) are rejected: they are not row changes.
     *
     * <p>A null payload (the tombstone Debezium sends after each delete, for log compaction) is not
     * a change event and is rejected here; {@link ParseDebezium} skips it before calling this.
     */
    public DecodedRow decodeChange(String payload) {
        String op = null;
        try {
            JsonNode root = parseObject(payload);
            JsonNode envelopeSchema = null;
            if (root.has("schema") && root.has("payload")) {
                envelopeSchema = root.get("schema");
                root = root.get("payload");
                if (root.isNull()) {
                    throw new DecodeException("schema envelope with a null payload");
                }
                if (!root.isObject()) {
                    throw new DecodeException(
                            "schema envelope payload is not a JSON object (found "
                                    + ValueDecoder.describe(root)
                                    + ")");
                }
            }
            JsonNode opNode = root.get("op");
            if (opNode == null || opNode.isNull()) {
                throw new DecodeException("missing Debezium op");
            }
            if (!opNode.isTextual()) {
                throw new DecodeException(
                        "Debezium op is not a string (found "
                                + ValueDecoder.describe(opNode)
                                + ")");
            }
            op = opNode.textValue();
            String image =
                    switch (op) {
                        case "c", "r", "u" -> "after";
                        case "d" -> "before";
                        case "t" ->
                                throw new DecodeException("unsupported Debezium op 't' (truncate)");
                        case "m" ->
                                throw new DecodeException("unsupported Debezium op 'm' (message)");
                        default ->
                                throw new DecodeException(
                                        "unknown Debezium op '" + ValueDecoder.excerpt(op) + "'");
                    };
            JsonNode row = root.get(image);
            if (row == null || row.isNull()) {
                throw new DecodeException("missing \"" + image + "\" row for op '" + op + "'");
            }
            if (!row.isObject()) {
                throw new DecodeException(
                        "\""
                                + image
                                + "\" is not a JSON object (found "
                                + ValueDecoder.describe(row)
                                + ")");
            }
            return DecodedRow.decoded(op, values(row, fieldSchemas(envelopeSchema, image)));
        } catch (DecodeException e) {
            return DecodedRow.failed(op, columns.size(), e.getMessage());
        } catch (RuntimeException e) {
            return DecodedRow.failed(op, columns.size(), unexpected(e));
        }
    }

    private Object[] values(JsonNode row, Map<String, JsonNode> fieldSchemas)
            throws DecodeException {
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
        if (payload == null) {
            throw new DecodeException("null payload");
        }
        if (payload.isBlank()) {
            throw new DecodeException("empty payload");
        }
        JsonNode root;
        try {
            root = SharedJson.MAPPER.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new DecodeException("malformed JSON: " + describe(e));
        }
        if (root == null || root.isMissingNode()) {
            throw new DecodeException("empty payload");
        }
        if (!root.isObject()) {
            throw new DecodeException(
                    "not a JSON object (found " + ValueDecoder.describe(root) + ")");
        }
        return root;
    }

    /**
     * The Connect schemas of the row image's fields, by field name: the "fields" of the envelope
     * schema's struct field named "before" or "after". Null without envelope.
     */
    private static Map<String, JsonNode> fieldSchemas(JsonNode envelopeSchema, String image) {
        if (envelopeSchema == null || !envelopeSchema.isObject()) {
            return null;
        }
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode struct : envelopeSchema.path("fields")) {
            if (image.equals(struct.path("field").textValue())) {
                for (JsonNode field : struct.path("fields")) {
                    String name = field.path("field").textValue();
                    if (name != null) {
                        byName.put(name, field);
                    }
                }
            }
        }
        return byName;
    }

    /** Jackson's reason without its source excerpt, and where: short, and no payload text. */
    private static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message == null) {
            message = e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline);
        }
        message = SOURCE_REFERENCE.matcher(message).replaceAll("");
        if (message.startsWith("Trailing token")) {
            message = "more content after the JSON value"; // FAIL_ON_TRAILING_TOKENS
        }
        if (message.length() > 150) {
            message = message.substring(0, 147) + "...";
        }
        JsonLocation location = e.getLocation();
        if (location != null && location.getLineNr() > 0) {
            message += " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        }
        return message;
    }

    private static String unexpected(RuntimeException e) {
        return "cannot decode record: "
                + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + ValueDecoder.excerpt(e.getMessage()));
    }
}
