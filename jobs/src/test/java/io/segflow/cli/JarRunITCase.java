package io.segflow.cli;

import static io.segflow.testing.Feeds.customer;
import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.pipeline.JobSettings;
import io.segflow.testing.Feeds;
import io.segflow.testing.SegflowITCaseBase;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar as a user runs it: {@code java -jar segflow.jar run --kafka ... --jdbc-url ...} in
 * a directory with no checkout around it (so it uses the SQL and schema inside the jar), against an
 * empty database, credentials from the environment.
 */
class JarRunITCase extends SegflowITCaseBase {

    @Test
    void runCommandFillsAnEmptyDatabase(@TempDir Path workDir) throws Exception {
        JobSettings settings = freshSettings();
        try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            feeds.customerInsert(
                    customer(
                            7,
                            LocalDate.of(1970, 5, 5),
                            "PL",
                            true,
                            null,
                            Instant.parse("2026-11-20T00:00:00Z")),
                    true);
            feeds.link("product", "app-7", 7, true);
            feeds.product("q1", "app-7", "x1", "session_start", null, null, "2026-11-20T08:00:00Z");
            feeds.product(
                    "q2", "app-7", "x1", "feature_used", "search", null, "2026-11-20T08:01:00Z");
            feeds.product(
                    "q3", "app-7", "x1", "session_end", null, 45_000L, "2026-11-20T08:02:00Z");
            feeds.raw(settings.webEventsTopic(), null, "{broken");
        }
        String jar = System.getProperty("segflow.jar", "target/segflow.jar");
        assertThat(new File(jar)).exists();

        List<String> command = segflowJar("run", settings);
        command.addAll(List.of("--bounded", "--checkpoint-interval", "2s"));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().put("SEGFLOW_JDBC_USER", "postgres");
        builder.environment()
                .put(PSEUDONYM_KEY_ENV, new String(TEST_PSEUDONYM_KEY, StandardCharsets.US_ASCII));
        builder.environment().put("SEGFLOW_JDBC_PASSWORD", "not-logged-anywhere");
        Path output = workDir.resolve("output.txt");
        builder.redirectOutput(output.toFile());
        Process process = builder.start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        if (!finished) {
            process.destroyForcibly();
        }
        assertThat(finished).as("the bounded run finishes; output:%n%s", printed).isTrue();
        assertThat(process.exitValue()).as("exit code; output:%n%s", printed).isZero();
        String key = new String(TEST_PSEUDONYM_KEY, StandardCharsets.US_ASCII);
        assertThat(printed)
                .contains("SQL from classpath:segflow/sql")
                .contains("pseudonym-key=(set)")
                .doesNotContain("not-logged-anywhere")
                .doesNotContain(key);
        Path log = workDir.resolve("logs/segflow.log");
        if (Files.exists(log)) {
            assertThat(Files.readString(log))
                    .doesNotContain("not-logged-anywhere")
                    .doesNotContain(key);
        }

        List<Map<String, Object>> profile = query(settings, "SELECT * FROM customer_profile");
        assertThat(profile).hasSize(1);
        assertThat(profile.get(0).get("customer_id")).isEqualTo(7L);
        assertThat(profile.get(0).get("product_features_used")).isEqualTo(1L);
        assertThat((Double) profile.get(0).get("avg_time_per_session")).isEqualTo(45.0);
        assertThat(query(settings, "SELECT reason FROM dead_letter")).hasSize(1);
        // every table of the design exists after the first start
        assertThat(
                        query(
                                settings,
                                "SELECT table_name FROM information_schema.tables WHERE"
                                        + " table_schema = 'public'"))
                .extracting(row -> row.get("table_name"))
                .contains(
                        "customer_profile",
                        "customer_segment",
                        "segment_model",
                        "segment_profile",
                        "customer_score",
                        "data_source_value",
                        "dead_letter");
    }

    @Test
    void backfillCommandRebuildsTheProfileAndReportsWhatItRead(
            @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path workDir) throws Exception {
        JobSettings settings = freshSettings();
        try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            feeds.customerInsert(
                    customer(
                            8,
                            LocalDate.of(1980, 2, 2),
                            "NL",
                            false,
                            null,
                            Instant.parse("2026-11-20T00:00:00Z")),
                    false);
            feeds.web("r1", "v-8", "s1", "page_view", "2026-11-20T09:00:00Z");
            feeds.web("r1", "v-8", "s1", "page_view", "2026-11-20T09:00:00Z");
            feeds.link("web", "v-8", 8, false);
            feeds.raw(settings.productEventsTopic(), null, "{broken");
        }
        List<String> command = segflowJar("backfill", settings);
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().put("SEGFLOW_JDBC_USER", "postgres");
        builder.environment()
                .put(PSEUDONYM_KEY_ENV, new String(TEST_PSEUDONYM_KEY, StandardCharsets.US_ASCII));
        Path output = workDir.resolve("output.txt");
        builder.redirectOutput(output.toFile());
        Process process = builder.start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        if (!finished) {
            process.destroyForcibly();
        }
        assertThat(finished).as("the backfill finishes; output:%n%s", printed).isTrue();
        assertThat(process.exitValue()).as("exit code; output:%n%s", printed).isZero();
        // not a terminal: plain progress lines, and the closing count of every record in the topics
        assertThat(printed)
                .contains("kafka.group-id=segflow-backfill")
                .contains("backfill [##############################] 100.0%  5 / 5 records")
                .contains("backfill: 5 records read in");

        List<Map<String, Object>> profile = query(settings, "SELECT * FROM customer_profile");
        assertThat(profile).hasSize(1);
        assertThat(profile.get(0).get("website_views")).isEqualTo(1L);
        assertThat(query(settings, "SELECT reason FROM dead_letter")).hasSize(1);
    }
}
