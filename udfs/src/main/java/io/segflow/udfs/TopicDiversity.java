package io.segflow.udfs;

import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code TOPIC_DIVERSITY(count_1, ..., count_k)}: how evenly a customer's views spread over k
 * topics, from 0 (all in one topic, or none at all) to 1 (the same number in each): the {@link
 * Evenness} of the counts. A NULL count is 0. Never NULL.
 */
public class TopicDiversity extends ScalarFunction {

    private static final long serialVersionUID = 1L;

    public @DataTypeHint("DOUBLE NOT NULL") Double eval(Long... counts) {
        return Evenness.of(counts);
    }
}
