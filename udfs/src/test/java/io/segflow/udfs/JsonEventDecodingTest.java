package io.segflow.udfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Flat JSON events, as the web and product analytics producers send them. */
class JsonEventDecodingTest {

    static final RecordDecoder WEB_EVENTS =
            new RecordDecoder(
                    ColumnSpecs.parse(
                            "event_id STRING NOT NULL, visitor_id STRING NOT NULL, session_id"
                                    + " STRING NOT NULL, event_type STRING NOT NULL, url STRING,"
                                    + " event_time TIMESTAMP_LTZ(3) NOT NULL"));

    static final RecordDecoder PRODUCT_EVENTS =
            new RecordDecoder(
                    ColumnSpecs.parse(
                            "event_id STRING NOT NULL, user_id STRING NOT NULL, session_id STRING"
                                    + " NOT NULL, event_type STRING NOT NULL, feature STRING,"
                                    + " duration_ms BIGINT, event_time TIMESTAMP_LTZ(3) NOT NULL"));

    static void assertFailed(DecodedRow row, String reason) {
        // a reason is "code: what was wrong"; the code is checked where it matters
        assertThat(row.error()).matches("[a-z_]+: .*");
        assertThat(row.error().substring(row.error().indexOf(": ") + 2)).isEqualTo(reason);
        assertThat(row.op()).isNull();
        assertThat(row.values()).containsOnlyNulls();
    }

    @Test
    void aCompleteEvent() {
        DecodedRow row =
                WEB_EVENTS.decodeObject(
                        """
                        {"event_id":"e-1","visitor_id":"v-1","session_id":"s-1","event_type":"page_view",
                         "url":"https://example.com/pricing","event_time":"2026-11-20T10:15:30.250Z",
                         "user_agent":"Mozilla/5.0","screen":{"w":1920,"h":1080}}\
                        """);
        assertThat(row.error()).isNull();
        assertThat(row.op()).isNull();
        assertThat(row.values())
                .containsExactly(
                        "e-1",
                        "v-1",
                        "s-1",
                        "page_view",
                        "https://example.com/pricing",
                        Instant.parse("2026-11-20T10:15:30.250Z"));
    }

    @Test
    void offsetsEpochMillisAndNumericIds() {
        DecodedRow row =
                PRODUCT_EVENTS.decodeObject(
                        """
                        {"event_id":"p-1","user_id":4711,"session_id":"s","event_type":"session_end",
                         "duration_ms":30000,"event_time":"2026-11-20T11:15:30.250+01:00"}\
                        """);
        assertThat(row.error()).isNull();
        assertThat(row.values())
                .containsExactly(
                        "p-1",
                        "4711",
                        "s",
                        "session_end",
                        null,
                        30000L,
                        Instant.parse("2026-11-20T10:15:30.250Z"));

        DecodedRow millis =
                PRODUCT_EVENTS.decodeObject(
                        """
                        {"event_id":"p-2","user_id":"u-1","session_id":"s","event_type":"session_start",
                         "event_time":1763633730250}\
                        """);
        assertThat(millis.error()).isNull();
        assertThat(millis.values()[6]).isEqualTo(Instant.parse("2025-11-20T10:15:30.250Z"));
    }

    @Test
    void eachErrorHasItsReason() {
        String ok = "\"event_time\":\"2026-11-20T10:00:00Z\"";
        assertFailed(
                WEB_EVENTS.decodeObject("{\"event_id\":\"b1\",\"visitor_id\":"),
                "malformed JSON: Unexpected end-of-input within/between Object entries at line 1,"
                        + " column 31");
        assertFailed(WEB_EVENTS.decodeObject("[1,2,3]"), "not a JSON object (found array)");
        assertFailed(WEB_EVENTS.decodeObject("null"), "not a JSON object (found null)");
        assertFailed(WEB_EVENTS.decodeObject("42"), "not a JSON object (found number 42)");
        assertFailed(WEB_EVENTS.decodeObject(""), "empty payload");
        assertFailed(
                WEB_EVENTS.decodeObject((String) null),
                "null payload (a tombstone) where a record belongs");
        assertFailed(
                WEB_EVENTS.decodeObject(
                        "{\"visitor_id\":\"v-1\",\"session_id\":\"s\",\"event_type\":\"page_view\","
                                + ok
                                + "}"),
                "missing required field event_id");
        assertFailed(
                WEB_EVENTS.decodeObject(
                        "{\"event_id\":\"b10\",\"visitor_id\":\"v-1\",\"session_id\":\"s\",\"event_type\":\"page_view\"}"),
                "missing required field event_time");
        assertFailed(
                WEB_EVENTS.decodeObject(
                        "{\"event_id\":\"b8\",\"visitor_id\":\"v-1\",\"session_id\":\"s\","
                                + "\"event_type\":\"page_view\",\"event_time\":\"yesterday\"}"),
                "field event_time: expected TIMESTAMP_LTZ(3), found string \"yesterday\"");
        assertFailed(
                WEB_EVENTS.decodeObject(
                        "{\"event_id\":{\"a\":1},\"visitor_id\":\"v-1\",\"session_id\":\"s\","
                                + "\"event_type\":\"page_view\","
                                + ok
                                + "}"),
                "field event_id: expected STRING, found object");
        assertFailed(
                PRODUCT_EVENTS.decodeObject(
                        "{\"event_id\":\"b12\",\"user_id\":\"u-1\",\"session_id\":\"s\","
                                + "\"event_type\":\"session_end\",\"duration_ms\":\"long\","
                                + ok
                                + "}"),
                "field duration_ms: expected BIGINT, found string \"long\"");
    }
}
