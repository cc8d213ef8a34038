package io.segflow.segments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.model.FeatureScaling;
import io.segflow.model.SegmentModel;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads published model versions back from the segment_model table, so that a job can start
 * from a known model (a warm start) instead of initialising from its first customers.
 */
public final class ModelRegistry {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelRegistry() {}

    public static SegmentModel load(String url, String user, String password, long version) {
        try (Connection connection = DriverManager.getConnection(url, user, password);
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT model_version, trained_by, features, scaling, centroids, counts, metrics"
                                + " FROM segment_model WHERE model_version = ?")) {
            statement.setLong(1, version);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("segment_model has no version " + version);
                }
                return parse(rs.getLong("model_version"), rs.getString("trained_by"), rs.getString("features"),
                        rs.getString("scaling"), rs.getString("centroids"), rs.getString("counts"), rs.getString("metrics"));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read model version " + version + " from " + url + ": " + e.getMessage(), e);
        }
    }

    /** A model from the JSON columns that SegmentationStage writes. */
    static SegmentModel parse(long version, String trainedBy, String featuresJson, String scalingJson,
            String centroidsJson, String countsJson, String metricsJson) {
        try {
            List<String> features = new ArrayList<>();
            JSON.readTree(featuresJson).forEach(f -> features.add(f.asText()));
            int d = features.size();
            JsonNode scalingNode = JSON.readTree(scalingJson);
            FeatureScaling scaling = new FeatureScaling(doubles(scalingNode.get("mean")), doubles(scalingNode.get("std_dev")));
            JsonNode centroids = JSON.readTree(centroidsJson);
            int k = centroids.size();
            double[] standardised = new double[k * d];
            int[] ids = new int[k];
            String[] names = new String[k];
            JsonNode segments = metricsJson == null ? null : JSON.readTree(metricsJson).get("segments");
            Iterator<Map.Entry<String, JsonNode>> byId = centroids.fields();
            for (int c = 0; byId.hasNext(); c++) {
                Map.Entry<String, JsonNode> entry = byId.next();
                ids[c] = Integer.parseInt(entry.getKey());
                double[] raw = doubles(entry.getValue());
                double[] z = scaling.scale(raw);
                System.arraycopy(z, 0, standardised, c * d, d);
                names[c] = segments != null && segments.has(entry.getKey()) ? segments.get(entry.getKey()).asText() : null;
            }
            double[] counts = countsJson == null ? new double[k] : doubles(JSON.readTree(countsJson));
            boolean named = java.util.Arrays.stream(names).allMatch(java.util.Objects::nonNull);
            return new SegmentModel(version, trainedBy, features, scaling, standardised, counts, 0.0, 0, ids, named ? names : null);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("model version " + version + " in segment_model cannot be read: " + e.getMessage(), e);
        }
    }

    private static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }
}
