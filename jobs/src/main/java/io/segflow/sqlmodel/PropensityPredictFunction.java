package io.segflow.sqlmodel;

import io.segflow.insight.CustomerScorer;
import io.segflow.registry.PropensityRegistry;
import java.util.Collection;
import java.util.List;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.PredictFunction;
import org.apache.flink.table.types.logical.LogicalType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ML_PREDICT over a published propensity version: the potential and percentile that {@link
 * CustomerScorer} gives customer_score, read from propensity_model when the function opens.
 *
 * <p>Public because Flink's generated code calls it.
 */
public class PropensityPredictFunction extends PredictFunction {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PropensityPredictFunction.class);

    private final String modelName;
    private final RegistrySource source;
    private final List<String> inputColumns;
    private final List<LogicalType> inputTypes;
    private final List<PropensityModelProviderFactory.Output> outputColumns;

    private transient CustomerScorer scorer;
    private transient long version;
    private transient RowData.FieldGetter[] getters;

    PropensityPredictFunction(
            String modelName,
            RegistrySource source,
            List<String> inputColumns,
            List<LogicalType> inputTypes,
            List<PropensityModelProviderFactory.Output> outputColumns) {
        this.modelName = modelName;
        this.source = source;
        this.inputColumns = List.copyOf(inputColumns);
        this.inputTypes = List.copyOf(inputTypes);
        this.outputColumns = List.copyOf(outputColumns);
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        super.open(context);
        String url = source.jdbcUrl();
        version =
                source.version() != null
                        ? source.version()
                        : PropensityRegistry.latestVersion(
                                        url, source.username(), source.password())
                                .orElseThrow(
                                        () ->
                                                new IllegalStateException(
                                                        "propensity_model holds no published"
                                                                + " version yet: run segflow"
                                                                + " insight first"));
        CustomerScorer loaded =
                PropensityRegistry.load(url, source.username(), source.password(), version);
        loaded.requireFeatures(
                inputColumns, "propensity version " + version, "the INPUT of model " + modelName);
        scorer = loaded;
        getters = new RowData.FieldGetter[inputTypes.size()];
        for (int j = 0; j < getters.length; j++) {
            getters[j] = RowData.createFieldGetter(inputTypes.get(j), j);
        }
        LOG.info("Model {} scores with propensity version {}", modelName, version);
    }

    @Override
    public Collection<RowData> predict(RowData features) {
        double[] profile = new double[inputColumns.size()];
        for (int j = 0; j < profile.length; j++) {
            Object value =
                    features instanceof GenericRowData generic
                            ? generic.getField(j)
                            : getters[j].getFieldOrNull(features);
            profile[j] = SegmentPredictFunction.numberOrNaN(value, inputColumns.get(j), modelName);
        }
        double potential = scorer.potential(profile);
        GenericRowData prediction = new GenericRowData(outputColumns.size());
        for (int i = 0; i < outputColumns.size(); i++) {
            prediction.setField(
                    i,
                    switch (outputColumns.get(i)) {
                        case POTENTIAL_SCORE -> potential;
                        case PERCENTILE -> scorer.percentile(potential);
                        case MODEL_VERSION -> version;
                    });
        }
        return List.of(prediction);
    }
}
