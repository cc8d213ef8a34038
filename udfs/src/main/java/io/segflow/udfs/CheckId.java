package io.segflow.udfs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code CHECK_ID('visitor_id', value [, 'blocked values'])}: why a value cannot be an id, or NULL
 * when it can (NULL too for a NULL value: whether an id is required is the decoder's business).
 *
 * <ul>
 *   <li>{@code blank_id}: empty, or only white space;
 *   <li>{@code blocked_id}: one of the blocked values, compared after trimming and ignoring case.
 *       The list is comma-separated; an entry between slashes is a regular expression the whole
 *       value must match ({@code /0[0-]*}{@code /}: zeros, with or without dashes, as a nil UUID).
 * </ul>
 *
 * <p>Blocked values are placeholders that many unrelated people share ({@code anonymous}, {@code
 * undefined}, {@code 0}): a link or an event with one would fuse those people into one customer.
 * The check applies to the raw value, before anything hashes or maps it.
 */
public class CheckId extends ScalarFunction {

    private static final long serialVersionUID = 1L;

    /** Parsed blocked lists by text; the lists are literals in SQL, so there are a handful. */
    private static final Map<String, Blocked> LISTS = new ConcurrentHashMap<>();

    public String eval(String field, String value) {
        return eval(field, value, "");
    }

    public String eval(String field, String value, String blockedValues) {
        if (value == null) {
            return null;
        }
        String trimmed = value.strip();
        if (trimmed.isEmpty()) {
            return RejectCode.reason(
                    RejectCode.BLANK_ID,
                    field + " is " + (value.isEmpty() ? "empty" : "blank (only white space)"));
        }
        if (blockedValues != null && !blockedValues.isBlank()) {
            String match = LISTS.computeIfAbsent(blockedValues, Blocked::parse).match(trimmed);
            if (match != null) {
                return RejectCode.reason(
                        RejectCode.BLOCKED_ID,
                        field
                                + " '"
                                + ValueDecoder.excerpt(value)
                                + "' is a blocked value ("
                                + match
                                + ")");
            }
        }
        return null;
    }

    /** The blocked values of one list: exact ones (lower case) and patterns. */
    record Blocked(List<String> exact, List<Pattern> patterns) {

        static Blocked parse(String list) {
            List<String> exact = new ArrayList<>();
            List<Pattern> patterns = new ArrayList<>();
            for (String entry : list.split(",")) {
                String value = entry.strip();
                if (value.length() > 2 && value.startsWith("/") && value.endsWith("/")) {
                    try {
                        patterns.add(
                                Pattern.compile(
                                        value.substring(1, value.length() - 1),
                                        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
                    } catch (PatternSyntaxException e) {
                        throw new IllegalArgumentException(
                                "blocked id "
                                        + value
                                        + " is no regular expression: "
                                        + e.getDescription());
                    }
                } else if (!value.isEmpty()) {
                    exact.add(value.toLowerCase(Locale.ROOT));
                }
            }
            return new Blocked(List.copyOf(exact), List.copyOf(patterns));
        }

        /** The entry that blocks {@code value}, or null. */
        String match(String value) {
            String lower = value.toLowerCase(Locale.ROOT);
            if (exact.contains(lower)) {
                return "'" + lower + "'";
            }
            for (Pattern pattern : patterns) {
                if (pattern.matcher(value).matches()) {
                    return "/" + pattern.pattern() + "/";
                }
            }
            return null;
        }
    }
}
