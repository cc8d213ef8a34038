package io.segflow.sqlmodel;

import io.segflow.model.Assignment;
import io.segflow.model.FeatureMismatchException;
import io.segflow.model.SegmentChooser;
import io.segflow.model.SegmentModel;
import java.util.Collection;
import java.util.List;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.PredictFunction;
import org.apache.flink.table.types.logical.LogicalType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ML_PREDICT over a segflow model: the segment of each row, as the streaming assigner would give it
 * to a customer it sees for the first time (nearest centre; confidence from the margin to the
 * runner-up and how much data the row has; no hysteresis, as a query has no history).
 *
 * <p>The model version is read from segment_model when the function opens, not when the query is
 * planned, so a job scores with what is published when it starts. All scoring is {@link
 * SegmentModel}'s; this class only moves values between rows and the model.
 *
 * <p>Public because Flink's generated code calls it.
 */
public class SegmentPredictFunction extends PredictFunction {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SegmentPredictFunction.class);

    private final String modelName;
    private final RegistrySource source;
    private final List<String> inputColumns;
    private final List<LogicalType> inputTypes;
    private final List<PredictionColumn> outputColumns;

    private transient SegmentModel model;
    private transient SegmentChooser chooser;
    private transient RowData.FieldGetter[] declaredTypeGetters;

    public SegmentPredictFunction(
            String modelName,
            RegistrySource source,
            List<String> inputColumns,
            List<LogicalType> inputTypes,
            List<PredictionColumn> outputColumns) {
        this.modelName = modelName;
        this.source = source;
        this.inputColumns = List.copyOf(inputColumns);
        this.inputTypes = List.copyOf(inputTypes);
        this.outputColumns = List.copyOf(outputColumns);
    }

    RegistrySource source() {
        return source;
    }

    List<PredictionColumn> outputColumns() {
        return outputColumns;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        super.open(context);
        SegmentModel loaded = source.load();
        loaded.describeMismatch(inputColumns, "the INPUT of model " + modelName)
                .ifPresent(
                        mismatch -> {
                            throw new FeatureMismatchException(
                                    mismatch
                                            + ". Declare the model's INPUT as exactly these"
                                            + " features in this order: "
                                            + loaded.features()
                                            + ", or set 'version' to a model trained on the INPUT"
                                            + " columns.");
                        });
        model = loaded;
        // no current segment in a query, so hysteresis never applies
        chooser = new SegmentChooser(0.0);
        declaredTypeGetters = new RowData.FieldGetter[inputTypes.size()];
        for (int j = 0; j < declaredTypeGetters.length; j++) {
            declaredTypeGetters[j] = RowData.createFieldGetter(inputTypes.get(j), j);
        }
        LOG.info(
                "Model {} scores with segment_model version {} ({} segments, trained by {}), read"
                        + " from {}",
                modelName,
                model.version(),
                model.k(),
                model.trainedBy(),
                source);
    }

    @Override
    public Collection<RowData> predict(RowData features) {
        double[] raw = new double[inputColumns.size()];
        boolean anyKnown = false;
        for (int j = 0; j < raw.length; j++) {
            raw[j] = feature(features, j);
            anyKnown |= !Double.isNaN(raw[j]);
        }
        // A row without a single known feature is equally near every centre: any segment would be
        // made up, so it gets none (NULL) rather than the first centre.
        SegmentChooser.Decision decision = null;
        if (anyKnown) {
            Assignment nearest = model.assign(raw);
            decision = chooser.choose(nearest, -1, Double.NaN, SegmentChooser.evidence(raw));
        }
        GenericRowData prediction = new GenericRowData(outputColumns.size());
        for (int i = 0; i < outputColumns.size(); i++) {
            prediction.setField(i, outputColumns.get(i).value(model, decision));
        }
        return List.of(prediction);
    }

    /**
     * Feature j as a double; NULL (and NaN) is missing, which the model leaves out of distances.
     * Flink passes the DESCRIPTOR columns as they are in the table, not cast to the INPUT types, so
     * any numeric value is taken as it comes.
     */
    private double feature(RowData features, int j) {
        Object value =
                features instanceof GenericRowData generic
                        ? generic.getField(j)
                        : declaredTypeGetters[j].getFieldOrNull(features);
        return numberOrNaN(value, inputColumns.get(j), modelName);
    }

    /** A feature value as Flink passes it; NULL is missing (NaN). */
    static double numberOrNaN(Object value, String column, String modelName) {
        if (value == null) {
            return Double.NaN;
        }
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        if (value instanceof DecimalData decimal) {
            return decimal.toBigDecimal().doubleValue();
        }
        throw new IllegalArgumentException(
                "INPUT column "
                        + column
                        + " of model "
                        + modelName
                        + " got "
                        + value.getClass().getSimpleName()
                        + " "
                        + value
                        + ", not a number: CAST it to DOUBLE.");
    }
}
