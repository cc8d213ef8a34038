package io.segflow.sqlmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.catalog.CatalogModel;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.catalog.ResolvedCatalogModel;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.factories.Factory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.ml.PredictRuntimeProvider;
import org.junit.jupiter.api.Test;

/**
 * What is checked when a query using the model is planned, through Flink's own factory discovery:
 * options, INPUT types and OUTPUT columns. No database is needed for any of it.
 */
class SegmentModelProviderFactoryTest {

    private static final ObjectIdentifier SEGMENTS = ObjectIdentifier.of("cat", "db", "segments");
    private static final ResolvedSchema INPUT =
            ResolvedSchema.of(
                    Column.physical("visits", DataTypes.DOUBLE()),
                    Column.physical("minutes", DataTypes.DOUBLE()));
    private static final ResolvedSchema ALL_OUTPUTS =
            ResolvedSchema.of(
                    Column.physical("segment_id", DataTypes.INT()),
                    Column.physical("segment_name", DataTypes.STRING()),
                    Column.physical("distance", DataTypes.DOUBLE()),
                    Column.physical("confidence", DataTypes.DOUBLE()),
                    Column.physical("model_version", DataTypes.BIGINT()));

    @Test
    void isRegisteredAsAFlinkFactoryUnderItsProviderName() {
        assertThat(ServiceLoader.load(Factory.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(
                        factory ->
                                assertThat(factory)
                                        .isInstanceOf(SegmentModelProviderFactory.class)
                                        .extracting(Factory::factoryIdentifier)
                                        .isEqualTo("segflow-kmeans"));
    }

    @Test
    void optionsBecomeTheRegistrySourceAndThePasswordIsNeverPrinted() {
        Map<String, String> options = options();
        options.put("username", "analyst");
        options.put("password", "s3cret");
        options.put("version", "1700000000123");

        RegistrySource source = function(options, INPUT, ALL_OUTPUTS).source();

        assertThat(source)
                .isEqualTo(
                        new RegistrySource(
                                "jdbc:postgresql://db:5432/crm?sslmode=require",
                                "analyst",
                                "s3cret",
                                1_700_000_000_123L));
        assertThat(source.toString())
                .isEqualTo(
                        "segment_model at jdbc:postgresql://db:5432/crm as analyst, version"
                                + " 1700000000123")
                .doesNotContain("s3cret");
    }

    @Test
    void withoutVersionOrCredentialsTheLatestVersionIsReadWithoutLogin() {
        RegistrySource source = function(options(), INPUT, ALL_OUTPUTS).source();

        assertThat(source.version()).isNull();
        assertThat(source.username()).isNull();
        assertThat(source.password()).isNull();
        assertThat(source.describeVersion()).isEqualTo("the latest version");
    }

    @Test
    void outputColumnsAreMatchedByNameInTheDeclaredOrder() {
        ResolvedSchema someOutputs =
                ResolvedSchema.of(
                        Column.physical("model_version", DataTypes.BIGINT()),
                        Column.physical("segment_name", DataTypes.VARCHAR(200)),
                        Column.physical("segment_id", DataTypes.INT().notNull()));

        assertThat(function(options(), INPUT, someOutputs).outputColumns())
                .containsExactly(
                        PredictionColumn.MODEL_VERSION,
                        PredictionColumn.SEGMENT_NAME,
                        PredictionColumn.SEGMENT_ID);
    }

    @Test
    void aMissingJdbcUrlIsNamed() {
        Map<String, String> options = options();
        options.remove("jdbc-url");

        assertThatThrownBy(() -> function(options, INPUT, ALL_OUTPUTS))
                .hasStackTraceContaining("Missing required options are:")
                .hasStackTraceContaining("jdbc-url");
    }

    @Test
    void anUnknownOptionIsNamedAndAPasswordInTheErrorIsMasked() {
        Map<String, String> options = options();
        options.put("pasword", "typo");
        options.put("password", "s3cret");

        assertThatThrownBy(() -> function(options, INPUT, ALL_OUTPUTS))
                .hasStackTraceContaining("Unsupported options")
                .hasStackTraceContaining("pasword")
                .satisfies(e -> assertThat(stackTrace(e)).doesNotContain("s3cret"));
    }

    @Test
    void aVersionThatIsNotANumberIsRefused() {
        Map<String, String> options = options();
        options.put("version", "latest");

        assertThatThrownBy(() -> function(options, INPUT, ALL_OUTPUTS))
                .hasStackTraceContaining("version");
    }

    @Test
    void aNegativeVersionIsRefused() {
        Map<String, String> options = options();
        options.put("version", "-3");

        assertThatThrownBy(() -> function(options, INPUT, ALL_OUTPUTS))
                .hasStackTraceContaining("'version' must be a model_version (>= 0), not -3");
    }

    @Test
    void anOutputColumnTheModelCannotGiveIsNamedWithWhatItCanGive() {
        ResolvedSchema outputs = ResolvedSchema.of(Column.physical("segment", DataTypes.INT()));

        assertThatThrownBy(() -> function(options(), INPUT, outputs))
                .hasStackTraceContaining(
                        "OUTPUT column segment of model cat.db.segments is not something"
                                + " segflow-kmeans predicts")
                .hasStackTraceContaining(
                        "segment_id INT, segment_name STRING, distance DOUBLE, confidence DOUBLE,"
                                + " status STRING, model_version BIGINT");
    }

    @Test
    void anOutputColumnOfTheWrongTypeSaysWhichTypeToDeclare() {
        ResolvedSchema outputs = ResolvedSchema.of(Column.physical("distance", DataTypes.FLOAT()));

        assertThatThrownBy(() -> function(options(), INPUT, outputs))
                .hasStackTraceContaining(
                        "OUTPUT column distance of model cat.db.segments is declared FLOAT")
                .hasStackTraceContaining("declare `distance DOUBLE`");
    }

    @Test
    void anOutputColumnDeclaredTwiceIsRefused() {
        ResolvedSchema outputs =
                ResolvedSchema.of(
                        Column.physical("segment_id", DataTypes.INT()),
                        Column.physical("segment_id", DataTypes.INT()));

        assertThatThrownBy(() -> function(options(), INPUT, outputs))
                .hasStackTraceContaining("is declared twice");
    }

    @Test
    void aNonNumericInputColumnIsRefused() {
        ResolvedSchema input =
                ResolvedSchema.of(
                        Column.physical("visits", DataTypes.DOUBLE()),
                        Column.physical("country", DataTypes.STRING()));

        assertThatThrownBy(() -> function(options(), input, ALL_OUTPUTS))
                .hasStackTraceContaining("INPUT column country of model cat.db.segments is STRING")
                .hasStackTraceContaining("declare it DOUBLE");
    }

    private static Map<String, String> options() {
        Map<String, String> options = new HashMap<>();
        options.put("provider", "segflow-kmeans");
        options.put("jdbc-url", "jdbc:postgresql://db:5432/crm?sslmode=require");
        return options;
    }

    /**
     * The predict function the planner would get for a CREATE MODEL with these options and columns.
     */
    private static SegmentPredictFunction function(
            Map<String, String> options, ResolvedSchema input, ResolvedSchema output) {
        CatalogModel model = CatalogModel.of(schemaOf(input), schemaOf(output), options, null);
        ModelProvider provider =
                FactoryUtil.createModelProvider(
                        null,
                        SEGMENTS,
                        ResolvedCatalogModel.of(model, input, output),
                        new Configuration(),
                        SegmentModelProviderFactoryTest.class.getClassLoader(),
                        true);
        return (SegmentPredictFunction)
                ((PredictRuntimeProvider) provider).createPredictFunction(null);
    }

    private static Schema schemaOf(ResolvedSchema resolved) {
        return Schema.newBuilder().fromResolvedSchema(resolved).build();
    }

    private static String stackTrace(Throwable e) {
        StringWriter out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
