package io.segflow.udfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Single values as Debezium's PostgreSQL connector and Kafka Connect's JsonConverter encode them
 * with default settings, with and without the field's Connect schema.
 */
class ValueDecoderTest {

    /** Decodes {@code json} for a column {@code v <type>}, without schema envelope. */
    static Object decode(String type, String json) throws Exception {
        return decode(type, json, null);
    }

    static Object decode(String type, String json, String fieldSchema) throws Exception {
        ColumnSpec column = ColumnSpecs.parse("v " + type).get(0);
        JsonNode schema = fieldSchema == null ? null : SharedJson.MAPPER.readTree(fieldSchema);
        return ValueDecoder.decode(column, SharedJson.MAPPER.readTree(json), schema);
    }

    static void assertRejected(String type, String json, String reason) {
        assertThatThrownBy(() -> decode(type, json))
                .isInstanceOf(DecodeException.class)
                .hasMessage(reason);
    }

    static final String DECIMAL_12_2 =
            "{\"type\":\"bytes\",\"optional\":true,\"name\":\"org.apache.kafka.connect.data.Decimal\",\"version\":1,"
                + "\"parameters\":{\"scale\":\"2\",\"connect.decimal.precision\":\"12\"},\"field\":\"v\"}";

    @Test
    void nullAndAbsentAreNull() throws Exception {
        assertThat(decode("BIGINT", "null")).isNull();
        assertThat(ValueDecoder.decode(ColumnSpecs.parse("v BIGINT").get(0), null, null)).isNull();
    }

    @Nested
    class Decimals {

        @Test
        void preciseModeIsBase64OfTheUnscaledTwosComplementValue() throws Exception {
            // 1234.56 with scale 2: unscaled 123456 = 0x01E240, base64 "AeJA"
            assertThat(decode("DECIMAL(12, 2)", "\"AeJA\"", DECIMAL_12_2))
                    .isEqualTo(new BigDecimal("1234.56"));
            // without envelope the declared scale applies
            assertThat(decode("DECIMAL(12, 2)", "\"AeJA\"")).isEqualTo(new BigDecimal("1234.56"));
        }

        @Test
        void negativeValuesAreTwosComplement() throws Exception {
            // -123456 = 0xFE1DC0
            assertThat(decode("DECIMAL(12, 2)", "\"/h3A\"", DECIMAL_12_2))
                    .isEqualTo(new BigDecimal("-1234.56"));
            // -1 = 0xFF, -5 = 0xFB
            assertThat(decode("DECIMAL(5, 2)", "\"/w==\"")).isEqualTo(new BigDecimal("-0.01"));
            assertThat(decode("DECIMAL(5, 0)", "\"+w==\"")).isEqualTo(new BigDecimal("-5"));
            assertThat(decode("DECIMAL(5, 2)", "\"AA==\"")).isEqualTo(new BigDecimal("0.00"));
        }

        @Test
        void theSchemaScaleWinsOverTheDeclaredScale() throws Exception {
            // the column says 4 digits, the data has 2: 1234.56, not 12.3456
            assertThat(decode("DECIMAL(12, 4)", "\"AeJA\"", DECIMAL_12_2))
                    .isEqualTo(new BigDecimal("1234.5600"));
            assertThat(decode("DECIMAL(12, 4)", "\"AeJA\"")).isEqualTo(new BigDecimal("12.3456"));
        }

        @Test
        void variableScaleDecimalIsAStructOfScaleAndBase64() throws Exception {
            String schema =
                    "{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"optional\":false,\"field\":\"scale\"},"
                        + "{\"type\":\"bytes\",\"optional\":false,\"field\":\"value\"}],\"optional\":true,\"name\":\"io.debezium.data.VariableScaleDecimal\",\"version\":1,\"doc\":\"Variable"
                        + " scaled decimal\",\"field\":\"v\"}";
            // 0.125: scale 3, unscaled 125 = 0x7D
            assertThat(decode("DECIMAL(10, 4)", "{\"scale\":3,\"value\":\"fQ==\"}", schema))
                    .isEqualTo(new BigDecimal("0.1250"));
            assertThat(decode("DECIMAL(10, 4)", "{\"scale\":3,\"value\":\"fQ==\"}"))
                    .isEqualTo(new BigDecimal("0.1250"));
            assertThat(decode("DECIMAL(20, 2)", "{\"scale\":0,\"value\":\"Czpzzi/y\"}"))
                    .isEqualTo(new BigDecimal("12345678901234.00"));
        }

