package io.segflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.report.RenderedPage;
import java.awt.image.BufferedImage;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command as a new user meets it: {@code java -jar segflow.jar demo} in an empty
 * directory, settings from a config file, until segments show in the console view; then a SIGTERM
 * (what Ctrl-C's shutdown path runs) must stop everything, the embedded PostgreSQL server included,
 * which runs as a child process and would outlive a careless exit.
 */
class DemoRunITCase {

    private static final Pattern SEGMENTS =
            Pattern.compile("lag [\\d,]+ .*segments \\[(\\d+:\\d+( \\d+:\\d+)+)\\]");
    private static final Pattern PROFILES = Pattern.compile("profiles ([\\d,]+)");
    private static final Pattern JDBC_URL = Pattern.compile("JDBC URL     : (\\S+)");
    private static final Pattern INSIGHT =
            Pattern.compile("insight      : \\./segflow (insight .+?)  \\(");
    private static final Pattern TARGETS =
            Pattern.compile("targets      : \\./segflow (targets .+?)  \\(");
    private static final Pattern PSQL_PORT = Pattern.compile("psql -h localhost -p (\\d+)");

    @Test
    void demoFillsTheDatabaseShowsSegmentsAndStopsCleanly(@TempDir Path workDir) throws Exception {
        Path config = workDir.resolve("demo.properties");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "customers=600",
                        "rate=400",
                        "k=4",
                        "init-size=150",
                        "batch-size=100",
                        "emit-every=2",
                        "checkpoint-interval=3s",
                        "web-ui-port=18081-18180",
                        ""));
        String jar =
                new File(System.getProperty("segflow.jar", "target/segflow.jar")).getAbsolutePath();
        Path output = workDir.resolve("output.txt");
        Process demo =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-jar",
                                jar,
                                "demo",
                                "--config",
                                config.toString())
                        .directory(workDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
        try {
            String segmentsLine = awaitLine(output, demo, SEGMENTS, TimeUnit.MINUTES.toNanos(3));
            assertThat(segmentsLine)
                    .as("a status line with segments; output:%n%s", read(output))
                    .isNotNull();
            Matcher segments = SEGMENTS.matcher(segmentsLine);
            assertThat(segments.find()).isTrue();
            assertThat(segments.group(1).split(" "))
                    .as("segments in %s", segmentsLine)
                    .hasSizeGreaterThan(1);
            assertThat(segmentsLine).containsPattern("events in [\\d,]+ \\([1-9][\\d,]*/s\\)");
            Matcher profiles = PROFILES.matcher(segmentsLine);
            assertThat(profiles.find()).isTrue();
            assertThat(Long.parseLong(profiles.group(1).replace(",", ""))).isGreaterThan(300);
            assertThat(segmentsLine).doesNotContain("model version none");

            String printed = read(output);
            assertThat(printed)
                    .contains(
                            "Flink web UI : http://localhost:18",
                            "JDBC URL     : jdbc:postgresql://localhost:");
            // the console is the header and the live view; the job's INFO lines are in the log file
            assertThat(printed).doesNotContain(" INFO ");
            assertThat(workDir.resolve("logs/segflow.log"))
                    .content()
                    .contains(
                            "INFO  [main] io.segflow.infra.KafkaTopics - Creating missing topics");
            Matcher port = PSQL_PORT.matcher(printed);
            assertThat(port.find()).isTrue();
            int postgresPort = Integer.parseInt(port.group(1));
            assertThat(accepts(postgresPort)).isTrue();

            // k=4 from the config file: the model has four segments, and the customers scored by
            // the
            // newest version are in at most four (rows of older versions are re-scored as it
            // spreads)
            Matcher url = JDBC_URL.matcher(printed);
            assertThat(url.find()).isTrue();
            try (Connection connection = DriverManager.getConnection(url.group(1), "postgres", "");
                    Statement statement = connection.createStatement()) {
                ResultSet latest =
                        statement.executeQuery(
                                "SELECT k FROM segment_model ORDER BY model_version DESC LIMIT 1");
                assertThat(latest.next()).isTrue();
                assertThat(latest.getInt(1)).isEqualTo(4);
                ResultSet used =
                        statement.executeQuery(
                                "SELECT count(DISTINCT segment_id) FROM customer_segment WHERE"
                                        + " model_version = (SELECT max(model_version) FROM"
                                        + " customer_segment)");
                assertThat(used.next()).isTrue();
                assertThat(used.getInt(1)).isBetween(1, 4);
            }

            // the insight and targets commands the demo prints, run as printed while it runs
            Matcher insight = INSIGHT.matcher(printed);
            assertThat(insight.find()).as(printed).isTrue();
            String insightOutput = runJar(workDir, jar, insight.group(1).split(" "));
            assertThat(insightOutput)
                    .contains(
                            "<- chosen",
                            "customers scored",
                            "Value of each data source",
                            "announced propensity version");
            // the running demo scores its customers' new behaviour with it: potential moves live
            String liveLine = awaitLine(output, demo, LIVE_SCORES, TimeUnit.MINUTES.toNanos(2));
            assertThat(liveLine)
                    .as("a status line with live scores; output:%n%s", read(output))
                    .isNotNull();

            // the report the insight run left, opened in a browser as a marketer would
            Path page = workDir.resolve("segflow-report.html");
            assertThat(insightOutput).contains("Report written to");
            assertThat(page).isNotEmptyFile();
            Path png = workDir.resolve("segflow-report.png");
            RenderedPage.screenshot(page, png, 1400, 5000);
            BufferedImage screenshot = ImageIO.read(png.toFile());
            assertThat(RenderedPage.distinctColours(screenshot)).isGreaterThan(500);
            assertThat(RenderedPage.paintedShare(screenshot)).isGreaterThan(0.2);
            String dom = RenderedPage.dumpDom(page);
            assertThat(RenderedPage.scriptErrors(dom)).as("script errors of the page").isEmpty();
            assertThat(RenderedPage.chartsDrawn(dom))
                    .contains(
                            "segment-sizes",
                            "profile-heatmap",
                            "roc",
                            "calibration",
                            "global-drivers",
                            "source-value",
                            "size-history");
            Files.createDirectories(Path.of("target", "demo-report"));
            Files.copy(
                    png,
                    Path.of("target", "demo-report", "segflow-report.png"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Matcher targets = TARGETS.matcher(printed);
            assertThat(targets.find()).as(printed).isTrue();
            String targetsOutput = runJar(workDir, jar, targets.group(1).split(" "));
            assertThat(targetsOutput).contains("Target list, propensity version");
            assertThat(targetsOutput.lines().filter(line -> line.matches("\\s+\\d+\\s+\\d+\\s.*")))
                    .hasSize(20);

            demo.destroy(); // SIGTERM: the JVM runs its shutdown hooks, as on Ctrl-C
            assertThat(demo.waitFor(90, TimeUnit.SECONDS))
                    .as("the demo stops; output:%n%s", read(output))
                    .isTrue();
            assertThat(read(output)).contains("segflow demo: stopping", "segflow demo: stopped");
            assertThat(accepts(postgresPort))
                    .as("PostgreSQL on port %d is stopped", postgresPort)
                    .isFalse();
        } finally {
            demo.destroyForcibly();
        }
    }

    private static final Pattern LIVE_SCORES =
            Pattern.compile("propensity version \\d+, [1-9][\\d,]* live scores");

    private static String awaitLine(Path output, Process demo, Pattern pattern, long timeoutNanos)
            throws Exception {
        long deadline = System.nanoTime() + timeoutNanos;
        while (System.nanoTime() < deadline && demo.isAlive()) {
            Optional<String> line =
                    lines(output).stream().filter(l -> pattern.matcher(l).find()).findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            Thread.sleep(1000);
        }
        return null;
    }

    private static List<String> lines(Path output) throws Exception {
        return List.of(read(output).split("\n"));
    }

    private static String read(Path output) throws Exception {
        return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 1000);
            return true;
        } catch (Exception refused) {
            return false;
        }
    }

    /** java -jar segflow.jar with these arguments; its output, after it ended with exit code 0. */
    private static String runJar(Path workDir, String jar, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar);
        command.addAll(List.of(args));
        Path output = Files.createTempFile(workDir, "command", ".txt");
        Process process =
                new ProcessBuilder(command)
                        .directory(workDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as(String.join(" ", args)).isTrue();
        String printed = Files.readString(output);
        assertThat(process.exitValue()).as(printed).isZero();
        return printed;
    }
}
