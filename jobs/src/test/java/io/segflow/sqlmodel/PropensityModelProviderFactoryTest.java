package io.segflow.sqlmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.junit.jupiter.api.Test;

/** What a SQL user declares as OUTPUT of a segflow-propensity model, checked when planning. */
class PropensityModelProviderFactoryTest {

    @Test
    void theOutputsAreNamedAndTypedAsTheModelGivesThem() {
        assertThat(
                        PropensityModelProviderFactory.Output.forDeclared(
                                "m", Column.physical("potential_score", DataTypes.DOUBLE())))
                .isEqualTo(PropensityModelProviderFactory.Output.POTENTIAL_SCORE);
        assertThat(
                        PropensityModelProviderFactory.Output.forDeclared(
                                "m", Column.physical("model_version", DataTypes.BIGINT())))
                .isEqualTo(PropensityModelProviderFactory.Output.MODEL_VERSION);
    }

    @Test
    void anUnknownOrMistypedOutputIsRefusedWithWhatToDeclare() {
        assertThatThrownBy(
                        () ->
                                PropensityModelProviderFactory.Output.forDeclared(
                                        "m", Column.physical("segment_id", DataTypes.INT())))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("segment_id of model m is not something segflow-propensity")
                .hasMessageContaining("potential_score DOUBLE");
        assertThatThrownBy(
                        () ->
                                PropensityModelProviderFactory.Output.forDeclared(
                                        "m", Column.physical("percentile", DataTypes.FLOAT())))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("declare `percentile DOUBLE`");
    }
}
