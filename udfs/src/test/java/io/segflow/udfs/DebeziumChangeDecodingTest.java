package io.segflow.udfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Change events as Debezium's PostgreSQL connector writes them with default settings (pgoutput,
 * REPLICA IDENTITY DEFAULT, time.precision.mode=adaptive, decimal.handling.mode=precise) through
 * Kafka Connect's JsonConverter, with the schema envelope and without it (schemas.enable=false).
 *
 * <p>The table:
 *
 * <pre>
 * CREATE TABLE public.customers (
 *   customer_id BIGINT PRIMARY KEY, email VARCHAR(255), birth_date DATE, country CHAR(2),
 *   created_at TIMESTAMPTZ, converted_to_sale BOOLEAN, segment_label TEXT, updated_at TIMESTAMPTZ,
 *   lifetime_value NUMERIC(12,2), churn_score NUMERIC, last_login TIMESTAMP, signup_ts TIMESTAMP(3),
 *   preferred_contact_time TIME, visits INTEGER, rating REAL, balance DOUBLE PRECISION);
 * </pre>
 */
class DebeziumChangeDecodingTest {

    static final String COLUMNS =
            "customer_id BIGINT NOT NULL, email STRING, birth_date DATE, country CHAR(2),"
                + " created_at TIMESTAMP_LTZ(6), converted_to_sale BOOLEAN, segment_label STRING,"
                + " updated_at TIMESTAMP_LTZ(6), lifetime_value DECIMAL(12, 2), churn_score"
                + " DECIMAL(10, 4), last_login TIMESTAMP(6), signup_ts TIMESTAMP(3),"
                + " preferred_contact_time TIME(6), visits INT, rating FLOAT, balance DOUBLE";

    static final RecordDecoder DECODER = new RecordDecoder(ColumnSpecs.parse(COLUMNS));

    /** The value schema of the table's change events, as the JsonConverter writes it. */
    static final String ROW_FIELDS =
            """
            [
              {"type":"int64","optional":false,"default":0,"field":"customer_id"},
              {"type":"string","optional":true,"field":"email"},
              {"type":"int32","optional":true,"name":"io.debezium.time.Date","version":1,"field":"birth_date"},
              {"type":"string","optional":true,"field":"country"},
              {"type":"string","optional":true,"name":"io.debezium.time.ZonedTimestamp","version":1,"field":"created_at"},
              {"type":"boolean","optional":true,"field":"converted_to_sale"},
              {"type":"string","optional":true,"field":"segment_label"},
              {"type":"string","optional":true,"name":"io.debezium.time.ZonedTimestamp","version":1,"field":"updated_at"},
              {"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,
               "parameters":{"scale":"2","connect.decimal.precision":"12"},"field":"lifetime_value"},
              {"type":"struct","fields":[{"type":"int32","optional":false,"field":"scale"},
                                         {"type":"bytes","optional":false,"field":"value"}],
               "optional":true,"name":"io.debezium.data.VariableScaleDecimal","version":1,
               "doc":"Variable scaled decimal","field":"churn_score"},
              {"type":"int64","optional":true,"name":"io.debezium.time.MicroTimestamp","version":1,"field":"last_login"},
              {"type":"int64","optional":true,"name":"io.debezium.time.Timestamp","version":1,"field":"signup_ts"},
              {"type":"int64","optional":true,"name":"io.debezium.time.MicroTime","version":1,"field":"preferred_contact_time"},
              {"type":"int32","optional":true,"field":"visits"},
              {"type":"float","optional":true,"field":"rating"},
              {"type":"double","optional":true,"field":"balance"}
            ]\
            """;

