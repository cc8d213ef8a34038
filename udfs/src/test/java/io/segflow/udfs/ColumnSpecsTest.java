package io.segflow.udfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segflow.udfs.ColumnSpec.Kind;
import java.util.List;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.junit.jupiter.api.Test;

class ColumnSpecsTest {

    @Test
    void readsFlinkColumnSyntax() {
        List<ColumnSpec> columns =
                ColumnSpecs.parse(
                        "customer_id BIGINT NOT NULL, email STRING, `system` VARCHAR(20), country"
                            + " CHAR(2), amount DECIMAL(12, 2), birth_date DATE, t TIME(3), ts"
                            + " TIMESTAMP(6), updated_at TIMESTAMP_LTZ(3), ok BOOLEAN, b TINYINT, s"
                            + " SMALLINT, i INT, f FLOAT, d DOUBLE");
        assertThat(columns)
                .containsExactly(
                        new ColumnSpec("customer_id", Kind.BIGINT, 0, 0, true),
                        new ColumnSpec("email", Kind.VARCHAR, ColumnSpec.MAX_LENGTH, 0, false),
                        new ColumnSpec("system", Kind.VARCHAR, 20, 0, false),
                        new ColumnSpec("country", Kind.CHAR, 2, 0, false),
                        new ColumnSpec("amount", Kind.DECIMAL, 12, 2, false),
                        new ColumnSpec("birth_date", Kind.DATE, 0, 0, false),
                        new ColumnSpec("t", Kind.TIME, 3, 0, false),
                        new ColumnSpec("ts", Kind.TIMESTAMP, 6, 0, false),
                        new ColumnSpec("updated_at", Kind.TIMESTAMP_LTZ, 3, 0, false),
                        new ColumnSpec("ok", Kind.BOOLEAN, 0, 0, false),
                        new ColumnSpec("b", Kind.TINYINT, 0, 0, false),
                        new ColumnSpec("s", Kind.SMALLINT, 0, 0, false),
                        new ColumnSpec("i", Kind.INT, 0, 0, false),
                        new ColumnSpec("f", Kind.FLOAT, 0, 0, false),
                        new ColumnSpec("d", Kind.DOUBLE, 0, 0, false));
        assertThat(columns)
                .extracting(ColumnSpec::typeName)
                .containsExactly(
                        "BIGINT",
                        "STRING",
                        "VARCHAR(20)",
                        "CHAR(2)",
                        "DECIMAL(12, 2)",
                        "DATE",
                        "TIME(3)",
                        "TIMESTAMP(6)",
                        "TIMESTAMP_LTZ(3)",
                        "BOOLEAN",
                        "TINYINT",
                        "SMALLINT",
                        "INT",
                        "FLOAT",
                        "DOUBLE");
    }

    @Test
    void theOutputTypeIsNullableAndEndsWithParseError() {
        assertThat(
                        ColumnSpecs.outputType(
                                "customer_id BIGINT NOT NULL, amount DECIMAL(12, 2)",
                                List.of(DataTypes.FIELD("op", DataTypes.STRING()))))
                .isEqualTo(
                        DataTypes.ROW(
                                DataTypes.FIELD("op", DataTypes.STRING()),
                                DataTypes.FIELD("customer_id", DataTypes.BIGINT()),
                                DataTypes.FIELD("amount", DataTypes.DECIMAL(12, 2)),
                                DataTypes.FIELD("parse_error", DataTypes.STRING())));
    }

    @Test
    void unsupportedTypesAreAPlanningError() {
        assertThatThrownBy(() -> ColumnSpecs.parse("tags ARRAY<STRING>"))
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("column tags: type ARRAY<STRING> is not supported");
        assertThatThrownBy(() -> ColumnSpecs.parse("id BIGINT,"))
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("cannot read the column list 'id BIGINT,'");
        assertThatThrownBy(() -> ColumnSpecs.parse(" "))
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("the column list is empty");
    }

    @Test
    void theFunctionsOwnColumnNamesAreTaken() {
        assertThatThrownBy(
                        () ->
                                ColumnSpecs.outputType(
                                        "op STRING",
                                        List.of(DataTypes.FIELD("op", DataTypes.STRING()))))
                .isInstanceOf(ValidationException.class)
                .hasMessage("column 'op': the function emits a column of that name itself");
        assertThatThrownBy(() -> ColumnSpecs.outputType("PARSE_ERROR STRING", List.of()))
                .isInstanceOf(ValidationException.class);
        assertThat(ColumnSpecs.outputType("op STRING", List.of()).getChildren()).hasSize(2);
    }
}
