package io.segflow.demo;

import java.time.Instant;

/**
 * Event JSON as the web and product analytics tools emit it, for the generators of demo and test
 * data.
 */
public final class AnalyticsEvents {

    private AnalyticsEvents() {}

    /** A web event, as the web analytics tool emits it, without a title. */
    public static String web(
            String eventId, String visitor, String session, String type, String url, Instant time) {
        return web(eventId, visitor, session, type, url, null, time);
    }

    /** A web event with the title of the page or video it shows; {@code title} left out if null. */
    public static String web(
            String eventId,
            String visitor,
            String session,
            String type,
            String url,
            String title,
            Instant time) {
        StringBuilder event = new StringBuilder();
        event.append("{\"event_id\":\"")
                .append(eventId)
                .append("\",\"visitor_id\":\"")
                .append(visitor)
                .append("\",\"session_id\":\"")
                .append(session)
                .append("\",\"event_type\":\"")
                .append(type)
                .append("\",\"url\":\"")
                .append(text(url))
                .append('"');
        if (title != null) {
            event.append(",\"title\":\"").append(text(title)).append('"');
        }
        event.append(",\"event_time\":\"").append(time).append("\"}");
        return event.toString();
    }

    /** Text as the inside of a JSON string (the generators' titles have no control characters). */
    private static String text(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** A product event; {@code feature} and {@code durationMs} are left out when null. */
    public static String product(
            String eventId,
            String user,
            String session,
            String type,
            String feature,
            Long durationMs,
            Instant time) {
        StringBuilder event = new StringBuilder();
        event.append("{\"event_id\":\"")
                .append(eventId)
                .append("\",\"user_id\":\"")
                .append(user)
                .append("\",\"session_id\":\"")
                .append(session)
                .append("\",\"event_type\":\"")
                .append(type)
                .append('"');
        if (feature != null) {
            event.append(",\"feature\":\"").append(feature).append('"');
        }
        if (durationMs != null) {
            event.append(",\"duration_ms\":").append(durationMs);
        }
        event.append(",\"event_time\":\"").append(time).append("\"}");
        return event.toString();
    }
}
