package io.segflow.udfs;

import java.io.Serializable;

/**
 * A column a decoder fills: its name, the kind of value it holds, and whether a record without
 * it is unusable. Plain Java, so the decoders can be tested without Flink.
 */
public record ColumnSpec(String name, Kind kind, int precision, int scale, boolean required)
        implements Serializable {

    /** The value kinds the decoders produce, each with the Java class Flink expects for it. */
    public enum Kind {
        STRING,
        BOOLEAN,
        TINYINT,
        SMALLINT,
        INT,
        BIGINT,
        FLOAT,
        DOUBLE,
        DECIMAL,
        DATE,
        TIME,
        TIMESTAMP,
        TIMESTAMP_LTZ
    }

    public static ColumnSpec of(String name, Kind kind, boolean required) {
        return new ColumnSpec(name, kind, 0, 0, required);
    }

    /** The type as people write it in SQL, for error messages. */
    public String typeName() {
        return kind == Kind.DECIMAL ? "DECIMAL(" + precision + "," + scale + ")" : kind.name();
    }
}
