package io.segflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.cli.SegflowCli;
import io.segflow.insight.InsightRun;
import io.segflow.testing.RecordedHistory;
import io.segflow.testing.SegflowITCaseBase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The insight run end to end with every option at its default: a recorded history through Kafka and
 * the job into PostgreSQL, then `segflow insight` and `segflow targets` as a user types them.
 */
class InsightITCase extends SegflowITCaseBase {

    @TempDir Path temp;

    @Test
    void afterTheJobTheInsightRunScoresProfilesAndRanksEveryCustomer() throws Exception {
        JobSettings settings = defaultSettings();
        createTopics(settings);
        try (KafkaProducer<String, String> producer = kafka().newProducer()) {
            RecordedHistory.write(producer, settings, 1_200, 2, 11);
        }
        runBounded(settings);
        long customers =
                (Long)
                        query(settings, "SELECT count(*) AS n FROM customer_profile")
                                .get(0)
                                .get("n");
        assertThat(customers).isGreaterThan(1_000);
        // the score an earlier insight run wrote for a customer the CRM deleted while it read them
        query(
                settings,
                "INSERT INTO customer_score (customer_id, potential_score, model_version) VALUES"
                        + " (987654321, 0.5, 1) RETURNING customer_id");

        StringWriter printed = new StringWriter();
        int exit = cli(printed).execute(insight(settings));
        String console = printed.toString();
        System.out.println(console);
        assertThat(exit).as(console).isZero();
        assertThat(console)
                .contains("cross-validated AUC")
                .contains("<- chosen")
                .contains("Value of each data source")
                .contains("macro F1", "label drivers:")
                .contains("segflow targets");
        assertThat(query(settings, "SELECT * FROM customer_score WHERE customer_id = 987654321"))
                .as("the score of a customer with no profile any more")
                .isEmpty();

        // every customer has a potential, a percentile and signed drivers of it
        List<Map<String, Object>> scores =
                query(
                        settings,
                        "SELECT s.customer_id, potential_score, percentile, top_drivers,"
                                + " segment_id, segment_drivers, predicted_label, p.segment_label"
                                + " FROM customer_score s JOIN customer_profile p USING"
                                + " (customer_id)");
        assertThat(scores).hasSize((int) customers);
        assertThat(scores)
                .allSatisfy(
                        row -> {
                            assertThat((Double) row.get("potential_score")).isBetween(0.0, 1.0);
                            assertThat((Double) row.get("percentile")).isBetween(0.0, 100.0);
                            assertThat((String) row.get("top_drivers"))
                                    .contains("\"feature\"", "\"contribution\"");
                            assertThat((String) row.get("segment_drivers")).contains("feature");
                            // a label is predicted for those who carry none
                            assertThat(row.get("predicted_label") == null)
                                    .isEqualTo(row.get("segment_label") != null);
                        });
        assertThat(scores.stream().mapToDouble(r -> (Double) r.get("percentile")).max())
                .hasValue(100.0);

        // the model that scored them, chosen by cross-validation, better than chance
        Map<String, Object> propensity = query(settings, "SELECT * FROM propensity_model").get(0);
        assertThat((Double) propensity.get("auc")).isGreaterThan(0.7);
        assertThat((String) propensity.get("candidates"))
                .contains("logistic regression", "random forest", "gradient-boosted trees");
        assertThat((String) propensity.get("global_drivers")).contains("feature");
        assertThat(propensity.get("label_evaluation").toString()).contains("accuracy");
        // the label model chosen among the candidates; with fewer unlabelled customers than a
        // forest explains, every predicted label has its drivers
        assertThat(propensity.get("label_evaluation").toString())
                .contains("\"chosen\"", "\"macro_f1\"", "\"confusion\"")
                .contains("logistic regression", "random forest", "gradient-boosted trees");
        assertThat(
                        query(
                                        settings,
                                        "SELECT count(*) AS n FROM customer_score WHERE"
                                                + " predicted_label IS NOT NULL AND"
                                                + " (label_drivers IS NULL OR label_drivers NOT"
                                                + " LIKE '%\"feature\"%')")
                                .get(0)
                                .get("n"))
                .isEqualTo(0L);

        // what each segment of the model in use is
        long segmentModel =
                (Long)
                        query(settings, "SELECT max(model_version) AS v FROM segment_model")
                                .get(0)
                                .get("v");
        List<Map<String, Object>> profiles =
                query(
                        settings,
                        "SELECT * FROM segment_profile WHERE model_version = " + segmentModel);
        assertThat(profiles).isNotEmpty();
        assertThat(profiles.stream().mapToLong(r -> (Long) r.get("size")).sum())
                .isEqualTo(customers);
        assertThat(profiles)
                .allSatisfy(
                        row -> {
                            assertThat(row.get("segment_name")).isNotNull();
                            assertThat((String) row.get("centroid")).contains("website_views");
                            assertThat(row.get("conversion_rate")).isNotNull();
                            assertThat(row.get("mean_potential")).isNotNull();
                            assertThat((String) row.get("membership_drivers")).contains("feature");
                        });
        Map<String, Object> quality = query(settings, "SELECT * FROM segmentation_quality").get(0);
        assertThat(quality.get("model_version")).isEqualTo(segmentModel);
        assertThat((Double) quality.get("conversion_variance_explained")).isGreaterThan(0.1);
        assertThat(quality.get("silhouette")).isNotNull();

        // each source of sql/profile.yml valued
        assertThat(query(settings, "SELECT source FROM data_source_value ORDER BY source"))
                .extracting(row -> row.get("source"))
                .containsExactly("crm", "product", "web");

        // the target list ranks by potential, overall and within each segment; the control group
        // (--holdout 10%) is listed apart, with no rank
        List<Map<String, Object>> list =
                query(
                        settings,
                        "SELECT customer_id, segment_id, potential_score, rank_overall,"
                                + " rank_in_segment, expected_conversions_overall FROM target_list"
                                + " WHERE NOT control_group ORDER BY rank_overall");
        List<Map<String, Object>> control =
                query(
                        settings,
                        "SELECT rank_overall, rank_in_segment FROM target_list WHERE"
                                + " control_group");
        // known buyers are no targets: the list is of prospects and known non-converters
        long buyers =
                (Long)
                        query(
                                        settings,
                                        "SELECT count(*) AS n FROM customer_profile WHERE"
                                                + " converted_to_sale")
                                .get(0)
                                .get("n");
        assertThat(buyers).isPositive();
        assertThat(list.size() + control.size()).isEqualTo((int) (customers - buyers));
        assertThat(control.size() / (double) customers).isBetween(0.05, 0.15);
        assertThat(control).allSatisfy(row -> assertThat(row.get("rank_overall")).isNull());
        for (int i = 1; i < list.size(); i++) {
            assertThat((Double) list.get(i).get("potential_score"))
                    .isLessThanOrEqualTo((Double) list.get(i - 1).get("potential_score"));
            assertThat(list.get(i).get("rank_overall")).isEqualTo((long) i + 1);
        }
        double expected = list.stream().mapToDouble(r -> (Double) r.get("potential_score")).sum();
        assertThat((Double) list.get(list.size() - 1).get("expected_conversions_overall"))
                .isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(propensity.get("holdout_share")).isEqualTo(0.1);

        StringWriter targets = new StringWriter();
        Path csv = temp.resolve("targets.csv");
        Object segment = list.get(0).get("segment_id");
        assertThat(
                        cli(targets)
                                .execute(
                                        "targets",
                                        "--jdbc-url",
                                        settings.jdbcUrl(),
                                        "--segment",
                                        segment.toString(),
                                        "--top",
                                        "5",
                                        "--csv",
                                        csv.toString()))
                .as(targets.toString())
                .isZero();
        System.out.println(targets);
        assertThat(targets.toString()).contains("Target list of segment " + segment);
        List<String> lines = Files.readAllLines(csv);
        long inSegment = list.stream().filter(r -> segment.equals(r.get("segment_id"))).count();
        assertThat(lines).hasSize((int) inSegment + 1); // the header, then every target
        assertThat(lines.get(0)).startsWith("customer_id,segment_id,segment_name,potential_score");
        assertThat(lines.get(1)).startsWith(list.get(0).get("customer_id") + ",");

        StringWriter held = new StringWriter();
        assertThat(cli(held).execute("targets", "--jdbc-url", settings.jdbcUrl(), "--control"))
                .isZero();
        assertThat(held.toString()).contains("Control group, propensity version");
    }

