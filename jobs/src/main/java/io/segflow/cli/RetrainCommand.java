package io.segflow.cli;

import io.segflow.infra.JdbcUrls;
import io.segflow.insight.InsightRun;
import io.segflow.model.MethodComparison;
import io.segflow.model.ModelEvaluation;
import io.segflow.model.Retrainer;
import io.segflow.model.SegmentModel;
import io.segflow.pipeline.JobSettings;
import io.segflow.pipeline.RetrainJob;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Fits a full k-means on the profile snapshot and publishes it to the running job. */
@Command(
        name = "retrain",
        mixinStandardHelpOptions = true,
        description = {
            "Fit k-means (Smile: k-means++, restarts, best inertia) on customer_profile, evaluate"
                    + " it, keep segment ids",
            "stable against the version in use, and publish it to segment_model and the models"
                    + " topic, from which a",
            "running job takes it without a restart. Credentials from SEGFLOW_JDBC_USER,"
                    + " SEGFLOW_JDBC_PASSWORD."
        })
final class RetrainCommand implements Callable<Integer> {

    @Mixin Addresses addresses;

    @Mixin KafkaClientOptions kafkaClient;

    @Option(
            names = "--k-range",
            paramLabel = "MIN..MAX",
            description =
                    "Choose k in this range by silhouette on a sample (e.g. 3..10) instead of --k.")
    String kRange;

    @Option(
            names = "--k",
            description = "Number of segments (unless --k-range). Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(
            names = "--seed",
            description =
                    "Random seed of the fits and of the evaluation sample. Default:"
                            + " ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--restarts",
            description =
                    "k-means fits from different seeds; the lowest inertia wins. Default:"
                            + " ${DEFAULT-VALUE}.")
    int restarts;

    @Option(
            names = "--max-iterations",
            description = "Lloyd iterations per fit at most. Default: ${DEFAULT-VALUE}.")
    int maxIterations;

    @Option(
            names = "--evaluation-sample",
            paramLabel = "PROFILES",
            description =
                    "Profiles sampled to choose k and to measure silhouette, Davies-Bouldin and"
                            + " stability (silhouette costs the square of this). Default:"
                            + " ${DEFAULT-VALUE}.")
    int evaluationSample;

    @Option(
            names = "--compare",
            description =
                    "Also fit k-means on principal components, a Gaussian mixture and G-means on"
                            + " the same sample, print one table of their measures, choose by the"
                            + " rule in docs/retraining.md and publish the choice (a mixture as a"
                            + " mixture).")
    boolean compare;

    @Option(
            names = "--method",
            paramLabel = "kmeans|pca-kmeans|gmm|gmeans",
            description =
                    "With --compare: publish this method whatever the rule says; gmm publishes the"
                            + " Gaussian mixture, which the stream applies by posterior.")
    String method;

    @Option(
            names = "--pca-variance",
            paramLabel = "SHARE",
            description =
                    "With --compare: share of the variance the principal components keep."
                            + " Default: ${DEFAULT-VALUE}.")
    double pcaVariance = MethodComparison.Settings.defaults().pcaVariance();

    @Option(
            names = "--no-insight",
            description =
                    "Publish the model only; by default `segflow insight` follows on the new"
                            + " version (profiles, quality, scores, source value).")
    boolean noInsight;

