package io.segflow.udfs;

import java.util.List;
import org.apache.flink.table.api.DataTypes;

/**
 * {@code PARSE_DEBEZIUM(payload, 'col TYPE, ...')}: decodes a Debezium change event read with
 * Flink's {@code raw} format. Emits one row per event: {@code op} (c, r, u or d), the declared
 * columns from the row image ("after" for c, r and u; the key-only "before" for d), the same
 * columns once more as one ROW, {@code after} (NULL for a delete: the row is gone, and nothing of
 * it should be kept), and {@code parse_error}, NULL when the event is fine. On error every declared
 * column is NULL, op is set as far as it could be read, and parse_error says why, so the SQL can
 * route the record to the dead letters.
 *
 * <p>Why not Flink's {@code debezium-json} format: Debezium's PostgreSQL connector with its default
 * REPLICA IDENTITY writes updates with {@code "before": null}, which that format rejects (it needs
 * the old row to emit an update-before); and on any bad record it either fails the job or, with
 * ignore-parse-errors, drops the record without a trace. This function reads what the connector
 * writes with default settings, through Kafka Connect's JsonConverter with or without the schema
 * envelope (detected per record), decodes Debezium's encodings (DATE as epoch days, TIMESTAMPTZ as
 * ISO-8601 text, TIMESTAMP as epoch micros, NUMERIC as base64; see {@link ValueDecoder}), and
 * reports instead of failing.
 *
 * <p>A NULL payload, the tombstone Debezium sends after every delete so that Kafka's log compaction
 * can drop the key, emits no row: it carries no change (the delete before it did) and is not an
 * error. NOT NULL in the column list marks a required field: declare only key columns NOT NULL,
 * since a delete's "before" image holds nothing else.
 */
public class ParseDebezium extends DecodingFunction {

    private static final long serialVersionUID = 1L;

    @Override
    List<DataTypes.Field> leadingFields() {
        return List.of(DataTypes.FIELD("op", DataTypes.STRING()));
    }

    @Override
    Object[] leadingValues(DecodedRow decoded) {
        return new Object[] {decoded.op()};
    }

    /**
     * The row as one value lets the SQL carry a CRM table's columns without naming each of them
     * (the profile declares a CRM column once, in the staging's column list).
     */
    @Override
    boolean emitsRowAfter() {
        return true;
    }

    @Override
    boolean hasRowAfter(DecodedRow decoded) {
        return decoded.ok() && !"d".equals(decoded.op());
    }

    @Override
    DecodedRow decode(RecordDecoder decoder, Object payload) {
        if (payload == null) {
            return null; // a Kafka tombstone
        }
        return payload instanceof byte[] bytes
                ? decoder.decodeChange(bytes)
                : decoder.decodeChange((String) payload);
    }
}
