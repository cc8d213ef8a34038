package io.segflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.cli.SegflowCli;
import io.segflow.demo.DebeziumTable;
import io.segflow.testing.SegflowITCaseBase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The first data many users load: the CRM alone, no web or product events yet. `segflow insight`
 * with its defaults scores, profiles and measures the customers and writes the report; the value of
 * the CRM cannot be measured for the segmentation (without it every customer is alike), and the run
 * says so instead of ending.
 */
class InsightCrmOnlyITCase extends SegflowITCaseBase {

    private static final int CUSTOMERS = 2_000;
    private static final Instant BEGINNING = Instant.parse("2026-03-02T08:00:00Z");

    @TempDir Path temp;

    @Test
    void aCrmOnlyBaseGetsScoresProfilesQualityAndAReportAndTheReasonTheCrmIsNotValued()
            throws Exception {
        JobSettings settings = defaultSettings();
        createTopics(settings);
        try (KafkaProducer<String, String> producer = kafka().newProducer()) {
            writeCustomers(producer, settings);
        }
        runBounded(settings);
        long customers =
                (Long)
                        query(settings, "SELECT count(*) AS n FROM customer_profile")
                                .get(0)
                                .get("n");
        assertThat(customers).isEqualTo(CUSTOMERS);

        Path report = temp.resolve("report.html");
        StringWriter printed = new StringWriter();
        int exit =
                cli(printed)
                        .execute(
                                "insight",
                                "--jdbc-url",
                                settings.jdbcUrl(),
                                "--sql-dir",
                                settings.sqlDirectory().toString(),
                                "--report",
                                report.toString());
        String console = printed.toString();
        System.out.println(console);
        assertThat(exit).as(console).isZero();
        String crmReason = "without crm: 1 distinct profile, segmentation not comparable";
        assertThat(console)
                .contains("Steps that failed and were left out")
                .contains("value of data source crm: " + crmReason);

        assertThat(query(settings, "SELECT count(*) AS n FROM customer_score"))
                .extracting(row -> row.get("n"))
                .containsExactly(customers);
        long segmentModel =
                (Long)
                        query(settings, "SELECT max(model_version) AS v FROM segment_model")
                                .get(0)
                                .get("v");
        List<Map<String, Object>> profiles =
                query(
                        settings,
                        "SELECT size FROM segment_profile WHERE model_version = " + segmentModel);
        assertThat(profiles).isNotEmpty();
        assertThat(profiles.stream().mapToLong(r -> (Long) r.get("size")).sum())
                .isEqualTo(customers);
        assertThat(query(settings, "SELECT silhouette FROM segmentation_quality"))
                .singleElement()
                .satisfies(row -> assertThat(row.get("silhouette")).isNotNull());

        Map<String, Object> propensity =
                query(settings, "SELECT chosen, step_failures FROM propensity_model").get(0);
        assertThat(propensity.get("chosen")).isNotNull();
        assertThat((String) propensity.get("step_failures"))
                .contains("\"step\":\"value of data source crm\"")
                .contains(crmReason);

        // crm is valued for the potential; its segmentation figures are unknown, not made up
        Map<String, Object> crm =
                query(settings, "SELECT * FROM data_source_value WHERE source = 'crm'").get(0);
        assertThat(crm.get("segmentation_ari")).isNull();
        assertThat(crm.get("propensity_auc_loss")).isNotNull();
        assertThat(query(settings, "SELECT source FROM data_source_value ORDER BY source"))
                .extracting(row -> row.get("source"))
                .containsExactly("crm", "product", "web");

        String html = Files.readString(report);
        assertThat(html).contains("id=\"step-failures\"", crmReason);
    }

    /** Inserts of CRM rows only; older customers convert more often (about a quarter overall). */
    private static void writeCustomers(KafkaProducer<String, String> producer, JobSettings topics)
            throws Exception {
        Random random = new Random(20);
        long lsn = 1_000;
        for (long id = 1; id <= CUSTOMERS; id++) {
            int age = 20 + random.nextInt(55);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("customer_id", id);
            row.put("email", "customer" + id + "@example.com");
            row.put("birth_date", LocalDate.of(2026 - age, 1 + (int) (id % 12), 1));
            row.put("country", "DE");
            row.put("created_at", BEGINNING.minusSeconds(86_400L * (id % 700)));
            row.put("converted_to_sale", random.nextDouble() < (age - 15) / 120.0);
            row.put("segment_label", null);
            row.put("updated_at", BEGINNING.plusSeconds(id * 60));
            boolean withSchema = id % 2 == 0;
            producer.send(
                    new ProducerRecord<>(
                            topics.customersTopic(),
                            DebeziumTable.CUSTOMERS.key(row, withSchema),
                            DebeziumTable.CUSTOMERS.insert(row, lsn += 8, withSchema)));
        }
        producer.flush();
    }

    private static CommandLine cli(StringWriter out) {
        CommandLine cli = SegflowCli.commandLine(new String[0], Map.of());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        return cli;
    }
}
