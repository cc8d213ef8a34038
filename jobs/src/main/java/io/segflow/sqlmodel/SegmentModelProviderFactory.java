package io.segflow.sqlmodel;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedCatalogModel;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;

/**
 * {@code CREATE MODEL ... WITH ('provider' = 'segflow-kmeans', 'jdbc-url' = ...)}: segments in
 * plain SQL from a model version that the segflow job published in segment_model.
 *
 * <p>Everything that can be checked without the database is checked here, when a query using the
 * model is planned: options, INPUT types and OUTPUT columns. The model itself is read when the
 * predict function opens, and its features are checked against INPUT then.
 */
public final class SegmentModelProviderFactory implements ModelProviderFactory {

    public static final String IDENTIFIER = "segflow-kmeans";

    public static final ConfigOption<String> JDBC_URL =
            ConfigOptions.key("jdbc-url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "JDBC URL of the PostgreSQL database holding segment_model, e.g."
                                    + " jdbc:postgresql://host:5432/crm.");

    public static final ConfigOption<String> USERNAME =
            ConfigOptions.key("username")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Database user, as the JDBC connector's 'username'; absent: the"
                                + " PostgreSQL driver's default, the operating-system user running"
                                + " the task.");

    public static final ConfigOption<String> PASSWORD =
            ConfigOptions.key("password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Database password, as the JDBC connector's 'password'; absent: none is"
                                    + " sent. Never logged.");

    public static final ConfigOption<Long> VERSION =
            ConfigOptions.key("version")
                    .longType()
                    .noDefaultValue()
                    .withDescription(
                            "The model_version to score with. Absent: the highest model_version in"
                                + " segment_model when the predict function opens (that is, when"
                                + " the job starts).");

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(JDBC_URL);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(USERNAME, PASSWORD, VERSION);
    }

    @Override
    public ModelProvider createModelProvider(Context context) {
        FactoryUtil.ModelProviderFactoryHelper helper =
                FactoryUtil.createModelProviderFactoryHelper(this, context);
        helper.validate();
        String modelName = context.getObjectIdentifier().asSummaryString();
        RegistrySource source = registrySource(modelName, helper.getOptions());
        ResolvedCatalogModel model = context.getCatalogModel();

        List<String> inputNames = new ArrayList<>();
        List<LogicalType> inputTypes = new ArrayList<>();
        numericInputs(modelName, model, IDENTIFIER, inputNames, inputTypes);

        List<PredictionColumn> outputs =
                declaredOutputs(
                        modelName,
                        model,
                        column ->
                                PredictionColumn.forDeclared(
                                        modelName,
                                        column.getName(),
                                        column.getDataType().getLogicalType()));
        return new SegmentModelProvider(
                new SegmentPredictFunction(modelName, source, inputNames, inputTypes, outputs));
    }

    /** The model's OUTPUT columns as what the provider gives, each at most once. */
    static <T> List<T> declaredOutputs(
            String modelName, ResolvedCatalogModel model, Function<Column, T> forDeclared) {
        List<T> outputs = new ArrayList<>();
        for (Column column : model.getResolvedOutputSchema().getColumns()) {
            T output = forDeclared.apply(column);
            if (outputs.contains(output)) {
                throw new ValidationException(
                        "OUTPUT column "
                                + column.getName()
                                + " of model "
                                + modelName
                                + " is declared twice.");
            }
            outputs.add(output);
        }
        return outputs;
    }

    /** The model's INPUT columns, each a number (any numeric type), into names and types. */
    static void numericInputs(
            String modelName,
            ResolvedCatalogModel model,
            String provider,
            List<String> inputNames,
            List<LogicalType> inputTypes) {
        for (Column column : model.getResolvedInputSchema().getColumns()) {
            LogicalType type = column.getDataType().getLogicalType();
            if (!type.is(LogicalTypeFamily.NUMERIC)) {
                throw new ValidationException(
                        "INPUT column "
                                + column.getName()
                                + " of model "
                                + modelName
                                + " is "
                                + type
                                + "; "
                                + provider
                                + " features are numbers: declare it DOUBLE"
                                + " and CAST the column in the query.");
            }
            inputNames.add(column.getName());
            inputTypes.add(type);
        }
    }

    static RegistrySource registrySource(String modelName, ReadableConfig options) {
        String url = options.get(JDBC_URL);
        if (url.isBlank()) {
            throw new ValidationException("Model " + modelName + ": 'jdbc-url' is empty.");
        }
        Long version = options.getOptional(VERSION).orElse(null);
        if (version != null && version < 0) {
            throw new ValidationException(
                    "Model "
                            + modelName
                            + ": 'version' must be a model_version (>= 0), not "
                            + version
                            + ".");
        }
        return new RegistrySource(
                url,
                options.getOptional(USERNAME).orElse(null),
                options.getOptional(PASSWORD).orElse(null),
                version);
    }
}
