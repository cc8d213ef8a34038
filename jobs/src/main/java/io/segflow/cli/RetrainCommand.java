package io.segflow.cli;

import io.segflow.infra.JdbcUrls;
import io.segflow.insight.InsightRun;
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
        PrintWriter out = spec.commandLine().getOut();
        out.println(
                "segflow retrain: reading customer_profile from "
                        + JdbcUrls.withoutParameters(addresses.database.jdbcUrl)
                        + " ...");
        out.flush();
        long started = System.nanoTime();
        Retrainer.Result result =
                new RetrainJob(settings, fit)
                        .run(StreamExecutionEnvironment.getExecutionEnvironment());
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
