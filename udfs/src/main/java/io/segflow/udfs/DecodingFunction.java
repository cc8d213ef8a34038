package io.segflow.udfs;

import java.util.List;
import java.util.Optional;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.TableFunction;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.InputTypeStrategies;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.types.Row;

/**
 * A table function {@code f(payload, 'col TYPE, ...')} that emits exactly one row per payload:
 * the leading columns of the subclass, the declared columns and parse_error. The column list
 * must be a literal: it decides the output type at planning time.
 */
abstract class DecodingFunction extends TableFunction<Row> {

    private transient String decoderColumns;
    private transient RecordDecoder decoder;

    /** Columns before the declared ones (op for change events). */
    abstract List<DataTypes.Field> leadingFields();

    /** Decodes one payload; never throws. */
    abstract Row decode(RecordDecoder decoder, String payload);

    protected RecordDecoder decoder(String columnList) {
        // the column list is a literal: the same string on every call
        if (decoder == null || !columnList.equals(decoderColumns)) {
            decoder = new RecordDecoder(ColumnSpecs.parse(columnList));
            decoderColumns = columnList;
        }
        return decoder;
    }

    public void eval(String payload, String columnList) {
        collect(decode(decoder(columnList), payload));
    }

    static Row row(Object[] leading, DecodedRow decoded) {
        Row row = new Row(leading.length + decoded.values().length + 1);
        int i = 0;
        for (Object value : leading) {
            row.setField(i++, value);
        }
        for (Object value : decoded.values()) {
            row.setField(i++, value);
        }
        row.setField(i, decoded.error());
        return row;
    }

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        return TypeInference.newBuilder()
                .inputTypeStrategy(
                        InputTypeStrategies.sequence(
                                new String[] {"payload", "columns"},
                                new org.apache.flink.table.types.inference.ArgumentTypeStrategy[] {
                                    InputTypeStrategies.explicit(DataTypes.STRING()),
                                    InputTypeStrategies.and(
                                            InputTypeStrategies.LITERAL,
                                            InputTypeStrategies.explicit(DataTypes.STRING()))
                                }))
                .outputTypeStrategy(
                        call -> {
                            Optional<String> columns = call.getArgumentValue(1, String.class);
                            if (columns.isEmpty()) {
                                throw call.newValidationError(
                                        "The second argument must be a literal column list, e.g. 'id BIGINT NOT NULL, name STRING'.");
                            }
                            DataType output = ColumnSpecs.outputType(columns.get(), leadingFields());
                            return Optional.of(output);
                        })
                .build();
    }
}
