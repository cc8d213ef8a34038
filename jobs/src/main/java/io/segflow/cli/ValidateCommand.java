package io.segflow.cli;

import io.segflow.infra.JdbcUrls;
import io.segflow.pipeline.InputTopics;
import io.segflow.pipeline.JobSettings;
import io.segflow.pipeline.SegflowJob;
import io.segflow.pipeline.SegflowPipeline;
import io.segflow.profile.FeatureSet;
import io.segflow.sql.SqlScripts;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Plans every SQL file with Flink's planner, as the job would, without a cluster, Kafka or a
 * database: what a SQL user runs before deploying a change. Errors name the file and line.
 */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = {
            "Parse and plan the SQL files (no cluster, Kafka or database needed) and list the input"
                    + " tables with their topics and the model features.",
            "Exit code 0 when the SQL is sound, 1 with the file and line of the first problem"
                    + " otherwise.",
            "With --jdbc-url (or SEGFLOW_JDBC_URL; credentials from SEGFLOW_JDBC_USER,"
                    + " SEGFLOW_JDBC_PASSWORD) it also compares the features with the latest"
                    + " published segment model and propensity version there, and says what"
                    + " differs and what to run; with --fail-on-feature-change a difference exits"
                    + " with 3."
        })
final class ValidateCommand implements Callable<Integer> {

    /** The exit code of --fail-on-feature-change when the features differ or cannot be read. */
    static final int FEATURES_CHANGED = 3;

    @Option(
            names = "--jdbc-url",
            paramLabel = "URL",
            description =
                    "PostgreSQL JDBC URL of the customer database: compare the SQL's features"
                            + " with the latest published models there (read only). Without it"
                            + " validate needs no database and compares nothing.")
    String jdbcUrl;

    @Option(
            names = "--fail-on-feature-change",
            description =
                    "Exit with 3 when the features differ from the latest published models, or"
                            + " when they cannot be read (needs --jdbc-url): for a deployment"
                            + " pipeline that must not change features unnoticed.")
    boolean failOnFeatureChange;

    @Mixin JobOptions job;

    @Mixin TopicOptions topics;

    @Mixin StreamOptions stream;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        if (failOnFeatureChange && jdbcUrl == null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--fail-on-feature-change compares with the published models: give"
                            + " --jdbc-url (or SEGFLOW_JDBC_URL) too");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // planned, never run: any key plans the same functions
        JobSettings settings =
                stream.applyTo(topics.applyTo(job.applyTo(JobSettings.defaults())))
                        .withPseudonymKey(DemoCommand.randomPseudonymKey());
        SqlScripts scripts = SqlScripts.locate(settings.sqlDirectory());
        String mode = "streaming";
        try {
            // the whole job graph, SQL and segmentation operators, planned as `run` and as
            // `backfill` plan it: BATCH rejects things streaming accepts (time attributes through
            // a LATERAL TABLE, unbounded tables), and a SQL user should learn that here
            SegflowPipeline pipeline =
                    new SegflowJob(settings)
                            .build(StreamExecutionEnvironment.getExecutionEnvironment());
            mode = "backfill (BATCH)";
            new SegflowJob(settings.withBackfill(true))
                    .build(StreamExecutionEnvironment.getExecutionEnvironment());
            FeatureSet features = pipeline.features();
            Map<String, List<String>> inputs = InputTopics.byTable(settings);
            out.println("SQL in " + scripts.origin() + " is valid for streaming and for backfill.");
            // what run creates, backfill counts, archive copies and a checkpoint is checked for
            out.println("Input tables (" + InputTopics.SOURCES_FILE + ") and their topics:");
            inputs.forEach(
                    (table, topics) ->
                            out.println("  " + table + ": " + String.join(", ", topics)));
            out.println("Model features (" + features.size() + "), by source:");
            for (Map.Entry<String, List<String>> source : features.bySource().entrySet()) {
                out.println("  " + source.getKey() + ": " + String.join(", ", source.getValue()));
            }
            out.println(
                    "Key: "
                            + features.keyColumn()
                            + "; targets: "
                            + features.targets()
                            + "; labels: "
                            + features.labels());
            out.flush();
            return compareWithPublishedModels(settings, features.names(), out);
        } catch (RuntimeException | AssertionError e) {
            err.println("SQL in " + scripts.origin() + " is not valid in " + mode + " mode:");
            err.println(e.getMessage());
            err.flush();
            return 1;
        }
    }

    /** The features against the latest published models, when a database is given. */
    private int compareWithPublishedModels(
            JobSettings settings, List<String> features, PrintWriter out) {
        if (jdbcUrl == null) {
            out.println(
                    "Not compared with the published models: no --jdbc-url (or SEGFLOW_JDBC_URL)"
                            + " given.");
            out.flush();
            return 0;
        }
        JobSettings database =
                settings.withJdbcUrl(jdbcUrl)
                        .withJdbcUser(System.getenv().getOrDefault(Database.USER_ENV, "postgres"))
                        .withJdbcPassword(System.getenv().getOrDefault(Database.PASSWORD_ENV, ""));
        String where = JdbcUrls.withoutParameters(jdbcUrl);
        FeatureChange change;
        try {
            change = FeatureChange.read(database, features);
        } catch (RuntimeException unreadable) {
            out.println("Could not compare with the published models: " + unreadable.getMessage());
            out.flush();
            return failOnFeatureChange ? FEATURES_CHANGED : 0;
        }
        if (!change.differs()) {
            out.println(
                    "Compared with the published models in " + where + ": " + change.agreement());
            out.flush();
            return 0;
        }
        change.notice(FeatureChange.Moment.VALIDATE, FeatureChange.Commands.of(database, "SERVERS"))
                .forEach(out::println);
        out.flush();
        return failOnFeatureChange ? FEATURES_CHANGED : 0;
    }
}
