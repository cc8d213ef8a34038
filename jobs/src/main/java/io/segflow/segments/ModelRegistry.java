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

    private static final String COLUMNS = "model_version, trained_by, features, scaling, centroids, counts, metrics";

    static {
        // DriverManager only hands out drivers that the caller's class loader can see and that
        // registered themselves; a jar added at run time (SQL client ADD JAR, a job jar on a
        // cluster) is not scanned for drivers, so load PostgreSQL's through our own loader.
        try {
            Class.forName("org.postgresql.Driver", true, ModelRegistry.class.getClassLoader());
        } catch (ClassNotFoundException notBundled) {
            // another JDBC driver on the class path may still serve the URL
        }
    }

    /** One version; {@code user} and {@code password} may be null for the driver's defaults. */
    public static SegmentModel load(String url, String user, String password, long version) {
        return read(url, user, password, "SELECT " + COLUMNS + " FROM segment_model WHERE model_version = ?", version,
                "segment_model has no version " + version, "model version " + version);
    }

    /**
     * The newest version: the highest model_version, which orders every version ever published
     * (streaming trainers and batch retraining alike), not the latest created_at.
     */
    public static SegmentModel loadLatest(String url, String user, String password) {
        return read(url, user, password, "SELECT " + COLUMNS + " FROM segment_model ORDER BY model_version DESC LIMIT 1", null,
                "segment_model holds no model version yet: run the segflow job (or a retrain) first, which publishes one",
                "the latest model version");
    }

    /** The newest version, or null when none was published yet (a first retrain). */
    public static SegmentModel loadLatestOrNull(String url, String user, String password) {
        try (Connection connection = DriverManager.getConnection(url, user, password);
                PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM segment_model");
                ResultSet rs = statement.executeQuery()) {
            rs.next();
            if (rs.getLong(1) == 0) {
                return null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read segment_model in " + withoutParameters(url) + ": " + e.getMessage(), e);
        }
        return loadLatest(url, user, password);
    }

    /**
     * The highest segment id any published version used, -1 for none: a new segment gets a
     * higher one, so an id never comes back with another meaning.
     */
    public static int highestSegmentId(String url, String user, String password) {
        int highest = -1;
        try (Connection connection = DriverManager.getConnection(url, user, password);
                PreparedStatement statement = connection.prepareStatement("SELECT centroids FROM segment_model");
                ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Iterator<String> ids = JSON.readTree(rs.getString(1)).fieldNames();
                while (ids.hasNext()) {
                    highest = Math.max(highest, Integer.parseInt(ids.next()));
                }
            }
        } catch (SQLException | IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read the segment ids in segment_model of " + withoutParameters(url) + ": " + e.getMessage(), e);
        }
        return highest;
    }

    private static SegmentModel read(String url, String user, String password, String sql, Long version,
            String whenMissing, String what) {
        try (Connection connection = DriverManager.getConnection(url, user, password);
                PreparedStatement statement = connection.prepareStatement(sql)) {
            if (version != null) {
                statement.setLong(1, version);
            }
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException(whenMissing);
                }
                return parse(rs.getLong("model_version"), rs.getString("trained_by"), rs.getString("features"),
                        rs.getString("scaling"), rs.getString("centroids"), rs.getString("counts"), rs.getString("metrics"));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + what + " from " + withoutParameters(url) + ": " + e.getMessage(), e);
        }
    }

    /** The URL for messages: its query string may carry a password. */
    public static String withoutParameters(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
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
