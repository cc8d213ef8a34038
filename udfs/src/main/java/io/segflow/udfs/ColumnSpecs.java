package io.segflow.udfs;

import io.segflow.udfs.ColumnSpec.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.CharType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimeType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.table.types.logical.utils.LogicalTypeParser;
import org.apache.flink.table.types.utils.TypeConversions;

/**
 * Reads the column list the SQL passes to the decoding functions ({@code 'customer_id BIGINT NOT
 * NULL, email STRING, ...'}, Flink's own column syntax, parsed as the fields of a ROW type) into
 * {@link ColumnSpec}s and into the functions' output type. An unsupported type or a malformed list
 * is a {@link ValidationException} when the query is planned: that is a mistake in the SQL, not bad
 * data. TIME must be declared without fractional seconds (TIME or TIME(0)): Flink's planner has no
 * other TIME precision.
 */
final class ColumnSpecs {

    /** Parsed column lists by text; the lists are literals in SQL, so there are a handful. */
    private static final Map<String, List<ColumnSpec>> CACHE = new ConcurrentHashMap<>();

    static final String PARSE_ERROR = "parse_error";

    /**
     * The declared columns once more as one ROW value: the row after the change (change events).
     */
    static final String ROW_AFTER = "after";

    private ColumnSpecs() {}

    /** The columns of a list, parsed once per distinct text. */
    static List<ColumnSpec> parse(String columnList) {
        List<ColumnSpec> cached = CACHE.get(columnList);
        if (cached == null) {
            cached = List.copyOf(specs(rowType(columnList)));
            CACHE.putIfAbsent(columnList, cached);
        }
        return cached;
    }

    /**
     * The function's output row: the leading fields, the declared columns, then parse_error STRING.
     * Every field is nullable: a record that cannot be decoded has no values, and NOT NULL in the
     * list means "required in the input", which the decoder enforces.
     */
    static DataType outputType(String columnList, List<DataTypes.Field> leading) {
        return outputType(columnList, leading, false);
    }

    /**
     * @param rowAfter whether the declared columns follow once more as one ROW column, {@value
     *     #ROW_AFTER}, before parse_error
     */
    static DataType outputType(String columnList, List<DataTypes.Field> leading, boolean rowAfter) {
        RowType row = rowType(columnList);
        specs(row); // rejects unsupported types
        List<String> taken = new ArrayList<>();
        leading.forEach(field -> taken.add(field.getName().toLowerCase(Locale.ROOT)));
        taken.add(PARSE_ERROR);
        if (rowAfter) {
            taken.add(ROW_AFTER);
        }
        List<DataTypes.Field> fields = new ArrayList<>(leading);
        for (RowType.RowField field : row.getFields()) {
            if (taken.contains(field.getName().toLowerCase(Locale.ROOT))) {
                throw new ValidationException(
                        "column '"
                                + field.getName()
                                + "': the function emits a column of that name itself");
            }
            if (field.getType() instanceof TimeType time && time.getPrecision() > 0) {
                // the planner's TIME has no fractional seconds; TIME(3) would fail in code
                // generation
                throw new ValidationException(
                        "column "
                                + field.getName()
                                + ": TIME("
                                + time.getPrecision()
                                + ") is not supported, Flink's planner supports TIME(0) only;"
                                + " declare TIME");
            }
            fields.add(
                    DataTypes.FIELD(
                            field.getName(),
                            TypeConversions.fromLogicalToDataType(field.getType().copy(true))));
        }
        if (rowAfter) {
            List<DataTypes.Field> declared = fields.subList(leading.size(), fields.size());
            fields.add(
                    DataTypes.FIELD(
                            ROW_AFTER,
                            DataTypes.ROW(declared.toArray(new DataTypes.Field[0])).nullable()));
        }
        fields.add(DataTypes.FIELD(PARSE_ERROR, DataTypes.STRING()));
        return DataTypes.ROW(fields.toArray(new DataTypes.Field[0]));
    }

    private static RowType rowType(String columnList) {
        if (columnList == null || columnList.isBlank()) {
            throw new ValidationException(
                    "the column list is empty; write it like 'id BIGINT NOT NULL, name STRING'");
        }
        LogicalType parsed;
        try {
            parsed =
                    LogicalTypeParser.parse(
                            "ROW<" + columnList + ">", ColumnSpecs.class.getClassLoader());
        } catch (RuntimeException e) {
            throw new ValidationException(
                    "cannot read the column list '" + columnList + "': " + e.getMessage(), e);
        }
        if (!(parsed instanceof RowType row) || row.getFieldCount() == 0) {
            throw new ValidationException("cannot read the column list '" + columnList + "'");
        }
        return row;
    }

    private static List<ColumnSpec> specs(RowType row) {
        List<ColumnSpec> columns = new ArrayList<>();
        for (RowType.RowField field : row.getFields()) {
            columns.add(spec(field.getName(), field.getType()));
        }
        return columns;
    }

    private static ColumnSpec spec(String name, LogicalType type) {
        boolean required = !type.isNullable();
        return switch (type.getTypeRoot()) {
            case CHAR ->
                    new ColumnSpec(name, Kind.CHAR, ((CharType) type).getLength(), 0, required);
            case VARCHAR ->
                    new ColumnSpec(
                            name, Kind.VARCHAR, ((VarCharType) type).getLength(), 0, required);
            case BOOLEAN -> ColumnSpec.of(name, Kind.BOOLEAN, required);
            case TINYINT -> ColumnSpec.of(name, Kind.TINYINT, required);
            case SMALLINT -> ColumnSpec.of(name, Kind.SMALLINT, required);
            case INTEGER -> ColumnSpec.of(name, Kind.INT, required);
            case BIGINT -> ColumnSpec.of(name, Kind.BIGINT, required);
            case FLOAT -> ColumnSpec.of(name, Kind.FLOAT, required);
            case DOUBLE -> ColumnSpec.of(name, Kind.DOUBLE, required);
            case DECIMAL ->
                    new ColumnSpec(
                            name,
                            Kind.DECIMAL,
                            ((DecimalType) type).getPrecision(),
                            ((DecimalType) type).getScale(),
                            required);
            case DATE -> ColumnSpec.of(name, Kind.DATE, required);
            case TIME_WITHOUT_TIME_ZONE ->
                    new ColumnSpec(name, Kind.TIME, ((TimeType) type).getPrecision(), 0, required);
            case TIMESTAMP_WITHOUT_TIME_ZONE ->
                    new ColumnSpec(
                            name,
                            Kind.TIMESTAMP,
                            ((TimestampType) type).getPrecision(),
                            0,
                            required);
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE ->
                    new ColumnSpec(
                            name,
                            Kind.TIMESTAMP_LTZ,
                            ((LocalZonedTimestampType) type).getPrecision(),
                            0,
                            required);
            default ->
                    throw new ValidationException(
                            "column "
                                    + name
                                    + ": type "
                                    + type.asSummaryString()
                                    + " is not supported; use STRING, VARCHAR(n), CHAR(n), BOOLEAN,"
                                    + " TINYINT, SMALLINT, INT, BIGINT, FLOAT, DOUBLE, DECIMAL(p,"
                                    + " s), DATE, TIME(p), TIMESTAMP(p) or TIMESTAMP_LTZ(p)");
        };
    }
}
