package io.segflow.embedded;

import java.time.Instant;

/** Event JSON as the product analytics tool emits it, for the generators of demo and test data. */
final class AnalyticsEvents {

    private AnalyticsEvents() {}

    /** A product event; {@code feature} and {@code durationMs} are left out when null. */
    static String product(String eventId, String user, String session, String type, String feature, Long durationMs, Instant time) {
        StringBuilder event = new StringBuilder();
        event.append("{\"event_id\":\"").append(eventId).append("\",\"user_id\":\"").append(user)
                .append("\",\"session_id\":\"").append(session).append("\",\"event_type\":\"").append(type).append('"');
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
