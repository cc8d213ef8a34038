package io.segflow.sqlmodel;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedCatalogModel;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

/**
 * {@code CREATE MODEL ... WITH ('provider' = 'segflow-propensity', 'jdbc-url' = ...)}: each row's
 * potential to convert in plain SQL, from a propensity version that `segflow insight` published in
 * propensity_model; the same potential and percentile as a live score of customer_score for the
 * same profile (an insight run's row of a customer the model was fitted on shows the out-of-fold
 * potential instead). Options as segflow-kmeans ('version' pins a propensity version, else the
 * newest when the function opens).
 */
public final class PropensityModelProviderFactory implements ModelProviderFactory {

    public static final String IDENTIFIER = "segflow-propensity";

    /** What the model can give, by OUTPUT column name. */
    enum Output {
        POTENTIAL_SCORE("potential_score", LogicalTypeRoot.DOUBLE),
        PERCENTILE("percentile", LogicalTypeRoot.DOUBLE),
        MODEL_VERSION("model_version", LogicalTypeRoot.BIGINT);

        final String column;
        final LogicalTypeRoot type;

        Output(String column, LogicalTypeRoot type) {
            this.column = column;
            this.type = type;
        }

        static Output forDeclared(String modelName, Column declared) {
            for (Output output : values()) {
                if (output.column.equals(declared.getName())) {
                    if (declared.getDataType().getLogicalType().getTypeRoot() != output.type) {
                        throw new ValidationException(
                                "OUTPUT column "
                                        + declared.getName()
                                        + " of model "
                                        + modelName
                                        + " is declared "
                                        + declared.getDataType()
                                        + ": declare `"
                                        + output.column
                                        + " "
                                        + output.type.name()
                                        + "`.");
                    }
                    return output;
                }
            }
            throw new ValidationException(
                    "OUTPUT column "
                            + declared.getName()
                            + " of model "
                            + modelName
                            + " is not something "
                            + IDENTIFIER
                            + " predicts. It can give: potential_score DOUBLE, percentile"
                            + " DOUBLE, model_version BIGINT.");
        }
    }

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(SegmentModelProviderFactory.JDBC_URL);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(
                SegmentModelProviderFactory.USERNAME,
                SegmentModelProviderFactory.PASSWORD,
                SegmentModelProviderFactory.VERSION);
    }

    @Override
    public ModelProvider createModelProvider(Context context) {
        FactoryUtil.ModelProviderFactoryHelper helper =
                FactoryUtil.createModelProviderFactoryHelper(this, context);
        helper.validate();
        String modelName = context.getObjectIdentifier().asSummaryString();
        RegistrySource source =
                SegmentModelProviderFactory.registrySource(modelName, helper.getOptions());
        ResolvedCatalogModel model = context.getCatalogModel();
        List<String> inputNames = new ArrayList<>();
        List<LogicalType> inputTypes = new ArrayList<>();
        SegmentModelProviderFactory.numericInputs(
                modelName, model, IDENTIFIER, inputNames, inputTypes);
        List<Output> outputs =
                SegmentModelProviderFactory.declaredOutputs(
                        modelName, model, column -> Output.forDeclared(modelName, column));
        return new SegmentModelProvider(
                new PropensityPredictFunction(modelName, source, inputNames, inputTypes, outputs));
    }
}
