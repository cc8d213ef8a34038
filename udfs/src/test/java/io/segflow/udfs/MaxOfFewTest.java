package io.segflow.udfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MAX_OF_FEW as customer_profile uses it: the newest event time of a customer over the newest times
 * of their ids, each of which moves on (is retracted and replaced) with every new event.
 */
class MaxOfFewTest {

    /**
     * The newest event time of each id (MAX over an append-only input: an updating result), with
     * the customer each id belongs to: what the profile aggregates in 50_features.sql.
     */
    private static final String NEWEST_TIME_PER_ID =
            "SELECT customer_id, MAX(event_time) AS last_event_time FROM (VALUES"
                    + "  (1, 'v1', TIMESTAMP '2026-12-01 10:00:00'),"
                    + "  (1, 'u1', TIMESTAMP '2026-12-01 09:00:00'),"
                    + "  (1, 'v1', TIMESTAMP '2026-12-01 11:00:00'),"
                    + "  (1, 'u1', TIMESTAMP '2026-12-01 12:00:00'),"
                    + "  (1, 'v1', TIMESTAMP '2026-12-01 08:00:00'),"
                    + "  (2, 'v2', TIMESTAMP '2026-12-02 10:00:00'),"
                    + "  (2, 'v2', TIMESTAMP '2026-12-02 10:30:00')"
                    + ") AS t(customer_id, external_id, event_time)"
                    + " GROUP BY customer_id, external_id";

    @ParameterizedTest(name = "mini-batch {0}")
    @ValueSource(booleans = {false, true})
    void followsTheNewestTimeAsEachIdMovesOnAndAgreesWithMax(boolean miniBatch) throws Exception {
        StreamTableEnvironment streaming = UpdatingAggregates.streaming(miniBatch);
        streaming.executeSql(
                "CREATE TEMPORARY SYSTEM FUNCTION MAX_OF_FEW AS 'io.segflow.udfs.MaxOfFew'");
        Map<Integer, Row> latest =
                UpdatingAggregates.finalRows(
                        streaming,
                        "SELECT customer_id, MAX_OF_FEW(last_event_time) AS newest,"
                                + " MAX(last_event_time) AS flink_max FROM ("
                                + NEWEST_TIME_PER_ID
                                + ") GROUP BY customer_id");
        assertThat(latest.get(1).getField("newest"))
                .hasToString("2026-12-01T12:00")
                .isEqualTo(latest.get(1).getField("flink_max"));
        assertThat(latest.get(2).getField("newest"))
                .hasToString("2026-12-02T10:30")
                .isEqualTo(latest.get(2).getField("flink_max"));
    }

    @Test
    void retractingTheGreatestGivesTheNextAndPartialsMergeInAnyOrder() {
        MaxOfFew function = new MaxOfFew();
        Instant nine = Instant.parse("2026-12-01T09:00:00Z");
        Instant ten = Instant.parse("2026-12-01T10:00:00Z");
        Instant eleven = Instant.parse("2026-12-01T11:00:00Z");
        Row global = function.createAccumulator();
        function.accumulate(global, nine);
        function.accumulate(global, ten);
        function.accumulate(global, null);
        assertThat(function.getValue(global)).isEqualTo(ten);
        function.retract(global, ten);
        assertThat(function.getValue(global)).as("the next greatest is back").isEqualTo(nine);
        // a partial accumulator that moved nine on to eleven, and one that retracts eleven
        // before the global has seen it
        Row moved = function.createAccumulator();
        function.retract(moved, nine);
        function.accumulate(moved, eleven);
        Row early = function.createAccumulator();
        function.retract(early, eleven);
        function.merge(global, List.of(early));
        assertThat(function.getValue(global)).isEqualTo(nine);
        function.merge(global, List.of(moved));
        assertThat(function.getValue(global))
                .as("eleven's retraction and its value cancel; nine was moved on")
                .isNull();
        function.accumulate(global, eleven);
        assertThat(function.getValue(global)).isEqualTo(eleven);
    }

    @Test
    void aRowCannotBeTheArgument() {
        StreamTableEnvironment env =
                StreamTableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment());
        env.executeSql("CREATE TEMPORARY SYSTEM FUNCTION MAX_OF_FEW AS 'io.segflow.udfs.MaxOfFew'");
        assertThatThrownBy(
                        () ->
                                env.sqlQuery(
                                        "SELECT MAX_OF_FEW(ROW(a, b)) FROM (VALUES (1, 'a')) AS"
                                                + " t(a, b)"))
                .hasMessageContaining("MAX_OF_FEW");
    }
}