    /**
     * 50 customers: too few conversions for a score, so the run says so, and still profiles and
     * measures the segments.
     */
    @Test
    void aSmallCustomerBaseGetsItsSegmentsProfiledAndTheReasonThereAreNoScores() throws Exception {
        JobSettings settings = defaultSettings();
        createTopics(settings);
        try (KafkaProducer<String, String> producer = kafka().newProducer()) {
            RecordedHistory.write(producer, settings, 50, 2, 12);
        }
        runBounded(settings);
        List<String> progress = new ArrayList<>();

        InsightJob.Outcome outcome =
                new InsightJob(settings, InsightRun.Settings.defaults())
                        .run(flinkEnvironment(), progress::add);

        assertThat(outcome.scored()).isZero();
        assertThat(outcome.result().propensityStatus()).contains("no potential scores", "100");
        assertThat(query(settings, "SELECT count(*) AS n FROM customer_score"))
                .extracting(row -> row.get("n"))
                .containsExactly(0L);
        assertThat(query(settings, "SELECT status, auc FROM propensity_model"))
                .singleElement()
                .satisfies(
                        row -> {
                            assertThat((String) row.get("status")).contains("100");
                            assertThat(row.get("auc")).isNull();
                        });
        assertThat(query(settings, "SELECT count(*) AS n FROM segment_profile"))
                .extracting(row -> (Long) row.get("n"))
                .singleElement()
                .satisfies(n -> assertThat(n).isPositive());
        assertThat(query(settings, "SELECT count(*) AS n FROM segmentation_quality"))
                .extracting(row -> row.get("n"))
                .containsExactly(1L);

        StringWriter targets = new StringWriter();
        assertThat(cli(targets).execute("targets", "--jdbc-url", settings.jdbcUrl())).isEqualTo(1);
        assertThat(targets.toString()).contains("run `segflow insight` first");
    }

    private static CommandLine cli(StringWriter out) {
        CommandLine cli = SegflowCli.commandLine(new String[0], Map.of());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        return cli;
    }

    private static String[] insight(JobSettings settings) {
        return new String[] {
            "insight",
            "--jdbc-url",
            settings.jdbcUrl(),
            "--sql-dir",
            settings.sqlDirectory().toString(),
            "--holdout",
            "10%"
        };
    }
}
