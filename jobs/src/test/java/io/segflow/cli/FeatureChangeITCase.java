package io.segflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.infra.PostgresSchema;
import io.segflow.model.FeatureScaling;
import io.segflow.model.SegmentModel;
import io.segflow.pipeline.JobSettings;
import io.segflow.pipeline.SegflowJob;
import io.segflow.testing.PublishedModels;
import io.segflow.testing.SegflowITCaseBase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A feature change against published models in a real PostgreSQL: `validate` with a database and
 * the look that `run` and `backfill` take before they start name the versions, what differs and
 * what to run; with nothing published, nothing is said.
 */
class FeatureChangeITCase extends SegflowITCaseBase {

    private static final long SEGMENT_VERSION = 1_795_689_789_382L;
    private static final long PROPENSITY_VERSION = 1_795_689_790_001L;

    @Test
    void validateAndTheStartNameTheChangedFeaturesAndTheRetrain() throws Exception {
        JobSettings settings = freshSettings();
        List<String> sql = sqlFeatures(settings);
        // the models of an earlier SQL: its last feature did not exist, one it had is gone
        String added = sql.get(sql.size() - 1);
        List<String> earlier = new ArrayList<>(sql.subList(0, sql.size() - 1));
        earlier.add("legacy_score");
        publishSegmentModel(settings, earlier);
        publishPropensityVersion(settings, earlier);

        String difference = "added: [" + added + "]; removed: [legacy_score]";
        String validated = validate(settings, Map.of());
        assertThat(validated)
                .startsWith("0\n")
                .contains(
                        "is valid for streaming and for backfill",
                        "FEATURES CHANGED",
                        "segments: model version " + SEGMENT_VERSION + " was trained on",
                        "potential scores: propensity version " + PROPENSITY_VERSION,
                        difference,
                        "segflow retrain --kafka SERVERS --jdbc-url " + settings.jdbcUrl(),
                        "start the job with --fresh");
        // a deployment pipeline that asks for it fails on the difference; the URL from the
        // environment, as every option can come
        assertThat(
                        validate(
                                settings,
                                Map.of("SEGFLOW_JDBC_URL", settings.jdbcUrl()),
                                "--fail-on-feature-change"))
                .startsWith(ValidateCommand.FEATURES_CHANGED + "\n")
                .contains(difference);

        // run's look before the start, on the features the job is planned with
        StringWriter console = new StringWriter();
        JobClient job =
                new SegflowJob(settings.withBoundedMode("unbounded"))
                        .start(
                                flinkEnvironment(),
                                features ->
                                        FeatureChange.warnAtStart(
                                                settings,
                                                features.names(),
                                                FeatureChange.Moment.RUN,
                                                new PrintWriter(console, true)));
        try {
            assertThat(console.toString())
                    .contains(
                            "segflow: ",
                            "FEATURES CHANGED",
                            "model version " + SEGMENT_VERSION,
                            "propensity version " + PROPENSITY_VERSION,
                            difference,
                            "This run does not take model version " + SEGMENT_VERSION,
                            "the potential scores stop",
                            "segflow retrain --kafka "
                                    + settings.kafkaBootstrapServers()
                                    + " --jdbc-url "
                                    + settings.jdbcUrl()
                                    + " --sql-dir "
                                    + settings.sqlDirectory()
                                    + " --topic-models "
                                    + settings.modelsTopic())
                    .doesNotContain("segflow insight");
            // one block: each of its lines is one line on the console
            assertThat(console.toString().lines())
                    .allSatisfy(line -> assertThat(line).startsWith("segflow: "));
        } finally {
            cancel(job);
        }
    }

    @Test
    void withDefaultsAndNothingPublishedNothingIsSaid() throws Exception {
        JobSettings settings = defaultSettings();
        // a database no job has used: no tables at all
        StringWriter console = new StringWriter();
        FeatureChange.warnAtStart(
                settings,
                sqlFeatures(settings),
                FeatureChange.Moment.BACKFILL,
                new PrintWriter(console, true));
        assertThat(console.toString()).isEmpty();
        assertThat(validate(settings, Map.of(), "--fail-on-feature-change"))
                .startsWith("0\n")
                .contains("No model is published there yet")
                .doesNotContain("FEATURES CHANGED");

        // the job's own tables, still empty, and then a model of the SQL's own features
        JobClient job =
                new SegflowJob(settings.withBoundedMode("unbounded"))
                        .start(
                                flinkEnvironment(),
                                features ->
                                        FeatureChange.warnAtStart(
                                                settings,
                                                features.names(),
                                                FeatureChange.Moment.RUN,
                                                new PrintWriter(console, true)));
        cancel(job);
        assertThat(console.toString()).isEmpty();
        publishSegmentModel(settings, sqlFeatures(settings));
        assertThat(validate(settings, Map.of(), "--fail-on-feature-change"))
                .startsWith("0\n")
                .contains("(model version " + SEGMENT_VERSION + ") were trained on these features");
    }

