package io.segflow.udfs;

import com.fasterxml.jackson.databind.JsonNode;
import io.segflow.udfs.ColumnSpec.Kind;
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
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Turns one JSON value into the Java value of a column, the way Debezium and Kafka Connect encode
 * it. With a Connect field schema (the JsonConverter's schema envelope) the semantic type name
 * decides (io.debezium.time.Date, MicroTimestamp, org.apache.kafka.connect.data.Decimal, ...).
 * Without one, the column's kind and the JSON value's shape decide:
 *
 * <ul>
 *   <li>DATE: a number is days since the epoch (io.debezium.time.Date), text is ISO-8601.
 *   <li>TIMESTAMP and TIMESTAMP_LTZ: text is ISO-8601 (with an offset for TIMESTAMP_LTZ, as
 *       io.debezium.time.ZonedTimestamp writes it); a number is since the epoch, in milliseconds
 *       below 1e14, microseconds below 1e17, else nanoseconds (Debezium's Timestamp,
 *       MicroTimestamp and NanoTimestamp for any date between 1973 and 2286).
 *   <li>DECIMAL: base64 of the unscaled two's-complement value with the column's scale
 *       (decimal.handling.mode=precise), a {scale, value} object (VariableScaleDecimal), a JSON
 *       number (double mode) or numeric text (string mode).
 *   <li>STRING: text, or a number or boolean as its text (some producers send numeric ids).
 * </ul>
 */
final class ValueDecoder {

    private static final Pattern NUMERIC = Pattern.compile("[-+]?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");

    private ValueDecoder() {}

    /** The value, or null for JSON null or an absent field. */
    static Object decode(ColumnSpec column, JsonNode value, JsonNode fieldSchema)
            throws DecodeException {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        String semantic = fieldSchema == null ? null : fieldSchema.path("name").asText(null);
        try {
            return switch (column.kind()) {
                case STRING -> string(column, value);
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
                case FLOAT -> (float) floating(column, value);
                case DOUBLE -> floating(column, value);
                case DECIMAL -> decimal(column, value, fieldSchema);
                case DATE -> date(column, value);
                case TIME -> time(column, value, semantic);
                case TIMESTAMP -> LocalDateTime.ofInstant(instant(column, value, semantic, false), ZoneOffset.UTC);
                case TIMESTAMP_LTZ -> instant(column, value, semantic, true);
            };
        } catch (DateTimeException | ArithmeticException | IllegalArgumentException e) {
            throw wrongType(column, value);
        }
    }

    private static String string(ColumnSpec column, JsonNode value) throws DecodeException {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isNumber() || value.isBoolean()) {
            return value.asText();
        }
        throw wrongType(column, value);
    }

    private static long integral(ColumnSpec column, JsonNode value, long min, long max)
            throws DecodeException {
        BigInteger integer;
        if (value.isIntegralNumber()) {
            integer = value.bigIntegerValue();
        } else if (value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0) {
            integer = value.decimalValue().toBigIntegerExact();
        } else {
            throw wrongType(column, value);
        }
        if (integer.compareTo(BigInteger.valueOf(min)) < 0 || integer.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new DecodeException(
                    "field " + column.name() + ": " + integer + " is out of range for " + column.typeName());
        }
        return integer.longValue();
    }

    private static double floating(ColumnSpec column, JsonNode value) throws DecodeException {
        if (value.isNumber()) {
            return value.doubleValue();
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

    private static BigDecimal decimal(ColumnSpec column, JsonNode value, JsonNode fieldSchema)
            throws DecodeException {
        BigDecimal decimal;
        if (value.isObject() && value.has("scale") && value.has("value")) {
            decimal = fromBase64(value.get("value").asText(), value.get("scale").asInt());
        } else if (value.isNumber()) {
            decimal = value.decimalValue();
        } else if (value.isTextual()) {
            String text = value.textValue();
            if (NUMERIC.matcher(text).matches()) {
                decimal = new BigDecimal(text);
            } else {
                int scale = column.scale();
                if (fieldSchema != null && fieldSchema.path("parameters").has("scale")) {
                    scale = Integer.parseInt(fieldSchema.path("parameters").path("scale").asText());
                }
                decimal = fromBase64(text, scale);
            }
        } else {
            throw wrongType(column, value);
        }
        BigDecimal fitted = decimal.setScale(column.scale(), RoundingMode.HALF_UP);
        if (fitted.precision() > column.precision()) {
            throw new DecodeException(
                    "field " + column.name() + ": " + decimal.toPlainString() + " does not fit " + column.typeName());
        }
        return fitted;
    }

    private static BigDecimal fromBase64(String text, int scale) {
        byte[] bytes = Base64.getDecoder().decode(text);
        if (bytes.length == 0) {
            throw new IllegalArgumentException("empty decimal");
        }
        return new BigDecimal(new BigInteger(bytes), scale);
    }

    private static LocalDate date(ColumnSpec column, JsonNode value) throws DecodeException {
        if (value.isIntegralNumber()) {
            return LocalDate.ofEpochDay(value.longValue());
        }
        if (value.isTextual()) {
            return LocalDate.parse(value.textValue());
        }
        throw wrongType(column, value);
    }

    private static LocalTime time(ColumnSpec column, JsonNode value, String semantic)
            throws DecodeException {
        if (value.isIntegralNumber()) {
            long amount = value.longValue();
            long nanos;
            if ("io.debezium.time.Time".equals(semantic)) {
                nanos = amount * 1_000_000L;
            } else if ("io.debezium.time.NanoTime".equals(semantic)) {
                nanos = amount;
            } else {
                nanos = amount * 1_000L; // io.debezium.time.MicroTime, the default
            }
            return truncate(LocalTime.ofNanoOfDay(nanos), column);
        }
        if (value.isTextual()) {
            return truncate(LocalTime.parse(value.textValue()), column);
        }
        throw wrongType(column, value);
    }

    private static Instant instant(ColumnSpec column, JsonNode value, String semantic, boolean zoned)
            throws DecodeException {
        Instant instant;
        if (value.isIntegralNumber()) {
            long amount = value.longValue();
            String unit = semantic == null ? unitByMagnitude(amount) : unitOf(semantic);
            instant = switch (unit) {
                case "ms" -> Instant.ofEpochMilli(amount);
                case "us" -> Instant.EPOCH.plus(amount, ChronoUnit.MICROS);
                default -> Instant.EPOCH.plusNanos(amount);
            };
        } else if (value.isTextual()) {
            String text = value.textValue().trim().replace(' ', 'T');
            if (zoned || hasOffset(text)) {
                instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            } else {
                instant = LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            }
        } else {
            throw wrongType(column, value);
        }
        return truncate(instant, column);
    }

    private static boolean hasOffset(String text) {
        int time = text.indexOf('T');
        return text.endsWith("Z") || (time > 0 && (text.indexOf('+', time) > 0 || text.indexOf('-', time) > 0));
    }

    private static String unitOf(String semantic) {
        return switch (semantic) {
            case "io.debezium.time.Timestamp", "org.apache.kafka.connect.data.Timestamp" -> "ms";
            case "io.debezium.time.NanoTimestamp" -> "ns";
            case "io.debezium.time.MicroTimestamp" -> "us";
            default -> unitByMagnitude(0);
        };
    }

    private static String unitByMagnitude(long amount) {
        long magnitude = Math.abs(amount);
        if (magnitude < 100_000_000_000_000L) {
            return "ms";
        }
        return magnitude < 100_000_000_000_000_000L ? "us" : "ns";
    }

    private static Instant truncate(Instant instant, ColumnSpec column) {
        int precision = column.precision();
        if (precision >= 9) {
            return instant;
        }
        long unit = (long) Math.pow(10, 9 - precision);
        return instant.minusNanos(instant.getNano() % unit);
    }

    private static LocalTime truncate(LocalTime time, ColumnSpec column) {
        int precision = column.precision();
        if (precision >= 9) {
            return time;
        }
        long unit = (long) Math.pow(10, 9 - precision);
        return time.minusNanos(time.getNano() % unit);
    }

    static DecodeException wrongType(ColumnSpec column, JsonNode value) {
        return new DecodeException(
                "field " + column.name() + ": expected " + column.typeName() + ", found " + describe(value));
    }

    static String describe(JsonNode value) {
        String kind = value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        if (value.isContainerNode()) {
            return kind;
        }
        String text = value.toString();
        return kind + " " + (text.length() > 60 ? text.substring(0, 57) + "..." : text);
    }
}
