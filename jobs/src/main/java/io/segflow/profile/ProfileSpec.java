package io.segflow.profile;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.List;

/**
 * The column contract of the customer profile, read from {@code sql/profile.yml}: what each column
 * means, its role and the data source it comes from, and the tests its values pass.
 */
public record ProfileSpec(String table, String owner, List<ColumnSpec> columns) {

    /** What a column is for. Only {@link #FEATURE} columns are model inputs. */
    public enum Role {
        KEY,
        FEATURE,
        TARGET,
        LABEL,
        ATTRIBUTE
    }

    /** One declared column. */
    public record ColumnSpec(
            String name, Role role, String source, String description, List<String> tests) {

        public ColumnSpec {
            tests = tests == null ? List.of() : List.copyOf(tests);
        }
    }

    public ProfileSpec {
        columns = columns == null ? List.of() : List.copyOf(columns);
    }

    private static final ObjectMapper YAML =
            JsonMapper.builder(new YAMLFactory())
                    .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .build();

    public static ProfileSpec parse(String yaml) {
        try {
            ProfileSpec spec = YAML.readValue(yaml, ProfileSpec.class);
            for (ColumnSpec column : spec.columns()) {
                if (column.name() == null || column.role() == null) {
                    throw new ProfileContractException(
                            "profile.yml: every column needs a name and a role (key, feature,"
                                    + " target, label, attribute): "
                                    + column);
                }
            }
            return spec;
        } catch (IOException e) {
            throw new ProfileContractException("profile.yml cannot be read: " + e.getMessage(), e);
        }
    }
}
