package io.segflow.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

class UnionByNameTest {

    private static final String VIEW =
            "CREATE TEMPORARY VIEW activity AS\n"
                + "SELECT 'web' AS id_system, COUNT(*) AS page_views FROM (VALUES (1), (2)) AS"
                + " t(x)\n"
                + "UNION ALL BY NAME\n"
                + "SELECT 'product' AS id_system, 'UNION ALL BY NAME' AS item, CAST(5 AS BIGINT) AS"
                + " uses FROM (SELECT 1 FROM (VALUES (1)) AS u(y) UNION ALL SELECT 2) AS v(z)";

    @Test
    void splitsAtTheClauseOfTheViewOnlyAndKeepsEachBranchsPosition() {
        UnionByName.View view = UnionByName.parse(VIEW).orElseThrow();
        assertThat(view.head()).isEqualTo("CREATE TEMPORARY VIEW activity AS\n");
        assertThat(view.branches()).hasSize(2);
        // the clause inside a string and the UNION ALL inside parentheses belong to the branch
        assertThat(view.branches().get(1).query())
                .startsWith("SELECT 'product'")
                .endsWith("UNION ALL SELECT 2) AS v(z)");
        assertThat(view.branches().get(1).line()).isEqualTo(3);
        assertThat(view.branches().get(1).positioned().split("\n", -1)[3])
                .startsWith("SELECT 'product'");
        assertThat(UnionByName.parse("CREATE VIEW x AS SELECT 1 UNION ALL SELECT 2")).isEmpty();
    }

    @Test
    void eachBranchGetsTheColumnsItLacksAsTypedNulls() throws Exception {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        UnionByName.View view = UnionByName.parse(VIEW).orElseThrow();
        List<List<UnionByName.Column>> columns =
                view.branches().stream()
                        .map(
                                branch ->
                                        env
                                                .sqlQuery(branch.positioned())
                                                .getResolvedSchema()
                                                .getColumns()
                                                .stream()
                                                .map(
                                                        (Column c) ->
                                                                new UnionByName.Column(
                                                                        c.getName(),
                                                                        c.getDataType()
                                                                                .getLogicalType()
                                                                                .copy(true)
                                                                                .asSerializableString()))
                                                .toList())
                        .toList();
        env.executeSql(UnionByName.rewrite(view, columns));

        assertThat(env.from("activity").getResolvedSchema().getColumnNames())
                .containsExactly("id_system", "page_views", "item", "uses");
        try (CloseableIterator<Row> rows =
                env.executeSql("SELECT * FROM activity ORDER BY id_system, item").collect()) {
            List<String> seen = new java.util.ArrayList<>();
            rows.forEachRemaining(row -> seen.add(row.toString()));
            assertThat(seen)
                    .containsExactly(
                            "+I[product, null, UNION ALL BY NAME, 5]",
                            "+I[product, null, UNION ALL BY NAME, 5]",
                            "+I[web, 2, null, null]");
        }
    }

    @Test
    void theClauseOutsideAViewIsAnError() {
        assertThatThrownBy(() -> UnionByName.parse("SELECT 1 AS a UNION ALL BY NAME SELECT 2 AS b"))
                .isInstanceOf(SqlScriptException.class)
                .hasMessageContaining("in a view only");
    }
}
