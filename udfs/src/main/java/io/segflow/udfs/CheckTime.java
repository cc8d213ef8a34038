package io.segflow.udfs;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code CHECK_TIME('event_time', value, received, 'earliest', 'max ahead')}: why a time cannot be
 * true, or NULL when it can (and for a NULL value). {@code time_out_of_range} when the time is
 * before {@code earliest} (an ISO-8601 instant; empty for no lower bound) or more than {@code max
 * ahead} (an ISO-8601 duration such as PT24H) after {@code received}, the time the record reached
 * Kafka.
 *
 * <p>Measured against the record's own Kafka timestamp, not the wall clock, so the answer is the
 * same in a stream, a replay and a backfill of the same records.
 */
public class CheckTime extends ScalarFunction {

    private static final long serialVersionUID = 1L;

    private static final Map<String, Instant> EARLIEST = new ConcurrentHashMap<>();
    private static final Map<String, Duration> AHEAD = new ConcurrentHashMap<>();

    public String eval(
            String field,
            @DataTypeHint("TIMESTAMP_LTZ(9)") Instant value,
            @DataTypeHint("TIMESTAMP_LTZ(9)") Instant received,
            String earliest,
            String maxAhead) {
        if (value == null) {
            return null;
        }
        if (earliest != null && !earliest.isBlank()) {
            Instant bound = EARLIEST.computeIfAbsent(earliest, CheckTime::instant);
            if (value.isBefore(bound)) {
                return RejectCode.reason(
                        RejectCode.TIME_OUT_OF_RANGE,
                        field + " " + value + " is before the earliest accepted time " + bound);
            }
        }
        if (received != null && maxAhead != null && !maxAhead.isBlank()) {
            Duration ahead = AHEAD.computeIfAbsent(maxAhead, CheckTime::duration);
            if (value.isAfter(received.plus(ahead))) {
                return RejectCode.reason(
                        RejectCode.TIME_OUT_OF_RANGE,
                        field
                                + " "
                                + value
                                + " is more than "
                                + ahead.toString().substring(2).toLowerCase()
                                + " after the record reached Kafka ("
                                + received
                                + ")");
            }
        }
        return null;
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "the earliest accepted time must be an ISO-8601 instant such as"
                            + " 1970-01-01T00:00:00Z, was '"
                            + text
                            + "'");
        }
    }

    private static Duration duration(String text) {
        try {
            return Duration.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "the largest time ahead must be an ISO-8601 duration such as PT24H, was '"
                            + text
                            + "'");
        }
    }
}
