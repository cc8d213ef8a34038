package io.segflow.udfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ONLY_VALUE as customer_profile uses it: the CRM row of a customer, a ROW among rows that carry
 * NULL there, over an input whose CRM row is retracted and replaced.
 */
class OnlyValueTest {

    /**
     * The latest CRM row of each customer (LATEST_BY, an updating result) stacked with activity
     * rows that have no CRM row: what customer_rows is in 50_features.sql.
     */
    private static final String CUSTOMER_ROWS =
            "SELECT customer_id, crm FROM ("
                    + "  SELECT customer_id, LATEST_BY(crm, kafka_offset) AS crm FROM (VALUES"
                    + "    (1, ROW('DE', 30), CAST(10 AS BIGINT)),"
                    + "    (2, ROW('PL', 41), CAST(11 AS BIGINT)),"
                    + "    (1, ROW('FR', 31), CAST(12 AS BIGINT)),"
                    + "    (1, ROW('AT', 29), CAST(11 AS BIGINT)),"
                    + "    (2, CAST(NULL AS ROW<country STRING, age INT>), CAST(13 AS BIGINT))"
                    + "  ) AS t(customer_id, crm, kafka_offset) GROUP BY customer_id)"
                    + " UNION ALL"
                    + " SELECT customer_id, CAST(NULL AS ROW<country STRING, age INT>) FROM (VALUES"
                    + " (1), (1), (2)) AS a(customer_id)";

    @ParameterizedTest(name = "mini-batch {0}")
    @ValueSource(booleans = {false, true})
    void theOnlyValueFollowsItsRowThroughRetractions(boolean miniBatch) throws Exception {
        StreamTableEnvironment streaming = UpdatingAggregates.streaming(miniBatch);
        register(streaming);
        Map<Integer, Row> latest = new TreeMap<>();
        List<Row> changelog = new ArrayList<>();
        try (CloseableIterator<Row> it =
                streaming
                        .toChangelogStream(
                                streaming.sqlQuery(
                                        "SELECT customer_id, ONLY_VALUE(crm) AS crm, COUNT(*) AS n"
                                                + " FROM ("
                                                + CUSTOMER_ROWS
                                                + ") GROUP BY customer_id"))
                        .executeAndCollect()) {
            it.forEachRemaining(
                    row -> {
                        changelog.add(row);
                        switch (row.getKind()) {
                            case INSERT, UPDATE_AFTER -> latest.put((Integer) row.getField(0), row);
                            case DELETE -> latest.remove((Integer) row.getField(0));
                            default -> {}
                        }
                    });
        }
        // customer 1's row went DE -> FR (AT came late and lost): FR, and nothing of DE is left
        assertThat(latest.get(1).getField("crm")).isEqualTo(Row.of("FR", 31));
        // customer 2's CRM row was deleted: no value, though the customer's other rows remain
        assertThat(latest.get(2).getField("crm")).isNull();
        assertThat(latest.get(2).getField("n")).isEqualTo(2L);
        assertThat(changelog).isNotEmpty();
    }

    @Test
    void partialAccumulatorsMergeRetractionsBeforeTheirValues() {
        OnlyValue function = new OnlyValue();
        Row global = function.createAccumulator();
        function.accumulate(global, Row.of("DE", 30));
        // a partial accumulator that saw the retraction of DE and the new FR
        Row partial = function.createAccumulator();
        function.retract(partial, Row.of("DE", 30));
        function.accumulate(partial, Row.of("FR", 31));
        function.merge(global, List.of(partial));
        assertThat(function.getValue(global)).isEqualTo(Row.of("FR", 31));
        // and one that retracts a value the global has not seen yet
        Row early = function.createAccumulator();
        function.retract(early, Row.of("FR", 31));
        Row other = function.createAccumulator();
        function.merge(other, List.of(early));
        assertThat(function.getValue(other)).isNull();
        function.accumulate(other, Row.of("FR", 31));
        assertThat(function.getValue(other)).as("the retraction and its value cancel").isNull();
        function.accumulate(other, null);
        assertThat(function.getValue(other)).isNull();
    }

    @Test
    void severalValuesGiveTheSameOneWhateverTheirOrder() {
        OnlyValue function = new OnlyValue();
        Row one = function.createAccumulator();
        function.accumulate(one, "b");
        function.accumulate(one, "a");
        Row two = function.createAccumulator();
        function.accumulate(two, "a");
        function.accumulate(two, "b");
        assertThat(function.getValue(one)).isEqualTo(function.getValue(two)).isEqualTo("b");
    }

    private static void register(StreamTableEnvironment env) {
        env.executeSql(
                "CREATE TEMPORARY SYSTEM FUNCTION LATEST_BY AS"
                        + " 'io.segflow.udfs.ValueByOrder$Latest'");
        env.executeSql(
                "CREATE TEMPORARY SYSTEM FUNCTION ONLY_VALUE AS 'io.segflow.udfs.OnlyValue'");
    }
}
