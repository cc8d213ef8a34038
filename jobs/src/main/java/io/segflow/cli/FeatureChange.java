package io.segflow.cli;

import io.segflow.infra.JdbcUrls;
import io.segflow.model.FeatureMismatchException;
import io.segflow.pipeline.JobSettings;
import io.segflow.registry.PublishedFeatures;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQL's features against the newest published models: what `run`, `backfill` and `validate`
 * tell a user whose feature change would otherwise leave the published segment model and propensity
 * version behind (the running job only logs that it ignores them). Plain Java: the reading is
 * {@link PublishedFeatures}', the words of a difference {@link
 * FeatureMismatchException#describe}'s.
 */
final class FeatureChange {

    /** Who asks: what the notice says the job does depends on it. */
    enum Moment {
        RUN,
        /** a run that resumes from a checkpoint */
        RUN_RESUMING,
        BACKFILL,
        VALIDATE
    }

    private static final String WHOSE = "the SQL";

    private final List<String> sqlFeatures;
    private final Optional<PublishedFeatures.Version> segments;
    private final Optional<PublishedFeatures.Version> propensity;

    FeatureChange(
            List<String> sqlFeatures,
            Optional<PublishedFeatures.Version> segments,
            Optional<PublishedFeatures.Version> propensity) {
        this.sqlFeatures = List.copyOf(sqlFeatures);
        this.segments = segments;
        this.propensity = propensity;
    }

    /** The newest published versions of the settings' database; throws when it cannot be read. */
    static FeatureChange read(JobSettings settings, List<String> sqlFeatures) {
        return new FeatureChange(
                sqlFeatures,
                PublishedFeatures.latestSegmentModel(
                        settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword()),
                PublishedFeatures.latestPropensityModel(
                        settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword()));
    }

    /**
     * The look of `run` and `backfill` before they start: one block on {@code console} when the
     * features differ, nothing when they match or nothing was published, one line when the database
     * cannot be read (the start goes on: the job says why when it needs the database).
     */
    static void warnAtStart(
            JobSettings settings, List<String> sqlFeatures, Moment moment, PrintWriter console) {
        FeatureChange change;
        try {
            change = read(settings, sqlFeatures);
        } catch (RuntimeException unreadable) {
            console.println(
                    "segflow: could not compare the SQL's features with the published models: "
                            + unreadable.getMessage());
            console.flush();
            return;
        }
        change.notice(moment, Commands.of(settings, settings.kafkaBootstrapServers()))
                .forEach(line -> console.println("segflow: " + line));
        console.flush();
    }

    Optional<String> segmentDifference() {
        return segments.flatMap(
                v ->
                        FeatureMismatchException.describe(
                                v.model(), v.features(), sqlFeatures, WHOSE));
    }

    Optional<String> propensityDifference() {
        return propensity.flatMap(
                v ->
                        FeatureMismatchException.describe(
                                v.model(), v.features(), sqlFeatures, WHOSE));
    }

    boolean differs() {
        return segmentDifference().isPresent() || propensityDifference().isPresent();
    }

    /** What validate says when the features fit, or nothing was published. */
    String agreement() {
        if (segments.isEmpty() && propensity.isEmpty()) {
            return "No model is published there yet: nothing to compare.";
        }
        List<String> versions = new ArrayList<>();
        segments.ifPresent(v -> versions.add(v.model()));
        propensity.ifPresent(v -> versions.add(v.model()));
        return "The latest published models ("
                + String.join(", ", versions)
                + ") were trained on these features.";
    }

