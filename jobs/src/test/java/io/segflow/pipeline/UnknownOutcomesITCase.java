package io.segflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.cli.SegflowCli;
import io.segflow.testing.RecordedHistory;
import io.segflow.testing.SegflowITCaseBase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A CRM that does not know 40 % of its customers' outcome, with every option at its default: the
 * recorded history through Kafka and the job into PostgreSQL, then `segflow insight` and `segflow
 * targets` as a user types them. The unknown are counted apart and not fitted on; the target list
 * holds no known buyer unless asked to.
 */
class UnknownOutcomesITCase extends SegflowITCaseBase {

    @TempDir Path temp;

    @Test
    void unknownOutcomesAreCountedApartAndKnownBuyersAreNoTargetsByDefault() throws Exception {
        JobSettings settings = defaultSettings();
        createTopics(settings);
        try (KafkaProducer<String, String> producer = kafka().newProducer()) {
            RecordedHistory.write(producer, settings, 1_200, 2, 20);
        }
        runBounded(settings);
        String database = settings.jdbcUrl().substring(settings.jdbcUrl().lastIndexOf('/') + 1);
        try (Connection connection = postgres().connect(database);
                Statement statement = connection.createStatement()) {
            // the CRM has not decided on two customers in five yet: NULL, as Debezium carries it
            statement.execute(
                    "UPDATE customer_profile SET converted_to_sale = NULL"
                            + " WHERE customer_id % 5 IN (1, 3)");
        }
        Map<String, Object> outcomes =
                query(
                                settings,
                                "SELECT count(*) FILTER (WHERE converted_to_sale) AS bought,"
                                        + " count(*) FILTER (WHERE NOT converted_to_sale) AS"
                                        + " not_bought, count(*) FILTER (WHERE converted_to_sale IS"
                                        + " NULL) AS unknown, count(*) AS customers FROM"
                                        + " customer_profile")
                        .get(0);
        long bought = (Long) outcomes.get("bought");
        long unknown = (Long) outcomes.get("unknown");
        long customers = (Long) outcomes.get("customers");
        assertThat(unknown / (double) customers).isBetween(0.35, 0.45);
        assertThat(bought).isGreaterThanOrEqualTo(100);

        StringWriter printed = new StringWriter();
        int exit =
                cli(printed)
                        .execute(
                                "insight",
                                "--jdbc-url",
                                settings.jdbcUrl(),
                                "--sql-dir",
                                settings.sqlDirectory().toString());
        String console = printed.toString();
        System.out.println(console);
        assertThat(exit).as(console).isZero();
        assertThat(console)
                .contains(
                        String.format(
                                "outcomes: %,d converted, %,d known not converted, %,d unknown",
                                bought, outcomes.get("not_bought"), unknown));

        Map<String, Object> model =
                query(
                                settings,
                                "SELECT positives, negatives, unknown_outcomes, customers,"
                                        + " fitted_on, auc, target_list_includes_converted"
                                        + " FROM propensity_model")
                        .get(0);
        assertThat(model.get("positives")).isEqualTo(bought);
        assertThat(model.get("negatives")).isEqualTo(outcomes.get("not_bought"));
        assertThat(model.get("unknown_outcomes")).isEqualTo(unknown);
        assertThat(model.get("customers")).isEqualTo(customers);
        assertThat(model.get("fitted_on")).isEqualTo(customers - unknown);
        assertThat(model.get("target_list_includes_converted")).isEqualTo(false);
        assertThat((Double) model.get("auc")).isGreaterThan(0.7);
        // the base rate is that of the known outcomes
        assertThat(
                        (Double)
                                query(
                                                settings,
                                                "SELECT base_conversion_rate FROM"
                                                        + " segmentation_quality")
                                        .get(0)
                                        .get("base_conversion_rate"))
                .isCloseTo(
                        bought / (double) (customers - unknown),
                        org.assertj.core.api.Assertions.within(1e-9));

        // everyone is scored, and a known buyer's row says so
        assertThat(
                        query(
                                settings,
                                "SELECT count(*) AS n FROM customer_score s JOIN customer_profile"
                                        + " p USING (customer_id) WHERE s.converted IS NOT DISTINCT"
                                        + " FROM p.converted_to_sale"))
                .extracting(row -> row.get("n"))
                .containsExactly(customers);

        // the target list: no known buyer, and the expected conversions add up what is listed
        List<Map<String, Object>> list =
                query(
                        settings,
                        "SELECT customer_id, converted, potential_score, rank_overall,"
                                + " expected_conversions_overall FROM target_list ORDER BY"
                                + " rank_overall");
        assertThat(list).hasSize((int) (customers - bought));
        assertThat(list).noneMatch(row -> Boolean.TRUE.equals(row.get("converted")));
        double expected = list.stream().mapToDouble(r -> (Double) r.get("potential_score")).sum();
        assertThat((Double) list.get(list.size() - 1).get("expected_conversions_overall"))
                .isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-6));

        Path prospects = temp.resolve("prospects.csv");
        assertThat(targets(settings, "--csv", prospects.toString()))
                .contains("known buyers left out");
        List<String> prospectRows = Files.readAllLines(prospects);
        assertThat(prospectRows).hasSize((int) (customers - bought) + 1);
        assertThat(prospectRows.subList(1, prospectRows.size()))
                .allSatisfy(line -> assertThat(line).doesNotEndWith(",true"));

        Path everyone = temp.resolve("everyone.csv");
        assertThat(targets(settings, "--include-converted", "--csv", everyone.toString()))
                .contains("known buyers included");
        List<String> everyoneRows = Files.readAllLines(everyone);
        assertThat(everyoneRows).hasSize((int) customers + 1);
        assertThat(everyoneRows.stream().filter(line -> line.endsWith(",true")))
                .hasSize((int) bought);

        // a run made with --include-converted lists them for every reader of target_list
        StringWriter again = new StringWriter();
        assertThat(
                        cli(again)
                                .execute(
                                        "insight",
                                        "--jdbc-url",
                                        settings.jdbcUrl(),
                                        "--sql-dir",
                                        settings.sqlDirectory().toString(),
                                        "--include-converted",
                                        "--no-report"))
                .as(again.toString())
                .isZero();
        assertThat(query(settings, "SELECT count(*) AS n FROM target_list WHERE converted"))
                .extracting(row -> row.get("n"))
                .containsExactly(bought);
    }

    private static String targets(JobSettings settings, String... options) {
        StringWriter out = new StringWriter();
        String[] arguments = new String[options.length + 3];
        arguments[0] = "targets";
        arguments[1] = "--jdbc-url";
        arguments[2] = settings.jdbcUrl();
        System.arraycopy(options, 0, arguments, 3, options.length);
        assertThat(cli(out).execute(arguments)).as(out.toString()).isZero();
        System.out.println(out);
        return out.toString();
    }

    private static CommandLine cli(StringWriter out) {
        CommandLine cli = SegflowCli.commandLine(new String[0], Map.of());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        return cli;
    }
}
