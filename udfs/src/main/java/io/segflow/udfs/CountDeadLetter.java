package io.segflow.udfs;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code COUNT_DEAD_LETTER(source_topic, reason)}: returns {@code reason} unchanged and counts the
 * record in Flink metrics, so monitoring sees bad input without reading the dead-letter table:
 *
 * <ul>
 *   <li>{@code segflow.topic.<source_topic>.deadLetters}, one counter per source topic ({@code
 *       unknown} when the topic is NULL);
 *   <li>{@code segflow.reason.<code>.deadLetters}, one counter per reason code, the {@link
 *       RejectCode} the reason starts with ({@code blank_id}, {@code malformed_json}, ...; {@code
 *       other} for a reason without one);
 *   <li>{@code segflow.deadLettersTotal}, all topics together.
 * </ul>
 *
 * <p>A NULL reason is not a dead letter: it is returned and not counted. The function is declared
 * non-deterministic because counting is a side effect: the planner must neither fold the call into
 * a constant nor evaluate it more than once per row.
 */
public class CountDeadLetter extends ScalarFunction {

    private static final long serialVersionUID = 1L;

    static final String GROUP = "segflow";
    static final String TOPIC_GROUP = "topic";
    static final String REASON_GROUP = "reason";
    static final String PER_TOPIC_COUNTER = "deadLetters";
    static final String TOTAL_COUNTER = "deadLettersTotal";

    private transient MetricGroup group;
    private transient Counter total;
    private transient Map<String, Counter> byTopic;
    private transient Map<String, Counter> byCode;

    @Override
    public void open(FunctionContext context) {
        group = context.getMetricGroup().addGroup(GROUP);
        total = group.counter(TOTAL_COUNTER);
        byTopic = new HashMap<>();
        byCode = new HashMap<>();
    }

    public String eval(String sourceTopic, String reason) {
        if (reason != null && group != null) {
            total.inc();
            String topic = sourceTopic == null ? "unknown" : sourceTopic;
            byTopic.computeIfAbsent(
                            topic, t -> group.addGroup(TOPIC_GROUP, t).counter(PER_TOPIC_COUNTER))
                    .inc();
            byCode.computeIfAbsent(
                            RejectCode.of(reason),
                            code -> group.addGroup(REASON_GROUP, code).counter(PER_TOPIC_COUNTER))
                    .inc();
        }
        return reason;
    }

    @Override
    public boolean isDeterministic() {
        return false;
    }
}