        @Test
        void numbersAndNumericTextAreReadExactly() throws Exception {
            // decimal.handling.mode=double, or JsonConverter decimal.format=NUMERIC
            assertThat(decode("DECIMAL(12, 2)", "1234.56")).isEqualTo(new BigDecimal("1234.56"));
            assertThat(decode("DECIMAL(12, 2)", "0.1")).isEqualTo(new BigDecimal("0.10"));
            assertThat(decode("DECIMAL(12, 2)", "7")).isEqualTo(new BigDecimal("7.00"));
            // decimal.handling.mode=string
            assertThat(decode("DECIMAL(12, 2)", "\"-1234.56\""))
                    .isEqualTo(new BigDecimal("-1234.56"));
            assertThat(decode("DECIMAL(12, 2)", "\"1E+3\"")).isEqualTo(new BigDecimal("1000.00"));
            assertThat(decode("DECIMAL(12, 2)", "\"1234\"")).isEqualTo(new BigDecimal("1234.00"));
        }

        @Test
        void extraDigitsAreRoundedHalfUp() throws Exception {
            assertThat(decode("DECIMAL(10, 2)", "{\"scale\":3,\"value\":\"AeJA\"}"))
                    .isEqualTo(new BigDecimal("123.46"));
            assertThat(decode("DECIMAL(10, 2)", "\"99.999\"")).isEqualTo(new BigDecimal("100.00"));
            assertThat(decode("DECIMAL(5, 2)", "1.005")).isEqualTo(new BigDecimal("1.01"));
            assertThat(decode("DECIMAL(5, 2)", "-1.005")).isEqualTo(new BigDecimal("-1.01"));
            assertThat(decode("DECIMAL(5, 2)", "0.0001")).isEqualTo(new BigDecimal("0.00"));
            assertThat(decode("DECIMAL(5, 2)", "1e-999999999")).isEqualTo(new BigDecimal("0.00"));
        }

        @Test
        void aValueThatDoesNotFitIsRejected() {
            assertRejected(
                    "DECIMAL(5, 2)", "1234.56", "field v: 1234.56 does not fit DECIMAL(5, 2)");
            assertRejected(
                    "DECIMAL(5, 2)", "999.996", "field v: 999.996 does not fit DECIMAL(5, 2)");
            assertRejected(
                    "DECIMAL(5, 2)",
                    "1e999999999",
                    "field v: 1E+999999999 does not fit DECIMAL(5, 2)");
        }

        @Test
        void specialValuesAndGarbageAreRejected() {
            assertRejected(
                    "DECIMAL(5, 2)",
                    "\"NAN\"",
                    "field v: expected DECIMAL(5, 2), found string \"NAN\"");
            assertRejected(
                    "DECIMAL(5, 2)",
                    "\"not base64!\"",
                    "field v: expected DECIMAL(5, 2), found string \"not base64!\"");
            assertRejected(
                    "DECIMAL(5, 2)", "true", "field v: expected DECIMAL(5, 2), found boolean true");
            assertRejected(
                    "DECIMAL(5, 2)",
                    "{\"scale\":2}",
                    "field v: expected DECIMAL(5, 2), found object");
        }

        @Test
        void aDecimalDeclaredAsStringIsItsDigits() throws Exception {
            assertThat(decode("STRING", "\"AeJA\"", DECIMAL_12_2)).isEqualTo("1234.56");
            assertThat(decode("STRING", "12.50")).isEqualTo("12.50");
        }
    }

    @Nested
    class Dates {

        @Test
        void debeziumDateIsDaysSinceTheEpoch() throws Exception {
            String schema =
                    "{\"type\":\"int32\",\"optional\":true,\"name\":\"io.debezium.time.Date\",\"version\":1,\"field\":\"v\"}";
            assertThat(decode("DATE", "19000", schema)).isEqualTo(LocalDate.of(2022, 1, 8));
            assertThat(decode("DATE", "19000")).isEqualTo(LocalDate.of(2022, 1, 8));
            assertThat(decode("DATE", "0")).isEqualTo(LocalDate.of(1970, 1, 1));
            assertThat(decode("DATE", "-1")).isEqualTo(LocalDate.of(1969, 12, 31));
        }

