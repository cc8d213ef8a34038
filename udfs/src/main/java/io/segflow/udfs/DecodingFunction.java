package io.segflow.udfs;

import java.util.List;
import java.util.Optional;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.TableFunction;
import org.apache.flink.table.types.inference.ArgumentTypeStrategy;
import org.apache.flink.table.types.inference.InputTypeStrategies;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.types.Row;

/**
 * A table function {@code f(payload, 'col TYPE, ...')} that emits one row per payload: the
 * subclass's leading columns, the declared columns, and parse_error (NULL when the record is fine).
 * The column list must be a string literal: it decides the output type when the query is planned,
 * through the custom type inference below.
 *
 * <p>The decoding itself is in {@link RecordDecoder} (plain Java); this class only adapts it to
 * Flink, caches the parsed column list, and guarantees that nothing is ever thrown for a record.
 */
abstract class DecodingFunction extends TableFunction<Row> {

    private static final long serialVersionUID = 1L;

    private transient String decoderColumns;
    private transient RecordDecoder decoder;

    /** Columns before the declared ones (op for change events). */
    abstract List<DataTypes.Field> leadingFields();

    /** The leading columns' values of a decoded record. */
    abstract Object[] leadingValues(DecodedRow decoded);

    /** Decodes one payload, never throwing; null to emit no row. */
    abstract DecodedRow decode(RecordDecoder decoder, String payload);

    public void eval(String payload, String columnList) {
        RecordDecoder current = decoderFor(columnList);
        DecodedRow decoded;
        try {
            decoded = decode(current, payload);
        } catch (RuntimeException e) {
            // the decoders catch everything already; this is the last line of defence
            decoded =
                    DecodedRow.failed(
                            null,
                            current.columns().size(),
                            "cannot decode record: " + e.getClass().getSimpleName());
        }
        if (decoded != null) {
            collect(row(leadingValues(decoded), decoded));
        }
    }

    /** The decoder of a column list; the list is a literal, so this parses it once. */
    private RecordDecoder decoderFor(String columnList) {
        if (decoder == null || !columnList.equals(decoderColumns)) {
            decoder = new RecordDecoder(ColumnSpecs.parse(columnList));
            decoderColumns = columnList;
        }
        return decoder;
    }

    private static Row row(Object[] leading, DecodedRow decoded) {
        Object[] values = decoded.values();
        Row row = new Row(leading.length + values.length + 1);
        int i = 0;
        for (Object value : leading) {
            row.setField(i++, value);
        }
        for (Object value : values) {
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
                                new ArgumentTypeStrategy[] {
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
                                        "The second argument must be a string literal listing the"
                                            + " columns, e.g. 'id BIGINT NOT NULL, name STRING'.");
                            }
                            return Optional.of(
                                    ColumnSpecs.outputType(columns.get(), leadingFields()));
                        })
                .build();
    }
}
