package io.segflow.udfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class JsonInstantTest {

    final JsonInstant function = new JsonInstant();

    @Test
    void readsATopLevelTimestamp() {
        assertThat(
                        function.eval(
                                "{\"nested\":{\"event_time\":\"1999-01-01T00:00:00Z\"},"
                                        + "\"event_time\":\"2026-11-20T10:15:30.250Z\",\"x\":1}",
                                "event_time"))
                .isEqualTo(Instant.parse("2026-11-20T10:15:30.250Z"));
        assertThat(
                        function.eval(
                                "{\"event_time\":\"2026-11-20T11:15:30.250999+01:00\"}",
                                "event_time"))
                .isEqualTo(Instant.parse("2026-11-20T10:15:30.250Z"));
        assertThat(function.eval("{\"event_time\":1763633730250}", "event_time"))
                .isEqualTo(Instant.parse("2025-11-20T10:15:30.250Z"));
    }

    @Test
    void isNullForAnythingElse() {
        assertThat(function.eval((String) null, "event_time")).isNull();
        assertThat(function.eval("{\"event_time\":\"2026-11-20T10:15:30Z\"}", null)).isNull();
        assertThat(function.eval("", "event_time")).isNull();
        assertThat(function.eval("not json", "event_time")).isNull();
        assertThat(function.eval("[{\"event_time\":\"2026-11-20T10:15:30Z\"}]", "event_time"))
                .isNull();
        assertThat(function.eval("{\"other\":1}", "event_time")).isNull();
        assertThat(function.eval("{\"event_time\":null}", "event_time")).isNull();
        assertThat(function.eval("{\"event_time\":\"yesterday\"}", "event_time")).isNull();
        assertThat(function.eval("{\"event_time\":\"2026-11-20T10:15:30\"}", "event_time"))
                .isNull();
        assertThat(function.eval("{\"event_time\":1.5}", "event_time")).isNull();
        assertThat(function.eval("{\"event_time\":{\"a\":1}}", "event_time")).isNull();
        assertThat(function.eval("{\"event_time\":99999999999999999999999}", "event_time"))
                .isNull();
        assertThat(function.eval("{\"a\":1,", "event_time")).isNull();
    }
}