        @Test
        void isoTextIsADate() throws Exception {
            assertThat(decode("DATE", "\"1985-03-01\"")).isEqualTo(LocalDate.of(1985, 3, 1));
        }

        @Test
        void badDatesAreRejected() {
            assertRejected(
                    "DATE",
                    "\"not-a-date\"",
                    "field v: expected DATE, found string \"not-a-date\"");
            assertRejected(
                    "DATE",
                    "\"2026-02-30\"",
                    "field v: expected DATE, found string \"2026-02-30\"");
            assertRejected("DATE", "1.5", "field v: expected DATE, found number 1.5");
            assertRejected("DATE", "3000000", "field v: +10183-09-21 is out of range for DATE");
        }
    }

    @Nested
    class Timestamps {

        @Test
        void zonedTimestampIsIsoTextWithAnyNumberOfFractionDigits() throws Exception {
            assertThat(decode("TIMESTAMP_LTZ(6)", "\"2026-11-20T10:15:30.25Z\""))
                    .isEqualTo(Instant.parse("2026-11-20T10:15:30.250Z"));
            assertThat(decode("TIMESTAMP_LTZ(6)", "\"2026-11-20T10:15:30Z\""))
                    .isEqualTo(Instant.parse("2026-11-20T10:15:30Z"));
            assertThat(decode("TIMESTAMP_LTZ(6)", "\"2026-11-20T10:15:30.123456Z\""))
                    .isEqualTo(Instant.parse("2026-11-20T10:15:30.123456Z"));
            assertThat(decode("TIMESTAMP_LTZ(6)", "\"2026-11-20T11:15:30.5+01:00\""))
                    .isEqualTo(Instant.parse("2026-11-20T10:15:30.5Z"));
            assertThat(decode("TIMESTAMP_LTZ(6)", "\"2026-11-20 10:15:30-05:00\""))
                    .isEqualTo(Instant.parse("2026-11-20T15:15:30Z"));
        }

        @Test
        void digitsBeyondThePrecisionAreCut() throws Exception {
            assertThat(decode("TIMESTAMP_LTZ(3)", "\"2026-11-20T10:15:30.123999Z\""))
                    .isEqualTo(Instant.parse("2026-11-20T10:15:30.123Z"));
            assertThat(decode("TIMESTAMP_LTZ(0)", "\"1969-12-31T23:59:59.9Z\""))
                    .isEqualTo(Instant.parse("1969-12-31T23:59:59Z"));
        }

        @Test
        void microTimestampIsMicrosSinceTheEpochInUtc() throws Exception {
            // Debezium's documentation: TIMESTAMP '2018-06-20 15:13:16.945104' is 1529507596945104
            String schema =
                    "{\"type\":\"int64\",\"optional\":true,\"name\":\"io.debezium.time.MicroTimestamp\","
                        + "\"version\":1,\"field\":\"v\"}";
            assertThat(decode("TIMESTAMP(6)", "1529507596945104", schema))
                    .isEqualTo(LocalDateTime.of(2018, 6, 20, 15, 13, 16, 945_104_000));
            assertThat(decode("TIMESTAMP(6)", "1529507596945104"))
                    .isEqualTo(LocalDateTime.of(2018, 6, 20, 15, 13, 16, 945_104_000));
            assertThat(decode("TIMESTAMP_LTZ(6)", "1529507596945104"))
                    .isEqualTo(Instant.parse("2018-06-20T15:13:16.945104Z"));
        }

        @Test
        void timestampIsMillisSinceTheEpoch() throws Exception {
            // TIMESTAMP(3) columns: io.debezium.time.Timestamp
            String schema =
                    "{\"type\":\"int64\",\"optional\":true,\"name\":\"io.debezium.time.Timestamp\","
                            + "\"version\":1,\"field\":\"v\"}";
            assertThat(decode("TIMESTAMP(3)", "1529507596945", schema))
                    .isEqualTo(LocalDateTime.of(2018, 6, 20, 15, 13, 16, 945_000_000));
            assertThat(decode("TIMESTAMP_LTZ(3)", "1529507596945"))
                    .isEqualTo(Instant.parse("2018-06-20T15:13:16.945Z"));
            assertThat(decode("TIMESTAMP_LTZ(3)", "-1000"))
                    .isEqualTo(Instant.parse("1969-12-31T23:59:59Z"));
        }

