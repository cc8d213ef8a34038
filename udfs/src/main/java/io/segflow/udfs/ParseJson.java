package io.segflow.udfs;

import java.util.List;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.types.Row;

/**
 * {@code PARSE_JSON(payload, 'col TYPE, ...')}: one row per JSON object with the declared
 * columns and parse_error. NOT NULL marks a required field. Unlike Flink's json format it never
 * fails the job and never drops a record without saying why.
 */
public class ParseJson extends DecodingFunction {

    @Override
    List<DataTypes.Field> leadingFields() {
        return List.of();
    }

    @Override
    Row decode(RecordDecoder decoder, String payload) {
        return row(new Object[0], decoder.decodeObject(payload));
    }
}