    static final String SCHEMA =
            """
            {
              "type":"struct",
              "fields":[
                {"type":"struct","fields":%1$s,"optional":true,"name":"crm.public.customers.Value","field":"before"},
                {"type":"struct","fields":%1$s,"optional":true,"name":"crm.public.customers.Value","field":"after"},
                {"type":"struct","fields":[
                    {"type":"string","optional":false,"field":"version"},
                    {"type":"string","optional":false,"field":"connector"},
                    {"type":"string","optional":false,"field":"name"},
                    {"type":"int64","optional":false,"field":"ts_ms"},
                    {"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,
                     "parameters":{"allowed":"true,first,first_in_data_collection,last_in_data_collection,last,false,incremental"},
                     "default":"false","field":"snapshot"},
                    {"type":"string","optional":false,"field":"db"},
                    {"type":"string","optional":true,"field":"sequence"},
                    {"type":"int64","optional":true,"field":"ts_us"},
                    {"type":"int64","optional":true,"field":"ts_ns"},
                    {"type":"string","optional":false,"field":"schema"},
                    {"type":"string","optional":false,"field":"table"},
                    {"type":"int64","optional":true,"field":"txId"},
                    {"type":"int64","optional":true,"field":"lsn"},
                    {"type":"int64","optional":true,"field":"xmin"}],
                 "optional":false,"name":"io.debezium.connector.postgresql.Source","field":"source"},
                {"type":"struct","fields":[
                    {"type":"string","optional":false,"field":"id"},
                    {"type":"int64","optional":false,"field":"total_order"},
                    {"type":"int64","optional":false,"field":"data_collection_order"}],
                 "optional":true,"name":"event.block","version":1,"field":"transaction"},
                {"type":"string","optional":false,"field":"op"},
                {"type":"int64","optional":true,"field":"ts_ms"},
                {"type":"int64","optional":true,"field":"ts_us"},
                {"type":"int64","optional":true,"field":"ts_ns"}
              ],
              "optional":false,
              "name":"crm.public.customers.Envelope",
              "version":2
            }\
            """
                    .formatted(ROW_FIELDS);

    static final String FULL_ROW =
            """
            {
              "customer_id":1001,
              "email":"anne@example.com",
              "birth_date":5538,
              "country":"DE",
              "created_at":"2026-11-20T10:15:30.25Z",
              "converted_to_sale":false,
              "segment_label":null,
              "updated_at":"2026-11-20T11:15:30.123456+01:00",
              "lifetime_value":"AeJA",
              "churn_score":{"scale":3,"value":"fQ=="},
              "last_login":1529507596945104,
              "signup_ts":1529507596945,
              "preferred_contact_time":36930500000,
              "visits":42,
              "rating":4.5,
              "balance":-12.75
            }\
            """;

    static final String KEY_ONLY_ROW =
            """
            {"customer_id":1001,"email":null,"birth_date":null,"country":null,"created_at":null,
             "converted_to_sale":null,"segment_label":null,"updated_at":null,"lifetime_value":null,
             "churn_score":null,"last_login":null,"signup_ts":null,"preferred_contact_time":null,
             "visits":null,"rating":null,"balance":null}\
            """;

    static String source(boolean snapshot) {
        return """
        {"version":"2.7.3.Final","connector":"postgresql","name":"crm","ts_ms":1763633730123,
         "snapshot":"%s","db":"crm","sequence":"[\\"24023119\\",\\"24023128\\"]","ts_us":1763633730123456,
         "ts_ns":1763633730123456000,"schema":"public","table":"customers","txId":555,"lsn":24023128,
         "xmin":null}\
        """
                .formatted(snapshot ? "true" : "false");
    }

    /** The payload of a change event: what schemas.enable=false writes. */
    static String payload(String op, String before, String after) {
        return """
        {"before":%s,"after":%s,"source":%s,"transaction":null,"op":"%s",
         "ts_ms":1763633730456,"ts_us":1763633730456789,"ts_ns":1763633730456789012}\
        """
                .formatted(before, after, source(op.equals("r")), op);
    }

    /** The same event with the schema envelope (schemas.enable=true, the JsonConverter default). */
    static String enveloped(String payload) {
        return "{\"schema\":" + SCHEMA + ",\"payload\":" + payload + "}";
    }

