package io.segflow.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.cli.SegflowCli;
import io.segflow.infra.PostgresSchema;
import io.segflow.pipeline.JobSettings;
import io.segflow.testing.RecordedHistory;
import io.segflow.testing.SegflowITCaseBase;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The report as a reader gets it: a recorded history through Kafka and the job into PostgreSQL,
 * `segflow insight` (which writes a report of its own), then `segflow report --out`, and the page
 * opened in headless Chromium: a screenshot that shows something, every chart drawn, no script
 * error. The page and its screenshot are kept in target/report-it/ to look at.
 */
class ReportITCase extends SegflowITCaseBase {

    /** Where the page and its screenshot are kept after the test, relative to jobs/. */
    private static final Path KEPT = Path.of("target", "report-it");

    private static final Pattern WRITTEN =
            Pattern.compile("Report written to (\\S+) in ([0-9.]+) s");

    @TempDir Path temp;

    @Test
    void afterAnInsightRunTheReportDrawsEveryChartInABrowser() throws Exception {
        JobSettings settings = defaultSettings();
        createTopics(settings);
        try (KafkaProducer<String, String> producer = kafka().newProducer()) {
            RecordedHistory.write(producer, settings, 1_200, 2, 11);
        }
        runBounded(settings);

        // insight writes the report of its run at the end, where --report says
        Path insightReport = temp.resolve("insight-report.html");
        StringWriter insight = new StringWriter();
        int insightExit =
                cli(insight)
                        .execute(
                                "insight",
                                "--jdbc-url",
                                settings.jdbcUrl(),
                                "--sql-dir",
                                settings.sqlDirectory().toString(),
                                "--holdout",
                                "10%",
                                "--report",
                                insightReport.toString());
        assertThat(insightExit).as(insight.toString()).isZero();
        assertThat(insight.toString()).contains("Report written to " + insightReport);
        assertThat(insightReport).isNotEmptyFile();

        // the curves the report draws are stored with the model
        Map<String, Object> model =
                query(settings, "SELECT roc_curve, lift_curve FROM propensity_model").get(0);
        assertThat((String) model.get("roc_curve")).contains("true_positive_rate");
        assertThat((String) model.get("lift_curve")).contains("captured_positives");

        Path page = temp.resolve("report.html");
        StringWriter printed = new StringWriter();
        int exit =
                cli(printed)
                        .execute(
                                "report",
                                "--jdbc-url",
                                settings.jdbcUrl(),
                                "--out",
                                page.toString());
        String console = printed.toString();
        System.out.println(console);
        assertThat(exit).as(console).isZero();
        Matcher written = WRITTEN.matcher(console);
        assertThat(written.find()).as(console).isTrue();
        assertThat(Path.of(written.group(1))).isEqualTo(page.toAbsolutePath().normalize());
        System.out.printf("segflow report took %s s on this database%n", written.group(2));

        Path png = temp.resolve("report.png");
        HeadlessChromium.screenshot(page, png, 1400, 5000);
        keep(page, png);
        BufferedImage screenshot = ImageIO.read(png.toFile());
        assertThat(screenshot.getWidth()).isEqualTo(1400);
        assertThat(RenderedPage.distinctColours(screenshot))
                .as("distinct colours in the screenshot (a blank page has one)")
                .isGreaterThan(500);
        assertThat(RenderedPage.paintedShare(screenshot))
                .as("share of the screenshot that differs from its background")
                .isGreaterThan(0.2);

        String dom = HeadlessChromium.dumpDom(page);
        Files.writeString(KEPT.resolve("report.dom.html"), dom);
        assertThat(RenderedPage.scriptErrors(dom))
                .as("script errors recorded by the page")
                .isEmpty();
        List<String> charts = RenderedPage.chartsDrawn(dom);
        assertThat(charts)
                .containsExactlyInAnyOrder(
                        "segment-sizes",
                        "segment-conversion",
                        "profile-heatmap",
                        "roc",
                        "gains",
                        "calibration",
                        "global-drivers",
                        "segment-drivers",
                        "source-value",
                        "size-history",
                        "stability");
        assertThat(dom).contains("id=\"targets\"", "class=\"panel target-list\"");
    }

    /** 50 customers: too few conversions to score, so the page shows segments and says why. */
    @Test
    void aRunWithoutPotentialsShowsTheSegmentsAndTheReason() throws Exception {
        JobSettings settings = defaultSettings();
        createTopics(settings);
        try (KafkaProducer<String, String> producer = kafka().newProducer()) {
            RecordedHistory.write(producer, settings, 50, 2, 12);
        }
        runBounded(settings);
        Path page = temp.resolve("refused.html");
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
                                page.toString());
        assertThat(exit).as(printed.toString()).isZero();
        assertThat(printed.toString()).contains("No potentials in the latest insight run");

        String dom = HeadlessChromium.dumpDom(page);
        assertThat(RenderedPage.scriptErrors(dom)).isEmpty();
        assertThat(dom).contains("id=\"no-potentials\"", "no potential scores");
        assertThat(dom).doesNotContain("id=\"targets\"");
        assertThat(RenderedPage.chartsDrawn(dom))
                .contains("segment-sizes", "segment-conversion", "profile-heatmap")
                .doesNotContain("roc", "gains", "calibration", "global-drivers");
    }

    @Test
    void anEmptyDatabaseGetsAPageThatSaysToRunInsightAndDrawsNothing() throws Exception {
        JobSettings settings = freshSettings();

        // no tables at all, then segflow's tables with no rows in them
        checkNoInsightPage(settings, temp.resolve("no-tables.html"));
        try (Connection connection =
                        DriverManager.getConnection(
                                settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword());
                Statement statement = connection.createStatement()) {
            statement.execute(PostgresSchema.schemaSql());
        }
        checkNoInsightPage(settings, temp.resolve("empty-tables.html"));
    }

    private void checkNoInsightPage(JobSettings settings, Path page) throws Exception {
        StringWriter printed = new StringWriter();
        int exit =
                cli(printed)
                        .execute(
                                "report",
                                "--jdbc-url",
                                settings.jdbcUrl(),
                                "--out",
                                page.toString());
        String console = printed.toString();
        assertThat(exit).as(console).isZero();
        assertThat(console).contains("run `segflow insight --jdbc-url jdbc:postgresql://");

        String dom = HeadlessChromium.dumpDom(page);
        assertThat(dom)
                .contains("id=\"no-insight\"", "segflow insight --jdbc-url jdbc:postgresql://");
        assertThat(RenderedPage.CHART_DIV.matcher(dom).find()).as("a chart div").isFalse();
        assertThat(RenderedPage.scriptErrors(dom)).isEmpty();
    }

    private static void keep(Path page, Path png) throws Exception {
        Files.createDirectories(KEPT);
        Files.copy(page, KEPT.resolve("report.html"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(png, KEPT.resolve("report.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static CommandLine cli(StringWriter out) {
        CommandLine cli = SegflowCli.commandLine(new String[0], Map.of());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        return cli;
    }
}