    @Test
    void anUnreachableDatabaseIsOneLineAndNoObstacle() throws Exception {
        JobSettings settings =
                freshSettings()
                        .withJdbcUrl("jdbc:postgresql://127.0.0.1:1/nowhere?sslmode=disable");
        StringWriter console = new StringWriter();
        FeatureChange.warnAtStart(
                settings, List.of("a"), FeatureChange.Moment.RUN, new PrintWriter(console, true));
        assertThat(console.toString().lines())
                .singleElement()
                .satisfies(
                        line ->
                                assertThat(line)
                                        .startsWith("segflow: could not compare the SQL's features")
                                        .contains("jdbc:postgresql://127.0.0.1:1/nowhere")
                                        .doesNotContain("sslmode"));
        // validate says the same, and fails on it only when asked to compare
        assertThat(validate(settings, Map.of()))
                .startsWith("0\n")
                .contains("Could not compare with the published models: cannot read");
        assertThat(validate(settings, Map.of(), "--fail-on-feature-change"))
                .startsWith(ValidateCommand.FEATURES_CHANGED + "\n");
    }

    /** `segflow validate` in this JVM against the test's SQL and database. */
    private static String validate(
            JobSettings settings, Map<String, String> environment, String... more) {
        // planned in this JVM, validate gets the shared MiniCluster's environment, which (unlike
        // the local one of `java -jar segflow.jar`) wants a checkpoint directory when
        // checkpoints are on; the plan is the same without them
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "validate",
                                "--sql-dir",
                                settings.sqlDirectory().toString(),
                                "--checkpoint-interval",
                                "0s"));
        if (!environment.containsKey("SEGFLOW_JDBC_URL")) {
            args.addAll(List.of("--jdbc-url", settings.jdbcUrl()));
        }
        args.addAll(Arrays.asList(more));
        String[] argv = args.toArray(String[]::new);
        CommandLine cli = SegflowCli.commandLine(argv, new HashMap<>(environment));
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        int exit = cli.execute(argv);
        return exit + "\n" + out;
    }

    /** The features the job plans from the test's SQL. */
    private static List<String> sqlFeatures(JobSettings settings) {
        return new SegflowJob(settings)
                .build(StreamExecutionEnvironment.getExecutionEnvironment())
                .features()
                .names();
    }

    /** A two-segment model of these features in segment_model, as the job's sink writes it. */
    private static void publishSegmentModel(JobSettings settings, List<String> features)
            throws Exception {
        createTables(settings);
        int d = features.size();
        double[] zeros = new double[d];
        double[] ones = new double[d];
        Arrays.fill(ones, 1);
        double[] centres = new double[2 * d];
        Arrays.fill(centres, d, 2 * d, 1);
        PublishedModels.publish(
                settings.jdbcUrl(),
                settings.jdbcUser(),
                settings.jdbcPassword(),
                new SegmentModel(
                        SEGMENT_VERSION,
                        "batch",
                        features,
                        new FeatureScaling(zeros, ones),
                        centres,
                        new double[] {1, 1},
                        0,
                        0));
    }

    /**
     * A propensity_model row of these features with a scorer, as an insight run writes it (the look
     * reads the features only: the bytes are not a scorer).
     */
    private static void publishPropensityVersion(JobSettings settings, List<String> features)
            throws Exception {
        createTables(settings);
        try (Connection connection =
                        DriverManager.getConnection(
                                settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword());
                PreparedStatement insert =
                        connection.prepareStatement(
                                "INSERT INTO propensity_model (model_version, created_at,"
                                        + " segment_model_version, features, scorer) VALUES (?,"
                                        + " ?, ?, ?, ?)")) {
            insert.setLong(1, PROPENSITY_VERSION);
            insert.setTimestamp(2, Timestamp.from(Instant.now()));
            insert.setLong(3, SEGMENT_VERSION);
            insert.setString(
                    4,
                    "["
                            + String.join(
                                    ", ", features.stream().map(f -> "\"" + f + "\"").toList())
                            + "]");
            insert.setBytes(5, new byte[] {1});
            insert.executeUpdate();
        }
    }

    private static void createTables(JobSettings settings) {
        PostgresSchema.apply(
                settings.jdbcUrl(),
                settings.jdbcUser(),
                settings.jdbcPassword(),
                ResolvedSchema.of(Column.physical("customer_id", DataTypes.BIGINT().notNull())));
    }
}