    static void assertFullRow(DecodedRow row, String op) {
        assertThat(row.error()).isNull();
        assertThat(row.op()).isEqualTo(op);
        assertThat(row.values())
                .containsExactly(
                        1001L,
                        "anne@example.com",
                        LocalDate.of(1985, 3, 1),
                        "DE",
                        Instant.parse("2026-11-20T10:15:30.250Z"),
                        false,
                        null,
                        Instant.parse("2026-11-20T10:15:30.123456Z"),
                        new BigDecimal("1234.56"),
                        new BigDecimal("0.1250"),
                        LocalDateTime.of(2018, 6, 20, 15, 13, 16, 945_104_000),
                        LocalDateTime.of(2018, 6, 20, 15, 13, 16, 945_000_000),
                        LocalTime.of(10, 15, 30, 500_000_000),
                        42,
                        4.5f,
                        -12.75d);
    }

    static void assertFailed(DecodedRow row, String op, String reason) {
        // a reason is "code: what was wrong"; the code is checked where it matters
        assertThat(row.error()).matches("[a-z_]+: .*");
        assertThat(row.error().substring(row.error().indexOf(": ") + 2)).isEqualTo(reason);
        assertThat(row.op()).isEqualTo(op);
        assertThat(row.values()).hasSize(16).containsOnlyNulls();
    }

    @Test
    void createWithSchemaEnvelope() {
        assertFullRow(DECODER.decodeChange(enveloped(payload("c", "null", FULL_ROW))), "c");
    }

    @Test
    void createWithoutSchemaEnvelope() {
        assertFullRow(DECODER.decodeChange(payload("c", "null", FULL_ROW)), "c");
    }

    @Test
    void snapshotRead() {
        assertFullRow(DECODER.decodeChange(enveloped(payload("r", "null", FULL_ROW))), "r");
        assertFullRow(DECODER.decodeChange(payload("r", "null", FULL_ROW)), "r");
    }

    @Test
    void updateWithoutBeforeImageUnderDefaultReplicaIdentity() {
        assertFullRow(DECODER.decodeChange(enveloped(payload("u", "null", FULL_ROW))), "u");
        assertFullRow(DECODER.decodeChange(payload("u", "null", FULL_ROW)), "u");
        // when the key changed, pgoutput sends the old key as "before"
        assertFullRow(DECODER.decodeChange(payload("u", "{\"customer_id\":1000}", FULL_ROW)), "u");
    }

    @Test
    void updateWithFullBeforeImageTakesTheAfterImage() {
        String before = FULL_ROW.replace("\"visits\":42", "\"visits\":41");
        assertFullRow(DECODER.decodeChange(enveloped(payload("u", before, FULL_ROW))), "u");
    }

    @Test
    void deleteWithKeyOnlyBeforeImage() {
        for (String message :
                new String[] {
                    enveloped(payload("d", KEY_ONLY_ROW, "null")),
                    payload("d", KEY_ONLY_ROW, "null"),
                    payload("d", "{\"customer_id\":1001}", "null")
                }) {
            DecodedRow row = DECODER.decodeChange(message);
            assertThat(row.error()).isNull();
            assertThat(row.op()).isEqualTo("d");
            assertThat(row.values()[0]).isEqualTo(1001L);
            assertThat(row.values()).hasSize(16);
            assertThat(Arrays.copyOfRange(row.values(), 1, 16)).containsOnlyNulls();
        }
    }

    @Test
    void theEnvelopeSchemaDecidesWhereTheDataIsAmbiguous() {
        // lifetime_value declared with scale 4: the schema's scale 2 still reads 1234.56;
        // last_login in 1971 as microseconds, which magnitude alone would take for milliseconds
        RecordDecoder decoder =
                new RecordDecoder(
                        ColumnSpecs.parse(
                                "customer_id BIGINT NOT NULL, lifetime_value DECIMAL(12, 4),"
                                        + " last_login TIMESTAMP(6)"));
        String row =
                "{\"customer_id\":1,\"lifetime_value\":\"AeJA\",\"last_login\":31536000000000}";

        DecodedRow withSchema = decoder.decodeChange(enveloped(payload("c", "null", row)));
        assertThat(withSchema.values())
                .containsExactly(
                        1L, new BigDecimal("1234.5600"), LocalDateTime.of(1971, 1, 1, 0, 0));

        DecodedRow withoutSchema = decoder.decodeChange(payload("c", "null", row));
        assertThat(withoutSchema.values())
                .containsExactly(1L, new BigDecimal("12.3456"), LocalDateTime.of(2969, 5, 3, 0, 0));
    }

