package io.segflow.udfs;

import java.io.Serializable;

/**
 * A column a decoder fills: its name, the kind of value it holds (with precision and scale where
 * the kind has them), and whether a record without it is unusable. Plain Java, so the decoders can
 * be used and tested without Flink; {@link ColumnSpecs} makes these from Flink's type syntax.
 *
 * @param precision the length for CHAR and VARCHAR, the precision for DECIMAL, the fractional
 *     second digits for TIME, TIMESTAMP and TIMESTAMP_LTZ; unused otherwise
 * @param scale the scale for DECIMAL; unused otherwise
 * @param required true when the column was declared NOT NULL: a record where it is absent or null
 *     is rejected (the output column itself is still nullable: a rejected record has no values)
 */
public record ColumnSpec(String name, Kind kind, int precision, int scale, boolean required)
        implements Serializable {

    /** The length of STRING, which is VARCHAR of the largest length. */
    public static final int MAX_LENGTH = Integer.MAX_VALUE;

    /**
     * The value kinds the decoders produce. The Java class of each is the default conversion class
     * of the Flink type of the same name, so rows go to Flink unconverted.
     */
    public enum Kind {
        /** {@link String}, at most {@code precision} characters. */
        CHAR,
        /** {@link String}, at most {@code precision} characters; STRING is VARCHAR(MAX). */
        VARCHAR,
        /** {@link Boolean}. */
        BOOLEAN,
        /** {@link Byte}. */
        TINYINT,
        /** {@link Short}. */
        SMALLINT,
        /** {@link Integer}. */
        INT,
        /** {@link Long}. */
        BIGINT,
        /** {@link Float}. */
        FLOAT,
        /** {@link Double}. */
        DOUBLE,
        /** {@link java.math.BigDecimal} with exactly the declared scale. */
        DECIMAL,
        /** {@link java.time.LocalDate}. */
        DATE,
        /** {@link java.time.LocalTime}. */
        TIME,
        /** {@link java.time.LocalDateTime}: a timestamp without time zone (read as UTC). */
        TIMESTAMP,
        /** {@link java.time.Instant}: a point in time. */
        TIMESTAMP_LTZ
    }

    public ColumnSpec {
        if (name == null || kind == null) {
            throw new IllegalArgumentException("a column needs a name and a kind");
        }
    }

    /** A column of a kind without length, precision or scale. */
    public static ColumnSpec of(String name, Kind kind, boolean required) {
        int precision =
                switch (kind) {
                    case CHAR, VARCHAR -> MAX_LENGTH;
                    case TIMESTAMP, TIMESTAMP_LTZ -> 6;
                    default -> 0;
                };
        return new ColumnSpec(name, kind, precision, 0, required);
    }

    /** The type as Flink SQL writes it, for error messages: BIGINT, DECIMAL(10, 2), STRING, ... */
    public String typeName() {
        return switch (kind) {
            case CHAR -> "CHAR(" + precision + ")";
            case VARCHAR -> precision == MAX_LENGTH ? "STRING" : "VARCHAR(" + precision + ")";
            case DECIMAL -> "DECIMAL(" + precision + ", " + scale + ")";
            case TIME, TIMESTAMP, TIMESTAMP_LTZ -> kind.name() + "(" + precision + ")";
            default -> kind.name();
        };
    }
}
