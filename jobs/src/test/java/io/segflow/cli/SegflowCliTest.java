package io.segflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line as a user meets it: help for every command, options parsed into settings. */
class SegflowCliTest {

    private static String run(String... args) {
        CommandLine cli = SegflowCli.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        int exit = cli.execute(args);
        return exit + "\n" + out;
    }

    @Test
    void everyCommandHasHelp() {
        assertThat(run("--help")).startsWith("0\n").contains("run", "demo");
        assertThat(run("run", "--help")).startsWith("0\n").contains("--kafka", "--jdbc-url", "SEGFLOW_JDBC_PASSWORD", "--k", "--half-life");
        assertThat(run("demo", "--help")).startsWith("0\n").contains("--customers", "--generator-seed", "--k");
    }

    @Test
    void validateListsTheFeaturesOfTheRepositorySql() {
        String out = run("validate", "--sql-dir", repositorySql());
        assertThat(out).startsWith("0\n").contains("is valid", "web: website_sessions, website_views", "product: product_features_used");
    }

    @Test
    void validateNamesFileAndLineOfAMistake(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        for (java.nio.file.Path file : java.nio.file.Files.list(java.nio.file.Path.of(repositorySql())).toList()) {
            java.nio.file.Files.copy(file, dir.resolve(file.getFileName()));
        }
        java.nio.file.Path features = dir.resolve("50_features.sql");
        java.nio.file.Files.writeString(features, java.nio.file.Files.readString(features)
                .replace("COUNT(DISTINCT a.session_id) AS website_sessions", "COUNT(DISTINCT a.sesion_id) AS website_sessions"));
        String out = run("validate", "--sql-dir", dir.toString());
        assertThat(out).startsWith("1\n").contains("is not valid", "50_features.sql:", "sesion_id");
    }

    private static String repositorySql() {
        java.nio.file.Path here = java.nio.file.Path.of("").toAbsolutePath();
        return (java.nio.file.Files.isDirectory(here.resolve("sql")) ? here.resolve("sql") : here.getParent().resolve("sql")).toString();
    }

    @Test
    void runNeedsItsAddresses() {
        assertThat(run("run")).startsWith("2\n").contains("Missing required options");
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("PT1H")).isEqualTo(Duration.ofHours(1));
    }
}
