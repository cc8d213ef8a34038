package io.segflow.udfs;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.segflow.udfs.ColumnSpec.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code JSON_INSTANT(payload, 'field')}: the instant in a top-level field of a JSON object, as
 * TIMESTAMP_LTZ(3); NULL when the payload is NULL or not an object, or the field is absent, null or
 * not a timestamp. Never throws.
 *
 * <p>Made for a watermark's computed column, so it is cheap: it streams over the top level only,
 * skips nested values without building them, and stops at the field. The field's value is read
 * exactly as {@link ParseJson} reads a TIMESTAMP_LTZ(3) column (ISO-8601 with offset, or an epoch
 * number, see {@link ValueDecoder}), so the event time of the watermark and of the decoded row
 * agree. It does not validate the rest of the payload: that is PARSE_JSON's job.
 */
public class JsonInstant extends ScalarFunction {

    private static final long serialVersionUID = 1L;

    private static final ColumnSpec INSTANT =
            new ColumnSpec("instant", Kind.TIMESTAMP_LTZ, 3, 0, false);

    /** The same for a payload read as BYTES; bytes that are not UTF-8 are read as U+FFFD. */
    public @DataTypeHint("TIMESTAMP_LTZ(3)") Instant eval(byte[] payload, String field) {
        return payload == null ? null : eval(new String(payload, StandardCharsets.UTF_8), field);
    }

    public @DataTypeHint("TIMESTAMP_LTZ(3)") Instant eval(String payload, String field) {
        if (payload == null || field == null) {
            return null;
        }
        try (JsonParser parser = SharedJson.MAPPER.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals(field)) {
                    JsonNode node;
                    if (value == JsonToken.VALUE_STRING) {
                        node = TextNode.valueOf(parser.getText());
                    } else if (value == JsonToken.VALUE_NUMBER_INT) {
                        node =
                                parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                                        ? BigIntegerNode.valueOf(parser.getBigIntegerValue())
                                        : LongNode.valueOf(parser.getLongValue());
                    } else {
                        return null;
                    }
                    return (Instant) ValueDecoder.decode(INSTANT, node, null);
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException | DecodeException | RuntimeException e) {
            return null;
        }
    }
}