    @Test
    void undeclaredFieldsAreIgnoredAndAbsentOnesAreNull() {
        RecordDecoder decoder =
                new RecordDecoder(
                        ColumnSpecs.parse("customer_id BIGINT NOT NULL, nickname STRING"));
        DecodedRow row = decoder.decodeChange(payload("c", "null", FULL_ROW));
        assertThat(row.error()).isNull();
        assertThat(row.values()).containsExactly(1001L, null);
    }

    @Test
    void anEnvelopeWithoutSchemaIsReadLikeNoEnvelope() {
        assertFullRow(
                DECODER.decodeChange(
                        "{\"schema\":null,\"payload\":" + payload("c", "null", FULL_ROW) + "}"),
                "c");
    }

    @Test
    void otherOperationsAreRejected() {
        String truncate =
                """
                {"source":%s,"op":"t","ts_ms":1763633730456}\
                """
                        .formatted(source(false));
        assertFailed(DECODER.decodeChange(truncate), "t", "unsupported Debezium op 't' (truncate)");
        assertFailed(
                DECODER.decodeChange(enveloped(truncate)),
                "t",
                "unsupported Debezium op 't' (truncate)");
        String message =
                """
                {"source":%s,"op":"m","ts_ms":1,"message":{"prefix":"foo","content":"Ymfy"}}\
                """
                        .formatted(source(false));
        assertFailed(DECODER.decodeChange(message), "m", "unsupported Debezium op 'm' (message)");
        assertFailed(
                DECODER.decodeChange(payload("x", "null", FULL_ROW)),
                "x",
                "unknown Debezium op 'x'");
        assertFailed(
                DECODER.decodeChange(
                        "{\"before\":null,\"after\":{\"customer_id\":90},\"op\":\"x\",\"ts_ms\":1}"),
                "x",
                "unknown Debezium op 'x'");
        assertFailed(
                DECODER.decodeChange("{\"before\":null,\"after\":" + FULL_ROW + "}"),
                null,
                "missing Debezium op");
        assertFailed(
                DECODER.decodeChange("{\"after\":" + FULL_ROW + ",\"op\":null}"),
                null,
                "missing Debezium op");
        assertFailed(
                DECODER.decodeChange("{\"after\":" + FULL_ROW + ",\"op\":1}"),
                null,
                "Debezium op is not a string (found number 1)");
    }

    @Test
    void aMissingRowImageIsRejected() {
        assertFailed(
                DECODER.decodeChange(payload("c", "null", "null")),
                "c",
                "missing \"after\" row for op 'c'");
        assertFailed(
                DECODER.decodeChange(enveloped(payload("u", "null", "null"))),
                "u",
                "missing \"after\" row for op 'u'");
        assertFailed(
                DECODER.decodeChange("{\"op\":\"r\"}"), "r", "missing \"after\" row for op 'r'");
        assertFailed(
                DECODER.decodeChange(payload("d", "null", "null")),
                "d",
                "missing \"before\" row for op 'd'");
        assertFailed(
                DECODER.decodeChange(payload("c", "null", "\"row\"")),
                "c",
                "\"after\" is not a JSON object (found string \"row\")");
    }

    @Test
    void aMissingOrNullRequiredFieldIsRejected() {
        assertFailed(
                DECODER.decodeChange(
                        payload(
                                "c",
                                "null",
                                FULL_ROW.replace("\"customer_id\":1001", "\"customer_id\":null"))),
                "c",
                "missing required field customer_id");
        assertFailed(
                DECODER.decodeChange(payload("c", "null", "{\"email\":\"anne@example.com\"}")),
                "c",
                "missing required field customer_id");
        assertFailed(
                DECODER.decodeChange(payload("d", "{\"email\":null}", "null")),
                "d",
                "missing required field customer_id");
    }

