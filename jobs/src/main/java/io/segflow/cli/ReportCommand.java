package io.segflow.cli;

import io.segflow.infra.JdbcUrls;
import io.segflow.pipeline.JobSettings;
import io.segflow.report.Report;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes the HTML report of the latest insight run. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Write one self-contained HTML page (it opens offline) of what the latest `segflow"
                    + " insight` found:",
            "segments and their profiles, conversion and lift, the propensity model's ROC,"
                    + " gains and calibration,",
            "drivers, the head of the target list per segment, the value of each data source and"
                    + " the model history.",
            "Credentials from SEGFLOW_JDBC_USER, SEGFLOW_JDBC_PASSWORD."
        })
final class ReportCommand implements Callable<Integer> {

    static final String DEFAULT_FILE = "segflow-report.html";

    @Mixin Database database;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            defaultValue = DEFAULT_FILE,
            description = "The HTML file to write. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        JobSettings settings = database.applyTo(JobSettings.defaults(), System.getenv());
        PrintWriter console = spec.commandLine().getOut();
        writeAndPrint(settings, out, console);
        return 0;
    }

    /** Writes the report of {@code settings}' database and says where it is, on {@code console}. */
    static Report.Written writeAndPrint(JobSettings settings, Path file, PrintWriter console)
            throws Exception {
        String database = JdbcUrls.withoutParameters(settings.jdbcUrl());
        Report.Written written =
                Report.write(
                        settings.jdbcUrl(),
                        settings.jdbcUser(),
                        settings.jdbcPassword(),
                        database,
                        file);
        if (!written.data().hasInsight()) {
            console.println(
                    "There is no insight in "
                            + database
                            + " yet: run `"
                            + Report.insightHint(database)
                            + "` first. The report says so.");
        } else if (!written.data().insight().scored()) {
            console.println(
                    "No potentials in the latest insight run ("
                            + written.data().insight().status()
                            + ").");
        }
        console.printf(
                Locale.ROOT,
                "Report written to %s in %.1f s%n",
                file.toAbsolutePath().normalize(),
                written.seconds());
        console.flush();
        return written;
    }
}
