package io.segflow.sqlmodel;

import io.segflow.model.SegmentChooser;
import io.segflow.model.SegmentModel;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * What the segflow-kmeans model can put in an OUTPUT column. A CREATE MODEL names the columns it
 * wants, in any order and any subset; they are matched by name, the same names and types that the
 * customer_segment table uses, so a prediction can be inserted there as it is.
 */
public enum PredictionColumn {
    SEGMENT_ID("segment_id", "INT", LogicalTypeRoot.INTEGER),
    SEGMENT_NAME("segment_name", "STRING", LogicalTypeRoot.VARCHAR, LogicalTypeRoot.CHAR),
    DISTANCE("distance", "DOUBLE", LogicalTypeRoot.DOUBLE),
    CONFIDENCE("confidence", "DOUBLE", LogicalTypeRoot.DOUBLE),
    /** provisional or confirmed, by the rule of {@link SegmentChooser.Status}. */
    STATUS("status", "STRING", LogicalTypeRoot.VARCHAR, LogicalTypeRoot.CHAR),
    MODEL_VERSION("model_version", "BIGINT", LogicalTypeRoot.BIGINT);

    private final String columnName;
    private final String sqlType;
    private final Set<LogicalTypeRoot> accepted;

    PredictionColumn(String columnName, String sqlType, LogicalTypeRoot... accepted) {
        this.columnName = columnName;
        this.sqlType = sqlType;
        this.accepted = Set.of(accepted);
    }

    public String columnName() {
        return columnName;
    }

    /**
     * The prediction column for a declared OUTPUT column; fails naming the column, the model and
     * what could be declared instead.
     */
    public static PredictionColumn forDeclared(
            String modelName, String declaredName, LogicalType declaredType) {
        for (PredictionColumn column : values()) {
            if (column.columnName.equals(declaredName)) {
                if (!column.accepted.contains(declaredType.getTypeRoot())) {
                    throw new ValidationException(
                            "OUTPUT column "
                                    + declaredName
                                    + " of model "
                                    + modelName
                                    + " is declared "
                                    + declaredType
                                    + ", but segflow-kmeans gives it as "
                                    + column.sqlType
                                    + ": declare `"
                                    + declaredName
                                    + " "
                                    + column.sqlType
                                    + "`.");
                }
                return column;
            }
        }
        throw new ValidationException(
                "OUTPUT column "
                        + declaredName
                        + " of model "
                        + modelName
                        + " is not something segflow-kmeans predicts."
                        + " It can give: "
                        + describeAll()
                        + ".");
    }

    static String describeAll() {
        return Arrays.stream(values())
                .map(c -> c.columnName + " " + c.sqlType)
                .collect(Collectors.joining(", "));
    }

    /**
     * This column's value (Flink's internal representation) for a decision of the model; a null
     * decision means the row had no known feature and so no segment, which leaves everything but
     * the model version NULL.
     */
    Object value(SegmentModel model, SegmentChooser.Decision decision) {
        if (this == MODEL_VERSION) {
            return model.version();
        }
        if (decision == null) {
            return null;
        }
        return switch (this) {
            case SEGMENT_ID -> model.segmentId(decision.segment());
            case SEGMENT_NAME -> StringData.fromString(model.segmentName(decision.segment()));
            case DISTANCE -> decision.distance();
            case CONFIDENCE -> decision.confidence();
            case STATUS -> StringData.fromString(decision.status().column());
            case MODEL_VERSION -> model.version();
        };
    }
}
