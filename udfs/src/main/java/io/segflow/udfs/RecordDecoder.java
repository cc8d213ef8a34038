package io.segflow.udfs;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
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
    private final long maxPayloadBytes;

    /** A decoder of payloads up to Kafka's default largest message (1 MiB). */
    public RecordDecoder(List<ColumnSpec> columns) {
        this(columns, Payloads.DEFAULT_MAX_BYTES);
    }

    /**
     * @param maxPayloadBytes the largest payload read, in bytes (UTF-8); a larger one is rejected
     *     unread
     */
    public RecordDecoder(List<ColumnSpec> columns, long maxPayloadBytes) {
        if (maxPayloadBytes <= 0) {
            throw new IllegalArgumentException(
                    "the payload size limit must be positive, was " + maxPayloadBytes);
        }
        this.columns = List.copyOf(columns);
        this.maxPayloadBytes = maxPayloadBytes;
    }

    public long maxPayloadBytes() {
        return maxPayloadBytes;
    }

    public List<ColumnSpec> columns() {
        return columns;
    }

    /** A flat JSON object whose top-level fields are the columns. */
    public DecodedRow decodeObject(String payload) {
        return decodeObject((Object) payload);
    }

    /** A flat JSON object as Kafka holds it: bytes that must be UTF-8. */
    public DecodedRow decodeObject(byte[] payload) {
        return decodeObject((Object) payload);
    }

    private DecodedRow decodeObject(Object payload) {
        try {
            JsonNode root = parseObject(payload);
            return DecodedRow.decoded(null, values(root, null));
        } catch (DecodeException e) {
            return DecodedRow.failed(null, columns.size(), e.reason());
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
        return decodeChange((Object) payload);
    }

    /** A Debezium change event as Kafka holds it: bytes that must be UTF-8. */
    public DecodedRow decodeChange(byte[] payload) {
        return decodeChange((Object) payload);
    }

    private DecodedRow decodeChange(Object payload) {
        String op = null;
        try {
            JsonNode root = parseObject(payload);
            JsonNode envelopeSchema = null;
            if (root.has("schema") && root.has("payload")) {
                envelopeSchema = root.get("schema");
                root = root.get("payload");
                if (root.isNull()) {
                    throw new DecodeException(
                            RejectCode.INVALID_CHANGE, "schema envelope with a null payload");
                }
                if (!root.isObject()) {
                    throw new DecodeException(
                            RejectCode.INVALID_CHANGE,
                            "schema envelope payload is not a JSON object (found "
                                    + ValueDecoder.describe(root)
                                    + ")");
                }
            }
            JsonNode opNode = root.get("op");
            if (opNode == null || opNode.isNull()) {
                throw new DecodeException(RejectCode.UNKNOWN_OP, "missing Debezium op");
            }
            if (!opNode.isTextual()) {
                throw new DecodeException(
                        RejectCode.UNKNOWN_OP,
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
                                throw new DecodeException(
                                        RejectCode.UNSUPPORTED_OP,
                                        "unsupported Debezium op 't' (truncate)");
                        case "m" ->
                                throw new DecodeException(
                                        RejectCode.UNSUPPORTED_OP,
                                        "unsupported Debezium op 'm' (message)");
                        default ->
                                throw new DecodeException(
                                        RejectCode.UNKNOWN_OP,
                                        "unknown Debezium op '" + ValueDecoder.excerpt(op) + "'");
                    };
            JsonNode row = root.get(image);
            if (row == null || row.isNull()) {
                throw new DecodeException(
                        RejectCode.INVALID_CHANGE,
                        "missing \"" + image + "\" row for op '" + op + "'");
            }
            if (!row.isObject()) {
                throw new DecodeException(
                        RejectCode.INVALID_CHANGE,
                        "\""
                                + image
                                + "\" is not a JSON object (found "
                                + ValueDecoder.describe(row)
                                + ")");
            }
            return DecodedRow.decoded(op, values(row, fieldSchemas(envelopeSchema, image)));
        } catch (DecodeException e) {
            return DecodedRow.failed(op, columns.size(), e.reason());
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
                throw new DecodeException(
                        RejectCode.MISSING_FIELD, "missing required field " + column.name());
            }
        }
        return values;
    }

    /** The payload (a String, bytes or null) as a JSON object, or why it is not one. */
    private JsonNode parseObject(Object payload) throws DecodeException {
        if (payload == null) {
            throw new DecodeException(
                    RejectCode.TOMBSTONE, "null payload (a tombstone) where a record belongs");
        }
        String text =
                payload instanceof byte[] bytes
                        ? Payloads.text(bytes, maxPayloadBytes)
                        : Payloads.text((String) payload, maxPayloadBytes);
        if (text.isBlank()) {
            throw new DecodeException(RejectCode.EMPTY_PAYLOAD, "empty payload");
        }
        JsonNode root;
        try {
            root = SharedJson.MAPPER.readTree(text);
        } catch (StreamConstraintsException e) {
            throw new DecodeException(
                    e.getMessage() != null && e.getMessage().contains("nesting depth")
                            ? RejectCode.TOO_DEEP
                            : RejectCode.TOO_LARGE,
                    describe(e));
        } catch (JsonProcessingException e) {
            throw new DecodeException(RejectCode.MALFORMED_JSON, "malformed JSON: " + describe(e));
        }
        if (root == null || root.isMissingNode()) {
            throw new DecodeException(RejectCode.EMPTY_PAYLOAD, "empty payload");
        }
        if (!root.isObject()) {
            throw new DecodeException(
                    RejectCode.NOT_AN_OBJECT,
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
        return RejectCode.UNDECODABLE
                + ": cannot decode record: "
                + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + ValueDecoder.excerpt(e.getMessage()));
    }
}
