package io.segflow.cli;

import io.segflow.infra.JdbcUrls;
import io.segflow.insight.Candidate;
import io.segflow.insight.InsightRun;
import io.segflow.insight.Propensity;
import io.segflow.insight.SegmentLabels;
import io.segflow.insight.SegmentProfiles;
import io.segflow.insight.SourceValue;
import io.segflow.model.ModelEvaluation;
import io.segflow.model.SegmentModel;
import io.segflow.pipeline.InsightJob;
import io.segflow.pipeline.JobSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The insight run: what the segments are, who has potential and why, what each source adds. */
@Command(
        name = "insight",
        mixinStandardHelpOptions = true,
        description = {
            "Explain the segments in use and score every customer's potential to convert, from"
                    + " customer_profile:",
            "segment profiles and quality, a calibrated propensity model chosen by"
                    + " cross-validation (logistic",
            "regression, random forest, boosted trees) with SHAP drivers, the target list, the"
                    + " value of each data",
            "source, and segment_label predicted for the unlabelled. Writes customer_score,"
                    + " segment_profile,",
            "segmentation_quality, propensity_model and data_source_value; `segflow targets`"
                    + " prints the list.",
            "Credentials from SEGFLOW_JDBC_USER, SEGFLOW_JDBC_PASSWORD."
        })
final class InsightCommand implements Callable<Integer> {

    @Mixin Database database;

    @Option(
            names = "--kafka",
            paramLabel = "SERVERS",
            description =
                    "Kafka bootstrap servers of the running streaming job: the run announces its"
                            + " propensity version on the models topic and the job scores every"
                            + " profile update with it from then on. Without it the job keeps"
                            + " the version it has.")
    String kafka;

    @Mixin KafkaClientOptions kafkaClient;

    @Option(
            names = "--folds",
            description =
                    "Stratified cross-validation folds; 0 chooses them by the customers"
                            + " cross-validated: 5, or 3 beyond 30,000 (each held-out fold then"
                            + " still holds 10,000). Default: ${DEFAULT-VALUE}.")
    int folds;

    @Option(
            names = "--fit-sample",
            paramLabel = "CUSTOMERS",
            description =
                    "Customers the candidates are cross-validated and fitted on (a seeded sample"
                            + " when there are more; everyone is scored). Default:"
                            + " ${DEFAULT-VALUE}.")
    int fitSample;

    @Option(
            names = "--source-value-sample",
            paramLabel = "CUSTOMERS",
            description =
                    "Customers the fits without each data source are made on. Default:"
                            + " ${DEFAULT-VALUE}.")
    int sourceValueSample;

    @Option(
            names = "--candidates",
            split = ",",
            paramLabel = "MODEL",
            description = "Propensity candidates: ${COMPLETION-CANDIDATES}. Default: all of them.")
    List<Candidate> candidates;

    @Option(
            names = "--holdout",
            paramLabel = "SHARE",
            description =
                    // picocli formats descriptions: a bare percent sign is a broken format
                    "Hold out this share of each segment as a control group (e.g. 10%% or 0.1),"
                            + " listed apart in target_list. Default: ${DEFAULT-VALUE}.")
    String holdout;

    @Option(
            names = "--include-converted",
            description =
                    "Rank customers known to have converted (converted_to_sale true) in this"
                            + " run's target_list too. By default the list holds only prospects"
                            + " (NULL) and customers known not to have converted (false).")
    boolean includeConverted;

    @Option(
            names = "--holdout-seed",
            description =
                    "Seed of the control group: the same seed holds out the same customers."
                            + " Default: ${DEFAULT-VALUE}.")
    long holdoutSeed;

    @Option(
            names = "--seed",
            description = "Random seed of the folds, samples and fits. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            defaultValue = ReportCommand.DEFAULT_FILE,
            description =
                    "Write the HTML report of this run here (as `segflow report` does);"
                            + " --no-report skips it. Default: ${DEFAULT-VALUE}.")
    Path report;

    @Option(names = "--no-report", description = "Write no HTML report after the run.")
    boolean noReport;

