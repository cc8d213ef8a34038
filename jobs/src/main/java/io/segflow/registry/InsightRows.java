package io.segflow.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.insight.BinaryMetrics;
import io.segflow.insight.CustomerScorer;
import io.segflow.insight.Drivers;
import io.segflow.insight.InsightRun;
import io.segflow.insight.Propensity;
import io.segflow.insight.SegmentLabels;
import io.segflow.insight.SegmentProfiles;
import io.segflow.insight.SourceValue;
import io.segflow.insight.StepFailure;
import io.segflow.model.ModelEvaluation;
import io.segflow.model.SegmentModel;
import java.io.Serializable;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.types.Row;

/**
 * The rows an insight run writes, filled by column name into the shape of each sink of
 * sql/90_sinks.sql: a column a SQL user adds there stays NULL instead of shifting the others.
 * Figures that are undefined (NaN) are NULL; lists and maps are JSON.
 */
public final class InsightRows {

    public static final String SCORE_SINK = "customer_score_sink";

    /** The live scores' sink: customer_score without the label prediction's columns. */
    public static final String LIVE_SCORE_SINK = "customer_score_live_sink";

    /** The columns of customer_score that only an insight run writes. */
    private static final List<String> LABEL_COLUMNS =
            List.of("predicted_label", "label_probability", "label_drivers");

    public static final String PROFILE_SINK = "segment_profile_sink";
    public static final String QUALITY_SINK = "segmentation_quality_sink";
    public static final String PROPENSITY_SINK = "propensity_model_sink";
    public static final String SOURCE_VALUE_SINK = "data_source_value_sink";

    private static final ObjectMapper JSON = new ObjectMapper();

    private InsightRows() {}

    /** A sink's columns, to build its rows by name; serializable for the scoring operators. */
    public static final class Shape implements Serializable {
        private final List<String> columns;
        // by name, for the rows the live scores build on every profile update
        private final Map<String, Integer> positions = new HashMap<>();

        public Shape(ResolvedSchema schema) {
            this.columns = List.copyOf(schema.getColumnNames());
            for (int i = 0; i < columns.size(); i++) {
                positions.put(columns.get(i), i);
            }
        }

        public int size() {
            return columns.size();
        }

        public boolean has(String column) {
            return positions.containsKey(column);
        }

        public int indexOf(String column) {
            return positions.getOrDefault(column, -1);
        }

        public Row row(Map<String, Object> values) {
            Row row = Row.withPositions(columns.size());
            values.forEach(
                    (column, value) -> {
                        int at = indexOf(column);
                        if (at < 0) {
                            throw new IllegalStateException(
                                    "the sink has no column "
                                            + column
                                            + ": sql/90_sinks.sql must keep segflow's columns");
                        }
                        row.setField(at, value);
                    });
            return row;
        }
    }

    /** A customer_score row without the customer's outcome: the live sink's, which has none. */
    public static Row score(
            Shape shape,
            long customerId,
            CustomerScorer.Score score,
            long version,
            long segmentModelVersion,
            LocalDateTime scoredAt,
            String scoredBy) {
        return shape.row(
                scoreValues(
                        shape,
                        customerId,
                        score,
                        version,
                        segmentModelVersion,
                        scoredAt,
                        scoredBy));
    }

    /**
     * An insight run's customer_score row, with {@code converted}: the customer's outcome as the
     * run read it (true a known buyer, false known not to have converted, null unknown), which
     * target_list leaves known buyers out by.
     */
    public static Row score(
            Shape shape,
            long customerId,
            CustomerScorer.Score score,
            Boolean converted,
            long version,
            long segmentModelVersion,
            LocalDateTime scoredAt,
            String scoredBy) {
        Map<String, Object> values =
                scoreValues(
                        shape, customerId, score, version, segmentModelVersion, scoredAt, scoredBy);
        values.put("converted", converted);
        return shape.row(values);
    }

