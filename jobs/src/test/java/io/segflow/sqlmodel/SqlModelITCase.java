package io.segflow.sqlmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.segflow.embedded.EmbeddedPostgresDatabase;
import io.segflow.infra.PostgresSchema;
import io.segflow.model.Assignment;
import io.segflow.model.FeatureScaling;
import io.segflow.model.SegmentChooser;
import io.segflow.model.SegmentMixture;
import io.segflow.model.SegmentModel;
import io.segflow.sql.SqlStatement;
import io.segflow.sql.SqlStatementSplitter;
import io.segflow.testing.PublishedModels;
import io.segflow.testing.SegflowITCaseBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CREATE MODEL ... WITH ('provider' = 'segflow-kmeans') and ML_PREDICT on a real MiniCluster,
 * reading model versions that were published into a real PostgreSQL as the job publishes them.
 * Every predicted row is checked against {@link SegmentModel#assign}, the scoring the streaming
 * assigner uses.
 */
class SqlModelITCase extends SegflowITCaseBase {

    private static final List<String> FEATURES = List.of("visits", "minutes");
    private static final String USER = EmbeddedPostgresDatabase.USER;

    /**
     * The test server trusts local connections and ignores it; a build can grep its logs for it.
     */
    private static final String UNUSED_PASSWORD = "pw-never-in-logs";

    /** Three well separated groups: few visits, many visits and short ones, long sessions. */
    private static final SegmentModel OLDER =
            model(
                    1_700_000_000_000L,
                    new double[] {2, 5, 20, 10, 8, 120},
                    new int[] {1, 2, 3},
                    new String[] {"occasional", "frequent", "deep readers"});

    /** A later version whose ids and centres differ, so that which version scored is visible. */
    private static final SegmentModel NEWER =
            model(
                    1_700_000_500_000L,
                    new double[] {2, 5, 20, 10, 8, 120},
                    new int[] {11, 12, 13},
                    new String[] {"occasional v2", "frequent v2", "deep readers v2"});

    private String jdbcUrl;
    private StreamTableEnvironment sql;

    @BeforeEach
    void freshDatabaseWithTwoPublishedVersions() throws Exception {
        jdbcUrl = freshSettings().jdbcUrl();
        PostgresSchema.apply(
                jdbcUrl,
                USER,
                "",
                ResolvedSchema.of(Column.physical("customer_id", DataTypes.BIGINT().notNull())));
        PublishedModels.publish(jdbcUrl, USER, "", OLDER);
        PublishedModels.publish(jdbcUrl, USER, "", NEWER);
        sql = StreamTableEnvironment.create(flinkEnvironment());
        sql.executeSql(
                "CREATE TEMPORARY VIEW customers AS SELECT * FROM (VALUES"
                        + " (1, CAST(1.5 AS DOUBLE), CAST(4.0 AS DOUBLE)),"
                        + " (2, CAST(21.0 AS DOUBLE), CAST(11.0 AS DOUBLE)),"
                        + " (3, CAST(7.0 AS DOUBLE), CAST(130.0 AS DOUBLE)),"
                        + " (4, CAST(11.0 AS DOUBLE), CAST(60.0 AS DOUBLE)),"
                        + " (5, CAST(19.0 AS DOUBLE), CAST(NULL AS DOUBLE)),"
                        + " (6, CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE))"
                        + ") AS t(customer_id, visits, minutes)");
    }

    @Test
    void withoutAVersionEveryRowGetsTheSegmentOfTheNewestModel() throws Exception {
        createModel("");

        Map<Integer, Row> byCustomer = predict();

        assertThat(byCustomer).hasSize(6);
        assertThat(segmentIds(byCustomer, 1, 2, 3)).containsExactly(11, 12, 13);
        assertThat(byCustomer.get(2).getField("segment_name")).isEqualTo("frequent v2");
        assertScoredLike(NEWER, byCustomer);
    }

    @Test
    void aPinnedVersionIsTheOneThatScores() throws Exception {
        createModel(", 'version' = '" + OLDER.version() + "'");

        Map<Integer, Row> byCustomer = predict();

        assertThat(segmentIds(byCustomer, 1, 2, 3)).containsExactly(1, 2, 3);
        assertThat(byCustomer.get(3).getField("segment_name")).isEqualTo("deep readers");
        assertScoredLike(OLDER, byCustomer);
    }

    /**
     * A published Gaussian mixture scores by posterior in SQL as in the stream: customer 4 is
     * nearest the long sessions' centre, but that component is narrow and it is many of its
     * standard deviations away; the wide frequent component is more probable.
     */
    @Test
    void aMixtureScoresByPosterior() throws Exception {
        SegmentModel nearestCentres =
                model(
                        1_700_000_900_000L,
                        new double[] {2, 5, 20, 10, 8, 120},
                        new int[] {21, 22, 23},
                        new String[] {"occasional v3", "frequent v3", "deep readers v3"});
        double[][] means = new double[3][];
        for (int c = 0; c < 3; c++) {
            means[c] = nearestCentres.standardisedCentroid(c);
        }
        SegmentModel mixed =
                nearestCentres.withMixture(
                        new SegmentMixture(
                                new double[] {0, 0},
                                new double[][] {{1, 0}, {0, 1}},
                                new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0},
                                means,
                                new double[][] {{1, 1}, {1, 1}, {0.05, 0.05}}));
        PublishedModels.publish(jdbcUrl, USER, "", mixed);
        createModel(", 'version' = '" + mixed.version() + "'");

        Map<Integer, Row> byCustomer = predict();

        assertThat(nearestCentres.assign(new double[] {11, 60}).segment()).isEqualTo(2);
        assertThat(byCustomer.get(4).getField("segment_id")).isEqualTo(22);
        assertScoredLike(mixed, byCustomer);
    }

    @Test
    void aMissingFeatureIsLeftOutAndARowWithoutAnyHasNoSegment() throws Exception {
        createModel("");

        Map<Integer, Row> byCustomer = predict();

        // customer 5 is judged on visits alone: 19 visits is the frequent group's
        assertThat(byCustomer.get(5).getField("segment_id")).isEqualTo(12);
        assertThat(byCustomer.get(5).getField("model_version")).isEqualTo(NEWER.version());
        Row nothingKnown = byCustomer.get(6);
        assertThat(
                        Arrays.asList(
                                nothingKnown.getField("segment_id"),
                                nothingKnown.getField("segment_name"),
                                nothingKnown.getField("distance"),
                                nothingKnown.getField("confidence")))
                .containsOnlyNulls();
        assertThat(nothingKnown.getField("model_version")).isEqualTo(NEWER.version());
    }

    @Test
    void columnsThatAreNotCastAreStillReadAsTheirValues() throws Exception {
        createModel("");
        sql.executeSql(
                "CREATE TEMPORARY VIEW counted AS SELECT * FROM (VALUES (7, 21, 11), (8, 2, 5))"
                        + " AS t(customer_id, visits, minutes)");

        Map<Integer, Row> byCustomer =
                collect(
                        "SELECT customer_id, segment_id, distance FROM ML_PREDICT("
                                + "TABLE counted, MODEL segments, DESCRIPTOR(visits, minutes))");

        assertThat(byCustomer.get(7).getField("segment_id")).isEqualTo(12);
        assertThat(byCustomer.get(8).getField("segment_id")).isEqualTo(11);
        assertThat((Double) byCustomer.get(8).getField("distance"))
                .isEqualTo(NEWER.assign(new double[] {2, 5}).distance(), within(1e-9));
    }

    @Test
    void inputColumnsThatAreNotTheModelsFeaturesStopTheQueryAndSayWhy() {
        sql.executeSql(
                "CREATE TEMPORARY MODEL segments INPUT (visits DOUBLE, orders DOUBLE) OUTPUT"
                        + " (segment_id INT) WITH ('provider' = 'segflow-kmeans', 'jdbc-url' = '"
                        + jdbcUrl
                        + "', 'username' = '"
                        + USER
                        + "')");

        assertThatThrownBy(
                        () ->
                                collect(
                                        "SELECT customer_id, segment_id FROM ML_PREDICT(TABLE"
                                                + " customers, MODEL segments, DESCRIPTOR(visits,"
                                                + " minutes))"))
                .hasStackTraceContaining(
                        "model version "
                                + NEWER.version()
                                + " was trained on [visits, minutes] but the INPUT of model"
                                + " default_catalog.default_database.segments has [visits, orders]")
                .hasStackTraceContaining("added: [orders]; removed: [minutes]")
                .hasStackTraceContaining(
                        "Declare the model's INPUT as exactly these features in this order:"
                                + " [visits, minutes]");
    }

    @Test
    void aVersionThatWasNeverPublishedIsNamed() {
        createModel(", 'version' = '42'");

        assertThatThrownBy(this::predict)
                .hasStackTraceContaining("segment_model has no version 42");
    }

    @Test
    void anOutputColumnTheModelCannotGiveIsRefusedWhenTheQueryIsPlanned() {
        sql.executeSql(
                "CREATE TEMPORARY MODEL segments INPUT (visits DOUBLE, minutes DOUBLE) OUTPUT"
                        + " (cluster INT) WITH ('provider' = 'segflow-kmeans', 'jdbc-url' = '"
                        + jdbcUrl
                        + "')");

        assertThatThrownBy(
                        () ->
                                sql.executeSql(
                                        "SELECT * FROM ML_PREDICT(TABLE customers, MODEL segments,"
                                                + " DESCRIPTOR(visits, minutes))"))
                .hasStackTraceContaining(
                        "OUTPUT column cluster of model default_catalog.default_database.segments"
                                + " is not something segflow-kmeans predicts");
    }

    @Test
    void theSqlClientExampleScoresTheProfilesInPostgres() throws Exception {
        List<String> features = PublishedModels.FEATURES;
        double[][] profiles = {
            {25, 40, 400, 10, 30, 20, 5, 0.1, 0.2, 0.5, 0, 0.1, 0.7, 2, 0.5, 1, 60},
            {52, 1, 3, 3, 0, 0, 0, 0.6, 0.4, 0, 0, 0, 0.5, 12, 6, 4, 1800},
            {Double.NaN, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        };
        SegmentModel model = profileModel(features);
        PublishedModels.publish(jdbcUrl, USER, "", model);
        try (Connection connection = DriverManager.getConnection(jdbcUrl, USER, "");
                PreparedStatement insert =
                        connection.prepareStatement(
                                "INSERT INTO customer_profile (customer_id, "
                                        + String.join(", ", features)
                                        + ") VALUES (?"
                                        + ", ?".repeat(features.size())
                                        + ")")) {
            for (int c = 0; c < profiles.length; c++) {
                insert.setLong(1, 100 + c);
                for (int j = 0; j < features.size(); j++) {
                    double v = profiles[c][j];
                    // the columns' own types: INTEGER age, BIGINT counts, DOUBLE ratios
                    Object value =
                            Double.isNaN(v)
                                    ? null
                                    : j == 0
                                            ? (Object) (int) v
                                            : features.get(j).contains("per_")
                                                            || features.get(j).startsWith("topic_")
                                                    ? (Object) v
                                                    : (Object) (long) v;
                    insert.setObject(j + 2, value);
                }
                insert.executeUpdate();
            }
        }

        List<SqlStatement> statements =
                SqlStatementSplitter.split(
                        "predict_segments.sql",
                        Files.readString(exampleFile())
                                .replace("jdbc:postgresql://db:5432/crm", jdbcUrl)
                                .replace("'username' = 'segflow'", "'username' = '" + USER + "'")
                                .replace("'password' = 'change-me'", "'password' = ''"));
        for (SqlStatement statement : statements.subList(0, statements.size() - 1)) {
            sql.executeSql(statement.text());
        }
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> results =
                sql.executeSql(statements.get(statements.size() - 1).text()).collect()) {
            results.forEachRemaining(rows::add);
        }

        assertThat(rows).hasSize(profiles.length);
        for (Row row : rows) {
            double[] raw = profiles[(int) ((Long) row.getField("customer_id") - 100)];
            Assignment expected = model.assign(raw);
            assertThat(row.getField("segment_id")).isEqualTo(model.segmentId(expected.segment()));
            assertThat(row.getField("segment_name"))
                    .isEqualTo(model.segmentName(expected.segment()));
            assertThat((Double) row.getField("distance"))
                    .isEqualTo(expected.distance(), within(1e-9));
            assertThat(row.getField("model_version")).isEqualTo(model.version());
        }
    }

    private void createModel(String moreOptions) {
        sql.executeSql(
                "CREATE TEMPORARY MODEL segments INPUT (visits DOUBLE, minutes DOUBLE) OUTPUT"
                    + " (segment_id INT, segment_name STRING, distance DOUBLE, confidence DOUBLE,"
                    + " status STRING, model_version BIGINT) WITH ('provider' = 'segflow-kmeans',"
                    + " 'jdbc-url' = '"
                        + jdbcUrl
                        + "',"
                        + " 'username' = '"
                        + USER
                        + "', 'password' = '"
                        + UNUSED_PASSWORD
                        + "'"
                        + moreOptions
                        + ")");
    }

    private Map<Integer, Row> predict() throws Exception {
        return collect(
                "SELECT customer_id, visits, minutes, segment_id, segment_name, distance,"
                    + " confidence, status, model_version FROM ML_PREDICT(TABLE customers, MODEL"
                    + " segments, DESCRIPTOR(visits, minutes))");
    }

    private Map<Integer, Row> collect(String query) throws Exception {
        Map<Integer, Row> byCustomer = new TreeMap<>();
        try (CloseableIterator<Row> rows = sql.executeSql(query).collect()) {
            rows.forEachRemaining(
                    row -> byCustomer.put((Integer) row.getField("customer_id"), row));
        }
        return byCustomer;
    }

    /** Every row as the streaming assigner scores a customer it meets for the first time. */
    private static void assertScoredLike(SegmentModel model, Map<Integer, Row> byCustomer) {
        SegmentChooser firstMeeting = new SegmentChooser(0.0);
        for (Row row : byCustomer.values()) {
            double[] raw = {orNaN(row.getField("visits")), orNaN(row.getField("minutes"))};
            if (Double.isNaN(raw[0]) && Double.isNaN(raw[1])) {
                continue; // no segment: checked on its own
            }
            Assignment expected = model.assign(raw);
            SegmentChooser.Decision decision =
                    firstMeeting.choose(expected, -1, Double.NaN, SegmentChooser.evidence(raw));
            assertThat(row.getField("segment_id"))
                    .as("segment of %s", row)
                    .isEqualTo(model.segmentId(expected.segment()));
            assertThat(row.getField("segment_name"))
                    .isEqualTo(model.segmentName(expected.segment()));
            assertThat((Double) row.getField("distance"))
                    .isEqualTo(expected.distance(), within(1e-9));
            assertThat((Double) row.getField("confidence"))
                    .isEqualTo(decision.confidence(), within(1e-9));
            assertThat(row.getField("status")).isEqualTo(decision.status().column());
            assertThat(row.getField("model_version")).isEqualTo(model.version());
        }
    }

    private static List<Integer> segmentIds(Map<Integer, Row> byCustomer, int... customers) {
        return Arrays.stream(customers)
                .mapToObj(c -> (Integer) byCustomer.get(c).getField("segment_id"))
                .toList();
    }

    private static double orNaN(Object value) {
        return value == null ? Double.NaN : (Double) value;
    }

    /** A model over visits and minutes with centres given in feature units. */
    private static SegmentModel model(
            long version, double[] rawCentres, int[] ids, String[] names) {
        FeatureScaling scaling = new FeatureScaling(new double[] {10, 45}, new double[] {7, 50});
        double[] standardised = new double[rawCentres.length];
        for (int i = 0; i < rawCentres.length; i++) {
            standardised[i] = scaling.scale(i % 2, rawCentres[i]);
        }
        return new SegmentModel(
                version,
                "stream",
                FEATURES,
                scaling,
                standardised,
                new double[] {100, 100, 100},
                0.5,
                300,
                ids,
                names);
    }

    /** Two segments over the shipped profile features: web readers and product users. */
    private static SegmentModel profileModel(List<String> features) {
        int d = features.size();
        double[] mean = {38, 10, 100, 5, 5, 5, 1, 0.2, 0.2, 0.2, 0.1, 0.1, 0.5, 4, 2, 2, 600};
        double[] stdDev = {12, 15, 150, 4, 10, 8, 2, 0.2, 0.2, 0.2, 0.1, 0.1, 0.3, 5, 2, 1.5, 700};
        double[] webReaders = {
            28, 35, 350, 9, 25, 18, 4, 0.1, 0.2, 0.5, 0.05, 0.1, 0.7, 1, 0.5, 1, 100
        };
        double[] productUsers = {48, 2, 10, 3, 0, 0, 0, 0.5, 0.4, 0, 0, 0.1, 0.5, 10, 5, 3.5, 1500};
        FeatureScaling scaling = new FeatureScaling(mean, stdDev);
        double[] centres = new double[2 * d];
        System.arraycopy(scaling.scale(webReaders), 0, centres, 0, d);
        System.arraycopy(scaling.scale(productUsers), 0, centres, d, d);
        return new SegmentModel(
                1_700_001_000_000L,
                "batch",
                features,
                scaling,
                centres,
                new double[] {50, 50},
                1.0,
                100,
                new int[] {4, 9},
                null);
    }

    private static Path exampleFile() {
        Path here = Path.of("").toAbsolutePath();
        Path example = Path.of("deploy", "sql-client", "predict_segments.sql");
        return Files.isRegularFile(here.resolve(example))
                ? here.resolve(example)
                : here.getParent().resolve(example);
    }
}
