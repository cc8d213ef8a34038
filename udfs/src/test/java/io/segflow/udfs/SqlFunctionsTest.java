package io.segflow.udfs;

import static io.segflow.udfs.DebeziumChangeDecodingTest.FULL_ROW;
import static io.segflow.udfs.DebeziumChangeDecodingTest.KEY_ONLY_ROW;
import static io.segflow.udfs.DebeziumChangeDecodingTest.enveloped;
import static io.segflow.udfs.DebeziumChangeDecodingTest.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The functions through Flink's real planner and runtime, registered as the SQL files register
 * them: type inference, the literal column list, conversion of the emitted Java values.
 */
class SqlFunctionsTest {

    static final String CUSTOMERS =
            "customer_id BIGINT NOT NULL, email STRING, birth_date DATE, country STRING, created_at"
                + " TIMESTAMP_LTZ(6), converted_to_sale BOOLEAN, segment_label STRING, updated_at"
                + " TIMESTAMP_LTZ(6), lifetime_value DECIMAL(12, 2), churn_score DECIMAL(10, 4),"
                + " last_login TIMESTAMP(6), signup_ts TIMESTAMP(3), preferred_contact_time"
                + " TIME(0), visits INT, rating FLOAT, balance DOUBLE";

    static final String WEB_EVENTS =
            "event_id STRING NOT NULL, visitor_id STRING NOT NULL, event_type STRING NOT NULL,"
                    + " event_time TIMESTAMP_LTZ(3) NOT NULL";

    static TableEnvironment env;

    @BeforeAll
    static void createEnvironment() {
        env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.getConfig().set("parallelism.default", "1");
        env.createTemporarySystemFunction("PARSE_DEBEZIUM", ParseDebezium.class);
        env.createTemporarySystemFunction("PARSE_JSON", ParseJson.class);
        env.createTemporarySystemFunction("JSON_INSTANT", JsonInstant.class);
        env.createTemporarySystemFunction("COUNT_DEAD_LETTER", CountDeadLetter.class);
        env.createTemporarySystemFunction("AGE_IN_YEARS", AgeInYears.class);

        input(
                "crm_raw",
                enveloped(payload("c", "null", FULL_ROW)),
                payload("u", "null", FULL_ROW.replace("\"visits\":42", "\"visits\":43")),
                enveloped(payload("d", KEY_ONLY_ROW, "null")),
                null, // the tombstone after the delete
                "{\"before\":null,\"after\":{\"customer_id\":90},\"op\":\"x\",\"ts_ms\":1}",
                "{\"before\":null,\"after\":{\"customer_id\":\"abc\"},\"op\":\"c\",\"ts_ms\":1}",
                "{\"before\":null,\"after\":{\"customer_id\":91,\"email\":\"secret@example.com\"");
        input(
                "web_raw",
                "{\"event_id\":\"e-1\",\"visitor_id\":42,\"event_type\":\"page_view\",\"event_time\":\"2026-11-20T10:15:30.250Z\"}",
                "{\"event_id\":\"e-2\",\"visitor_id\":\"v-1\",\"event_type\":\"page_view\",\"event_time\":1763633730250}",
                "{\"visitor_id\":\"v-1\",\"event_type\":\"page_view\",\"event_time\":\"2026-11-20T10:15:30Z\"}",
                "not json at all",
                "",
                null);
    }

