package io.segflow.udfs;

/**
 * What a decoder made of one record: the values in column order, or the reason it could not. A
 * failed record has all values null. {@code op} is the Debezium operation for change events (as far
 * as it could be read, also for a failed record), null for plain records.
 */
public record DecodedRow(String op, Object[] values, String error) {

    /** The longest parse_error; longer reasons are cut. */
    public static final int MAX_ERROR_LENGTH = 300;

    static DecodedRow decoded(String op, Object[] values) {
        return new DecodedRow(op, values, null);
    }

    /** A failed record; {@code error} starts with its {@link RejectCode}. */
    static DecodedRow failed(String op, int columns, String error) {
        String reason =
                error == null || error.isEmpty()
                        ? RejectCode.reason(RejectCode.UNDECODABLE, "undecodable record")
                        : error;
        if (reason.length() > MAX_ERROR_LENGTH) {
            reason = reason.substring(0, MAX_ERROR_LENGTH - 3) + "...";
        }
        return new DecodedRow(op, new Object[columns], reason);
    }

    public boolean ok() {
        return error == null;
    }
}
