package io.segflow.udfs;

import io.segflow.udfs.ColumnSpec.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LocalZonedTimestampType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.TimeType;
import org.apache.flink.table.types.logical.TimestampType;
import org.apache.flink.table.types.logical.utils.LogicalTypeParser;
import org.apache.flink.table.types.utils.TypeConversions;

/**
 * Reads the column list the SQL passes to the decoding functions ({@code 'customer_id BIGINT NOT
 * NULL, email STRING, ...'}, Flink's own type syntax) into column specs and output types.
 */
final class ColumnSpecs {

    private static final Map<String, List<ColumnSpec>> CACHE = new ConcurrentHashMap<>();

    private ColumnSpecs() {}

    static List<ColumnSpec> parse(String columnList) {
        return CACHE.computeIfAbsent(columnList, ColumnSpecs::parseUncached);
    }

    private static List<ColumnSpec> parseUncached(String columnList) {
        LogicalType parsed;
        try {
            parsed = LogicalTypeParser.parse("ROW<" + columnList + ">", ColumnSpecs.class.getClassLoader());
        } catch (RuntimeException e) {
            throw new ValidationException("cannot read the column list '" + columnList + "': " + e.getMessage(), e);
        }
        List<ColumnSpec> columns = new ArrayList<>();
        for (RowType.RowField field : ((RowType) parsed).getFields()) {
            columns.add(spec(field.getName(), field.getType()));
        }
        return columns;
    }

    private static ColumnSpec spec(String name, LogicalType type) {
        boolean required = !type.isNullable();
        return switch (type.getTypeRoot()) {
            case CHAR, VARCHAR -> ColumnSpec.of(name, Kind.STRING, required);
            case BOOLEAN -> ColumnSpec.of(name, Kind.BOOLEAN, required);
            case TINYINT -> ColumnSpec.of(name, Kind.TINYINT, required);
            case SMALLINT -> ColumnSpec.of(name, Kind.SMALLINT, required);
            case INTEGER -> ColumnSpec.of(name, Kind.INT, required);
            case BIGINT -> ColumnSpec.of(name, Kind.BIGINT, required);
            case FLOAT -> ColumnSpec.of(name, Kind.FLOAT, required);
            case DOUBLE -> ColumnSpec.of(name, Kind.DOUBLE, required);
            case DECIMAL -> new ColumnSpec(name, Kind.DECIMAL, ((DecimalType) type).getPrecision(), ((DecimalType) type).getScale(), required);
            case DATE -> ColumnSpec.of(name, Kind.DATE, required);
            case TIME_WITHOUT_TIME_ZONE -> new ColumnSpec(name, Kind.TIME, ((TimeType) type).getPrecision(), 0, required);
            case TIMESTAMP_WITHOUT_TIME_ZONE -> new ColumnSpec(name, Kind.TIMESTAMP, ((TimestampType) type).getPrecision(), 0, required);
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> new ColumnSpec(name, Kind.TIMESTAMP_LTZ, ((LocalZonedTimestampType) type).getPrecision(), 0, required);
            default -> throw new ValidationException(
                    "column " + name + ": the decoding functions do not support " + type.asSummaryString());
        };
    }

    /**
     * The function's output row: the leading fields, the declared columns, then parse_error.
     * Every field is nullable: a record that cannot be decoded has no values.
     */
    static DataType outputType(String columnList, List<DataTypes.Field> leading) {
        LogicalType parsed = LogicalTypeParser.parse("ROW<" + columnList + ">", ColumnSpecs.class.getClassLoader());
        parse(columnList); // fails early on unsupported types
        List<DataTypes.Field> fields = new ArrayList<>(leading);
        for (RowType.RowField field : ((RowType) parsed).getFields()) {
            if (field.getName().equals("parse_error") || field.getName().equals("op")) {
                throw new ValidationException("'" + field.getName() + "' is a name the decoding functions use themselves");
            }
            fields.add(DataTypes.FIELD(field.getName(), TypeConversions.fromLogicalToDataType(field.getType().copy(true))));
        }
        fields.add(DataTypes.FIELD("parse_error", DataTypes.STRING()));
        return DataTypes.ROW(fields.toArray(new DataTypes.Field[0]));
    }
}
