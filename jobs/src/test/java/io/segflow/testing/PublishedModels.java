package io.segflow.testing;

import io.segflow.infra.PostgresSchema;
import io.segflow.model.FeatureScaling;
import io.segflow.model.SegmentModel;
import io.segflow.pipeline.JobSettings;
import io.segflow.registry.ModelRecord;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.types.Row;

/** Publishes model versions into segment_model exactly as the running job's sink writes them. */
public final class PublishedModels {

    /**
     * The shipped features, in the order of customer_profile (and of model/Customers' profiles).
     */
    public static final List<String> FEATURES =
            List.of(
                    "customer_age",
                    "website_sessions",
                    "website_views",
                    "pages_per_session",
                    "blogs_viewed",
                    "videos_viewed",
                    "whitepapers_viewed",
                    "topic_share_pricing",
                    "topic_share_product",
                    "topic_share_tutorials",
                    "topic_share_careers",
                    "topic_share_news",
                    "topic_diversity",
                    "product_features_used",
                    "product_features_used_per_day",
                    "avg_sessions_per_day",
                    "avg_time_per_session");

    private PublishedModels() {}

    /**
     * Publishes, into the database of these settings, a model of the shipped features with four
     * segments in feature units: readers, video learners, product power users, CRM only.
     */
    public static void publishFourSegments(JobSettings settings, long version) throws Exception {
        PostgresSchema.apply(
                settings.jdbcUrl(),
                settings.jdbcUser(),
                settings.jdbcPassword(),
                ResolvedSchema.of(Column.physical("customer_id", DataTypes.BIGINT().notNull())));
        double[][] centres = {
            {45, 4, 14, 3.5, 7, 0, 0, 0.1, 0.2, 0.1, 0.1, 0.4, 0.7, 0, 0, 0, 0},
            {40, 4, 14, 3.5, 3, 3, 3, 0.1, 0.1, 0.6, 0.1, 0.1, 0.6, 0, 0, 0, 0},
            {35, 2, 6, 3.5, 2, 1, 1, 0.4, 0.4, 0.1, 0, 0, 0.5, 8, 3.5, 1, 900},
            {50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1.5, 1, 200},
        };
        FeatureScaling scaling =
                new FeatureScaling(
                        new double[] {
                            45, 3, 10, 3, 3, 1, 1, 0.2, 0.2, 0.2, 0.1, 0.1, 0.5, 3, 1.5, 0.7, 300
                        },
                        new double[] {
                            15, 2, 7, 1.5, 3, 1.5, 1.5, 0.2, 0.2, 0.2, 0.1, 0.1, 0.3, 3, 1.5, 0.5,
                            350
                        });
        double[] standardised = new double[centres.length * FEATURES.size()];
        for (int c = 0; c < centres.length; c++) {
            System.arraycopy(
                    scaling.scale(centres[c]),
                    0,
                    standardised,
                    c * FEATURES.size(),
                    FEATURES.size());
        }
        publish(
                settings.jdbcUrl(),
                settings.jdbcUser(),
                settings.jdbcPassword(),
                new SegmentModel(
                        version,
                        "batch",
                        FEATURES,
                        scaling,
                        standardised,
                        new double[] {1, 1, 1, 1},
                        0,
                        0));
    }

    public static void publish(String url, String user, String password, SegmentModel model)
            throws Exception {
        Row row = ModelRecord.toRow(model, Map.of());
        try (Connection connection = DriverManager.getConnection(url, user, password);
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
    }
}
