package io.segflow.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segflow.profile.ProfileContract.ViewColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfileContractTest {

    private static final String YAML =
            """
            table: customer_profile
            columns:
              - name: customer_id
                role: key
                source: crm
              - name: website_views
                role: feature
                source: web
                description: web events
                tests: [not_null]
              - name: product_days
                role: feature
                source: product
              - name: converted_to_sale
                role: target
                source: crm
              - name: segment_label
                role: label
            """;

    private static final List<ViewColumn> VIEW =
            List.of(
                    new ViewColumn("customer_id", "BIGINT NOT NULL", true),
                    new ViewColumn("website_views", "BIGINT", true),
                    new ViewColumn("product_days", "DOUBLE", true),
                    new ViewColumn("converted_to_sale", "BOOLEAN", false),
                    new ViewColumn("segment_label", "STRING", false),
                    new ViewColumn("updated_at", "TIMESTAMP_LTZ(3)", false));

    @Test
    void featuresAreTheDeclaredNumericColumnsWithTheirSources() {
        FeatureSet features = ProfileContract.check(ProfileSpec.parse(YAML), VIEW);
        assertThat(features.keyColumn()).isEqualTo("customer_id");
        assertThat(features.names()).containsExactly("website_views", "product_days");
        assertThat(features.bySource())
                .containsEntry("web", List.of("website_views"))
                .containsEntry("product", List.of("product_days"));
        assertThat(features.targets()).containsExactly("converted_to_sale");
        assertThat(features.labels()).containsExactly("segment_label");
    }

    @Test
    void aSourceOfAnyNameIsASourceOfItsOwn() {
        String yaml =
                YAML.replace(
                        "  - name: converted_to_sale",
                        "  - name: emails_opened\n"
                                + "    role: feature\n"
                                + "    source: email\n"
                                + "  - name: converted_to_sale");
        var view = new ArrayList<>(VIEW);
        view.add(3, new ViewColumn("emails_opened", "BIGINT", true));
        FeatureSet features = ProfileContract.check(ProfileSpec.parse(yaml), view);
        // what insight values one by one (data_source_value, the report): one entry per source
        assertThat(features.bySource())
                .containsExactly(
                        Map.entry("web", List.of("website_views")),
                        Map.entry("product", List.of("product_days")),
                        Map.entry("email", List.of("emails_opened")));
    }

    @Test
    void anUndeclaredNumericColumnIsNamed() {
        var view = new ArrayList<>(VIEW);
        view.add(new ViewColumn("videos_per_week", "DOUBLE", true));
        assertThatThrownBy(() -> ProfileContract.check(ProfileSpec.parse(YAML), view))
                .isInstanceOf(ProfileContractException.class)
                .hasMessageContaining(
                        "column 'videos_per_week' (DOUBLE) of customer_profile is not declared in"
                                + " profile.yml");
    }

    @Test
    void aDeclaredColumnMissingFromTheViewIsNamed() {
        assertThatThrownBy(() -> ProfileContract.check(ProfileSpec.parse(YAML), VIEW.subList(0, 3)))
                .hasMessageContaining(
                        "profile.yml declares 'converted_to_sale' but customer_profile has no such"
                                + " column");
    }

    @Test
    void aFeatureMustBeNumericAndHaveASource() {
        String yaml = YAML.replace("role: label", "role: feature");
        assertThatThrownBy(() -> ProfileContract.check(ProfileSpec.parse(yaml), VIEW))
                .hasMessageContaining(
                        "feature 'segment_label' is STRING in customer_profile; a feature must be"
                                + " numeric");
        String noSource = YAML.replace("    source: web\n", "");
        assertThatThrownBy(() -> ProfileContract.check(ProfileSpec.parse(noSource), VIEW))
                .hasMessageContaining("feature 'website_views' has no source in profile.yml");
    }

    @Test
    void unknownRoleIsAClearError() {
        assertThatThrownBy(() -> ProfileSpec.parse(YAML.replace("role: target", "role: goal")))
                .isInstanceOf(ProfileContractException.class)
                .hasMessageContaining("profile.yml cannot be read");
    }
}