        @Test
        void nanoTimestampIsNanosSinceTheEpoch() throws Exception {
            String schema =
                    "{\"type\":\"int64\",\"optional\":true,\"name\":\"io.debezium.time.NanoTimestamp\","
                        + "\"version\":1,\"field\":\"v\"}";
            assertThat(decode("TIMESTAMP_LTZ(9)", "1529507596945104123", schema))
                    .isEqualTo(Instant.parse("2018-06-20T15:13:16.945104123Z"));
            assertThat(decode("TIMESTAMP_LTZ(9)", "1529507596945104123"))
                    .isEqualTo(Instant.parse("2018-06-20T15:13:16.945104123Z"));
        }

        @Test
        void withoutSchemaMagnitudeChoosesMillisMicrosOrNanos() throws Exception {
            Instant expected = Instant.parse("2025-11-20T10:15:30.250Z");
            assertThat(decode("TIMESTAMP_LTZ(6)", "1763633730250")).isEqualTo(expected);
            assertThat(decode("TIMESTAMP_LTZ(6)", "1763633730250000")).isEqualTo(expected);
            assertThat(decode("TIMESTAMP_LTZ(6)", "1763633730250000000")).isEqualTo(expected);
            // the boundaries: below 1e14 millis, below 1e17 micros
            assertThat(decode("TIMESTAMP_LTZ(6)", "99999999999999"))
                    .isEqualTo(Instant.ofEpochMilli(99_999_999_999_999L));
            assertThat(decode("TIMESTAMP_LTZ(6)", "100000000000000"))
                    .isEqualTo(Instant.parse("1973-03-03T09:46:40Z"));
            assertThat(decode("TIMESTAMP_LTZ(9)", "100000000000000000"))
                    .isEqualTo(Instant.parse("1973-03-03T09:46:40Z"));
            assertThat(decode("TIMESTAMP_LTZ(6)", "-100000000000000"))
                    .isEqualTo(Instant.parse("1966-10-31T14:13:20Z"));
        }

        @Test
        void theSchemaNamesTheUnitWhereMagnitudeWouldGuessWrong() throws Exception {
            // 1971-01-01 in microseconds is below 1e14: without schema it reads as milliseconds
            String schema =
                    "{\"type\":\"int64\",\"optional\":true,\"name\":\"io.debezium.time.MicroTimestamp\","
                        + "\"version\":1,\"field\":\"v\"}";
            assertThat(decode("TIMESTAMP_LTZ(6)", "31536000000000", schema))
                    .isEqualTo(Instant.parse("1971-01-01T00:00:00Z"));
            assertThat(decode("TIMESTAMP_LTZ(6)", "31536000000000"))
                    .isEqualTo(Instant.parse("2969-05-03T00:00:00Z"));
        }

        @Test
        void aLocalTimestampIsReadAsIs() throws Exception {
            assertThat(decode("TIMESTAMP(3)", "\"2026-11-20T10:15:30.250\""))
                    .isEqualTo(LocalDateTime.of(2026, 11, 20, 10, 15, 30, 250_000_000));
            assertThat(decode("TIMESTAMP(3)", "\"2026-11-20T10:15:30.250+01:00\""))
                    .isEqualTo(LocalDateTime.of(2026, 11, 20, 9, 15, 30, 250_000_000));
        }

        @Test
        void aTimestampLtzNeedsAnOffset() {
            assertRejected(
                    "TIMESTAMP_LTZ(3)",
                    "\"2026-11-20T10:15:30\"",
                    "field v: expected TIMESTAMP_LTZ(3), found string \"2026-11-20T10:15:30\""
                            + " without time zone offset");
        }