    @Mixin JobOptions job;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        JobSettings settings =
                addresses
                        .applyTo(job.applyTo(JobSettings.defaults()), System.getenv())
                        .withKafkaProperties(kafkaClient.properties(System.getenv()));
        Retrainer.Settings fit = fitSettings();
        MethodComparison.Settings comparison = comparisonSettings();
        PrintWriter out = spec.commandLine().getOut();
        out.println(
                "segflow retrain: reading customer_profile from "
                        + JdbcUrls.withoutParameters(addresses.database.jdbcUrl)
                        + " ...");
        out.flush();
        long started = System.nanoTime();
        Retrainer.Result result =
                new RetrainJob(settings, fit, comparison)
                        .run(StreamExecutionEnvironment.getExecutionEnvironment());
        if (result.comparison() != null) {
            out.print(describeComparison(result.comparison()));
        }
        out.print(describe(result, (System.nanoTime() - started) / 1e9));
        out.flush();
        if (!noInsight) {
            out.println();
            out.println(
                    "segflow retrain: the insight run on the new version (--no-insight skips it)"
                            + " ...");
            out.flush();
            InsightCommand.runAndPrint(
                    settings, InsightRun.Settings.defaults().withSeed(seed), database(), true, out);
            // every insight run leaves its report, as `segflow insight` does by default
            ReportCommand.writeAndPrint(settings, Path.of(ReportCommand.DEFAULT_FILE), out);
        }
        return 0;
    }

    private String database() {
        return JdbcUrls.withoutParameters(addresses.database.jdbcUrl);
    }

    /** Null without --compare: the plain retrain. */
    MethodComparison.Settings comparisonSettings() {
        if (!compare) {
            if (method != null) {
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(),
                        "--method chooses among compared methods: add --compare");
            }
            return null;
        }
        try {
            MethodComparison.Settings comparison =
                    MethodComparison.Settings.defaults().withPcaVariance(pcaVariance);
            return method == null
                    ? comparison
                    : comparison.withForced(MethodComparison.Method.parse(method));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The table of {@code --compare}, the chosen method marked. */
    static String describeComparison(MethodComparison.Outcome outcome) {
        StringBuilder text = new StringBuilder();
        text.append(
                String.format(
                        Locale.ROOT,
                        "Methods compared on the same sample:%n"
                                + "  %-11s %3s %10s %14s %13s %15s %21s %9s%n",
                        "method",
                        "k",
                        "silhouette",
                        "Davies-Bouldin",
                        "stability ARI",
                        "conversion lift",
                        "conversion var. expl.",
                        "fit (s)"));
        for (MethodComparison.Row row : outcome.rows()) {
            String mark = row.method() == outcome.chosen() ? "<- chosen, published" : "";
            text.append(
                    String.format(
                            Locale.ROOT,
                            "  %-11s %3s %10s %14s %13s %15s %21s %9.1f  %s%s%n",
                            row.method().label(),
                            row.k() == 0 ? "-" : Integer.toString(row.k()),
                            number(row.silhouette()),
                            number(row.daviesBouldin()),
                            number(row.stability()),
                            number(row.conversionLift()),
                            number(row.conversionVarianceExplained()),
                            row.fitSeconds(),
                            row.note(),
                            mark.isEmpty() ? "" : "  " + mark));
        }
        if (outcome.mixture() != null) {
            text.append(
                    String.format(
                            Locale.ROOT,
                            "  The stream assigns each customer to the mixture's component of"
                                    + " highest posterior (%d components on %d principal axes).%n",
                            outcome.mixture().k(),
                            outcome.mixture().axesKept()));
        }
        return text.toString();
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.3f", value);
    }

    Retrainer.Settings fitSettings() {
        Retrainer.Settings fit;
        if (kRange != null) {
            String[] bounds = kRange.split("\\.\\.");
            if (bounds.length != 2) {
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "--k-range takes MIN..MAX, e.g. 3..10, not " + kRange);
            }
            fit =
                    Retrainer.Settings.kRange(
                            Integer.parseInt(bounds[0].trim()), Integer.parseInt(bounds[1].trim()));
        } else {
            fit = Retrainer.Settings.fixedK(k);
        }
        return fit.withRestarts(restarts)
                .withSampleSize(evaluationSample)
                .withSeed(seed)
                .withMaxIterations(maxIterations);
    }

    static String describe(Retrainer.Result result, double seconds) {
        SegmentModel model = result.model();
        ModelEvaluation evaluation = result.evaluation();
        StringBuilder text = new StringBuilder();
        text.append(
                String.format(
                        Locale.ROOT,
                        "Published model version %d: k=%d, %,d profiles, %.1f s%n",
                        model.version(),
                        model.k(),
                        evaluation.profiles(),
                        seconds));
        if (!evaluation.silhouetteByK().isEmpty()) {
            text.append("  silhouette by k:");
            evaluation
                    .silhouetteByK()
                    .forEach((k, s) -> text.append(String.format(Locale.ROOT, " %d=%.3f", k, s)));
            text.append('\n');
        }
        text.append(
                String.format(
                        Locale.ROOT,
                        "  inertia %.1f, silhouette %.3f, Davies-Bouldin %.3f, stability (ARI vs"
                                + " %s) %s%n",
                        evaluation.inertia(),
                        evaluation.silhouette(),
                        evaluation.daviesBouldin(),
                        evaluation.previousVersion() < 0
                                ? "no previous version"
                                : "version " + evaluation.previousVersion(),
                        Double.isNaN(evaluation.stability())
                                ? "n/a"
                                : String.format(Locale.ROOT, "%.3f", evaluation.stability())));
        long[] sizes = model.sizes();
        for (int c = 0; c < model.k(); c++) {
            text.append(
                    String.format(
                            Locale.ROOT,
                            "  segment %3d %-8s %8s  %s%n",
                            model.segmentId(c),
                            result.matching().continues(c) ? "kept" : "new",
                            sizes == null ? "" : String.format(Locale.ROOT, "%,d", sizes[c]),
                            model.segmentName(c)));
        }
        return text.toString();
    }
}
