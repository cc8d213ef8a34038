package io.segflow.pipeline;

import static io.segflow.testing.Feeds.customer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segflow.infra.PostgresSchema;
import io.segflow.sql.SqlStatement;
import io.segflow.sql.SqlStatementSplitter;
import io.segflow.testing.Feeds;
import io.segflow.testing.SegflowITCaseBase;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.junit.jupiter.api.Test;

/** The job's own database preparation on a real PostgreSQL. */
class PostgresSchemaITCase extends SegflowITCaseBase {

    @Test
    void createsEveryTableAndAddsNewFeatureColumnsWithoutTouchingData() throws Exception {
        JobSettings settings = freshSettings();
        ResolvedSchema sink =
                ResolvedSchema.of(
                        Column.physical("customer_id", DataTypes.BIGINT().notNull()),
                        Column.physical("website_views", DataTypes.BIGINT()));
        PostgresSchema.apply(settings.jdbcUrl(), "postgres", "", sink);
        String database = settings.jdbcUrl().substring(settings.jdbcUrl().lastIndexOf('/') + 1);
        try (Connection connection = postgres().connect(database);
                Statement statement = connection.createStatement()) {
            statement.execute(
                    "INSERT INTO customer_profile (customer_id, website_views) VALUES (1, 5)");
        }

        ResolvedSchema withNewFeature =
                ResolvedSchema.of(
                        Column.physical("customer_id", DataTypes.BIGINT().notNull()),
                        Column.physical("website_views", DataTypes.BIGINT()),
                        Column.physical("minutes_on_site", DataTypes.DOUBLE()),
                        Column.physical("lifetime_value", DataTypes.DECIMAL(12, 2)));
        PostgresSchema.apply(settings.jdbcUrl(), "postgres", "", withNewFeature);
        PostgresSchema.apply(settings.jdbcUrl(), "postgres", "", withNewFeature); // idempotent

        assertThat(
                        query(
                                settings,
                                "SELECT column_name, data_type FROM information_schema.columns"
                                    + " WHERE table_name = 'customer_profile' AND column_name IN"
                                    + " ('minutes_on_site', 'lifetime_value') ORDER BY"
                                    + " column_name"))
                .extracting(row -> row.get("column_name") + " " + row.get("data_type"))
                .containsExactly("lifetime_value numeric", "minutes_on_site double precision");
        assertThat(
                        query(
                                settings,
                                "SELECT website_views FROM customer_profile WHERE customer_id = 1"))
                .extracting(row -> row.get("website_views"))
                .containsExactly(5L);
    }

    /**
     * A database an older segflow prepared: its insight tables have fewer columns and hold rows.
     * The job adds what the schema declares now, keeps the rows, and creates the new tables.
     */
    @Test
    void addsTheColumnsANewerSchemaDeclaresToTablesAnOlderOneCreated() throws Exception {
        JobSettings settings = freshSettings();
        String database = settings.jdbcUrl().substring(settings.jdbcUrl().lastIndexOf('/') + 1);
        try (Connection connection = postgres().connect(database);
                Statement statement = connection.createStatement()) {
            statement.execute(
                    "CREATE TABLE customer_score (customer_id BIGINT PRIMARY KEY, potential_score"
                            + " DOUBLE PRECISION NOT NULL, model_version BIGINT NOT NULL,"
                            + " top_drivers TEXT)");
            statement.execute("INSERT INTO customer_score VALUES (7, 0.25, 3, '[]')");
        }
        ResolvedSchema sink =
                ResolvedSchema.of(Column.physical("customer_id", DataTypes.BIGINT().notNull()));

        PostgresSchema.apply(settings.jdbcUrl(), "postgres", "", sink);
        PostgresSchema.apply(settings.jdbcUrl(), "postgres", "", sink); // idempotent
        try (Connection connection = postgres().connect(database);
                Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO customer_profile (customer_id) VALUES (7)");
        }

        assertThat(
                        query(
                                settings,
                                "SELECT column_name FROM information_schema.columns WHERE"
                                        + " table_name = 'customer_score'"))
                .extracting(row -> row.get("column_name"))
                .contains("percentile", "segment_drivers", "predicted_label", "scored_at");
        assertThat(query(settings, "SELECT customer_id, potential_score FROM customer_score"))
                .extracting(row -> row.get("customer_id") + " " + row.get("potential_score"))
                .containsExactly("7 0.25");
        assertThat(query(settings, "SELECT rank_in_segment, control_group FROM target_list"))
                // scored before control groups existed: listed, but not ranked as a target
                .extracting(row -> row.get("rank_in_segment") + " " + row.get("control_group"))
                .containsExactly("null null");
    }

