package io.segflow.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the report shows, read from the tables `segflow insight` writes (docs/insight.md) into plain
 * records: the latest insight run and the segment model it profiled, and the history of segment
 * model versions. Every SQL statement of the report is in this class. Nullable figures are boxed:
 * NULL in the table stays null here and in the page's JSON.
 *
 * @param insight the latest insight run; null when there is none yet (then every list is empty)
 * @param stepFailures the steps the latest run left out because they failed
 *     (propensity_model.step_failures)
 * @param lifecycles segment changes, paths and statuses, written by the stream (with or without an
 *     insight run)
 * @param methodChoice the latest `segflow retrain --compare`, or null when none ran
 */
public record ReportData(
        String database,
        String generatedAt,
        Insight insight,
        List<Segment> segments,
        Heatmap profileHeatmap,
        List<Driver> globalDrivers,
        Heatmap segmentDrivers,
        List<RocPoint> rocCurve,
        List<GainsPoint> liftCurve,
        List<CalibrationBin> calibrationCurve,
        List<SegmentTargets> targets,
        List<SourceValue> sources,
        List<ModelVersion> history,
        List<StepFailure> stepFailures,
        Lifecycles lifecycles,
        MethodChoice methodChoice,
        List<DriftCheck> drift) {

    /** Customers listed per segment in the head of the target list. */
    public static final int TARGETS_PER_SEGMENT = 10;

    /** Segment model versions shown in the history: the latest ones. */
    public static final int HISTORY_VERSIONS = 60;

    /** The latest row of propensity_model. */
    public record Insight(
            long version,
            String createdAt,
            long segmentModelVersion,
            String outcome,
            String status,
            String chosen,
            Double auc,
            Double logLoss,
            Double liftTopDecile,
            Double calibrationError,
            Long customers,
            Long positives,
            Long negatives,
            Double holdoutShare,
            Double baseConversionRate,
            Double silhouette) {

        /** Whether the run scored customers (it refuses with too few outcomes of either kind). */
        public boolean scored() {
            return chosen != null;
        }
    }

    /** A step the insight run could not do, and why (propensity_model.step_failures). */
    public record StepFailure(String step, String reason) {}

    /** A signed or absolute SHAP contribution of one feature. */
    public record Driver(String feature, double contribution) {}

    /** A feature that sets a segment apart, in population standard deviations from the mean. */
    public record Distinction(String feature, double standardDeviations) {}

    /** One row of segment_profile. */
    public record Segment(
            int id,
            String name,
            long size,
            Double share,
            Double conversionRate,
            Double lift,
            Double meanPotential,
            List<Distinction> distinguishing,
            List<Driver> membershipDrivers) {

        /** "3 · name" where the model named the segment, else "segment 3". */
        @JsonProperty("label")
        public String label() {
            return name == null || name.isBlank() ? "segment " + id : id + " · " + name;
        }
    }

    /** A grid of values by row and column label (null where unknown). */
    public record Heatmap(List<String> rows, List<String> columns, List<List<Double>> values) {}

    public record RocPoint(double falsePositiveRate, double truePositiveRate) {}

    public record GainsPoint(double share, double capturedPositives, double lift) {}

    public record CalibrationBin(
            double lower,
            double upper,
            long customers,
            Double meanPredicted,
            Double observedRate) {}

    /** One customer at the head of a segment's target list. */
    public record Target(
            long rank,
            long customerId,
            double potential,
            Double percentile,
            Double expectedConversions,
            List<Driver> drivers) {}

    /** The head of one segment's target list, and how many targets and controls it has. */
    public record SegmentTargets(
            int segmentId, String label, long targets, long controls, List<Target> head) {}

    /** One row of data_source_value. */
    public record SourceValue(
            String source,
            List<String> features,
            Double auc,
            Double aucWithout,
            Double aucLoss,
            Double segmentationAri,
            Double silhouette,
            Double silhouetteWithout,
            Double silhouetteLoss) {}

    /**
     * A segment model version: its customers per segment id (as the trainer measured them), where
     * an insight run measured it its stability against the version before, and for a streamed
     * version its inertia per customer and that of the batch fit with restarts it was compared with
     * (metrics inertia_per_customer, batch_inertia_per_customer; null when not recorded).
     */
    public record ModelVersion(
            long version,
            String createdAt,
            String trainedBy,
            int k,
            Map<String, Long> sizes,
            Double stabilityAri,
            Long stabilityAgainstVersion,
            Double silhouette,
            Double inertiaPerCustomer,
            Double batchInertiaPerCustomer) {}

    /**
     * One segment's row of segment_drift (docs/drift.md): its share of recent profile updates and
     * their mean distance against the baseline after the last batch-trained model.
     */
    public record DriftCheck(
            int segmentId,
            long updates,
            String detectedAt,
            Double share,
            Double baselineShare,
            Double meanDistance,
            Double baselineMeanDistance,
            Double stabilityIndex,
            boolean drifted,
            String action) {}

    /** Drift checks shown: the latest ones of the current baseline. */
    public static final int DRIFT_CHECKS = 2_000;

    /** The latest check's drifted segments: what to act on now. */
    public List<DriftCheck> latestDriftFlags() {
        if (drift.isEmpty()) {
            return List.of();
        }
        long last = drift.get(drift.size() - 1).updates();
        return drift.stream().filter(d -> d.updates() == last && d.drifted()).toList();
    }

    public boolean hasInsight() {
        return insight != null;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final DateTimeFormatter MINUTES =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    /** PostgreSQL's "no such table": a database the job or insight never wrote to. */
    private static final String UNDEFINED_TABLE = "42P01";

    // the columns by name: propensity_model also holds the published scorer, up to a megabyte
    private static final String LATEST_INSIGHT =
            "SELECT p.model_version, p.created_at, p.segment_model_version, p.outcome, p.status,"
                    + " p.chosen, p.auc, p.log_loss, p.lift_top_decile, p.calibration_error,"
                    + " p.customers, p.positives, p.negatives, p.holdout_share,"
                    + " q.base_conversion_rate, q.silhouette AS segment_silhouette"
                    + " FROM propensity_model p LEFT JOIN segmentation_quality q"
                    + " ON q.model_version = p.segment_model_version"
                    + " ORDER BY p.model_version DESC LIMIT 1";

    private static final String SEGMENT_PROFILES =
            "SELECT segment_id, segment_name, size, share, conversion_rate, lift, mean_potential,"
                    + " centroid, distinguishing_features, membership_drivers"
                    + " FROM segment_profile WHERE model_version = ? ORDER BY segment_id";

    private static final String MODEL_SCALING =
            "SELECT features, scaling FROM segment_model WHERE model_version = ?";

    private static final String TARGET_LIST_HEAD =
            "SELECT segment_id, rank_in_segment, customer_id, potential_score, percentile,"
                    + " expected_conversions_in_segment, top_drivers FROM target_list"
                    + " WHERE model_version = ? AND NOT control_group AND rank_in_segment <= ?"
                    + " ORDER BY segment_id, rank_in_segment";

    private static final String TARGET_COUNTS =
            "SELECT segment_id, count(*) FILTER (WHERE NOT control_group) AS targets,"
                    + " count(*) FILTER (WHERE control_group) AS controls FROM customer_score"
                    + " WHERE model_version = ? GROUP BY segment_id";

    private static final String SOURCE_VALUES =
            "SELECT * FROM data_source_value WHERE model_version = ?"
                    + " ORDER BY propensity_auc_loss DESC NULLS LAST, source";

    private static final String MODEL_HISTORY =
            "SELECT m.model_version, m.created_at, m.trained_by, m.k, m.sizes, m.counts,"
                    + " m.centroids, m.metrics, q.stability_ari, q.stability_against_version,"
                    + " q.silhouette FROM segment_model m LEFT JOIN segmentation_quality q ON"
                    + " q.model_version = m.model_version ORDER BY m.model_version DESC LIMIT ?";

    // the checks of the latest baseline, oldest first
    private static final String DRIFT =
            "SELECT segment_id, updates, detected_at, share, baseline_share, mean_distance,"
                + " baseline_mean_distance, stability_index, drifted, action FROM (SELECT * FROM"
                + " segment_drift WHERE baseline_version = (SELECT baseline_version FROM"
                + " segment_drift ORDER BY detected_at DESC LIMIT 1) ORDER BY updates DESC,"
                + " segment_id LIMIT ?) latest ORDER BY updates, segment_id";

    /** Reads the latest insight run; a database without one gives {@link #hasInsight()} false. */
    public static ReportData read(Connection connection, String database, LocalDateTime now)
            throws SQLException {
        String generatedAt = MINUTES.format(now) + " UTC";
        Insight insight;
        try {
            insight = latestInsight(connection);
        } catch (SQLException e) {
            if (!UNDEFINED_TABLE.equals(e.getSQLState())) {
                throw e;
            }
            insight = null;
        }
        if (insight == null) {
            return new ReportData(
                    database,
                    generatedAt,
                    null,
                    List.of(),
                    null,
                    List.of(),
                    null,
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(),
                    lifecycles(connection),
                    methodChoice(connection),
                    List.of());
        }
        Curves curves = curves(connection, insight.version());
        List<Profile> profiles = profiles(connection, insight.segmentModelVersion());
        List<Segment> segments = profiles.stream().map(Profile::segment).toList();
        return new ReportData(
                database,
                generatedAt,
                insight,
                segments,
                profileHeatmap(connection, insight.segmentModelVersion(), profiles),
                curves.globalDrivers,
                driverHeatmap(segments),
                curves.roc,
                curves.lift,
                curves.calibration,
                insight.scored() ? targets(connection, insight.version(), segments) : List.of(),
                sources(connection, insight.version()),
                history(connection),
                curves.stepFailures,
                lifecycles(connection),
                methodChoice(connection),
                drift(connection));
    }

    /**
     * The latest `segflow retrain --compare`: every method measured on one sample of profiles (in
     * the order it printed them), what its rule chose and what it published.
     */
    public record MethodChoice(
            long version, String createdAt, String chosen, String published, List<Method> rows) {}

    /** One method of a comparison, as `segflow retrain --compare` printed it. */
    public record Method(
            String method,
            Integer k,
            Double silhouette,
            Double daviesBouldin,
            Double stabilityAri,
            Double conversionLift,
            Double conversionVarianceExplained,
            Double fitSeconds,
            String note) {}

    private static final String LATEST_COMPARISON =
            "SELECT model_version, created_at, metrics FROM segment_model WHERE metrics LIKE"
                    + " '%\"comparison\"%' ORDER BY model_version DESC LIMIT 1";

    private static MethodChoice methodChoice(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(LATEST_COMPARISON);
                ResultSet rs = statement.executeQuery()) {
            return rs.next() ? methodChoice(rs) : null;
        } catch (SQLException e) {
            if (!UNDEFINED_TABLE.equals(e.getSQLState())) {
                throw e;
            }
            return null; // a database no job has written to yet
        }
    }

    private static MethodChoice methodChoice(ResultSet rs) throws SQLException {
        JsonNode comparison = json(rs.getString("metrics")).path("comparison");
        List<Method> rows = new ArrayList<>();
        for (JsonNode row : comparison.path("rows")) {
            rows.add(
                    new Method(
                            row.path("method").asText(),
                            row.hasNonNull("k") ? row.get("k").asInt() : null,
                            nullableDouble(row.get("silhouette")),
                            nullableDouble(row.get("davies_bouldin")),
                            nullableDouble(row.get("stability_ari")),
                            nullableDouble(row.get("conversion_lift")),
                            nullableDouble(row.get("conversion_variance_explained")),
                            nullableDouble(row.get("fit_seconds")),
                            row.hasNonNull("note") ? row.get("note").asText() : null));
        }
        return new MethodChoice(
                rs.getLong("model_version"),
                minutes(rs.getTimestamp("created_at")),
                comparison.path("chosen").asText(null),
                comparison.path("published").asText(null),
                rows);
    }

    private static Lifecycles lifecycles(Connection connection) throws SQLException {
        try {
            return Lifecycles.read(connection);
        } catch (SQLException e) {
            if (!UNDEFINED_TABLE.equals(e.getSQLState())) {
                throw e;
            }
            return Lifecycles.none();
        }
    }

    private static Insight latestInsight(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(LATEST_INSIGHT);
                ResultSet rs = statement.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            return new Insight(
                    rs.getLong("model_version"),
                    minutes(rs.getTimestamp("created_at")),
                    rs.getLong("segment_model_version"),
                    rs.getString("outcome"),
                    rs.getString("status"),
                    rs.getString("chosen"),
                    number(rs, "auc"),
                    number(rs, "log_loss"),
                    number(rs, "lift_top_decile"),
                    number(rs, "calibration_error"),
                    count(rs, "customers"),
                    count(rs, "positives"),
                    count(rs, "negatives"),
                    number(rs, "holdout_share"),
                    number(rs, "base_conversion_rate"),
                    number(rs, "segment_silhouette"));
        }
    }

    private record Curves(
            List<Driver> globalDrivers,
            List<RocPoint> roc,
            List<GainsPoint> lift,
            List<CalibrationBin> calibration,
            List<StepFailure> stepFailures) {}

    /**
     * The JSON columns of the latest propensity_model row, as one JSON object without the scorer: a
     * table an older segflow made may lack the curve or step_failures columns, which then read as
     * empty.
     */
    private static Curves curves(Connection connection, long version) throws SQLException {
        try (PreparedStatement statement =
                connection.prepareStatement(
                        "SELECT to_jsonb(p) - 'scorer' FROM propensity_model p WHERE"
                                + " model_version = ?")) {
            statement.setLong(1, version);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                JsonNode row = json(rs.getString(1));
                List<RocPoint> roc = new ArrayList<>();
                for (JsonNode p : json(row.path("roc_curve").asText(null))) {
                    roc.add(
                            new RocPoint(
                                    p.path("false_positive_rate").asDouble(),
                                    p.path("true_positive_rate").asDouble()));
                }
                List<GainsPoint> lift = new ArrayList<>();
                for (JsonNode p : json(row.path("lift_curve").asText(null))) {
                    lift.add(
                            new GainsPoint(
                                    p.path("share").asDouble(),
                                    p.path("captured_positives").asDouble(),
                                    p.path("lift").asDouble()));
                }
                List<CalibrationBin> calibration = new ArrayList<>();
                for (JsonNode b : json(row.path("calibration_curve").asText(null))) {
                    calibration.add(
                            new CalibrationBin(
                                    b.path("lower").asDouble(),
                                    b.path("upper").asDouble(),
                                    b.path("customers").asLong(),
                                    nullableDouble(b.get("mean_predicted")),
                                    nullableDouble(b.get("observed_rate"))));
                }
                List<StepFailure> failures = new ArrayList<>();
                for (JsonNode f : json(row.path("step_failures").asText(null))) {
                    failures.add(
                            new StepFailure(f.path("step").asText(), f.path("reason").asText()));
                }
                return new Curves(
                        drivers(row.path("global_drivers").asText(null)),
                        roc,
                        lift,
                        calibration,
                        failures);
            }
        }
    }

    /** A segment with its centroid in feature units, for the heatmap. */
    private record Profile(Segment segment, Map<String, Double> centroid) {}

    private static List<Profile> profiles(Connection connection, long segmentModelVersion)
            throws SQLException {
        List<Profile> profiles = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(SEGMENT_PROFILES)) {
            statement.setLong(1, segmentModelVersion);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    List<Distinction> distinguishing = new ArrayList<>();
                    for (JsonNode d : json(rs.getString("distinguishing_features"))) {
                        distinguishing.add(
                                new Distinction(
                                        d.path("feature").asText(),
                                        d.path("standardised_difference").asDouble()));
                    }
                    Map<String, Double> centroid = new LinkedHashMap<>();
                    json(rs.getString("centroid"))
                            .fields()
                            .forEachRemaining(
                                    e -> centroid.put(e.getKey(), nullableDouble(e.getValue())));
                    Segment segment =
                            new Segment(
                                    rs.getInt("segment_id"),
                                    rs.getString("segment_name"),
                                    rs.getLong("size"),
                                    number(rs, "share"),
                                    number(rs, "conversion_rate"),
                                    number(rs, "lift"),
                                    number(rs, "mean_potential"),
                                    distinguishing,
                                    drivers(rs.getString("membership_drivers")));
                    profiles.add(new Profile(segment, centroid));
                }
            }
        }
        return profiles;
    }

    /**
     * Each segment's centre against the average customer, feature by feature, in the standard
     * deviations the segment model measures distance in (segment_model.scaling); without the
     * model's row only the distinguishing features of segment_profile are known.
     */
    private static Heatmap profileHeatmap(
            Connection connection, long segmentModelVersion, List<Profile> profiles)
            throws SQLException {
        if (profiles.isEmpty()) {
            return null;
        }
        List<String> features = new ArrayList<>();
        Map<String, double[]> meanAndSd = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(MODEL_SCALING)) {
            statement.setLong(1, segmentModelVersion);
            try (ResultSet rs = statement.executeQuery()) {
                if (rs.next()) {
                    JsonNode names = json(rs.getString("features"));
                    JsonNode scaling = json(rs.getString("scaling"));
                    for (int j = 0; j < names.size(); j++) {
                        String feature = names.get(j).asText();
                        features.add(feature);
                        meanAndSd.put(
                                feature,
                                new double[] {
                                    scaling.path("mean").path(j).asDouble(),
                                    scaling.path("std_dev").path(j).asDouble()
                                });
                    }
                }
            }
        }
        if (features.isEmpty()) {
            Set<String> distinguishing = new LinkedHashSet<>();
            profiles.forEach(
                    p ->
                            p.segment()
                                    .distinguishing()
                                    .forEach(d -> distinguishing.add(d.feature())));
            features.addAll(distinguishing);
        }
        List<List<Double>> values = new ArrayList<>();
        for (Profile profile : profiles) {
            List<Double> row = new ArrayList<>();
            for (String feature : features) {
                row.add(standardDeviations(profile, feature, meanAndSd.get(feature)));
            }
            values.add(row);
        }
        return new Heatmap(
                profiles.stream().map(p -> p.segment().label()).toList(), features, values);
    }

    private static Double standardDeviations(Profile profile, String feature, double[] meanAndSd) {
        if (meanAndSd != null && meanAndSd[1] > 0) {
            Double value = profile.centroid().get(feature);
            return value == null ? null : round((value - meanAndSd[0]) / meanAndSd[1]);
        }
        return profile.segment().distinguishing().stream()
                .filter(d -> d.feature().equals(feature))
                .map(d -> round(d.standardDeviations()))
                .findFirst()
                .orElse(null);
    }

    /** Mean |SHAP| of each feature on membership of each segment; features by their total. */
    private static Heatmap driverHeatmap(List<Segment> segments) {
        Map<String, Double> total = new LinkedHashMap<>();
        for (Segment segment : segments) {
            for (Driver driver : segment.membershipDrivers()) {
                total.merge(driver.feature(), Math.abs(driver.contribution()), Double::sum);
            }
        }
        if (total.isEmpty()) {
            return null;
        }
        List<String> features = new ArrayList<>(total.keySet());
        features.sort(Comparator.comparingDouble((String f) -> total.get(f)).reversed());
        List<List<Double>> values = new ArrayList<>();
        for (Segment segment : segments) {
            Map<String, Double> byFeature = new LinkedHashMap<>();
            segment.membershipDrivers()
                    .forEach(d -> byFeature.put(d.feature(), round(Math.abs(d.contribution()))));
            values.add(features.stream().map(byFeature::get).toList());
        }
        return new Heatmap(segments.stream().map(Segment::label).toList(), features, values);
    }

    private static List<SegmentTargets> targets(
            Connection connection, long version, List<Segment> segments) throws SQLException {
        Map<Integer, long[]> counts = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(TARGET_COUNTS)) {
            statement.setLong(1, version);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    counts.put(
                            rs.getInt("segment_id"),
                            new long[] {rs.getLong("targets"), rs.getLong("controls")});
                }
            }
        }
        Map<Integer, List<Target>> heads = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(TARGET_LIST_HEAD)) {
            statement.setLong(1, version);
            statement.setInt(2, TARGETS_PER_SEGMENT);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    heads.computeIfAbsent(rs.getInt("segment_id"), id -> new ArrayList<>())
                            .add(
                                    new Target(
                                            rs.getLong("rank_in_segment"),
                                            rs.getLong("customer_id"),
                                            rs.getDouble("potential_score"),
                                            number(rs, "percentile"),
                                            number(rs, "expected_conversions_in_segment"),
                                            drivers(rs.getString("top_drivers"))));
                }
            }
        }
        List<SegmentTargets> targets = new ArrayList<>();
        Set<Integer> listed = new HashSet<>();
        for (Segment segment : segments) {
            long[] count = counts.getOrDefault(segment.id(), new long[2]);
            targets.add(
                    new SegmentTargets(
                            segment.id(),
                            segment.label(),
                            count[0],
                            count[1],
                            heads.getOrDefault(segment.id(), List.of())));
            listed.add(segment.id());
        }
        // customers scored into a segment the profile does not know (it should not happen)
        for (Map.Entry<Integer, List<Target>> head : heads.entrySet()) {
            if (!listed.contains(head.getKey())) {
                long[] count = counts.getOrDefault(head.getKey(), new long[2]);
                targets.add(
                        new SegmentTargets(
                                head.getKey(),
                                "segment " + head.getKey(),
                                count[0],
                                count[1],
                                head.getValue()));
            }
        }
        return targets;
    }

    private static List<SourceValue> sources(Connection connection, long version)
            throws SQLException {
        List<SourceValue> sources = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(SOURCE_VALUES)) {
            statement.setLong(1, version);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    List<String> features = new ArrayList<>();
                    json(rs.getString("features")).forEach(f -> features.add(f.asText()));
                    sources.add(
                            new SourceValue(
                                    rs.getString("source"),
                                    features,
                                    number(rs, "auc"),
                                    number(rs, "auc_without"),
                                    number(rs, "propensity_auc_loss"),
                                    number(rs, "segmentation_ari"),
                                    number(rs, "silhouette"),
                                    number(rs, "silhouette_without"),
                                    number(rs, "segmentation_quality_loss")));
                }
            }
        }
        return sources;
    }

    private static List<DriftCheck> drift(Connection connection) throws SQLException {
        List<DriftCheck> checks = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(DRIFT)) {
            statement.setInt(1, DRIFT_CHECKS);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    checks.add(
                            new DriftCheck(
                                    rs.getInt("segment_id"),
                                    rs.getLong("updates"),
                                    seconds(rs.getTimestamp("detected_at")),
                                    number(rs, "share"),
                                    number(rs, "baseline_share"),
                                    number(rs, "mean_distance"),
                                    number(rs, "baseline_mean_distance"),
                                    number(rs, "stability_index"),
                                    rs.getBoolean("drifted"),
                                    rs.getString("action")));
                }
            }
        } catch (SQLException e) {
            // a database from before drift was watched has no segment_drift table
            if (!UNDEFINED_TABLE.equals(e.getSQLState())) {
                throw e;
            }
        }
        return checks;
    }

    private static String seconds(Timestamp at) {
        return at == null
                ? null
                : DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
                        .format(at.toLocalDateTime());
    }

    private static List<ModelVersion> history(Connection connection) throws SQLException {
        List<ModelVersion> history = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(MODEL_HISTORY)) {
            statement.setInt(1, HISTORY_VERSIONS);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    JsonNode metrics = json(rs.getString("metrics"));
                    history.add(
                            new ModelVersion(
                                    rs.getLong("model_version"),
                                    minutes(rs.getTimestamp("created_at")),
                                    rs.getString("trained_by"),
                                    rs.getInt("k"),
                                    sizes(
                                            rs.getString("sizes"),
                                            rs.getString("counts"),
                                            rs.getString("centroids")),
                                    number(rs, "stability_ari"),
                                    count(rs, "stability_against_version"),
                                    number(rs, "silhouette"),
                                    nullableDouble(metrics.get("inertia_per_customer")),
                                    nullableDouble(metrics.get("batch_inertia_per_customer"))));
                }
            }
        }
        Collections.reverse(history); // oldest first, as time runs on the chart
        return history;
    }

    /**
     * Customers per segment id: the trainer's measured sizes where it wrote them, else the
     * streaming model's counts, which are by position in the order of its centroids' ids.
     */
    private static Map<String, Long> sizes(String sizes, String counts, String centroids) {
        Map<String, Long> bySegment = new LinkedHashMap<>();
        if (sizes != null) {
            json(sizes)
                    .fields()
                    .forEachRemaining(e -> bySegment.put(e.getKey(), e.getValue().asLong()));
            return bySegment;
        }
        JsonNode countsNode = json(counts);
        List<String> ids = new ArrayList<>();
        json(centroids).fieldNames().forEachRemaining(ids::add);
        for (int c = 0; c < ids.size() && c < countsNode.size(); c++) {
            bySegment.put(ids.get(c), Math.round(countsNode.get(c).asDouble()));
        }
        return bySegment;
    }

    private static List<Driver> drivers(String json) {
        List<Driver> drivers = new ArrayList<>();
        for (JsonNode d : json(json)) {
            drivers.add(new Driver(d.path("feature").asText(), d.path("contribution").asDouble()));
        }
        return drivers;
    }

    /** A JSON column; NULL or unreadable text reads as an empty node, which shows as nothing. */
    private static JsonNode json(String text) {
        if (text == null || text.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static Double number(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() || !Double.isFinite(value) ? null : value;
    }

    private static Long count(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static Double nullableDouble(JsonNode node) {
        return node == null || !node.isNumber() ? null : node.asDouble();
    }

    private static Double round(double value) {
        return Double.isFinite(value) ? Math.round(value * 1000) / 1000.0 : null;
    }

    private static String minutes(Timestamp timestamp) {
        return timestamp == null ? null : MINUTES.format(timestamp.toLocalDateTime());
    }
}
