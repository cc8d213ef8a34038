package io.segflow.udfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.table.functions.FunctionContext;
import org.junit.jupiter.api.Test;

class CountDeadLetterTest {

    /** A metric group that records its counters by dotted name. */
    static final class RecordingGroup extends UnregisteredMetricsGroup {
        final String prefix;
        final Map<String, Counter> counters;

        RecordingGroup(String prefix, Map<String, Counter> counters) {
            this.prefix = prefix;
            this.counters = counters;
        }

        @Override
        public MetricGroup addGroup(String name) {
            return new RecordingGroup(prefix + name + ".", counters);
        }

        @Override
        public MetricGroup addGroup(String key, String value) {
            return new RecordingGroup(prefix + key + "." + value + ".", counters);
        }

        @Override
        public Counter counter(String name) {
            return counters.computeIfAbsent(prefix + name, n -> new SimpleCounter());
        }
    }

    @Test
    void countsPerTopicAndInTotalAndReturnsTheReason() {
        Map<String, Counter> counters = new TreeMap<>();
        CountDeadLetter function = new CountDeadLetter();
        function.open(
                new FunctionContext(null) {
                    @Override
                    public MetricGroup getMetricGroup() {
                        return new RecordingGroup("", counters);
                    }
                });

        assertThat(function.eval("web.events", "malformed_json: malformed JSON"))
                .isEqualTo("malformed_json: malformed JSON");
        assertThat(function.eval("web.events", "blank_id: visitor_id is empty"))
                .isEqualTo("blank_id: visitor_id is empty");
        assertThat(function.eval("crm.public.customers", "unknown_op: unknown Debezium op 'x'"))
                .isEqualTo("unknown_op: unknown Debezium op 'x'");
        assertThat(function.eval(null, "malformed_json: malformed JSON"))
                .isEqualTo("malformed_json: malformed JSON");
        assertThat(function.eval("web.events", "hand-written reason without a code"))
                .isEqualTo("hand-written reason without a code");
        assertThat(function.eval("web.events", null)).isNull();

        assertThat(counters)
                .containsOnlyKeys(
                        "segflow.deadLettersTotal",
                        "segflow.topic.web.events.deadLetters",
                        "segflow.topic.crm.public.customers.deadLetters",
                        "segflow.topic.unknown.deadLetters",
                        "segflow.reason.malformed_json.deadLetters",
                        "segflow.reason.blank_id.deadLetters",
                        "segflow.reason.unknown_op.deadLetters",
                        "segflow.reason.other.deadLetters");
        assertThat(counters.get("segflow.reason.malformed_json.deadLetters").getCount())
                .isEqualTo(2);
        assertThat(counters.get("segflow.reason.other.deadLetters").getCount()).isEqualTo(1);
        assertThat(counters.get("segflow.deadLettersTotal").getCount()).isEqualTo(5);
        assertThat(counters.get("segflow.topic.web.events.deadLetters").getCount()).isEqualTo(3);
        assertThat(counters.get("segflow.topic.crm.public.customers.deadLetters").getCount())
                .isEqualTo(1);
        assertThat(function.isDeterministic()).isFalse();
    }
}