    /**
     * A database whose target_list an older segflow created (it listed known buyers): the upgrade
     * adds customer_score.converted and replaces the view, which leaves them out unless a session
     * asks for them (what `segflow targets --include-converted` does).
     */
    @Test
    void anOlderTargetListIsReplacedAndListsKnownBuyersOnlyWhenAsked() throws Exception {
        JobSettings settings = freshSettings();
        String database = settings.jdbcUrl().substring(settings.jdbcUrl().lastIndexOf('/') + 1);
        ResolvedSchema sink =
                ResolvedSchema.of(Column.physical("customer_id", DataTypes.BIGINT().notNull()));
        PostgresSchema.apply(settings.jdbcUrl(), "postgres", "", sink);
        try (Connection connection = postgres().connect(database);
                Statement statement = connection.createStatement()) {
            statement.execute("DROP VIEW target_list");
            statement.execute("ALTER TABLE customer_score DROP COLUMN converted");
            statement.execute(
                    "CREATE VIEW target_list AS SELECT customer_id, segment_id FROM"
                            + " customer_score");
        }

        PostgresSchema.apply(settings.jdbcUrl(), "postgres", "", sink);

        try (Connection connection = postgres().connect(database);
                Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO customer_profile (customer_id) VALUES (1), (2), (3)");
            statement.execute(
                    "INSERT INTO customer_score (customer_id, potential_score, model_version,"
                            + " segment_id, control_group, converted) VALUES (1, 0.9, 3, 0,"
                            + " false, true), (2, 0.5, 3, 0, false, false), (3, 0.25, 3, 0, false,"
                            + " NULL)");
        }
        String list =
                "SELECT customer_id, rank_overall, expected_conversions_overall FROM target_list"
                        + " ORDER BY rank_overall";
        assertThat(query(settings, list))
                .extracting(
                        row ->
                                row.get("customer_id")
                                        + " "
                                        + row.get("rank_overall")
                                        + " "
                                        + row.get("expected_conversions_overall"))
                .containsExactly("2 1 0.5", "3 2 0.75");
        try (Connection connection =
                        DriverManager.getConnection(settings.jdbcUrl(), "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute("SET segflow.include_converted = on");
            java.util.List<String> everyone = new java.util.ArrayList<>();
            try (var rs = statement.executeQuery(list)) {
                while (rs.next()) {
                    everyone.add(rs.getLong(1) + " " + rs.getLong(2) + " " + rs.getDouble(3));
                }
            }
            assertThat(everyone).containsExactly("1 1 0.9", "2 2 1.4", "3 3 1.65");
        }
    }

    /**
     * deploy/postgres/roles.sql as a DBA applies it: the job then runs end to end as segflow_writer
     * (upserts, an erasure delete, model versions) yet cannot change the schema.
     */
    @Test
    void theJobRunsAsTheLeastPrivilegedWriterOfRolesSql() throws Exception {
        JobSettings ownerSettings = freshSettings();
        String database =
                ownerSettings.jdbcUrl().substring(ownerSettings.jdbcUrl().lastIndexOf('/') + 1);
        SegflowJob asOwner = new SegflowJob(ownerSettings);
        asOwner.prepare(asOwner.build(StreamExecutionEnvironment.getExecutionEnvironment()));
        try (Connection owner = postgres().connect(database);
                Statement statement = owner.createStatement()) {
            String roles =
                    Files.readString(
                            repositorySql().getParent().resolve("deploy/postgres/roles.sql"));
            for (SqlStatement ddl : SqlStatementSplitter.split("roles.sql", roles)) {
                statement.execute(ddl.text());
            }
            statement.execute("ALTER ROLE segflow_writer PASSWORD 'writer-secret'");
        }
        JobSettings settings =
                ownerSettings.withJdbcUser("segflow_writer").withJdbcPassword("writer-secret");

        JobClient job = startStreaming(settings);
        try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            feeds.customerInsert(
                    customer(
                            21,
                            LocalDate.of(1980, 2, 2),
                            "DE",
                            false,
                            null,
                            Instant.parse("2026-11-20T00:00:00Z")),
                    true);
            feeds.customerInsert(
                    customer(
                            22,
                            LocalDate.of(1981, 3, 3),
                            "FR",
                            false,
                            null,
                            Instant.parse("2026-11-20T00:00:00Z")),
                    true);
            feeds.link("web", "v-21", 21, true);
            feeds.web("e1", "v-21", "s1", "page_view", "2026-11-20T10:00:00Z");
            feeds.flush();
            awaitRows(
                    settings,
                    "SELECT customer_id, website_views FROM customer_profile ORDER BY customer_id",
                    rows ->
                            rows.size() == 2
                                    && Long.valueOf(1L).equals(rows.get(0).get("website_views")));
            feeds.customerDelete(22, true);
            feeds.flush();
            awaitRows(
                    settings, "SELECT customer_id FROM customer_profile", rows -> rows.size() == 1);
        } finally {
            cancel(job);
        }

        try (Connection writer =
                        DriverManager.getConnection(
                                settings.jdbcUrl(), "segflow_writer", "writer-secret");
                Statement statement = writer.createStatement()) {
            assertThatThrownBy(() -> statement.execute("CREATE TABLE scratch (id INT)"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.execute("DROP TABLE dead_letter"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("must be owner");
        }
        // marketers read the results, not the rejected input records
        try (Connection owner = postgres().connect(database);
                Statement statement = owner.createStatement()) {
            statement.execute("SET ROLE segflow_reader");
            statement.executeQuery("SELECT count(*) FROM customer_profile").close();
            statement.executeQuery("SELECT count(*) FROM target_list").close();
            assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM dead_letter"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
        }
        ResolvedSchema withNewFeature =
                ResolvedSchema.of(
                        Column.physical("customer_id", DataTypes.BIGINT().notNull()),
                        Column.physical("minutes_on_site", DataTypes.DOUBLE()));
        assertThatThrownBy(
                        () ->
                                PostgresSchema.apply(
                                        settings.jdbcUrl(),
                                        "segflow_writer",
                                        "writer-secret",
                                        withNewFeature))
                .hasMessageContaining(
                        "segflow_writer may not add the feature column minutes_on_site DOUBLE"
                                + " PRECISION")
                .hasMessageContaining("deploy/postgres/schema.sql");
    }
}
