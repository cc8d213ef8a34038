package io.segflow.profile;

import io.segflow.profile.ProfileSpec.ColumnSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Holds the profile view of the SQL to its contract in profile.yml and derives the feature set.
 * Every numeric column must be declared (so that each feature has a source), every declared column
 * must exist, and a feature must be numeric. All problems are reported at once, each saying which
 * file to change.
 */
public final class ProfileContract {

    /** A column of the SQL view as the planner resolved it. */
    public record ViewColumn(String name, String type, boolean numeric) {}

    /**
     * A view column whose name starts with this is a working figure (a count a ratio is made of,
     * the CRM row): kept out of the profile, not declared in profile.yml.
     */
    public static final String WORKING_FIGURE_PREFIX = "_";

    private ProfileContract() {}

    public static FeatureSet check(ProfileSpec spec, List<ViewColumn> view) {
        Map<String, ColumnSpec> declared = new LinkedHashMap<>();
        for (ColumnSpec column : spec.columns()) {
            declared.put(column.name(), column);
        }
        List<String> problems = new ArrayList<>();
        List<FeatureSet.Feature> features = new ArrayList<>();
        List<String> targets = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        String key = null;
        Set<String> seen = new HashSet<>();
        for (ViewColumn column : view) {
            seen.add(column.name());
            if (column.name().startsWith(WORKING_FIGURE_PREFIX)) {
                continue;
            }
            ColumnSpec contract = declared.get(column.name());
            if (contract == null) {
                if (column.numeric()) {
                    problems.add(
                            "column '"
                                    + column.name()
                                    + "' ("
                                    + column.type()
                                    + ") of customer_profile is not declared in profile.yml:"
                                    + " add it with its role and source");
                }
                continue;
            }
            switch (contract.role()) {
                case KEY -> key = column.name();
                case TARGET -> targets.add(column.name());
                case LABEL -> labels.add(column.name());
                case ATTRIBUTE -> {}
                case FEATURE -> {
                    if (!column.numeric()) {
                        problems.add(
                                "feature '"
                                        + column.name()
                                        + "' is "
                                        + column.type()
                                        + " in customer_profile; a feature must be numeric"
                                        + " (cast it in the SQL, or give it another role in"
                                        + " profile.yml)");
                    } else if (contract.source() == null || contract.source().isBlank()) {
                        problems.add(
                                "feature '"
                                        + column.name()
                                        + "' has no source in profile.yml (crm, web, product,"
                                        + " or the name of a source of your own)");
                    } else {
                        features.add(
                                new FeatureSet.Feature(
                                        column.name(), contract.source(), contract.description()));
                    }
                }
            }
        }
        for (ColumnSpec column : spec.columns()) {
            if (!seen.contains(column.name())) {
                problems.add(
                        "profile.yml declares '"
                                + column.name()
                                + "' but customer_profile has no such column:"
                                + " add it to the view or remove it from profile.yml");
            }
        }
        if (key == null) {
            problems.add("profile.yml declares no column with role key");
        }
        if (features.isEmpty() && problems.isEmpty()) {
            problems.add("customer_profile has no feature columns");
        }
        if (!problems.isEmpty()) {
            throw new ProfileContractException(
                    "customer_profile and profile.yml disagree:\n  - "
                            + String.join("\n  - ", problems));
        }
        return new FeatureSet(key, features, targets, labels);
    }
}
