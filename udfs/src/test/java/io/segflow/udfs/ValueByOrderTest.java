package io.segflow.udfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

/** LATEST_BY and EARLIEST_BY as the SQL files use them, through the real planner. */
class ValueByOrderTest {

    private static final String CHANGES =
            "SELECT * FROM (VALUES"
                    + " (1, 'c', 'DE', CAST(10 AS BIGINT)),"
                    + " (1, 'u', 'FR', CAST(12 AS BIGINT)),"
                    + " (2, 'c', 'PL', CAST(11 AS BIGINT)),"
                    + " (1, 'u', 'AT', CAST(11 AS BIGINT))," // older than the FR change: arrives
                    // late, loses
                    + " (2, 'd', CAST(NULL AS STRING), CAST(13 AS BIGINT))"
                    + ") AS t(customer_id, op, country, kafka_offset)";

    @Test
    void latestByTakesTheValueAtTheGreatestOrderWhateverTheArrivalOrder() throws Exception {
        TableEnvironment batch = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        register(batch);
        List<Row> rows =
                collect(
                        batch,
                        "SELECT customer_id, LATEST_BY(country, kafka_offset), LATEST_BY(op <> 'd',"
                                + " kafka_offset) FROM ("
                                + CHANGES
                                + ") GROUP BY customer_id");
        // a delete carries no country: the latest value is NULL, so the erased value is gone
        assertThat(rows).containsExactlyInAnyOrder(Row.of(1, "FR", true), Row.of(2, null, false));
    }

    @Test
    void earliestByTakesTheValueAtTheSmallestOrderAndBreaksTiesByValue() throws Exception {
        TableEnvironment batch = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        register(batch);
        List<Row> rows =
                collect(
                        batch,
                        "SELECT event_id, EARLIEST_BY(visitor_id, event_time) FROM (VALUES"
                                + " ('e1', 'v-late', TIMESTAMP '2026-11-20 10:00:05'),"
                                + " ('e1', 'v-first', TIMESTAMP '2026-11-20 10:00:00'),"
                                + " ('e2', 'v-b', TIMESTAMP '2026-11-20 11:00:00'),"
                                + " ('e2', 'v-a', TIMESTAMP '2026-11-20 11:00:00'),"
                                + " ('e3', 'v-x', CAST(NULL AS TIMESTAMP))" // no order: ignored
                                + ") AS t(event_id, visitor_id, event_time) GROUP BY event_id");
        assertThat(rows)
                .containsExactlyInAnyOrder(
                        Row.of("e1", "v-first"), Row.of("e2", "v-a"), Row.of("e3", null));
    }

    @Test
    void aStreamingAggregateIsUpdatedInPlaceAndSilentWhenTheValueStays() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        StreamTableEnvironment streaming = StreamTableEnvironment.create(env);
        register(streaming);
        List<Row> changelog = new ArrayList<>();
        try (CloseableIterator<Row> it =
                streaming
                        .toChangelogStream(
                                streaming.sqlQuery(
                                        "SELECT customer_id, LATEST_BY(op <> 'd', kafka_offset) AS"
                                                + " is_live FROM ("
                                                + CHANGES
                                                + ") GROUP BY customer_id"))
                        .executeAndCollect()) {
            it.forEachRemaining(changelog::add);
        }
        // customer 1 changes three times but stays live: one insert, nothing more; customer 2's
        // delete is an update
        assertThat(changelog).extracting(Row::getKind).doesNotContain(RowKind.DELETE);
        assertThat(changelog.stream().filter(r -> r.getField(0).equals(1)))
                .extracting(Row::getKind)
                .containsExactly(RowKind.INSERT);
        assertThat(changelog.stream().filter(r -> r.getField(0).equals(2)).map(r -> r.getField(1)))
                .containsExactly(true, true, false); // +I, -U, +U
    }

    @Test
    void anOrderThatDoesNotCompareIsRefused() {
        TableEnvironment batch = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        register(batch);
        assertThatThrownBy(
                        () ->
                                batch.sqlQuery(
                                        "SELECT LATEST_BY(a, b) FROM (VALUES (1, TRUE)) AS t(a,"
                                                + " b)"))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining(
                        "the order argument of LATEST_BY must be a number, a date or time, or a"
                                + " string; it is BOOLEAN");
    }

    @Test
    void theValueKeepsItsType() {
        TableEnvironment batch = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        register(batch);
        assertThat(
                        batch.sqlQuery(
                                        "SELECT LATEST_BY(t, o) AS v FROM (VALUES"
                                                + " (TO_TIMESTAMP_LTZ(0, 3), 1)) AS x(t, o)")
                                .getResolvedSchema()
                                .getColumnDataTypes()
                                .get(0)
                                .getLogicalType()
                                .asSummaryString())
                .isEqualTo("TIMESTAMP_LTZ(3)");
        assertThat(new ValueByOrder.Latest().getValue(Row.of(Instant.EPOCH, 1L)))
                .isEqualTo(Instant.EPOCH);
    }

    private static void register(TableEnvironment env) {
        env.executeSql(
                "CREATE TEMPORARY SYSTEM FUNCTION LATEST_BY AS"
                        + " 'io.segflow.udfs.ValueByOrder$Latest'");
        env.executeSql(
                "CREATE TEMPORARY SYSTEM FUNCTION EARLIEST_BY AS"
                        + " 'io.segflow.udfs.ValueByOrder$Earliest'");
    }

    private static List<Row> collect(TableEnvironment env, String sql) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = env.executeSql(sql).collect()) {
            it.forEachRemaining(rows::add);
        }
        return Collections.unmodifiableList(rows);
    }
}
