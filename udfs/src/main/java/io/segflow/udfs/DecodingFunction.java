package io.segflow.udfs;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.TableFunction;
import org.apache.flink.table.types.inference.ArgumentTypeStrategy;
import org.apache.flink.table.types.inference.InputTypeStrategies;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.types.Row;

/**
 * A table function {@code f(payload, 'col TYPE, ...' [, 'max payload bytes'])} that emits one row
 * per payload (STRING, or BYTES that must be UTF-8): the subclass's leading columns, the declared
 * columns, and parse_error (NULL when the record is fine). The column list must be a string
 * literal: it decides the output type when the query is planned, through the custom type inference
 * below.
 *
 * <p>The decoding itself is in {@link RecordDecoder} (plain Java); this class only adapts it to
 * Flink, caches the parsed column list, and guarantees that nothing is ever thrown for a record.
 */
abstract class DecodingFunction extends TableFunction<Row> {

    private static final long serialVersionUID = 1L;

    private transient String decoderColumns;
    private transient String decoderLimit;
    private transient RecordDecoder decoder;

    /** Columns before the declared ones (op for change events). */
    abstract List<DataTypes.Field> leadingFields();

    /** The leading columns' values of a decoded record. */
    abstract Object[] leadingValues(DecodedRow decoded);

    /**
     * Whether the declared columns follow once more as one ROW column, {@code after}: the row as it
     * is after the change, NULL when there is none (a delete) or the record failed.
     */
    boolean emitsRowAfter() {
        return false;
    }

    /** Whether a decoded record has a row after its change (not so for a delete). */
    boolean hasRowAfter(DecodedRow decoded) {
        return decoded.ok();
    }

    /**
     * Decodes one payload, never throwing; null to emit no row.
     *
     * @param payload a String, the bytes (which must be UTF-8), or null
     */
    abstract DecodedRow decode(RecordDecoder decoder, Object payload);

    public void eval(String payload, String columnList) {
        decodeAndCollect(payload, columnList, null);
    }

    public void eval(byte[] payload, String columnList) {
        decodeAndCollect(payload, columnList, null);
    }

    /** With a payload size limit in bytes ({@code '1048576'}); a larger payload is rejected. */
    public void eval(String payload, String columnList, String maxPayloadBytes) {
        decodeAndCollect(payload, columnList, maxPayloadBytes);
    }

    public void eval(byte[] payload, String columnList, String maxPayloadBytes) {
        decodeAndCollect(payload, columnList, maxPayloadBytes);
    }

    private void decodeAndCollect(Object payload, String columnList, String maxPayloadBytes) {
        RecordDecoder current = decoderFor(columnList, maxPayloadBytes);
        DecodedRow decoded;
        try {
            decoded = decode(current, payload);
        } catch (RuntimeException e) {
            // the decoders catch everything already; this is the last line of defence
            decoded =
                    DecodedRow.failed(
                            null,
                            current.columns().size(),
                            RejectCode.reason(
                                    RejectCode.UNDECODABLE,
                                    "cannot decode record: " + e.getClass().getSimpleName()));
        }
        if (decoded != null) {
            collect(row(leadingValues(decoded), decoded, emitsRowAfter(), hasRowAfter(decoded)));
        }
    }

    /** The decoder of a column list and limit; both are literals, so this parses them once. */
    private RecordDecoder decoderFor(String columnList, String maxPayloadBytes) {
        if (decoder == null
                || !columnList.equals(decoderColumns)
                || !Objects.equals(maxPayloadBytes, decoderLimit)) {
            decoder = new RecordDecoder(ColumnSpecs.parse(columnList), limit(maxPayloadBytes));
            decoderColumns = columnList;
            decoderLimit = maxPayloadBytes;
        }
        return decoder;
    }

    private static long limit(String maxPayloadBytes) {
        if (maxPayloadBytes == null) {
            return Payloads.DEFAULT_MAX_BYTES;
        }
        try {
            long limit = Long.parseLong(maxPayloadBytes.trim());
            if (limit > 0) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // below
        }
        // a mistake in the SQL or its configuration, not bad data: the job must not start
        throw new IllegalArgumentException(
                "the payload size limit must be a positive number of bytes, was '"
                        + maxPayloadBytes
                        + "'");
    }

    private static Row row(
            Object[] leading, DecodedRow decoded, boolean withRowAfter, boolean hasRowAfter) {
        Object[] values = decoded.values();
        Row row = new Row(leading.length + values.length + (withRowAfter ? 2 : 1));
        int i = 0;
        for (Object value : leading) {
            row.setField(i++, value);
        }
        for (Object value : values) {
            row.setField(i++, value);
        }
        if (withRowAfter) {
            row.setField(i++, hasRowAfter ? Row.of(values.clone()) : null);
        }
        row.setField(i, decoded.error());
        return row;
    }

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        // the payload as text (a STRING column) or as the bytes Kafka holds (BYTES), which are
        // checked to be UTF-8
        ArgumentTypeStrategy payload =
                InputTypeStrategies.or(
                        InputTypeStrategies.explicit(DataTypes.STRING()),
                        InputTypeStrategies.explicit(DataTypes.BYTES()));
        ArgumentTypeStrategy columnList =
                InputTypeStrategies.and(
                        InputTypeStrategies.LITERAL,
                        InputTypeStrategies.explicit(DataTypes.STRING()));
        return TypeInference.newBuilder()
                .inputTypeStrategy(
                        InputTypeStrategies.or(
                                InputTypeStrategies.sequence(
                                        new String[] {"payload", "columns"},
                                        new ArgumentTypeStrategy[] {payload, columnList}),
                                InputTypeStrategies.sequence(
                                        new String[] {"payload", "columns", "max_payload_bytes"},
                                        new ArgumentTypeStrategy[] {
                                            payload,
                                            columnList,
                                            InputTypeStrategies.explicit(DataTypes.STRING())
                                        })))
                .outputTypeStrategy(
                        call -> {
                            Optional<String> columns = call.getArgumentValue(1, String.class);
                            if (columns.isEmpty()) {
                                throw call.newValidationError(
                                        "The second argument must be a string literal listing the"
                                            + " columns, e.g. 'id BIGINT NOT NULL, name STRING'.");
                            }
                            return Optional.of(
                                    ColumnSpecs.outputType(
                                            columns.get(), leadingFields(), emitsRowAfter()));
                        })
                .build();
    }
}
