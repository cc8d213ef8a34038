package io.segflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.infra.PostgresSchema;
import io.segflow.testing.SegflowITCaseBase;
import java.sql.Connection;
import java.sql.Statement;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.junit.jupiter.api.Test;

/** The job's own database preparation on a real PostgreSQL. */
class PostgresSchemaITCase extends SegflowITCaseBase {

    @Test
    void createsEveryTableAndAddsNewFeatureColumnsWithoutTouchingData() throws Exception {
        JobSettings settings = freshSettings();
        ResolvedSchema sink = ResolvedSchema.of(
                Column.physical("customer_id", DataTypes.BIGINT().notNull()),
                Column.physical("website_views", DataTypes.BIGINT()));
        PostgresSchema.apply(settings.jdbcUrl(), "postgres", "", sink);
        String database = settings.jdbcUrl().substring(settings.jdbcUrl().lastIndexOf('/') + 1);
        try (Connection connection = postgres().connect(database); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO customer_profile (customer_id, website_views) VALUES (1, 5)");
        }

        ResolvedSchema withNewFeature = ResolvedSchema.of(
                Column.physical("customer_id", DataTypes.BIGINT().notNull()),
                Column.physical("website_views", DataTypes.BIGINT()),
                Column.physical("minutes_on_site", DataTypes.DOUBLE()),
                Column.physical("lifetime_value", DataTypes.DECIMAL(12, 2)));
        PostgresSchema.apply(settings.jdbcUrl(), "postgres", "", withNewFeature);
        PostgresSchema.apply(settings.jdbcUrl(), "postgres", "", withNewFeature); // idempotent

        assertThat(query(settings,
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'customer_profile'"
                        + " AND column_name IN ('minutes_on_site', 'lifetime_value') ORDER BY column_name"))
                .extracting(row -> row.get("column_name") + " " + row.get("data_type"))
                .containsExactly("lifetime_value numeric", "minutes_on_site double precision");
        assertThat(query(settings, "SELECT website_views FROM customer_profile WHERE customer_id = 1"))
                .extracting(row -> row.get("website_views")).containsExactly(5L);
    }
}
