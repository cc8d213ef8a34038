package io.segflow.demo;

import java.time.Instant;

/**
 * Event JSON as the web and product analytics tools emit it, for the generators of demo and test
 * data.
 */
public final class AnalyticsEvents {

    private AnalyticsEvents() {}

    /** A web event, as the web analytics tool emits it. */
    public static String web(
            String eventId, String visitor, String session, String type, String url, Instant time) {
        return "{\"event_id\":\""
                + eventId
                + "\",\"visitor_id\":\""
                + visitor
                + "\",\"session_id\":\""
                + session
                + "\",\"event_type\":\""
                + type
                + "\",\"url\":\""
                + url
                + "\",\"event_time\":\""
                + time
                + "\"}";
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
