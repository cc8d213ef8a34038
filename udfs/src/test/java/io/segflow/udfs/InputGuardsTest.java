package io.segflow.udfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The checks before and around decoding: payload bytes, ids, times, dead-letter text. */
class InputGuardsTest {

    private static final RecordDecoder EVENTS =
            new RecordDecoder(
                    ColumnSpecs.parse("event_id STRING NOT NULL, visitor_id STRING NOT NULL"), 200);

    private static String error(byte[] payload) {
        return EVENTS.decodeObject(payload).error();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void payloadBytesMustBeUtf8WithoutNulAndWithinTheLimit() {
        assertThat(EVENTS.decodeObject(utf8("{\"event_id\":\"é\",\"visitor_id\":\"v\"}")).ok())
                .isTrue();
        byte[] latin1 =
                "{\"event_id\":\"é\",\"visitor_id\":\"v\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(error(latin1)).isEqualTo("invalid_utf8: byte 0xE9 at offset 13 is not UTF-8");
        byte[] truncated = {'{', '"', 'a', '"', ':', '"', (byte) 0xE2, (byte) 0x82};
        assertThat(error(truncated)).startsWith("invalid_utf8: ");
        assertThat(error(utf8("{\"event_id\":\"a\0\",\"visitor_id\":\"v\"}")))
                .startsWith("nul_character: a NUL character at character 14");
        assertThat(error(utf8("{\"event_id\":\"" + "x".repeat(200) + "\"}")))
                .isEqualTo("too_large: payload of 215 bytes, more than the limit of 200");
        assertThat(EVENTS.decodeObject("{\"event_id\":\"" + "é".repeat(100) + "\"}").error())
                .startsWith("too_large: payload of 215 bytes");
        assertThat(EVENTS.decodeObject((byte[]) null).error()).startsWith("tombstone: ");
    }

    @Test
    void escapedNulAndUnpairedSurrogatesInTextAreRejected() {
        assertThat(EVENTS.decodeObject("{\"event_id\":\"a\\u0000\",\"visitor_id\":\"v\"}").error())
                .startsWith("nul_character: field event_id");
        assertThat(EVENTS.decodeObject("{\"event_id\":\"a\\ud800\",\"visitor_id\":\"v\"}").error())
                .isEqualTo(
                        "invalid_text: field event_id: an unpaired surrogate \\ud800 is no"
                                + " character");
        assertThat(
                        EVENTS.decodeObject(
                                        "{\"event_id\":\"a\\ud83d\\ude00\",\"visitor_id\":\"v\"}")
                                .ok())
                .isTrue();
    }

    @Test
    void deepNestingDuplicateKeysAndNonObjectsHaveTheirCodes() {
        String deep = "{\"event_id\":" + "[".repeat(40) + "]".repeat(40) + "}";
        assertThat(EVENTS.decodeObject(deep).error()).startsWith("too_deep: ");
        assertThat(EVENTS.decodeObject("{\"event_id\":\"a\",\"event_id\":\"b\"}").error())
                .startsWith("malformed_json: malformed JSON: Duplicate field 'event_id'");
        assertThat(EVENTS.decodeObject("[1]").error()).startsWith("not_an_object: ");
        assertThat(EVENTS.decodeObject("\"text\"").error()).startsWith("not_an_object: ");
        assertThat(EVENTS.decodeObject("{\"event_id\":NaN}").error())
                .startsWith("malformed_json: ");
    }

    @Test
    void idsMustNotBeBlankOrBlocked() {
        CheckId check = new CheckId();
        String blocked = "null, undefined,anonymous,/0[0-]*/";
        assertThat(check.eval("visitor_id", "v-1", blocked)).isNull();
        assertThat(check.eval("visitor_id", null, blocked)).isNull();
        assertThat(check.eval("visitor_id", "", blocked))
                .isEqualTo("blank_id: visitor_id is empty");
        assertThat(check.eval("visitor_id", " \t", blocked))
                .isEqualTo("blank_id: visitor_id is blank (only white space)");
        assertThat(check.eval("visitor_id", " Anonymous ", blocked))
                .isEqualTo("blocked_id: visitor_id ' Anonymous ' is a blocked value ('anonymous')");
        assertThat(check.eval("user_id", "UNDEFINED", blocked)).startsWith("blocked_id: ");
        assertThat(check.eval("user_id", "0", blocked))
                .isEqualTo("blocked_id: user_id '0' is a blocked value (/0[0-]*/)");
        assertThat(check.eval("user_id", "00000000-0000-0000-0000-000000000000", blocked))
                .startsWith("blocked_id: ");
        assertThat(check.eval("user_id", "000123", blocked)).isNull();
        assertThat(check.eval("session_id", "anonymous")).isNull(); // no list: blank only
        assertThatThrownBy(() -> check.eval("x", "y", "/[/"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void timesMustLieBetweenTheEarliestAndADayAfterKafkaReceivedThem() {
        CheckTime check = new CheckTime();
        Instant received = Instant.parse("2026-11-20T10:00:00Z");
        String earliest = "1970-01-01T00:00:00Z";
        assertThat(
                        check.eval(
                                "event_time",
                                received.plusSeconds(86_400),
                                received,
                                earliest,
                                "PT24H"))
                .isNull();
        assertThat(check.eval("event_time", Instant.EPOCH, received, earliest, "PT24H")).isNull();
        assertThat(check.eval("event_time", null, received, earliest, "PT24H")).isNull();
        assertThat(
                        check.eval(
                                "event_time",
                                Instant.parse("1901-01-01T00:00:00Z"),
                                received,
                                earliest,
                                "PT24H"))
                .isEqualTo(
                        "time_out_of_range: event_time 1901-01-01T00:00:00Z is before the earliest"
                                + " accepted time 1970-01-01T00:00:00Z");
        assertThat(
                        check.eval(
                                "event_time",
                                Instant.parse("9999-12-31T00:00:00Z"),
                                received,
                                earliest,
                                "PT24H"))
                .isEqualTo(
                        "time_out_of_range: event_time 9999-12-31T00:00:00Z is more than 24h after"
                                + " the record reached Kafka (2026-11-20T10:00:00Z)");
        assertThat(
                        check.eval(
                                "updated_at",
                                Instant.parse("1901-01-01T00:00:00Z"),
                                received,
                                "",
                                "PT24H"))
                .isNull();
    }

    @Test
    void deadLetterTextIsBoundedAndHoldsNoNul() {
        assertThat(Payloads.forDeadLetter(utf8("a\0b"))).isEqualTo("a\\u0000b");
        assertThat(Payloads.forDeadLetter(new byte[] {'a', (byte) 0xFF})).isEqualTo("a\uFFFD");
        String big = Payloads.forDeadLetter(new byte[200_000]);
        assertThat(big).doesNotContain("\0").endsWith("... (cut; 200000 in all)");
        assertThat(Payloads.forDeadLetter((byte[]) null)).isNull();
        assertThat(new PayloadText().eval("plain")).isEqualTo("plain");
    }
}
