package io.segflow.udfs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code JSON_INSTANT(payload, 'field')}: a top-level ISO-8601 timestamp (or epoch milliseconds)
 * of a JSON object, NULL when the payload or the field is absent or unreadable. It streams over
 * the top level only and stops at the field, cheap enough for a watermark's computed column.
 */
public class JsonInstant extends ScalarFunction {

    private static final JsonFactory JSON = new JsonFactory();

    public @DataTypeHint("TIMESTAMP_LTZ(3)") Instant eval(String payload, String field) {
        if (payload == null || field == null) {
            return null;
        }
        try (JsonParser parser = JSON.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals(field)) {
                    if (value == JsonToken.VALUE_STRING) {
                        return toMillis(OffsetDateTime.parse(parser.getText().trim().replace(' ', 'T')).toInstant());
                    }
                    if (value == JsonToken.VALUE_NUMBER_INT) {
                        return Instant.ofEpochMilli(parser.getLongValue());
                    }
                    return null;
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Instant toMillis(Instant instant) {
        return instant.minusNanos(instant.getNano() % 1_000_000);
    }
}
