package io.segflow.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segflow.model.FeatureScaling;
import io.segflow.model.SegmentMixture;
import io.segflow.model.SegmentModel;
import java.io.IOException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.runtime.typeutils.ExternalTypeInfo;
import org.apache.flink.table.types.DataType;
import org.apache.flink.types.Row;

/**
 * The storage format of a model version: one row of segment_model (deploy/postgres/schema.sql, and
 * segment_model_sink in sql/90_sinks.sql), its columns listed here once. Centres are in feature
 * units by segment id, so that people can read them; the JSON columns are what the models topic
 * carries too ({@link ModelMessages}) and what {@link ModelRegistry} reads back.
 *
 * <p>{@code mixture} is NULL for a nearest-centre model. For a Gaussian mixture ({@link
 * SegmentMixture}) it holds, in standardised units (feature minus the scaling's mean, over its
 * standard deviation): {@code centre} (d values) and {@code axes} (p rows of d values), the
 * rotation y = axes (z - centre); and {@code components} by segment id, each with its {@code
 * weight}, {@code mean} and {@code variances} (p values each, in the rotated space). The centroids
 * are then the components' means in feature units.
 */
public final class ModelRecord {

    /** The SQL table of 90_sinks.sql that writes segment_model through the JDBC connector. */
    public static final String SINK = "segment_model_sink";

    /** The SQL table of 90_sinks.sql over the models topic. */
    public static final String TOPIC = "segment_model_topic";

    /** The columns of segment_model, in the table's order. */
    public static final DataType ROW_TYPE =
            DataTypes.ROW(
                    DataTypes.FIELD("model_version", DataTypes.BIGINT().notNull()),
                    DataTypes.FIELD("created_at", DataTypes.TIMESTAMP(3)),
                    DataTypes.FIELD("trained_by", DataTypes.STRING()),
                    DataTypes.FIELD("k", DataTypes.INT()),
                    DataTypes.FIELD("features", DataTypes.STRING()),
                    DataTypes.FIELD("scaling", DataTypes.STRING()),
                    DataTypes.FIELD("centroids", DataTypes.STRING()),
                    DataTypes.FIELD("counts", DataTypes.STRING()),
                    DataTypes.FIELD("sizes", DataTypes.STRING()),
                    DataTypes.FIELD("metrics", DataTypes.STRING()),
                    DataTypes.FIELD("mixture", DataTypes.STRING()));

    /** The column names, in the table's order. */
    public static final List<String> COLUMNS = DataType.getFieldNames(ROW_TYPE);

    /** The columns holding JSON values. */
    public static final List<String> JSON_COLUMNS =
            List.of("features", "scaling", "centroids", "counts", "sizes", "metrics", "mixture");

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelRecord() {}

    /** The row type for a DataStream of model rows. */
    public static TypeInformation<Row> typeInfo() {
        return ExternalTypeInfo.of(ROW_TYPE);
    }

    /** A model's row; extra metrics (a retrain's evaluation) join its metrics JSON. */
    public static Row toRow(SegmentModel model, Map<String, ?> extraMetrics) {
        ObjectNode centroids = JSON.createObjectNode();
        for (int c = 0; c < model.k(); c++) {
            ArrayNode centroid = centroids.putArray(Integer.toString(model.segmentId(c)));
            for (double v : model.centroid(c)) {
                centroid.add(v);
            }
        }
        ObjectNode scaling = JSON.createObjectNode();
        scaling.set("mean", JSON.valueToTree(model.scaling().mean()));
        scaling.set("std_dev", JSON.valueToTree(model.scaling().stdDev()));
        ObjectNode metrics = JSON.createObjectNode();
        metrics.put("inertia_estimate", model.inertia());
        metrics.put("points_seen", model.pointsSeen());
        SegmentModel.FitCheck check = model.fitCheck();
        if (check != null) {
            // the stream's evidence that it is at the batch optimum (see SegmentModel.FitCheck)
            metrics.put("inertia_per_customer", check.inertiaPerCustomer());
            metrics.put("batch_inertia_per_customer", check.batchInertiaPerCustomer());
            metrics.put("fit_check_customers", check.customers());
        }
        extraMetrics.forEach((name, value) -> metrics.set(name, JSON.valueToTree(value)));
        ObjectNode segments = metrics.putObject("segments");
        for (int c = 0; c < model.k(); c++) {
            segments.put(Integer.toString(model.segmentId(c)), model.segmentName(c));
        }
        double[] meanDistances = model.meanDistances();
        if (meanDistances != null) {
            // how far the version's customers sit from their centre (standardised units), by id
            ObjectNode spread = metrics.putObject("mean_distance");
            for (int c = 0; c < model.k(); c++) {
                if (Double.isFinite(meanDistances[c])) {
                    spread.put(Integer.toString(model.segmentId(c)), meanDistances[c]);
                }
            }
        }
        Row row = Row.withNames();
        row.setField("model_version", model.version());
        row.setField("created_at", LocalDateTime.now(ZoneOffset.UTC));
        row.setField("trained_by", model.trainedBy());
        row.setField("k", model.k());
        row.setField("features", JSON.valueToTree(model.features()).toString());
        row.setField("scaling", scaling.toString());
        row.setField("centroids", centroids.toString());
        row.setField("counts", JSON.valueToTree(model.counts()).toString());
        row.setField("sizes", sizes(model));
        row.setField("metrics", metrics.toString());
        row.setField("mixture", mixture(model));
        return positional(row);
    }

