package io.segflow.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.segflow.infra.PostgresSchema;
import io.segflow.model.FeatureMismatchException;
import io.segflow.model.FeatureScaling;
import io.segflow.model.SegmentModel;
import io.segflow.pipeline.JobSettings;
import io.segflow.segments.ModelTrainer;
import io.segflow.segments.TrainerSettings;
import io.segflow.testing.PublishedModels;
import io.segflow.testing.SegflowITCaseBase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

/** A published model version read back from PostgreSQL for a warm start. */
class ModelRegistryITCase extends SegflowITCaseBase {

    private static final List<String> FEATURES = List.of("visits", "minutes");

    @Test
    void aPublishedVersionReadsBackAsTheSameModel() throws Exception {
        JobSettings settings = freshSettings();
        PostgresSchema.apply(
                settings.jdbcUrl(),
                "postgres",
                "",
                ResolvedSchema.of(Column.physical("customer_id", DataTypes.BIGINT().notNull())));
        FeatureScaling scaling = new FeatureScaling(new double[] {5, 300}, new double[] {2, 100});
        SegmentModel published =
                new SegmentModel(
                                1_700_000_000_123L,
                                "stream",
                                FEATURES,
                                scaling,
                                new double[] {-1, -1, 1.5, 2},
                                new double[] {40, 60},
                                0.8,
                                1000,
                                new int[] {3, 7},
                                new String[] {"low visits", "high minutes"})
                        .withSizes(new long[] {400, 600});
        Row row = ModelRecord.toRow(published, Map.of());
        try (Connection connection =
                        DriverManager.getConnection(settings.jdbcUrl(), "postgres", "");
                PreparedStatement insert =
                        connection.prepareStatement(
                                "INSERT INTO segment_model ("
                                        + String.join(", ", ModelRecord.COLUMNS)
                                        + ") VALUES ("
                                        + "?, ".repeat(ModelRecord.COLUMNS.size() - 1)
                                        + "?)")) {
            for (int i = 0; i < row.getArity(); i++) {
                insert.setObject(i + 1, row.getField(i));
            }
            insert.executeUpdate();
        }

        SegmentModel loaded =
                ModelRegistry.load(settings.jdbcUrl(), "postgres", "", published.version());

        assertThat(loaded.version()).isEqualTo(published.version());
        assertThat(loaded.features()).isEqualTo(FEATURES);
        assertThat(loaded.k()).isEqualTo(2);
        for (int c = 0; c < 2; c++) {
            assertThat(loaded.segmentId(c)).isEqualTo(published.segmentId(c));
            assertThat(loaded.segmentName(c)).isEqualTo(published.segmentName(c));
            assertThat(loaded.centroid(c)).containsExactly(published.centroid(c), within(1e-9));
        }
        assertThat(loaded.counts()).containsExactly(40, 60);
        assertThat(query(settings, "SELECT sizes FROM segment_model").get(0).get("sizes"))
                .isEqualTo("{\"3\":400,\"7\":600}");

        assertThatThrownBy(
                        () ->
                                new ModelTrainer(
                                        TrainerSettings.defaults(),
                                        List.of("visits", "orders"),
                                        loaded))
                .isInstanceOf(FeatureMismatchException.class)
                .hasMessageContaining("added: [orders]")
                .hasMessageContaining("removed: [minutes]");
        assertThatThrownBy(() -> ModelRegistry.load(settings.jdbcUrl(), "postgres", "", 42L))
                .hasMessageContaining("segment_model has no version 42");
    }

    @Test
    void theLatestVersionIsTheHighestModelVersionAndAnEmptyRegistrySaysSo() throws Exception {
        JobSettings settings = freshSettings();
        PostgresSchema.apply(
                settings.jdbcUrl(),
                "postgres",
                "",
                ResolvedSchema.of(Column.physical("customer_id", DataTypes.BIGINT().notNull())));
        assertThatThrownBy(() -> ModelRegistry.loadLatest(settings.jdbcUrl(), "postgres", ""))
                .hasMessageContaining("segment_model holds no model version yet");

        FeatureScaling scaling = new FeatureScaling(new double[] {5, 300}, new double[] {2, 100});
        // published out of order: the newer version first, so insertion order cannot pass for
        // "latest"
        for (long version : new long[] {1_700_000_900_000L, 1_700_000_100_000L}) {
            PublishedModels.publish(
                    settings.jdbcUrl(),
                    "postgres",
                    "",
                    new SegmentModel(
                            version,
                            "stream",
                            FEATURES,
                            scaling,
                            new double[] {-1, -1, 1, 1},
                            new double[] {1, 1},
                            0,
                            2));
        }

        assertThat(ModelRegistry.loadLatest(settings.jdbcUrl(), "postgres", "").version())
                .isEqualTo(1_700_000_900_000L);
        // no password: the test server trusts local connections
        assertThat(
                        ModelRegistry.load(settings.jdbcUrl(), "postgres", null, 1_700_000_100_000L)
                                .version())
                .isEqualTo(1_700_000_100_000L);
    }

    @Test
    void aRetrainKnowsTheHighestSegmentIdEverPublished() throws Exception {
        JobSettings settings = freshSettings();
        PostgresSchema.apply(
                settings.jdbcUrl(),
                "postgres",
                "",
                ResolvedSchema.of(Column.physical("customer_id", DataTypes.BIGINT().notNull())));
        assertThat(ModelRegistry.highestSegmentId(settings.jdbcUrl(), "postgres", ""))
                .isEqualTo(-1);
        assertThat(ModelRegistry.loadLatestOrNull(settings.jdbcUrl(), "postgres", "")).isNull();

        FeatureScaling scaling = FeatureScaling.identity(2);
        // segment 19 existed in an older version only: its id must not come back
        PublishedModels.publish(
                settings.jdbcUrl(),
                "postgres",
                "",
                new SegmentModel(
                        10,
                        "stream",
                        FEATURES,
                        scaling,
                        new double[] {0, 0, 5, 5},
                        new double[] {1, 1},
                        0,
                        2,
                        new int[] {3, 19},
                        new String[] {"a", "b"}));
        PublishedModels.publish(
                settings.jdbcUrl(),
                "postgres",
                "",
                new SegmentModel(
                        11,
                        "batch",
                        FEATURES,
                        scaling,
                        new double[] {0, 0, 9, 9},
                        new double[] {1, 1},
                        0,
                        2,
                        new int[] {3, 20 - 8},
                        new String[] {"a", "c"}));

        assertThat(ModelRegistry.highestSegmentId(settings.jdbcUrl(), "postgres", ""))
                .isEqualTo(19);
        assertThat(ModelRegistry.loadLatestOrNull(settings.jdbcUrl(), "postgres", "").version())
                .isEqualTo(11);
    }
}
