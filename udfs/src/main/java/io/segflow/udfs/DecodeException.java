package io.segflow.udfs;

/**
 * Why a record cannot be decoded: a {@link RejectCode} and the message; together they become the
 * record's parse_error ({@code "code: message"}). It is an expected outcome (bad input), not a
 * failure, so it carries no stack trace.
 */
public final class DecodeException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String code;

    public DecodeException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The reason as parse_error carries it. */
    public String reason() {
        return RejectCode.reason(code, getMessage());
    }
}
