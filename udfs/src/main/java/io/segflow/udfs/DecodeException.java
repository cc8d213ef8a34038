package io.segflow.udfs;

/**
 * Why a record cannot be decoded; the message becomes the record's parse_error. It is an expected
 * outcome (bad input), not a failure, so it carries no stack trace.
 */
public final class DecodeException extends Exception {

    private static final long serialVersionUID = 1L;

    public DecodeException(String message) {
        super(message, null, false, false);
    }
}