    @Mixin JobOptions job;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        JobSettings settings =
                database.applyTo(job.applyTo(JobSettings.defaults()), System.getenv());
        if (kafka != null) {
            settings =
                    settings.withKafkaBootstrapServers(kafka)
                            .withKafkaProperties(kafkaClient.properties(System.getenv()));
        }
        InsightRun.Settings insight = insightSettings();
        PrintWriter out = spec.commandLine().getOut();
        out.println(
                "segflow insight: reading customer_profile from "
                        + JdbcUrls.withoutParameters(database.jdbcUrl)
                        + " ...");
        out.flush();
        runAndPrint(
                settings,
                insight,
                JdbcUrls.withoutParameters(database.jdbcUrl),
                kafka != null,
                out);
        if (!noReport) {
            ReportCommand.writeAndPrint(settings, report, out);
        }
        return 0;
    }

    /** Runs the insight job, its progress and then its figures on {@code out}. */
    static InsightJob.Outcome runAndPrint(
            JobSettings settings,
            InsightRun.Settings insight,
            String database,
            boolean announce,
            PrintWriter out)
            throws Exception {
        long started = System.nanoTime();
        InsightJob.Outcome outcome =
                new InsightJob(settings, insight, announce)
                        .run(
                                StreamExecutionEnvironment.getExecutionEnvironment(),
                                step -> {
                                    out.printf(
                                            Locale.ROOT,
                                            "  [%6.1f s] %s%n",
                                            (System.nanoTime() - started) / 1e9,
                                            step);
                                    out.flush();
                                });
        out.print(describe(outcome, (System.nanoTime() - started) / 1e9));
        if (outcome.result().scorer().isPresent() && !outcome.announced()) {
            out.println(
                    "The running streaming job keeps its propensity version: run insight with"
                            + " --kafka SERVERS to have it score with this one.");
        }
        out.println(
                "The target list: segflow targets --jdbc-url "
                        + database
                        + " [--segment ID] [--top N] [--csv FILE]");
        out.flush();
        return outcome;
    }

    InsightRun.Settings insightSettings() {
        InsightRun.Settings defaults = InsightRun.Settings.defaults();
        return defaults.withCandidates(candidates == null ? defaults.candidates() : candidates)
                .withFolds(folds)
                .withFitSample(fitSample)
                .withSourceValueSample(sourceValueSample)
                .withHoldout(share(holdout), holdoutSeed)
                .withSeed(seed)
                .withIncludeConverted(includeConverted);
    }

    private double share(String text) {
        try {
            String trimmed = text.trim();
            double share =
                    trimmed.endsWith("%")
                            ? Double.parseDouble(trimmed.substring(0, trimmed.length() - 1)) / 100
                            : Double.parseDouble(trimmed);
            if (share < 0 || share >= 1) {
                throw new NumberFormatException();
            }
            return share;
        } catch (NumberFormatException e) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--holdout takes a share below 100%, e.g. 10% or 0.1, not " + text);
        }
    }

    static String describe(InsightJob.Outcome outcome, double seconds) {
        InsightRun.Result result = outcome.result();
        SegmentModel model = result.input().segmentation();
        StringBuilder text = new StringBuilder();
        text.append(
                String.format(
                        Locale.ROOT,
                        "%nInsight version %d: %,d customers, segment model version %d (k=%d),"
                                + " %.1f s%n",
                        result.version(),
                        result.input().customers().length,
                        model.version(),
                        model.k(),
                        seconds));

        SegmentProfiles.Result profiles = result.profiles();
        text.append(
                String.format(
                        Locale.ROOT,
                        "%nSegments (segment_profile), base conversion rate %s:%n",
                        percent(profiles.baseRate())));
        text.append(
                String.format(
                        Locale.ROOT,
                        "  %4s  %9s %6s  %10s %6s %9s  %s%n",
                        "id",
                        "customers",
                        "share",
                        "conversion",
                        "lift",
                        "potential",
                        "name; what sets it apart"));
        for (SegmentProfiles.Profile p : profiles.profiles()) {
            int index = model.indexOf(p.segmentId());
            String apart =
                    p.distinguishing().stream()
                            .map(
                                    d ->
                                            String.format(
                                                    Locale.ROOT,
                                                    "%s %+.1f sd",
                                                    d.feature(),
                                                    d.standardisedDifference()))
                            .collect(Collectors.joining(", "));
            text.append(
                    String.format(
                            Locale.ROOT,
                            "  %4d  %,9d %6s  %10s %6s %9s  %s; %s%n",
                            p.segmentId(),
                            p.size(),
                            percent(p.share()),
                            percent(p.conversionRate()),
                            Double.isFinite(p.lift())
                                    ? String.format(Locale.ROOT, "%.2fx", p.lift())
                                    : "n/a",
                            percent(p.meanPotential()),
                            index < 0 ? "" : model.segmentName(index),
                            apart));
        }
        ModelEvaluation quality = result.quality();
        text.append(
                String.format(
                        Locale.ROOT,
                        "%nSegmentation quality (segmentation_quality): silhouette %s,"
                                + " Davies-Bouldin %s, stability %s,%n  conversion lift %s"
                                + " (highest segment rate over lowest), segments explain %s of"
                                + " the conversion variance%n",
                        number(quality.silhouette()),
                        number(quality.daviesBouldin()),
                        quality.previousVersion() < 0
                                ? "n/a (no previous version)"
                                : "ARI "
                                        + number(quality.stability())
                                        + " against version "
                                        + quality.previousVersion(),
                        conversionLift(profiles),
                        percent(profiles.conversionVarianceExplained())));

        text.append(
                String.format(
                        Locale.ROOT,
                        "%nPropensity of %s (propensity_model): %s%n",
                        InsightRun.OUTCOME,
                        result.propensityStatus()));
        long[] outcomes = result.outcomeCounts();
        text.append(
                String.format(
                        Locale.ROOT,
                        "  outcomes: %,d converted, %,d known not converted, %,d unknown (NULL:"
                                + " left out of the fit and of every rate, still scored)%n",
                        outcomes[0],
                        outcomes[1],
                        outcomes[2]));
        if (result.propensity().isPresent()) {
            Propensity.Result fitted = result.propensity().get();
            text.append(
                    String.format(
                            Locale.ROOT,
                            "  %-24s %6s %9s %16s%n",
                            "candidate",
                            "AUC",
                            "log loss",
                            "top-decile lift"));
            for (Propensity.CandidateResult c : fitted.candidates()) {
                text.append(
                        String.format(
                                Locale.ROOT,
                                "  %-24s %6.3f %9.3f %15.2fx%s%n",
                                c.candidate().title(),
                                c.auc(),
                                c.logLoss(),
                                c.liftInTopDecile(),
                                c.candidate() == fitted.chosen() ? "  <- chosen" : ""));
            }
            text.append(
                    String.format(
                            Locale.ROOT,
                            "  calibration error on held-out folds %.3f; fitted on %,d customers of"
                                    + " known outcome%n",
                            fitted.calibrationError(),
                            fitted.positives() + fitted.negatives()));
            text.append(
                    "  what drives potential (mean |SHAP| on the log-odds): "
                            + result.globalDrivers().stream()
                                    .limit(5)
                                    .map(
                                            d ->
                                                    String.format(
                                                            Locale.ROOT,
                                                            "%s %.3f",
                                                            d.feature(),
                                                            d.contribution()))
                                    .collect(Collectors.joining(", "))
                            + "\n");
            text.append(
                    String.format(
                            Locale.ROOT,
                            "  customer_score: %,d customers scored%n",
                            outcome.scored()));
        }

        text.append(
                String.format(Locale.ROOT, "%nValue of each data source (data_source_value):%n"));
        text.append(
                String.format(
                        Locale.ROOT,
                        "  %-10s %8s %12s %9s %14s %18s%n",
                        "source",
                        "features",
                        "AUC without",
                        "AUC loss",
                        "segments ARI",
                        "silhouette change"));
        for (SourceValue.Value v : result.sourceValues()) {
            text.append(
                    String.format(
                            Locale.ROOT,
                            "  %-10s %8d %12s %9s %14s %18s%n",
                            v.source(),
                            v.features().size(),
                            number(v.aucWithout()),
                            signed(v.aucLoss()),
                            number(v.segmentationAri()),
                            signed(v.silhouetteChange())));
        }
        text.append(String.format(Locale.ROOT, "%nSegment labels: %s%n", result.labelStatus()));
        result.labels().ifPresent(labels -> text.append(labelCandidates(labels)));
        if (!result.stepFailures().isEmpty()) {
            text.append(
                    String.format(
                            Locale.ROOT,
                            "%nSteps that failed and were left out (propensity_model.step_failures;"
                                    + " every other table is written):%n"));
            result.stepFailures()
                    .forEach(
                            failure ->
                                    text.append("  ")
                                            .append(failure.step())
                                            .append(": ")
                                            .append(failure.reason())
                                            .append(System.lineSeparator()));
        }
        text.append(
                String.format(
                        Locale.ROOT,
                        "%nSteps: %s%n",
                        result.stepSeconds().entrySet().stream()
                                .filter(e -> e.getValue() >= 0.5)
                                .map(
                                        e ->
                                                String.format(
                                                        Locale.ROOT,
                                                        "%s %.1f s",
                                                        e.getKey(),
                                                        e.getValue()))
                                .collect(Collectors.joining("; "))));
        return text.toString();
    }

    private static String conversionLift(SegmentProfiles.Result profiles) {
        if (Double.isFinite(profiles.conversionLift())) {
            return String.format(Locale.ROOT, "%.2fx", profiles.conversionLift());
        }
        return profiles.profiles().stream()
                .filter(p -> p.conversionRate() == 0)
                .findFirst()
                .map(p -> "n/a (segment " + p.segmentId() + " converts nobody)")
                .orElse("n/a");
    }

    private static String percent(double share) {
        return Double.isFinite(share) ? String.format(Locale.ROOT, "%.1f%%", 100 * share) : "n/a";
    }

    private static String number(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%.3f", value) : "n/a";
    }

    private static String signed(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%+.3f", value) : "n/a";
    }

    /** Every label candidate's cross-validated figures, and how the label drivers were made. */
    private static String labelCandidates(SegmentLabels.Result labels) {
        StringBuilder text = new StringBuilder();
        text.append(
                String.format(
                        Locale.ROOT, "  %-24s %9s %9s%n", "candidate", "accuracy", "macro F1"));
        for (SegmentLabels.CandidateResult c : labels.candidates()) {
            text.append(
                    String.format(
                            Locale.ROOT,
                            "  %-24s %9.3f %9.3f%s%n",
                            c.candidate().title(),
                            c.accuracy(),
                            c.macroF1(),
                            c.candidate() == labels.chosen() ? "  <- chosen" : ""));
        }
        text.append("  label drivers: ").append(labels.explained()).append('\n');
        return text.toString();
    }
}
