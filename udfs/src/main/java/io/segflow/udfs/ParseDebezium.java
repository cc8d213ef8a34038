package io.segflow.udfs;

import java.util.List;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.types.Row;

/**
 * {@code PARSE_DEBEZIUM(payload, 'col TYPE, ...')}: one row per Debezium change event with op
 * (c, r, u, d), the row image's columns (after; the key-only before of a delete) and
 * parse_error.
 *
 * <p>Why not Flink's debezium-json format: under PostgreSQL's default REPLICA IDENTITY an update
 * carries no "before" image, which that format rejects; it also fails the job on a bad record or,
 * with ignore-parse-errors, drops it silently. This function reads every record Debezium's
 * PostgreSQL connector writes with its defaults, with or without the schema envelope, and
 * reports what it cannot read so the SQL can route it to the dead letters.
 */
public class ParseDebezium extends DecodingFunction {

    @Override
    List<DataTypes.Field> leadingFields() {
        return List.of(DataTypes.FIELD("op", DataTypes.STRING()));
    }

    @Override
    Row decode(RecordDecoder decoder, String payload) {
        DecodedRow decoded = decoder.decodeChange(payload);
        return row(new Object[] {decoded.op()}, decoded);
    }
}
