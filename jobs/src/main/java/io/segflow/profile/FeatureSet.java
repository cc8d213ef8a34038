package io.segflow.profile;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model features of the customer profile, in column order, each with the data source it comes
 * from; plus the key, targets and labels that are never clustering inputs. A model remembers the
 * feature names it was trained on and compares them with this.
 */
public record FeatureSet(
        String keyColumn, List<Feature> features, List<String> targets, List<String> labels)
        implements Serializable {

    /** One model input. */
    public record Feature(String name, String source, String description) implements Serializable {}

    public FeatureSet {
        features = List.copyOf(features);
        targets = List.copyOf(targets);
        labels = List.copyOf(labels);
    }

    public List<String> names() {
        List<String> names = new ArrayList<>(features.size());
        for (Feature feature : features) {
            names.add(feature.name());
        }
        return names;
    }

    /** Feature names per source, sources in first-seen order. */
    public Map<String, List<String>> bySource() {
        Map<String, List<String>> bySource = new LinkedHashMap<>();
        for (Feature feature : features) {
            bySource.computeIfAbsent(feature.source(), s -> new ArrayList<>()).add(feature.name());
        }
        return bySource;
    }

    public int size() {
        return features.size();
    }
}