    /** The block that says what differs, what the job does about it and what to run; or none. */
    List<String> notice(Moment moment, Commands commands) {
        Optional<String> segmentDifference = segmentDifference();
        Optional<String> propensityDifference = propensityDifference();
        if (segmentDifference.isEmpty() && propensityDifference.isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        String rule = "-".repeat(30);
        lines.add(rule + " FEATURES CHANGED " + rule);
        lines.add(
                "The SQL's model features differ from the latest published models in "
                        + commands.database()
                        + ":");
        segmentDifference.ifPresent(d -> lines.add("segments: " + d));
        propensityDifference.ifPresent(d -> lines.add("potential scores: " + d));

        String who =
                switch (moment) {
                    case RUN, RUN_RESUMING -> "This run";
                    case BACKFILL -> "This backfill";
                    case VALIDATE -> "Deployed as it is, the job (run or backfill)";
                };
        segmentDifference.ifPresent(
                d -> {
                    String version = segments.orElseThrow().model();
                    lines.add(
                            who
                                    + " does not take "
                                    + version
                                    + " (nor any version of other features on the models"
                                    + " topic): its trainer starts a new model on the SQL's"
                                    + " features from the customers it reads and publishes it;"
                                    + " its segments do not continue those of "
                                    + version
                                    + ".");
                });
        propensityDifference.ifPresent(
                d ->
                        lines.add(
                                who
                                        + " does not load "
                                        + propensity.orElseThrow().model()
                                        + ": the potential scores stop. customer_score keeps"
                                        + " the potentials the last insight run wrote, and no"
                                        + " profile update changes them until a propensity"
                                        + " version of these features is published."));

        String when =
                switch (moment) {
                    case RUN, RUN_RESUMING ->
                            "once customer_profile holds the new features (after the start: when"
                                    + " this run has read the topics; before it: a `segflow"
                                    + " backfill` with this run's options rewrites every profile)";
                    case BACKFILL -> "after this backfill";
                    case VALIDATE ->
                            "once customer_profile holds the new features (a `segflow backfill`"
                                    + " before the start, or the job after a start with --fresh)";
                };
        if (segmentDifference.isPresent()) {
            lines.add(
                    "What to run, "
                            + when
                            + ": a full fit of the segments on them, which then runs insight on"
                            + " the new model and publishes its propensity version; a running"
                            + " job takes both without a restart:");
            lines.add("  " + commands.retrain());
        } else {
            lines.add(
                    "What to run, "
                            + when
                            + ": insight on the segment model in use, which publishes a"
                            + " propensity version of these features; a running job takes it"
                            + " without a restart:");
            lines.add("  " + commands.insight());
        }
        if (moment == Moment.RUN_RESUMING) {
            lines.add(
                    "This run resumes from a checkpoint: one taken with the old features does not"
                            + " fit the new ones; stop it and start with --fresh.");
        } else if (moment == Moment.VALIDATE) {
            lines.add(
                    "A checkpoint taken with the old features does not fit the new ones: start"
                            + " the job with --fresh.");
        }
        lines.add("-".repeat(lines.get(0).length()));
        return lines;
    }

    /** The commands a user copies: this job's database, broker, SQL and models topic. */
    record Commands(String database, String kafka, String sqlDirectory, String modelsTopic) {

        /**
         * @param kafka the broker, or a placeholder when the command does not know it
         */
        static Commands of(JobSettings settings, String kafka) {
            String defaultTopic = JobSettings.defaults().modelsTopic();
            return new Commands(
                    JdbcUrls.withoutParameters(settings.jdbcUrl()),
                    kafka,
                    settings.sqlDirectory() == null ? null : settings.sqlDirectory().toString(),
                    defaultTopic.equals(settings.modelsTopic()) ? null : settings.modelsTopic());
        }

        String retrain() {
            return command("retrain");
        }

        String insight() {
            return command("insight");
        }

        private String command(String name) {
            StringBuilder command =
                    new StringBuilder("segflow ")
                            .append(name)
                            .append(" --kafka ")
                            .append(kafka)
                            .append(" --jdbc-url ")
                            .append(database);
            if (sqlDirectory != null) {
                command.append(" --sql-dir ").append(sqlDirectory);
            }
            if (modelsTopic != null) {
                command.append(" --topic-models ").append(modelsTopic);
            }
            return command.toString();
        }
    }
}