        @Test
        void badTimestampsAreRejected() {
            assertRejected(
                    "TIMESTAMP_LTZ(3)",
                    "\"yesterday\"",
                    "field v: expected TIMESTAMP_LTZ(3), found string \"yesterday\"");
            assertRejected(
                    "TIMESTAMP_LTZ(3)",
                    "1.5e12",
                    "field v: expected TIMESTAMP_LTZ(3), found number 1.5E+12");
            assertRejected(
                    "TIMESTAMP_LTZ(3)", "[1]", "field v: expected TIMESTAMP_LTZ(3), found array");
            // PostgreSQL 'infinity' in a TIMESTAMP column: Debezium writes 9223372036825200000 as
            // MicroTimestamp, year 294247; without schema it would pass for nanoseconds of 2262
            String micro =
                    "{\"type\":\"int64\",\"optional\":true,\"name\":\"io.debezium.time.MicroTimestamp\","
                        + "\"version\":1,\"field\":\"v\"}";
            assertThatThrownBy(() -> decode("TIMESTAMP(6)", "9223372036825200000", micro))
                    .hasMessage("field v: infinity is out of range for TIMESTAMP(6)");
            assertRejected(
                    "TIMESTAMP(6)",
                    "9223372036825200000",
                    "field v: infinity is out of range for TIMESTAMP(6)");
            assertRejected(
                    "TIMESTAMP_LTZ(6)",
                    "-9223372036832400000",
                    "field v: -infinity is out of range for TIMESTAMP_LTZ(6)");
            assertThatThrownBy(() -> decode("TIMESTAMP(6)", "9223372036825199999", micro))
                    .hasMessage(
                            "field v: +294247-01-10T04:00:25.199999 is out of range for"
                                    + " TIMESTAMP(6)");
            assertRejected(
                    "TIMESTAMP_LTZ(6)",
                    "\"+292278994-08-17T07:12:55.807Z\"",
                    "field v: +292278994-08-17T07:12:55.807Z is out of range for TIMESTAMP_LTZ(6)");
        }
    }

    @Nested
    class Times {

        @Test
        void microTimeIsMicrosPastMidnight() throws Exception {
            String schema =
                    "{\"type\":\"int64\",\"optional\":true,\"name\":\"io.debezium.time.MicroTime\","
                            + "\"version\":1,\"field\":\"v\"}";
            assertThat(decode("TIME(6)", "36930500000", schema))
                    .isEqualTo(LocalTime.of(10, 15, 30, 500_000_000));
            assertThat(decode("TIME(6)", "36930500001"))
                    .isEqualTo(LocalTime.of(10, 15, 30, 500_001_000));
        }

        @Test
        void timeIsMillisPastMidnight() throws Exception {
            // TIME(3) columns: io.debezium.time.Time, int32
            String schema =
                    "{\"type\":\"int32\",\"optional\":true,\"name\":\"io.debezium.time.Time\","
                            + "\"version\":1,\"field\":\"v\"}";
            assertThat(decode("TIME(3)", "36930500", schema))
                    .isEqualTo(LocalTime.of(10, 15, 30, 500_000_000));
        }

        @Test
        void isoTextIsATime() throws Exception {
            assertThat(decode("TIME(0)", "\"10:15:30.9\"")).isEqualTo(LocalTime.of(10, 15, 30));
        }

        @Test
        void aDayOrMoreIsRejected() {
            assertRejected(
                    "TIME(6)", "86400000000", "field v: 86400000000 is out of range for TIME(6)");
        }
    }

    @Nested
    class Numbers {

        @Test
        void integersWithinRange() throws Exception {
            assertThat(decode("BIGINT", "9223372036854775807")).isEqualTo(Long.MAX_VALUE);
            assertThat(decode("INT", "-2147483648")).isEqualTo(Integer.MIN_VALUE);
            assertThat(decode("SMALLINT", "32767")).isEqualTo((short) 32767);
            assertThat(decode("TINYINT", "-128")).isEqualTo((byte) -128);
            assertThat(decode("BIGINT", "5.0")).isEqualTo(5L);
            assertThat(decode("BIGINT", "1e3")).isEqualTo(1000L);
        }

