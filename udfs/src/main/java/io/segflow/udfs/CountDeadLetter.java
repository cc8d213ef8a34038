package io.segflow.udfs;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code COUNT_DEAD_LETTER(source_topic, reason)}: returns the reason and counts the record in
 * the Flink metric {@code segflow.topic.<topic>.deadLetters} (and {@code segflow.deadLettersTotal}
 * for all topics), so that monitoring sees bad input without reading the dead-letter table.
 */
public class CountDeadLetter extends ScalarFunction {

    private transient MetricGroup group;
    private transient Counter total;
    private transient Map<String, Counter> byTopic;

    @Override
    public void open(FunctionContext context) {
        group = context.getMetricGroup().addGroup("segflow");
        total = group.counter("deadLettersTotal");
        byTopic = new HashMap<>();
    }

    public String eval(String sourceTopic, String reason) {
        if (group != null) {
            total.inc();
            String topic = sourceTopic == null ? "unknown" : sourceTopic;
            byTopic.computeIfAbsent(topic, t -> group.addGroup("topic", t).counter("deadLetters")).inc();
        }
        return reason;
    }

    /** Counting is a side effect: the planner must neither fold nor repeat the call. */
    @Override
    public boolean isDeterministic() {
        return false;
    }
}
