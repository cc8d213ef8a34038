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