    @Test
    void aWrongTypeNamesTheFieldTheTypeAndTheValue() {
        assertFailed(
                DECODER.decodeChange(payload("c", "null", FULL_ROW.replace("1001", "\"abc\""))),
                "c",
                "field customer_id: expected BIGINT, found string \"abc\"");
        assertFailed(
                DECODER.decodeChange(
                        enveloped(
                                payload("c", "null", FULL_ROW.replace("5538", "\"not-a-date\"")))),
                "c",
                "field birth_date: expected DATE, found string \"not-a-date\"");
        assertFailed(
                DECODER.decodeChange(
                        payload(
                                "c",
                                "null",
                                FULL_ROW.replace(
                                        "\"converted_to_sale\":false",
                                        "\"converted_to_sale\":\"no\""))),
                "c",
                "field converted_to_sale: expected BOOLEAN, found string \"no\"");
        assertFailed(
                DECODER.decodeChange(
                        payload("c", "null", FULL_ROW.replace("\"anne@example.com\"", "[1,2]"))),
                "c",
                "field email: expected STRING, found array");
        assertFailed(
                DECODER.decodeChange(
                        payload(
                                "c",
                                "null",
                                FULL_ROW.replace("\"visits\":42", "\"visits\":4294967296"))),
                "c",
                "field visits: 4294967296 is out of range for INT");
    }

    @Test
    void malformedMessagesAreRejected() {
        assertFailed(
                DECODER.decodeChange(
                        "{\"before\":null,\"after\":{\"customer_id\":91,\"email\":\"secret@example.com\""),
                null,
                "malformed JSON: Unexpected end-of-input: expected close marker for Object at line"
                        + " 1, column 70");
        assertFailed(
                DECODER.decodeChange("not json at all"),
                null,
                "malformed JSON: Unrecognized token 'not': was expecting (JSON String, Number,"
                        + " Array, Object or token 'null', 'true' or 'false') at line 1, column 4");
        assertFailed(
                DECODER.decodeChange("{\"op\":\"c\"} {\"op\":\"c\"}"),
                null,
                "malformed JSON: more content after the JSON value at line 1, column 12");
        assertFailed(
                DECODER.decodeChange("{\"op\":\"c\",\"op\":\"d\"}"),
                null,
                "malformed JSON: Duplicate field 'op' at line 1, column 15");
        assertFailed(DECODER.decodeChange("[1,2,3]"), null, "not a JSON object (found array)");
        assertFailed(DECODER.decodeChange("null"), null, "not a JSON object (found null)");
        assertFailed(DECODER.decodeChange("\"c\""), null, "not a JSON object (found string \"c\")");
        assertFailed(DECODER.decodeChange(""), null, "empty payload");
        assertFailed(DECODER.decodeChange("  \n"), null, "empty payload");
        assertFailed(
                DECODER.decodeChange((String) null),
                null,
                "null payload (a tombstone) where a record belongs");
    }

    @Test
    void aBrokenEnvelopeIsRejected() {
        assertFailed(
                DECODER.decodeChange("{\"schema\":" + SCHEMA + ",\"payload\":null}"),
                null,
                "schema envelope with a null payload");
        assertFailed(
                DECODER.decodeChange("{\"schema\":{},\"payload\":[1]}"),
                null,
                "schema envelope payload is not a JSON object (found array)");
    }

    @Test
    void reasonsStayShort() {
        String longName = "c".repeat(400);
        RecordDecoder decoder = new RecordDecoder(ColumnSpecs.parse("`" + longName + "` BIGINT"));
        DecodedRow row = decoder.decodeChange(payload("c", "null", "{\"" + longName + "\":\"x\"}"));
        assertThat(row.error())
                .hasSize(DecodedRow.MAX_ERROR_LENGTH)
                .startsWith("wrong_type: field ccc")
                .endsWith("...");
    }
}
