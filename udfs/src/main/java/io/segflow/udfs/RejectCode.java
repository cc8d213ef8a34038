package io.segflow.udfs;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stable short codes that start every reason a record is rejected for ({@code "blank_id: field
 * visitor_id is blank"}): what dashboards and alerts group by (the metric
 * segflow.reason.&lt;code&gt;.deadLetters counts them), while the text after the colon says what
 * exactly was wrong. A code never changes its meaning; new kinds of bad input get new codes.
 */
public final class RejectCode {

    /** A null Kafka value (a tombstone) on a topic where only events belong. */
    public static final String TOMBSTONE = "tombstone";

    /** An empty or blank payload. */
    public static final String EMPTY_PAYLOAD = "empty_payload";

    /** A payload over the configured size limit. */
    public static final String TOO_LARGE = "too_large";

    /** Bytes that are not UTF-8. */
    public static final String INVALID_UTF8 = "invalid_utf8";

    /** A NUL character (U+0000), which PostgreSQL cannot store in text. */
    public static final String NUL_CHARACTER = "nul_character";

    /** Text that is no Unicode: an unpaired surrogate, which JSON can carry as an escape. */
    public static final String INVALID_TEXT = "invalid_text";

    /** Not JSON: a syntax error, a key twice in one object, content after the value. */
    public static final String MALFORMED_JSON = "malformed_json";

    /** JSON nested deeper than the decoders read. */
    public static final String TOO_DEEP = "too_deep";

    /** A JSON array, scalar or null where an object belongs. */
    public static final String NOT_AN_OBJECT = "not_an_object";

    /** A required field absent or null. */
    public static final String MISSING_FIELD = "missing_field";

    /** A field of the wrong JSON type or an unreadable value (a date that is no date). */
    public static final String WRONG_TYPE = "wrong_type";

    /** A number or text that does not fit its column (beyond BIGINT, too long). */
    public static final String OUT_OF_RANGE = "out_of_range";

    /** A time before the earliest accepted or too far after the record reached Kafka. */
    public static final String TIME_OUT_OF_RANGE = "time_out_of_range";

    /** An id (event, session, external id, system) that is empty or only white space. */
    public static final String BLANK_ID = "blank_id";

    /** An external id on the blocked list ({@code null}, {@code anonymous}, {@code 0}, ...). */
    public static final String BLOCKED_ID = "blocked_id";

    /**
     * An identity link beyond the limit of external ids of one system per customer: the customer's
     * earlier links count, this one does not (and its dead letter goes when an earlier one goes).
     */
    public static final String TOO_MANY_IDS = "too_many_ids";

    /** A Debezium change without op, or with an op Debezium does not define. */
    public static final String UNKNOWN_OP = "unknown_op";

    /** A Debezium truncate (t) or message (m) event: not a row change. */
    public static final String UNSUPPORTED_OP = "unsupported_op";

    /** A Debezium change whose envelope or row image is unusable. */
    public static final String INVALID_CHANGE = "invalid_change";

    /** A well-formed value the pipeline has no meaning for (an unknown event_type, ...). */
    public static final String INVALID_VALUE = "invalid_value";

    /** A record the decoder failed on unexpectedly. */
    public static final String UNDECODABLE = "undecodable";

    /** The code of a reason that does not start with one (hand-written SQL). */
    public static final String OTHER = "other";

    private static final Pattern LEADING_CODE = Pattern.compile("^([a-z][a-z0-9_]{0,39}):");

    private RejectCode() {}

    /** The code a reason starts with, or {@link #OTHER}. */
    public static String of(String reason) {
        if (reason == null) {
            return OTHER;
        }
        Matcher code = LEADING_CODE.matcher(reason);
        return code.find() ? code.group(1) : OTHER;
    }

    /** A reason: the code, a colon, and what exactly was wrong. */
    static String reason(String code, String detail) {
        return code + ": " + detail;
    }
}
