package io.segflow.udfs;

import java.util.List;
import org.apache.flink.table.api.DataTypes;

/**
 * {@code PARSE_JSON(payload, 'col TYPE, ...')}: decodes a flat JSON object (an analytics event)
 * read with Flink's {@code raw} format. Emits exactly one row per payload: the declared columns
 * (top-level fields of the same name) and {@code parse_error}, NULL when the record is fine. On
 * error every declared column is NULL and parse_error says why. NOT NULL in the column list marks a
 * required field; undeclared fields are ignored.
 *
 * <p>Why not Flink's {@code json} format: on a bad record it fails the job, or with
 * ignore-parse-errors drops the record (or nulls a field) without saying so. Here every record
 * comes out, and a bad one with a precise reason for the dead letters. Value rules (ISO-8601
 * timestamps with offset or epoch milliseconds, numeric ids as text, ...) are in {@link
 * ValueDecoder}.
 */
public class ParseJson extends DecodingFunction {

    private static final long serialVersionUID = 1L;

    @Override
    List<DataTypes.Field> leadingFields() {
        return List.of();
    }

    @Override
    Object[] leadingValues(DecodedRow decoded) {
        return new Object[0];
    }

    @Override
    DecodedRow decode(RecordDecoder decoder, Object payload) {
        return payload instanceof byte[] bytes
                ? decoder.decodeObject(bytes)
                : decoder.decodeObject((String) payload);
    }
}
