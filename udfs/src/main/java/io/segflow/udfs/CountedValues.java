package io.segflow.udfs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.AggregateFunction;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.ArgumentTypeStrategy;
import org.apache.flink.table.types.inference.InputTypeStrategies;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.types.Row;

/**
 * An aggregate over an updating input that keeps a count per distinct value in the group's own
 * accumulator, and picks its result from the values whose count is above zero. Counting retracts
 * exactly and merges partial accumulators (two-phase aggregation) in any order: a partial
 * accumulator may hold a retraction before its value.
 *
 * <p>The counts are a plain map inside the accumulator row, not a {@code MapView}: they are read
 * and written with the group's other accumulators in one state access. That suits groups with a
 * handful of values (a customer's CRM row, the newest event time of each of their ids); a group
 * with thousands would make every access copy them all.
 */
abstract class CountedValues extends AggregateFunction<Object, Row> {

    private static final long serialVersionUID = 1L;

    private static final int COUNTS = 0;

    /** The result among the values present (count above zero); null when there are none. */
    abstract Object choose(Iterable<Object> present);

    /** The types of value it takes. */
    ArgumentTypeStrategy valueType() {
        return InputTypeStrategies.ANY;
    }

    @Override
    public Row createAccumulator() {
        return Row.of(new HashMap<Object, Long>());
    }

    public void accumulate(Row accumulator, Object value) {
        add(accumulator, value, 1);
    }

    public void retract(Row accumulator, Object value) {
        add(accumulator, value, -1);
    }

    public void merge(Row accumulator, Iterable<Row> others) {
        for (Row other : others) {
            counts(other).forEach((value, count) -> add(accumulator, value, count));
        }
    }

    public void resetAccumulator(Row accumulator) {
        counts(accumulator).clear();
    }

    @Override
    public Object getValue(Row accumulator) {
        // called for every row the aggregation emits: a plain loop, no stream
        Map<Object, Long> counts = counts(accumulator);
        List<Object> present = new ArrayList<>(counts.size());
        for (Map.Entry<Object, Long> entry : counts.entrySet()) {
            if (entry.getValue() > 0) {
                present.add(entry.getKey());
            }
        }
        return choose(present);
    }

    private static void add(Row accumulator, Object value, long count) {
        if (value != null) {
            counts(accumulator).merge(value, count, (a, b) -> a + b == 0 ? null : a + b);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Long> counts(Row accumulator) {
        Map<Object, Long> counts = (Map<Object, Long>) accumulator.getField(COUNTS);
        if (counts == null) {
            counts = new HashMap<>();
            accumulator.setField(COUNTS, counts);
        }
        return counts;
    }

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        return TypeInference.newBuilder()
                .inputTypeStrategy(InputTypeStrategies.sequence(valueType()))
                .accumulatorTypeStrategy(
                        call -> {
                            DataType value = call.getArgumentDataTypes().get(0).nullable();
                            return Optional.of(
                                    DataTypes.ROW(
                                                    DataTypes.FIELD(
                                                            "counts",
                                                            DataTypes.MAP(
                                                                            value,
                                                                            DataTypes.BIGINT()
                                                                                    .notNull())
                                                                    .bridgedTo(Map.class)))
                                            .bridgedTo(Row.class));
                        })
                .outputTypeStrategy(
                        call -> Optional.of(call.getArgumentDataTypes().get(0).nullable()))
                .build();
    }
}