        @Test
        void integersOutOfRangeAreRejected() {
            assertRejected(
                    "BIGINT",
                    "9223372036854775808",
                    "field v: 9223372036854775808 is out of range for BIGINT");
            assertRejected("INT", "2147483648", "field v: 2147483648 is out of range for INT");
            assertRejected("SMALLINT", "40000", "field v: 40000 is out of range for SMALLINT");
            assertRejected("TINYINT", "300", "field v: 300 is out of range for TINYINT");
            assertRejected(
                    "BIGINT", "1e999999999", "field v: 1E+999999999 is out of range for BIGINT");
        }

        @Test
        void nonIntegersAreRejected() {
            assertRejected("BIGINT", "\"abc\"", "field v: expected BIGINT, found string \"abc\"");
            assertRejected("BIGINT", "\"123\"", "field v: expected BIGINT, found string \"123\"");
            assertRejected("BIGINT", "1.5", "field v: expected BIGINT, found number 1.5");
            assertRejected("INT", "true", "field v: expected INT, found boolean true");
            assertRejected("INT", "{\"a\":1}", "field v: expected INT, found object");
        }

        @Test
        void floatingPointNumbersAndSpecialValues() throws Exception {
            assertThat(decode("DOUBLE", "-12.75")).isEqualTo(-12.75d);
            assertThat(decode("DOUBLE", "3")).isEqualTo(3.0d);
            assertThat(decode("FLOAT", "4.5")).isEqualTo(4.5f);
            // Jackson writes these doubles as text
            assertThat(decode("DOUBLE", "\"NaN\"")).isEqualTo(Double.NaN);
            assertThat(decode("DOUBLE", "\"Infinity\"")).isEqualTo(Double.POSITIVE_INFINITY);
            assertThat(decode("FLOAT", "\"-Infinity\"")).isEqualTo(Float.NEGATIVE_INFINITY);
        }

        @Test
        void floatingPointOutOfRangeAndTextAreRejected() {
            assertRejected("FLOAT", "1e39", "field v: 1E+39 is out of range for FLOAT");
            assertRejected("DOUBLE", "1e400", "field v: 1E+400 is out of range for DOUBLE");
            assertRejected("DOUBLE", "\"12.5\"", "field v: expected DOUBLE, found string \"12.5\"");
        }
    }

    @Nested
    class TextAndBooleans {

        @Test
        void stringsTakeTextNumbersAndBooleans() throws Exception {
            assertThat(decode("STRING", "\"anne@example.com\"")).isEqualTo("anne@example.com");
            assertThat(decode("STRING", "12345")).isEqualTo("12345");
            assertThat(decode("STRING", "123456789012345678901234567890"))
                    .isEqualTo("123456789012345678901234567890");
            assertThat(decode("STRING", "1.50")).isEqualTo("1.50");
            assertThat(decode("STRING", "true")).isEqualTo("true");
            assertThat(decode("STRING", "\"\"")).isEqualTo("");
        }

        @Test
        void stringsRejectObjectsArraysAndOverlongText() {
            assertRejected("STRING", "{\"a\":1}", "field v: expected STRING, found object");
            assertRejected("STRING", "[\"a\"]", "field v: expected STRING, found array");
            assertRejected(
                    "VARCHAR(3)",
                    "\"abcd\"",
                    "field v: text of 4 characters does not fit VARCHAR(3)");
            assertRejected(
                    "CHAR(2)", "\"DEU\"", "field v: text of 3 characters does not fit CHAR(2)");
        }

        @Test
        void longValuesAreCutInMessages() {
            String longText = "x".repeat(500);
            assertRejected(
                    "BIGINT",
                    "\"" + longText + "\"",
                    "field v: expected BIGINT, found string \"" + "x".repeat(37) + "...\"");
            assertRejected(
                    "BIGINT",
                    "\"a\\\"b\\nc\"",
                    "field v: expected BIGINT, found string \"a\\\"b\\nc\"");
        }

        @Test
        void booleansAreJsonBooleansOnly() throws Exception {
            assertThat(decode("BOOLEAN", "true")).isEqualTo(true);
            assertThat(decode("BOOLEAN", "false")).isEqualTo(false);
            assertRejected(
                    "BOOLEAN", "\"true\"", "field v: expected BOOLEAN, found string \"true\"");
            assertRejected("BOOLEAN", "1", "field v: expected BOOLEAN, found number 1");
        }
    }
}