    private static Map<String, Object> scoreValues(
            Shape shape,
            long customerId,
            CustomerScorer.Score score,
            long version,
            long segmentModelVersion,
            LocalDateTime scoredAt,
            String scoredBy) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("customer_id", customerId);
        values.put("potential_score", score.potential());
        values.put("percentile", score.percentile());
        values.put("model_version", version);
        values.put("base_value", finite(score.baseValue()));
        values.put("top_drivers", drivers(score.drivers()));
        values.put("segment_id", score.segmentId());
        values.put("segment_model_version", segmentModelVersion);
        values.put("segment_drivers", drivers(score.segmentDrivers()));
        values.put("predicted_label", score.predictedLabel());
        values.put("label_probability", finite(score.labelProbability()));
        values.put(
                "label_drivers",
                score.labelDrivers() == null || score.predictedLabel() == null
                        ? null
                        : drivers(score.labelDrivers()));
        values.put("control_group", score.control());
        values.put("scored_at", scoredAt);
        values.put("scored_by", scoredBy);
        if (!shape.has(LABEL_COLUMNS.get(0))) {
            // the live sink: the label prediction stays as the insight run wrote it
            LABEL_COLUMNS.forEach(values::remove);
        }
        return values;
    }

    public static List<Row> segmentProfiles(
            Shape shape, InsightRun.Result result, LocalDateTime profiledAt) {
        SegmentModel model = result.input().segmentation();
        List<String> features = result.input().features();
        List<Row> rows = new ArrayList<>();
        for (SegmentProfiles.Profile profile : result.profiles().profiles()) {
            Map<String, Object> centroid = new LinkedHashMap<>();
            for (int j = 0; j < features.size(); j++) {
                centroid.put(features.get(j), finite(profile.centroid()[j]));
            }
            List<Map<String, Object>> distinguishing = new ArrayList<>();
            for (SegmentProfiles.Distinction d : profile.distinguishing()) {
                distinguishing.add(
                        Map.of(
                                "feature",
                                d.feature(),
                                "standardised_difference",
                                d.standardisedDifference()));
            }
            int index = model.indexOf(profile.segmentId());
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("model_version", model.version());
            values.put("segment_id", profile.segmentId());
            values.put("segment_name", index < 0 ? null : model.segmentName(index));
            values.put("size", profile.size());
            values.put("share", profile.share());
            values.put("centroid", json(centroid));
            values.put("distinguishing_features", json(distinguishing));
            values.put("conversion_rate", finite(profile.conversionRate()));
            values.put("lift", finite(profile.lift()));
            values.put("mean_potential", finite(profile.meanPotential()));
            values.put(
                    "membership_drivers",
                    drivers(result.segmentDrivers().getOrDefault(profile.segmentId(), List.of())));
            values.put(
                    "propensity_version",
                    result.propensity().isPresent() ? result.version() : null);
            values.put("profiled_at", profiledAt);
            rows.add(shape.row(values));
        }
        return rows;
    }

    public static Row quality(Shape shape, InsightRun.Result result, LocalDateTime measuredAt) {
        ModelEvaluation quality = result.quality();
        SegmentProfiles.Result profiles = result.profiles();
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("model_version", result.input().segmentation().version());
        values.put("customers", quality.profiles());
        values.put("k", result.input().segmentation().k());
        values.put(
                "inertia_per_customer",
                quality.profiles() == 0 ? null : finite(quality.inertia() / quality.profiles()));
        values.put("silhouette", finite(quality.silhouette()));
        values.put("davies_bouldin", finite(quality.daviesBouldin()));
        values.put("stability_ari", finite(quality.stability()));
        values.put(
                "stability_against_version",
                quality.previousVersion() < 0 ? null : quality.previousVersion());
        values.put("conversion_lift", finite(profiles.conversionLift()));
        values.put("conversion_variance_explained", finite(profiles.conversionVarianceExplained()));
        values.put("base_conversion_rate", finite(profiles.baseRate()));
        values.put("propensity_version", result.propensity().isPresent() ? result.version() : null);
        values.put("measured_at", measuredAt);
        return shape.row(values);
    }

    public static Row propensity(
            Shape shape, InsightRun.Result result, InsightRun.Settings settings, LocalDateTime at) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("model_version", result.version());
        values.put("created_at", at);
        values.put("segment_model_version", result.input().segmentation().version());
        values.put("outcome", InsightRun.OUTCOME);
        values.put("status", result.propensityStatus());
        values.put("customers", (long) result.input().customers().length);
        long[] outcomes = result.outcomeCounts();
        values.put("positives", outcomes[0]);
        values.put("negatives", outcomes[1]);
        values.put("unknown_outcomes", outcomes[2]);
        values.put("target_list_includes_converted", settings.includeConverted());
        values.put(
                "label_evaluation",
                result.labels()
                        .map(InsightRows::labelEvaluation)
                        .map(InsightRows::json)
                        .orElse(null));
        values.put("holdout_share", settings.holdout());
        values.put("holdout_seed", settings.holdoutSeed());
        values.put("features", json(result.input().features()));
        values.put("scorer", result.scorer().map(PropensityRecord::encode).orElse(null));
        List<Map<String, Object>> failures = new ArrayList<>();
        for (StepFailure failure : result.stepFailures()) {
            failures.add(Map.of("step", failure.step(), "reason", failure.reason()));
        }
        values.put("step_failures", json(failures));
        if (result.propensity().isPresent()) {
            Propensity.Result fitted = result.propensity().get();
            Propensity.CandidateResult chosen = fitted.chosenResult();
            values.put("chosen", fitted.chosen().title());
            values.put("auc", finite(chosen.auc()));
            values.put("log_loss", finite(chosen.logLoss()));
            values.put("lift_top_decile", finite(chosen.liftInTopDecile()));
            values.put("calibration_error", finite(fitted.calibrationError()));
            values.put("fitted_on", fitted.positives() + fitted.negatives());
            List<Map<String, Object>> candidates = new ArrayList<>();
            for (Propensity.CandidateResult candidate : fitted.candidates()) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("candidate", candidate.candidate().title());
                c.put("auc", finite(candidate.auc()));
                c.put("log_loss", finite(candidate.logLoss()));
                c.put("lift_top_decile", finite(candidate.liftInTopDecile()));
                candidates.add(c);
            }
            values.put("candidates", json(candidates));
            List<Map<String, Object>> curve = new ArrayList<>();
            for (BinaryMetrics.CalibrationBin bin : fitted.calibrationCurve()) {
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("lower", bin.lower());
                b.put("upper", bin.upper());
                b.put("customers", bin.count());
                b.put("mean_predicted", finite(bin.meanPredicted()));
                b.put("observed_rate", finite(bin.observedRate()));
                curve.add(b);
            }
            values.put("calibration_curve", json(curve));
            List<Map<String, Object>> roc = new ArrayList<>();
            for (BinaryMetrics.RocPoint point : fitted.rocCurve()) {
                roc.add(
                        Map.of(
                                "false_positive_rate", point.falsePositiveRate(),
                                "true_positive_rate", point.truePositiveRate()));
            }
            values.put("roc_curve", json(roc));
            List<Map<String, Object>> lift = new ArrayList<>();
            for (BinaryMetrics.GainsPoint point : fitted.gainsCurve()) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("share", point.share());
                p.put("captured_positives", point.capturedPositives());
                p.put("lift", point.lift());
                lift.add(p);
            }
            values.put("lift_curve", json(lift));
            values.put("global_drivers", drivers(result.globalDrivers()));
        }
        return shape.row(values);
    }

    public static List<Row> sourceValues(Shape shape, InsightRun.Result result) {
        List<Row> rows = new ArrayList<>();
        for (SourceValue.Value value : result.sourceValues()) {
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("model_version", result.version());
            values.put("source", value.source());
            values.put("features", json(value.features()));
            values.put("auc", finite(value.auc()));
            values.put("auc_without", finite(value.aucWithout()));
            values.put("propensity_auc_loss", finite(value.aucLoss()));
            values.put("segmentation_ari", finite(value.segmentationAri()));
            values.put("silhouette", finite(value.silhouette()));
            values.put("silhouette_without", finite(value.silhouetteWithout()));
            values.put(
                    "segmentation_quality_loss",
                    finite(value.silhouette() - value.silhouetteWithout()));
            values.put("segment_model_version", result.input().segmentation().version());
            rows.add(shape.row(values));
        }
        return rows;
    }

    private static Map<String, Object> labelEvaluation(SegmentLabels.Result labels) {
        Map<String, Object> evaluation = new LinkedHashMap<>();
        evaluation.put("labelled", labels.labelled());
        evaluation.put("labels", labels.evaluation().labels());
        evaluation.put("accuracy", finite(labels.evaluation().accuracy()));
        evaluation.put("macro_f1", finite(labels.evaluation().macroF1()));
        evaluation.put("confusion", labels.evaluation().confusion());
        evaluation.put("chosen", labels.chosen().title());
        List<Map<String, Object>> candidates = new ArrayList<>();
        for (SegmentLabels.CandidateResult candidate : labels.candidates()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("candidate", candidate.candidate().title());
            c.put("accuracy", finite(candidate.accuracy()));
            c.put("macro_f1", finite(candidate.macroF1()));
            candidates.add(c);
        }
        evaluation.put("candidates", candidates);
        evaluation.put("drivers", labels.explained());
        return evaluation;
    }

    static String drivers(List<Drivers.Driver> drivers) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Drivers.Driver driver : drivers) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("feature", driver.feature());
            d.put("contribution", finite(driver.contribution()));
            list.add(d);
        }
        return json(list);
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
