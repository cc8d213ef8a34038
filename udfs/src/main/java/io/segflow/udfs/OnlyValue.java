package io.segflow.udfs;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.AggregateFunction;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.InputTypeStrategies;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.types.Row;

/**
 * {@code ONLY_VALUE(value)}: the one non-NULL value among a group's rows, of any type, over an
 * updating input. The customer profile uses it for the CRM row: among a customer's rows exactly one
 * carries it (the others have NULL there), and when the CRM changes, that row is retracted and the
 * new one added.
 *
 * <p>Why not MAX or LAST_VALUE: MAX cannot compare a ROW, and neither takes a ROW back when the row
 * is retracted. Why not a join with the CRM table: it would be one more keyed stage that every
 * event passes. This keeps a count per distinct value, so it retracts exactly, merges partial
 * accumulators (two-phase aggregation), and needs no order. While the input is between a retraction
 * and its replacement, or if the SQL gives a group two values, the result is one of them, the same
 * for the same values whatever their arrival order.
 */
public class OnlyValue extends AggregateFunction<Object, Row> {

    private static final long serialVersionUID = 1L;

    private static final int COUNTS = 0;

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
        Object chosen = null;
        for (Map.Entry<Object, Long> entry : counts(accumulator).entrySet()) {
            if (entry.getValue() > 0
                    && (chosen == null
                            || String.valueOf(entry.getKey()).compareTo(String.valueOf(chosen))
                                    > 0)) {
                chosen = entry.getKey();
            }
        }
        return chosen;
    }

    private static void add(Row accumulator, Object value, long count) {
        if (value != null) {
            // a partial accumulator may hold a retraction before its value: counts go below zero
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
                .inputTypeStrategy(InputTypeStrategies.sequence(InputTypeStrategies.ANY))
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
