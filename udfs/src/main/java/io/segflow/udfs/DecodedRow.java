package io.segflow.udfs;

/**
 * What a decoder made of one record: the values in column order, or the reason it could not.
 * {@code op} is the Debezium operation for change events, null for plain records.
 */
public record DecodedRow(String op, Object[] values, String error) {

    static DecodedRow failed(String op, int columns, String error) {
        return new DecodedRow(op, new Object[columns], error);
    }

    public boolean ok() {
        return error == null;
    }
}