    /** The row by position, in the order of {@link #COLUMNS}: what sinks and JDBC inserts take. */
    private static Row positional(Row named) {
        Row row = new Row(COLUMNS.size());
        for (int i = 0; i < COLUMNS.size(); i++) {
            row.setField(i, named.getField(COLUMNS.get(i)));
        }
        return row;
    }

    /** The mixture column (see the class comment), or null for a nearest-centre model. */
    private static String mixture(SegmentModel model) {
        SegmentMixture mixture = model.mixture();
        if (mixture == null) {
            return null;
        }
        ObjectNode node = JSON.createObjectNode();
        node.set("centre", JSON.valueToTree(mixture.centre()));
        node.set("axes", JSON.valueToTree(mixture.axes()));
        ObjectNode components = node.putObject("components");
        double[] weights = mixture.weights();
        double[][] means = mixture.means();
        double[][] variances = mixture.variances();
        for (int c = 0; c < model.k(); c++) {
            ObjectNode component = components.putObject(Integer.toString(model.segmentId(c)));
            component.put("weight", weights[c]);
            component.set("mean", JSON.valueToTree(means[c]));
            component.set("variances", JSON.valueToTree(variances[c]));
        }
        return node.toString();
    }

    /** The mixture of a model whose segment ids are {@code ids}, in their order. */
    private static SegmentMixture readMixture(String json, int[] ids) throws IOException {
        JsonNode node = JSON.readTree(json);
        JsonNode axesNode = node.get("axes");
        double[][] axes = new double[axesNode.size()][];
        for (int p = 0; p < axes.length; p++) {
            axes[p] = doubles(axesNode.get(p));
        }
        JsonNode components = node.get("components");
        double[] weights = new double[ids.length];
        double[][] means = new double[ids.length][];
        double[][] variances = new double[ids.length][];
        for (int c = 0; c < ids.length; c++) {
            JsonNode component = components.get(Integer.toString(ids[c]));
            if (component == null) {
                throw new IllegalArgumentException(
                        "the mixture has no component for segment " + ids[c]);
            }
            weights[c] = component.get("weight").asDouble();
            means[c] = doubles(component.get("mean"));
            variances[c] = doubles(component.get("variances"));
        }
        if (components.size() != ids.length) {
            throw new IllegalArgumentException(
                    "the mixture has "
                            + components.size()
                            + " components for "
                            + ids.length
                            + " segments");
        }
        return new SegmentMixture(doubles(node.get("centre")), axes, weights, means, variances);
    }

    /** {segment id: customers} as measured on the trainer's sample, or null. */
    private static String sizes(SegmentModel model) {
        long[] sizes = model.sizes();
        if (sizes == null) {
            return null;
        }
        ObjectNode bySegment = JSON.createObjectNode();
        for (int c = 0; c < sizes.length; c++) {
            bySegment.put(Integer.toString(model.segmentId(c)), sizes[c]);
        }
        return bySegment.toString();
    }

    /**
     * A model from its columns, each JSON column as text by name (null where absent); throws with
     * the reason when they do not make a model.
     */
    public static SegmentModel fromColumns(
            long version, String trainedBy, UnaryOperator<String> jsonColumn) {
        try {
            List<String> features = new ArrayList<>();
            JSON.readTree(jsonColumn.apply("features")).forEach(f -> features.add(f.asText()));
            int d = features.size();
            JsonNode scalingNode = JSON.readTree(jsonColumn.apply("scaling"));
            FeatureScaling scaling =
                    new FeatureScaling(
                            doubles(scalingNode.get("mean")), doubles(scalingNode.get("std_dev")));
            JsonNode centroids = JSON.readTree(jsonColumn.apply("centroids"));
            int k = centroids.size();
            double[] standardised = new double[k * d];
            int[] ids = new int[k];
            String[] names = new String[k];
            String metricsJson = jsonColumn.apply("metrics");
            JsonNode segments =
                    metricsJson == null ? null : JSON.readTree(metricsJson).get("segments");
            Iterator<Map.Entry<String, JsonNode>> byId = centroids.fields();
            for (int c = 0; byId.hasNext(); c++) {
                Map.Entry<String, JsonNode> entry = byId.next();
                ids[c] = Integer.parseInt(entry.getKey());
                double[] z = scaling.scale(doubles(entry.getValue()));
                System.arraycopy(z, 0, standardised, c * d, d);
                names[c] =
                        segments != null && segments.has(entry.getKey())
                                ? segments.get(entry.getKey()).asText()
                                : null;
            }
            String countsJson = jsonColumn.apply("counts");
            double[] counts =
                    countsJson == null ? new double[k] : doubles(JSON.readTree(countsJson));
            boolean named = Arrays.stream(names).allMatch(Objects::nonNull);
            String mixtureJson = jsonColumn.apply("mixture");
            return new SegmentModel(
                            version,
                            trainedBy,
                            features,
                            scaling,
                            standardised,
                            counts,
                            0.0,
                            0,
                            ids,
                            named ? names : null)
                    .withMixture(mixtureJson == null ? null : readMixture(mixtureJson, ids));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "model version " + version + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** The segment ids of a centroids column. */
    public static List<Integer> segmentIds(String centroidsJson) throws IOException {
        List<Integer> ids = new ArrayList<>();
        JSON.readTree(centroidsJson)
                .fieldNames()
                .forEachRemaining(id -> ids.add(Integer.parseInt(id)));
        return ids;
    }

    private static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }
}