    /** A view {@code name(id INT, payload STRING)}, ids 1, 2, ... in the order given. */
    static void input(String name, String... payloads) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < payloads.length; i++) {
            rows.add(Row.of(i + 1, payloads[i]));
        }
        env.createTemporaryView(
                name,
                env.fromValues(
                        DataTypes.ROW(
                                DataTypes.FIELD("id", DataTypes.INT()),
                                DataTypes.FIELD("payload", DataTypes.STRING())),
                        rows));
    }

    static List<Row> collect(TableResult result) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> iterator = result.collect()) {
            iterator.forEachRemaining(rows::add);
        }
        return rows;
    }

    @Test
    void parseDebeziumEmitsTypedRowsAndReasons() throws Exception {
        TableResult result =
                env.executeSql(
                        "SELECT r.id, c.* FROM crm_raw AS r,"
                                + " LATERAL TABLE(PARSE_DEBEZIUM(r.payload, '"
                                + CUSTOMERS
                                + "')) AS c ORDER BY r.id");

        List<Column> columns = result.getResolvedSchema().getColumns();
        assertThat(columns)
                .extracting(Column::getName)
                .containsExactly(
                        "id",
                        "op",
                        "customer_id",
                        "email",
                        "birth_date",
                        "country",
                        "created_at",
                        "converted_to_sale",
                        "segment_label",
                        "updated_at",
                        "lifetime_value",
                        "churn_score",
                        "last_login",
                        "signup_ts",
                        "preferred_contact_time",
                        "visits",
                        "rating",
                        "balance",
                        "after",
                        "parse_error");
        assertThat(columns.get(2).getDataType()).isEqualTo(DataTypes.BIGINT());
        assertThat(columns.get(10).getDataType()).isEqualTo(DataTypes.DECIMAL(12, 2));

        List<Row> rows = collect(result);
        assertThat(rows)
                .extracting(row -> row.getField("id"))
                .containsExactly(1, 2, 3, 5, 6, 7); // no row for the tombstone

        Row create = rows.get(0);
        assertThat(create.getField("op")).isEqualTo("c");
        assertThat(create.getField("customer_id")).isEqualTo(1001L);
        assertThat(create.getField("email")).isEqualTo("anne@example.com");
        assertThat(create.getField("birth_date")).isEqualTo(LocalDate.of(1985, 3, 1));
        assertThat(create.getField("created_at"))
                .isEqualTo(Instant.parse("2026-11-20T10:15:30.250Z"));
        assertThat(create.getField("converted_to_sale")).isEqualTo(false);
        assertThat(create.getField("segment_label")).isNull();
        assertThat(create.getField("updated_at"))
                .isEqualTo(Instant.parse("2026-11-20T10:15:30.123456Z"));
        assertThat(create.getField("lifetime_value")).isEqualTo(new BigDecimal("1234.56"));
        assertThat(create.getField("churn_score")).isEqualTo(new BigDecimal("0.1250"));
        assertThat(create.getField("last_login"))
                .isEqualTo(LocalDateTime.of(2018, 6, 20, 15, 13, 16, 945_104_000));
        assertThat(create.getField("signup_ts"))
                .isEqualTo(LocalDateTime.of(2018, 6, 20, 15, 13, 16, 945_000_000));
        assertThat(create.getField("preferred_contact_time")).isEqualTo(LocalTime.of(10, 15, 30));
        assertThat(create.getField("visits")).isEqualTo(42);
        assertThat(create.getField("rating")).isEqualTo(4.5f);
        assertThat(create.getField("balance")).isEqualTo(-12.75d);
        assertThat(create.getField("parse_error")).isNull();
        // the same columns as one row, for SQL that carries the CRM row without naming its columns
        Row after = (Row) create.getField("after");
        assertThat(after.getArity()).isEqualTo(16);
        assertThat(after.getField(0)).isEqualTo(1001L);
        assertThat(after.getField(2)).isEqualTo(LocalDate.of(1985, 3, 1));
        assertThat(after.getField(15)).isEqualTo(-12.75d);

        Row update = rows.get(1);
        assertThat(update.getField("op")).isEqualTo("u");
        assertThat(update.getField("customer_id")).isEqualTo(1001L);
        assertThat(update.getField("visits")).isEqualTo(43);
        assertThat(update.getField("parse_error")).isNull();

        Row delete = rows.get(2);
        assertThat(delete.getField("op")).isEqualTo("d");
        assertThat(delete.getField("customer_id")).isEqualTo(1001L);
        assertThat(delete.getField("email")).isNull();
        assertThat(delete.getField("parse_error")).isNull();
        assertThat(delete.getField("after")).as("a deleted row has no row after").isNull();

        assertThat(rows.get(3).getField("op")).isEqualTo("x");
        assertThat(rows.get(3).getField("customer_id")).isNull();
        assertThat(rows.get(3).getField("parse_error"))
                .isEqualTo("unknown_op: unknown Debezium op 'x'");
        assertThat(rows.get(3).getField("after")).isNull();
        assertThat(rows.get(4).getField("op")).isEqualTo("c");
        assertThat(rows.get(4).getField("parse_error"))
                .isEqualTo("wrong_type: field customer_id: expected BIGINT, found string \"abc\"");
        assertThat(rows.get(5).getField("op")).isNull();
        assertThat((String) rows.get(5).getField("parse_error"))
                .startsWith("malformed_json: malformed JSON: Unexpected end-of-input");
    }

    @Test
    void parseJsonEmitsOneRowPerPayload() throws Exception {
        List<Row> rows =
                collect(
                        env.executeSql(
                                "SELECT r.id, e.event_id, e.visitor_id, e.event_time, e.parse_error"
                                    + " FROM web_raw AS r, LATERAL TABLE(PARSE_JSON(r.payload, '"
                                        + WEB_EVENTS
                                        + "')) AS e ORDER BY r.id"));
        assertThat(rows)
                .containsExactly(
                        Row.of(1, "e-1", "42", Instant.parse("2026-11-20T10:15:30.250Z"), null),
                        Row.of(2, "e-2", "v-1", Instant.parse("2025-11-20T10:15:30.250Z"), null),
                        Row.of(
                                3,
                                null,
                                null,
                                null,
                                "missing_field: missing required field event_id"),
                        Row.of(
                                4,
                                null,
                                null,
                                null,
                                "malformed_json: malformed JSON: Unrecognized token 'not': was"
                                        + " expecting (JSON String, Number, Array, Object or token"
                                        + " 'null', 'true' or 'false') at line 1, column 4"),
                        Row.of(5, null, null, null, "empty_payload: empty payload"),
                        Row.of(
                                6,
                                null,
                                null,
                                null,
                                "tombstone: null payload (a tombstone) where a record belongs"));
    }

    @Test
    void ageInYearsCountsTheBirthdaysPassed() throws Exception {
        List<Row> rows = new ArrayList<>();
        LocalDate on = LocalDate.of(2025, 2, 28);
        List<LocalDate> births = new ArrayList<>();
        // the days around the leap day in four years, a day each month, and the edges
        for (int year = 1999; year <= 2002; year++) {
            for (LocalDate d = LocalDate.of(year, 2, 26);
                    d.getMonthValue() < 4;
                    d = d.plusDays(2)) {
                births.add(d);
            }
            births.add(LocalDate.of(year, 2, 28));
            if (year == 2000) {
                births.add(LocalDate.of(year, 2, 29));
            }
        }
        for (int month = 1; month <= 12; month++) {
            births.add(LocalDate.of(1990, month, 27));
            births.add(LocalDate.of(1990, month, 28));
        }
        births.add(on);
        births.add(on.plusDays(1));
        births.add(LocalDate.of(2030, 6, 15));
        for (int i = 0; i < births.size(); i++) {
            rows.add(Row.of(i, births.get(i)));
        }
        env.createTemporaryView(
                "births",
                env.fromValues(
                        DataTypes.ROW(
                                DataTypes.FIELD("id", DataTypes.INT()),
                                DataTypes.FIELD("birth_date", DataTypes.DATE())),
                        rows));
        List<Row> ages =
                collect(
                        env.executeSql(
                                "SELECT id, AGE_IN_YEARS(birth_date, DATE '2025-02-28') AS age,"
                                        + " AGE_IN_YEARS(CAST(NULL AS DATE), DATE '2025-02-28')"
                                        + " FROM births ORDER BY id"));
        assertThat(ages).hasSize(births.size());
        for (Row row : ages) {
            LocalDate birth = births.get((Integer) row.getField(0));
            assertThat(row.getField("age"))
                    .as("born %s", birth)
                    .isEqualTo(java.time.Period.between(birth, on).getYears());
            assertThat(row.getField(2)).isNull();
        }
        // 29 February: 24 on 28 February 2025, 25 on 1 March
        assertThat(ages.get(births.indexOf(LocalDate.of(2000, 2, 29))).getField("age"))
                .isEqualTo(24);
        assertThat(ages.get(births.indexOf(LocalDate.of(2000, 2, 28))).getField("age"))
                .isEqualTo(25);
        assertThat(ages.get(births.size() - 1).getField("age")).isEqualTo(-5);
    }

    @Test
    void jsonInstantReadsTheEventTime() throws Exception {
        TableResult result =
                env.executeSql(
                        "SELECT id, JSON_INSTANT(payload, 'event_time') AS t FROM web_raw ORDER BY"
                                + " id");
        assertThat(result.getResolvedSchema().getColumns().get(1).getDataType())
                .isEqualTo(DataTypes.TIMESTAMP_LTZ(3));
        assertThat(collect(result))
                .containsExactly(
                        Row.of(1, Instant.parse("2026-11-20T10:15:30.250Z")),
                        Row.of(2, Instant.parse("2025-11-20T10:15:30.250Z")),
                        Row.of(3, Instant.parse("2026-11-20T10:15:30Z")),
                        Row.of(4, null),
                        Row.of(5, null),
                        Row.of(6, null));
    }

    @Test
    void countDeadLetterReturnsTheReason() throws Exception {
        List<Row> rows =
                collect(
                        env.executeSql(
                                "SELECT r.id, COUNT_DEAD_LETTER('web.events', e.parse_error) AS"
                                        + " reason FROM web_raw AS r, LATERAL"
                                        + " TABLE(PARSE_JSON(r.payload, '"
                                        + WEB_EVENTS
                                        + "')) AS e"
                                        + " WHERE e.parse_error IS NOT NULL ORDER BY r.id"));
        assertThat(rows).extracting(row -> row.getField("id")).containsExactly(3, 4, 5, 6);
        assertThat(rows.get(0).getField("reason"))
                .isEqualTo("missing_field: missing required field event_id");
        assertThat(rows.get(2).getField("reason")).isEqualTo("empty_payload: empty payload");
    }

    @Test
    void registeredAsTheSqlFilesDoAndWithConstantArguments() throws Exception {
        TableEnvironment sqlEnv = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        for (String[] function :
                new String[][] {
                    {"PARSE_DEBEZIUM", "ParseDebezium"}, {"PARSE_JSON", "ParseJson"},
                    {"JSON_INSTANT", "JsonInstant"}, {"COUNT_DEAD_LETTER", "CountDeadLetter"}
                }) {
            sqlEnv.executeSql(
                    "CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS "
                            + function[0]
                            + " AS 'io.segflow.udfs."
                            + function[1]
                            + "'");
        }
        assertThat(
                        collect(
                                sqlEnv.executeSql(
                                        "SELECT c.op, c.customer_id, c.`system`, c.parse_error FROM"
                                            + " (VALUES"
                                            + " ('{\"before\":null,\"after\":{\"customer_id\":5,\"system\":\"web\"},\"op\":\"u\"}'))"
                                            + " AS t(payload), LATERAL"
                                            + " TABLE(PARSE_DEBEZIUM(payload, 'customer_id BIGINT"
                                            + " NOT NULL, `system` STRING')) AS c")))
                .containsExactly(Row.of("u", 5L, "web", null));
        // constant arguments: JSON_INSTANT may be folded at planning, COUNT_DEAD_LETTER must not be
        assertThat(
                        collect(
                                sqlEnv.executeSql(
                                        "SELECT"
                                            + " JSON_INSTANT('{\"a\":{\"event_time\":1},\"event_time\":\"2026-11-20T10:15:30Z\"}',"
                                            + " 'event_time'),"
                                            + " JSON_INSTANT('{\"event_time\":\"bad\"}',"
                                            + " 'event_time'), COUNT_DEAD_LETTER('web.events',"
                                            + " 'malformed JSON')")))
                .containsExactly(
                        Row.of(Instant.parse("2026-11-20T10:15:30Z"), null, "malformed JSON"));
    }

    @Test
    void theColumnListMustBeALiteralOfSupportedTypes() {
        assertThatThrownBy(
                        () ->
                                env.sqlQuery(
                                        "SELECT e.* FROM web_raw AS r, LATERAL"
                                            + " TABLE(PARSE_JSON(r.payload, 'tags ARRAY<STRING>'))"
                                            + " AS e"))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining("column tags: type ARRAY<STRING> is not supported");
        assertThatThrownBy(
                        () ->
                                env.sqlQuery(
                                        "SELECT e.* FROM web_raw AS r, LATERAL"
                                            + " TABLE(PARSE_JSON(r.payload, 't TIME(3)')) AS e"))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining(
                        "column t: TIME(3) is not supported, Flink's planner supports TIME(0)"
                                + " only");
        assertThatThrownBy(
                        () ->
                                env.sqlQuery(
                                        "SELECT e.* FROM web_raw AS r, LATERAL"
                                                + " TABLE(PARSE_JSON(r.payload, r.payload)) AS e"))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(
                        () ->
                                env.sqlQuery(
                                        "SELECT e.* FROM web_raw AS r, LATERAL"
                                            + " TABLE(PARSE_DEBEZIUM(r.payload, 'op STRING')) AS"
                                            + " e"))
                .isInstanceOf(ValidationException.class)
                .hasStackTraceContaining(
                        "column 'op': the function emits a column of that name itself");
    }
}
