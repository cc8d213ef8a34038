package io.segflow.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segflow.insight.CustomerScorer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The storage format of a published propensity version: the fitted {@link CustomerScorer} (its
 * model, calibration, percentile reference, segmentation, membership and label models) as
 * gzip-compressed Java serialization in propensity_model.scorer, next to the run's figures; and the
 * announcement that the models topic carries for it.
 *
 * <p>A segment model is a few centres and travels on the topic whole. A propensity model can be a
 * forest of a megabyte, above Kafka's default message size: the topic carries only its version and
 * features, and a running job loads the bytes from the registry (propensity_model) by version.
 */
public final class PropensityRecord {

    /** The field of a models-topic message that says what it announces. */
    public static final String KIND_FIELD = "kind";

    public static final String KIND = "propensity";

    private static final ObjectMapper JSON = new ObjectMapper();

    private PropensityRecord() {}

    /** What the models topic says of a propensity version. */
    public record Announcement(
            long version, List<String> features, long segmentModelVersion, String chosen) {

        public String toMessage() {
            ObjectNode message = JSON.createObjectNode();
            message.put(KIND_FIELD, KIND);
            message.put("model_version", version);
            message.set("features", JSON.valueToTree(features));
            message.put("segment_model_version", segmentModelVersion);
            message.put("chosen", chosen);
            return message.toString();
        }
    }

    /**
     * The announcement a message carries, or empty when it announces something else (a segment
     * model); throws with the reason when it says it is one but cannot be read.
     */
    public static Optional<Announcement> announcementOf(String message) {
        JsonNode node;
        try {
            node = JSON.readTree(message);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (node == null || !KIND.equals(node.path(KIND_FIELD).asText(null))) {
            return Optional.empty();
        }
        if (!node.path("model_version").canConvertToLong() || !node.path("features").isArray()) {
            throw new IllegalArgumentException(
                    "a propensity announcement needs model_version and features: " + message);
        }
        List<String> features = new ArrayList<>();
        node.get("features").forEach(f -> features.add(f.asText()));
        return Optional.of(
                new Announcement(
                        node.get("model_version").asLong(),
                        features,
                        node.path("segment_model_version").asLong(-1),
                        node.path("chosen").asText(null)));
    }

    /** Whether a models-topic message announces a propensity version, not a segment model. */
    public static boolean isAnnouncement(String message) {
        try {
            JsonNode node = JSON.readTree(message);
            return node != null && KIND.equals(node.path(KIND_FIELD).asText(null));
        } catch (IOException e) {
            return false;
        }
    }

    public static byte[] encode(CustomerScorer scorer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(new GZIPOutputStream(bytes))) {
            out.writeObject(scorer);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize the propensity scorer", e);
        }
        return bytes.toByteArray();
    }

    /** The scorer of a version; throws with the reason when the bytes are not one. */
    public static CustomerScorer decode(long version, byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new IllegalStateException(
                    "propensity version "
                            + version
                            + " holds no scorer: it was written before propensity models were"
                            + " published, or its run had too few outcomes; run segflow insight"
                            + " again");
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new GZIPInputStream(new ByteArrayInputStream(bytes)))) {
            return (CustomerScorer) in.readObject();
        } catch (InvalidClassException e) {
            throw new IllegalStateException(
                    "propensity version "
                            + version
                            + " was written by another segflow release ("
                            + e.getMessage()
                            + "); run segflow insight again with this one",
                    e);
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            throw new IllegalStateException(
                    "propensity version " + version + " cannot be read: " + e.getMessage(), e);
        }
    }
}
