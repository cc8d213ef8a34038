package io.segflow.udfs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns one JSON value into the Java value of a column, reading the encodings of Debezium and Kafka
 * Connect's JsonConverter. Never guesses silently: a value it cannot read exactly is a {@link
 * DecodeException} naming the field, the expected type and what was found.
 *
 * <p><b>With a Connect field schema</b> (the JsonConverter's schema envelope) the schema's semantic
 * name decides: {@code io.debezium.time.Date} and {@code org.apache.kafka.connect.data.Date} are
 * days since the epoch; {@code io.debezium.time.Timestamp} and Connect's {@code Timestamp}
 * milliseconds, {@code io.debezium.time.MicroTimestamp} microseconds and {@code
 * io.debezium.time.NanoTimestamp} nanoseconds since the epoch (UTC, the way Debezium writes
 * PostgreSQL TIMESTAMP); {@code io.debezium.time.Time} and Connect's {@code Time} milliseconds,
 * {@code MicroTime} microseconds and {@code NanoTime} nanoseconds past midnight; {@code
 * org.apache.kafka.connect.data.Decimal} is the base64 of the big-endian two's-complement unscaled
 * value with the scale in the schema parameter {@code scale}.
 *
 * <p><b>Without a schema</b> (schemas.enable=false, or plain JSON events) the declared column type
 * and the JSON value's shape decide:
 *
 * <ul>
 *   <li>DATE: an integer is days since the epoch, text is ISO-8601 ({@code 2026-11-20}).
 *   <li>TIMESTAMP_LTZ and TIMESTAMP: text is ISO-8601; for TIMESTAMP_LTZ it must carry an offset
 *       ({@code Z}, {@code +01:00}), as Debezium's ZonedTimestamp does; for TIMESTAMP an offset, if
 *       present, is applied and the result is UTC. An integer is time since the epoch whose unit is
 *       chosen by magnitude: below 10^14 milliseconds, below 10^17 microseconds, else nanoseconds.
 *       This reads Debezium's Timestamp, MicroTimestamp and NanoTimestamp correctly for every
 *       instant from 1973-03-03 to 5138-11-16, and milliseconds for any instant up to that date;
 *       microseconds of 1970-01-01 to 1973-03-03 would be taken for milliseconds.
 *   <li>TIME: an integer is microseconds past midnight (Debezium's MicroTime, its default for
 *       PostgreSQL TIME), text is ISO-8601 ({@code 10:15:30.5}).
 *   <li>DECIMAL: a JSON number (decimal.handling.mode=double, or JsonConverter decimal.format
 *       NUMERIC), text that reads as a decimal number (decimal.handling.mode=string), a {@code
 *       {"scale":n,"value":base64}} object (io.debezium.data.VariableScaleDecimal, PostgreSQL
 *       NUMERIC without scale), or other text as the base64 unscaled value with the declared scale
 *       (decimal.handling.mode=precise, the default). A base64 value made only of digits is
 *       indistinguishable from a number; it needs a negative unscaled value of 3n bytes with every
 *       base64 character a digit, which Debezium's output practically never is, but only the schema
 *       envelope removes the doubt.
 *   <li>STRING, VARCHAR(n), CHAR(n): text, or a number or boolean as its JSON text (some producers
 *       send numeric ids). Objects and arrays are rejected; text longer than n is rejected. CHAR
 *       values are not padded.
 *   <li>Integer types: integral JSON numbers (also {@code 5.0}) within the type's range.
 *   <li>FLOAT, DOUBLE: JSON numbers within range, and the texts {@code NaN}, {@code Infinity},
 *       {@code -Infinity} (what Jackson writes for those doubles).
 *   <li>BOOLEAN: JSON true and false only.
 * </ul>
 *
 * <p>DATE, TIMESTAMP and TIMESTAMP_LTZ values must lie in years 0000 to 9999 (Flink's range;
 * PostgreSQL's 'infinity' arrives far outside it, and its TIMESTAMP encoding is recognised even
 * without schema). Fractional seconds beyond the declared precision are truncated, as Flink's casts
 * do; decimals are rounded half-up to the declared scale and rejected when they do not fit the
 * declared precision.
 */
final class ValueDecoder {

    // Connect schema names (semantic types) Debezium's PostgreSQL connector and JsonConverter use.
    static final String DEBEZIUM_DATE = "io.debezium.time.Date";
    static final String CONNECT_DATE = "org.apache.kafka.connect.data.Date";
    static final String DEBEZIUM_TIME = "io.debezium.time.Time";
    static final String DEBEZIUM_MICRO_TIME = "io.debezium.time.MicroTime";
    static final String DEBEZIUM_NANO_TIME = "io.debezium.time.NanoTime";
    static final String CONNECT_TIME = "org.apache.kafka.connect.data.Time";
    static final String DEBEZIUM_TIMESTAMP = "io.debezium.time.Timestamp";
    static final String DEBEZIUM_MICRO_TIMESTAMP = "io.debezium.time.MicroTimestamp";
    static final String DEBEZIUM_NANO_TIMESTAMP = "io.debezium.time.NanoTimestamp";
    static final String CONNECT_TIMESTAMP = "org.apache.kafka.connect.data.Timestamp";
    static final String CONNECT_DECIMAL = "org.apache.kafka.connect.data.Decimal";
    static final String DEBEZIUM_VARIABLE_SCALE_DECIMAL = "io.debezium.data.VariableScaleDecimal";

    /** Below this magnitude an epoch number without schema is milliseconds. */
    static final long MICROS_FROM = 100_000_000_000_000L; // 1e14

    /** From this magnitude an epoch number without schema is nanoseconds. */
    static final long NANOS_FROM = 100_000_000_000_000_000L; // 1e17

    /**
     * PostgreSQL's 'infinity' and '-infinity' in a TIMESTAMP column, as Debezium writes them (the
     * PostgreSQL JDBC driver's PGStatement.DATE_POSITIVE_INFINITY and DATE_NEGATIVE_INFINITY).
     */
    static final long POSTGRES_INFINITY = 9223372036825200000L;

    static final long POSTGRES_MINUS_INFINITY = -9223372036832400000L;

    private static final Pattern DECIMAL_TEXT =
            Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d{1,9})?");
    private static final Instant MIN_INSTANT = Instant.parse("0000-01-01T00:00:00Z");
    private static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999999Z");
    private static final long NANOS_PER_DAY = 86_400_000_000_000L;
    private static final int EXCERPT_LENGTH = 40;

    private enum EpochUnit {
        MILLIS,
        MICROS,
        NANOS
    }

    private ValueDecoder() {}

    /**
     * The value of {@code column} in {@code value}.
     *
     * @param value the JSON value; null or a JSON null (or a missing node) give null
     * @param fieldSchema the Connect schema of the field from the JsonConverter's schema envelope,
     *     or null without envelope
     * @return an instance of the column kind's Java class, or null
     */
    static Object decode(ColumnSpec column, JsonNode value, JsonNode fieldSchema)
            throws DecodeException {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        String semantic = fieldSchema == null ? null : fieldSchema.path("name").textValue();
        try {
            return switch (column.kind()) {
                case CHAR, VARCHAR -> string(column, value, fieldSchema, semantic);
                case BOOLEAN -> {
                    if (!value.isBoolean()) {
                        throw wrongType(column, value);
                    }
                    yield value.booleanValue();
                }
                case TINYINT -> (byte) integral(column, value, Byte.MIN_VALUE, Byte.MAX_VALUE);
                case SMALLINT -> (short) integral(column, value, Short.MIN_VALUE, Short.MAX_VALUE);
                case INT -> (int) integral(column, value, Integer.MIN_VALUE, Integer.MAX_VALUE);
                case BIGINT -> integral(column, value, Long.MIN_VALUE, Long.MAX_VALUE);
                case FLOAT -> (float) floating(column, value, Float.MAX_VALUE);
                case DOUBLE -> floating(column, value, Double.MAX_VALUE);
                case DECIMAL -> fit(column, decimal(column, value, fieldSchema, semantic));
                case DATE -> date(column, value);
                case TIME -> time(column, value, semantic);
                case TIMESTAMP -> timestamp(column, value, semantic);
                case TIMESTAMP_LTZ -> instant(column, value, semantic);
            };
        } catch (DateTimeException | ArithmeticException | IllegalArgumentException e) {
            // DateTimeParseException, bad base64 (IllegalArgumentException), ...
            throw wrongType(column, value);
        }
    }

    // ---- text ------------------------------------------------------------------------------

    private static String string(
            ColumnSpec column, JsonNode value, JsonNode fieldSchema, String semantic)
            throws DecodeException {
        String text;
        if (CONNECT_DECIMAL.equals(semantic) || DEBEZIUM_VARIABLE_SCALE_DECIMAL.equals(semantic)) {
            // a decimal declared as text: its digits, not its base64
            text = plain(decimal(column, value, fieldSchema, semantic));
        } else if (value.isTextual()) {
            text = value.textValue();
        } else if (value.isBigDecimal() || value.isFloatingPointNumber()) {
            text = plain(value.decimalValue());
        } else if (value.isNumber() || value.isBoolean()) {
            text = value.asText();
        } else {
            throw wrongType(column, value);
        }
        if (text.length() > column.precision()) {
            throw new DecodeException(
                    RejectCode.OUT_OF_RANGE,
                    "field "
                            + column.name()
                            + ": text of "
                            + text.length()
                            + " characters does not fit "
                            + column.typeName());
        }
        checkCharacters(column, text);
        return text;
    }

    /**
     * Text that can reach a sink holds no NUL (PostgreSQL refuses it, and one row would fail a
     * whole batch of the JDBC sink) and no unpaired surrogate (no UTF-8 encoder can write it; the
     * JDBC driver would silently write '?'). JSON can carry both as escapes.
     */
    private static void checkCharacters(ColumnSpec column, String text) throws DecodeException {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                throw new DecodeException(
                        RejectCode.NUL_CHARACTER,
                        "field "
                                + column.name()
                                + ": a NUL character (\\u0000), which PostgreSQL cannot store");
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c)
                        && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    throw new DecodeException(
                            RejectCode.INVALID_TEXT,
                            String.format(
                                    "field %s: an unpaired surrogate \\u%04x is no character",
                                    column.name(), (int) c));
                }
            }
        }
    }

    // ---- numbers ---------------------------------------------------------------------------

    private static long integral(ColumnSpec column, JsonNode value, long min, long max)
            throws DecodeException {
        BigInteger integer;
        if (value.isIntegralNumber()) {
            integer = value.bigIntegerValue();
        } else if (value.isNumber()) {
            BigDecimal decimal = value.decimalValue().stripTrailingZeros();
            if (decimal.scale() > 0) {
                throw wrongType(column, value); // has a fraction
            }
            if ((long) decimal.precision() - decimal.scale() > 20) {
                throw outOfRange(column, excerpt(decimal.toString()));
            }
            integer = decimal.toBigIntegerExact();
        } else {
            throw wrongType(column, value);
        }
        if (integer.compareTo(BigInteger.valueOf(min)) < 0
                || integer.compareTo(BigInteger.valueOf(max)) > 0) {
            throw outOfRange(column, excerpt(integer.toString()));
        }
        return integer.longValue();
    }

    private static double floating(ColumnSpec column, JsonNode value, double max)
            throws DecodeException {
        if (value.isNumber()) {
            double result = value.doubleValue();
            if (Double.isInfinite(result) || Math.abs(result) > max) {
                throw outOfRange(column, excerpt(value.numberValue().toString()));
            }
            return result;
        }
        if (value.isTextual()) {
            switch (value.textValue()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw wrongType(column, value);
    }

    /** The decimal as sent, before fitting it to the column. */
    private static BigDecimal decimal(
            ColumnSpec column, JsonNode value, JsonNode fieldSchema, String semantic)
            throws DecodeException {
        if (value.isObject()) {
            // io.debezium.data.VariableScaleDecimal: {"scale": 3, "value": "<base64>"}
            JsonNode scale = value.get("scale");
            JsonNode unscaled = value.get("value");
            if (scale == null
                    || !scale.canConvertToInt()
                    || !scale.isIntegralNumber()
                    || unscaled == null
                    || !unscaled.isTextual()) {
                throw wrongType(column, value);
            }
            return fromBase64(unscaled.textValue(), scale.intValue());
        }
        if (value.isNumber()) {
            return value.decimalValue();
        }
        if (!value.isTextual()) {
            throw wrongType(column, value);
        }
        String text = value.textValue();
        if (CONNECT_DECIMAL.equals(semantic)) {
            return fromBase64(text, schemaScale(column, fieldSchema));
        }
        if (DECIMAL_TEXT.matcher(text).matches()) {
            return new BigDecimal(text); // decimal.handling.mode=string
        }
        if (fieldSchema != null && "string".equals(fieldSchema.path("type").textValue())) {
            throw wrongType(column, value); // "NAN", "POSITIVE_INFINITY", ... of string mode
        }
        return fromBase64(text, column.scale());
    }

    private static int schemaScale(ColumnSpec column, JsonNode fieldSchema) throws DecodeException {
        JsonNode scale = fieldSchema.path("parameters").path("scale");
        if (scale.isMissingNode()) {
            return column.scale();
        }
        try {
            return Integer.parseInt(scale.asText());
        } catch (NumberFormatException e) {
            throw new DecodeException(
                    RejectCode.INVALID_CHANGE,
                    "field "
                            + column.name()
                            + ": schema parameter scale is not a number: "
                            + excerpt(scale.asText()));
        }
    }

    /**
     * Kafka Connect's Decimal encoding: base64 of the big-endian two's-complement unscaled value.
     */
    private static BigDecimal fromBase64(String text, int scale) {
        // JsonConverter writes padded base64; requiring it keeps "NAN" & co. from decoding.
        if (text.isEmpty() || text.length() % 4 != 0) {
            throw new IllegalArgumentException("not padded base64");
        }
        return new BigDecimal(new BigInteger(Base64.getDecoder().decode(text)), scale);
    }

    /**
     * Rounds half-up to the column's scale and checks its precision, without huge intermediates.
     */
    private static BigDecimal fit(ColumnSpec column, BigDecimal decimal) throws DecodeException {
        int scale = column.scale();
        if (decimal.signum() == 0) {
            return BigDecimal.valueOf(0, scale);
        }
        long integerDigits = (long) decimal.precision() - decimal.scale();
        if (integerDigits > column.precision() - scale) {
            throw new DecodeException(
                    RejectCode.OUT_OF_RANGE,
                    "field "
                            + column.name()
                            + ": "
                            + excerpt(decimal.toString())
                            + " does not fit "
                            + column.typeName());
        }
        if (integerDigits < -scale - 1L) {
            return BigDecimal.valueOf(0, scale); // below half of the last digit
        }
        BigDecimal rounded = decimal.setScale(scale, RoundingMode.HALF_UP);
        if (rounded.precision() > column.precision()) {
            throw new DecodeException(
                    RejectCode.OUT_OF_RANGE,
                    "field "
                            + column.name()
                            + ": "
                            + excerpt(decimal.toString())
                            + " does not fit "
                            + column.typeName());
        }
        return rounded;
    }

    private static String plain(BigDecimal decimal) {
        // toPlainString of 1E+999999999 would be a billion characters
        return Math.abs(decimal.scale()) <= 100 ? decimal.toPlainString() : decimal.toString();
    }

    // ---- dates and times -------------------------------------------------------------------

    private static LocalDate date(ColumnSpec column, JsonNode value) throws DecodeException {
        LocalDate date;
        if (value.isIntegralNumber()) {
            if (!value.canConvertToLong()) {
                throw outOfRange(column, excerpt(value.asText()));
            }
            try {
                date = LocalDate.ofEpochDay(value.longValue()); // io.debezium.time.Date
            } catch (DateTimeException e) {
                throw outOfRange(column, value.asText());
            }
        } else if (value.isTextual()) {
            date = LocalDate.parse(value.textValue().trim());
        } else {
            throw wrongType(column, value);
        }
        if (date.getYear() < 0 || date.getYear() > 9999) {
            throw outOfRange(column, date.toString());
        }
        return date;
    }

    private static LocalTime time(ColumnSpec column, JsonNode value, String semantic)
            throws DecodeException {
        LocalTime time;
        if (value.isIntegralNumber()) {
            if (!value.canConvertToLong()) {
                throw outOfRange(column, excerpt(value.asText()));
            }
            long amount = value.longValue();
            long factor;
            if (DEBEZIUM_TIME.equals(semantic) || CONNECT_TIME.equals(semantic)) {
                factor = 1_000_000L; // milliseconds
            } else if (DEBEZIUM_NANO_TIME.equals(semantic)) {
                factor = 1L;
            } else {
                factor = 1_000L; // io.debezium.time.MicroTime, the default for PostgreSQL TIME
            }
            if (amount < 0 || amount >= NANOS_PER_DAY / factor) {
                throw outOfRange(column, Long.toString(amount));
            }
            time = LocalTime.ofNanoOfDay(amount * factor);
        } else if (value.isTextual()) {
            time = LocalTime.parse(value.textValue().trim());
        } else {
            throw wrongType(column, value);
        }
        return time.withNano(truncate(time.getNano(), column.precision()));
    }

    private static LocalDateTime timestamp(ColumnSpec column, JsonNode value, String semantic)
            throws DecodeException {
        LocalDateTime timestamp;
        if (value.isTextual()) {
            String text = isoText(value);
            if (hasOffset(text)) {
                timestamp =
                        LocalDateTime.ofInstant(
                                OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                                        .toInstant(),
                                ZoneOffset.UTC);
            } else {
                timestamp = LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME);
            }
        } else {
            timestamp = LocalDateTime.ofInstant(epoch(column, value, semantic), ZoneOffset.UTC);
        }
        if (timestamp.getYear() < 0 || timestamp.getYear() > 9999) {
            throw outOfRange(column, timestamp.toString());
        }
        return timestamp.withNano(truncate(timestamp.getNano(), column.precision()));
    }

    private static Instant instant(ColumnSpec column, JsonNode value, String semantic)
            throws DecodeException {
        Instant instant;
        if (value.isTextual()) {
            String text = isoText(value);
            Instant common = IsoInstant.parse(text);
            if (common != null) {
                return checkedInstant(column, common);
            }
            if (!hasOffset(text)) {
                DecodeException wrongType = wrongType(column, value);
                try {
                    LocalDateTime.parse(text, DateTimeFormatter.ISO_LOCAL_DATE_TIME);
                } catch (DateTimeException notEvenLocal) {
                    throw wrongType;
                }
                // a local date-time names no point in time
                throw new DecodeException(
                        RejectCode.WRONG_TYPE,
                        wrongType.getMessage() + " without time zone offset");
            }
            instant =
                    OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } else {
            instant = epoch(column, value, semantic);
        }
        return checkedInstant(column, instant);
    }

    private static Instant checkedInstant(ColumnSpec column, Instant instant)
            throws DecodeException {
        if (instant.isBefore(MIN_INSTANT) || instant.isAfter(MAX_INSTANT)) {
            throw outOfRange(column, instant.toString());
        }
        return instant.minusNanos(
                instant.getNano() - truncate(instant.getNano(), column.precision()));
    }

    /** An integer since the epoch, its unit named by the schema or chosen by magnitude. */
    private static Instant epoch(ColumnSpec column, JsonNode value, String semantic)
            throws DecodeException {
        if (!value.isIntegralNumber()) {
            throw wrongType(column, value);
        }
        if (!value.canConvertToLong()) {
            throw outOfRange(column, excerpt(value.asText()));
        }
        long amount = value.longValue();
        if (amount == POSTGRES_INFINITY || amount == POSTGRES_MINUS_INFINITY) {
            // as nanoseconds these would pass for 2262-04-11
            throw outOfRange(column, amount > 0 ? "infinity" : "-infinity");
        }
        EpochUnit unit;
        if (DEBEZIUM_TIMESTAMP.equals(semantic) || CONNECT_TIMESTAMP.equals(semantic)) {
            unit = EpochUnit.MILLIS;
        } else if (DEBEZIUM_MICRO_TIMESTAMP.equals(semantic)) {
            unit = EpochUnit.MICROS;
        } else if (DEBEZIUM_NANO_TIMESTAMP.equals(semantic)) {
            unit = EpochUnit.NANOS;
        } else {
            unit = unitByMagnitude(amount);
        }
        return switch (unit) {
            case MILLIS -> Instant.ofEpochMilli(amount);
            case MICROS ->
                    Instant.ofEpochSecond(
                            Math.floorDiv(amount, 1_000_000L),
                            Math.floorMod(amount, 1_000_000L) * 1_000L);
            case NANOS ->
                    Instant.ofEpochSecond(
                            Math.floorDiv(amount, 1_000_000_000L),
                            Math.floorMod(amount, 1_000_000_000L));
        };
    }

    private static EpochUnit unitByMagnitude(long amount) {
        long magnitude = amount == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(amount);
        if (magnitude < MICROS_FROM) {
            return EpochUnit.MILLIS;
        }
        return magnitude < NANOS_FROM ? EpochUnit.MICROS : EpochUnit.NANOS;
    }

    /** ISO-8601 text, also with a space between date and time (as PostgreSQL prints it). */
    private static String isoText(JsonNode value) {
        String text = value.textValue().trim();
        if (text.length() > 10 && text.charAt(10) == ' ') {
            text = text.substring(0, 10) + 'T' + text.substring(11);
        }
        return text;
    }

    private static boolean hasOffset(String text) {
        int time = text.indexOf('T');
        if (time < 0) {
            return false;
        }
        char last = Character.toUpperCase(text.charAt(text.length() - 1));
        return last == 'Z' || text.indexOf('+', time) > 0 || text.indexOf('-', time) > 0;
    }

    /** Nanos of second cut to {@code precision} fractional digits. */
    private static int truncate(int nanos, int precision) {
        if (precision >= 9) {
            return nanos;
        }
        int unit = 1;
        for (int i = precision; i < 9; i++) {
            unit *= 10;
        }
        return nanos - nanos % unit;
    }

    // ---- messages --------------------------------------------------------------------------

    static DecodeException wrongType(ColumnSpec column, JsonNode value) {
        return new DecodeException(
                RejectCode.WRONG_TYPE,
                "field "
                        + column.name()
                        + ": expected "
                        + column.typeName()
                        + ", found "
                        + describe(value));
    }

    private static DecodeException outOfRange(ColumnSpec column, String value) {
        return new DecodeException(
                RejectCode.OUT_OF_RANGE,
                "field "
                        + column.name()
                        + ": "
                        + value
                        + " is out of range for "
                        + column.typeName());
    }

    /** A JSON value for a message: its type and, for scalars, a bounded excerpt. */
    static String describe(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "string " + new TextNode(excerpt(value.textValue())).toString();
            case NUMBER -> "number " + excerpt(value.numberValue().toString());
            case BOOLEAN -> "boolean " + value.booleanValue();
            default -> value.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    static String excerpt(String text) {
        if (text == null) {
            return "";
        }
        return text.length() > EXCERPT_LENGTH
                ? text.substring(0, EXCERPT_LENGTH - 3) + "..."
                : text;
    }
}
