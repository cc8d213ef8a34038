package io.segflow.udfs;

import java.util.List;
import java.util.Optional;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.AggregateFunction;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.ArgumentCount;
import org.apache.flink.table.types.inference.CallContext;
import org.apache.flink.table.types.inference.ConstantArgumentCount;
import org.apache.flink.table.types.inference.InputTypeStrategy;
import org.apache.flink.table.types.inference.Signature;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.types.Row;

/**
 * The value of the row with the greatest ({@link Latest}) or smallest ({@link Earliest}) order:
 * {@code LATEST_BY(country, kafka_offset)} is the country of a customer's latest CRM change, {@code
 * EARLIEST_BY(visitor_id, event_time)} the visitor of an event's first occurrence.
 *
 * <p>Why not ROW_NUMBER: a ROW_NUMBER deduplication retracts the previous row on every change, and
 * whatever aggregates its output must then be able to take rows back. These functions fold an
 * append-only input into one row per key that is only ever updated; a value that stays the same is
 * not emitted again. They decide by the order column alone, so a streaming run and a BATCH backfill
 * (which sees the rows in another order) agree. Equal orders are broken by the value itself (the
 * smaller wins for EARLIEST_BY, the larger for LATEST_BY), so the result never depends on arrival
 * order. Rows whose order is NULL are ignored; a NULL value counts like any other (a CRM delete
 * empties the columns it carries no value for).
 *
 * <p>They take an append-only input only: they do not retract, and the planner refuses them over an
 * updating one.
 */
public abstract class ValueByOrder extends AggregateFunction<Object, Row> {

    private static final long serialVersionUID = 1L;

    /** {@code LATEST_BY(value, order)}: the value at the greatest order. */
    public static class Latest extends ValueByOrder {
        private static final long serialVersionUID = 1L;

        public Latest() {
            super(1);
        }
    }

    /** {@code EARLIEST_BY(value, order)}: the value at the smallest order. */
    public static class Earliest extends ValueByOrder {
        private static final long serialVersionUID = 1L;

        public Earliest() {
            super(-1);
        }
    }

    private static final int VALUE = 0;
    private static final int ORDER = 1;

    /** 1: greater orders win; -1: smaller ones. */
    private final int direction;

    ValueByOrder(int direction) {
        this.direction = direction;
    }

    @Override
    public Row createAccumulator() {
        return Row.of(null, null);
    }

    public void accumulate(Row accumulator, Object value, Object order) {
        if (order != null
                && wins(value, order, accumulator.getField(VALUE), accumulator.getField(ORDER))) {
            accumulator.setField(VALUE, value);
            accumulator.setField(ORDER, order);
        }
    }

    public void merge(Row accumulator, Iterable<Row> others) {
        for (Row other : others) {
            accumulate(accumulator, other.getField(VALUE), other.getField(ORDER));
        }
    }

    public void resetAccumulator(Row accumulator) {
        accumulator.setField(VALUE, null);
        accumulator.setField(ORDER, null);
    }

    @Override
    public Object getValue(Row accumulator) {
        return accumulator.getField(VALUE);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private boolean wins(Object value, Object order, Object currentValue, Object currentOrder) {
        if (currentOrder == null) {
            return true;
        }
        int byOrder = ((Comparable) order).compareTo(currentOrder) * direction;
        if (byOrder != 0) {
            return byOrder > 0;
        }
        // equal orders: the value decides, so that no arrival order can change the result
        if (value == null || currentValue == null) {
            return currentValue == null && value != null;
        }
        if (value instanceof Comparable comparable && value.getClass() == currentValue.getClass()) {
            return comparable.compareTo(currentValue) * direction > 0;
        }
        return false;
    }

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
        return TypeInference.newBuilder()
                .inputTypeStrategy(new ValueAndOrder())
                .accumulatorTypeStrategy(
                        call -> {
                            DataType value = call.getArgumentDataTypes().get(0).nullable();
                            DataType order = call.getArgumentDataTypes().get(1).nullable();
                            return Optional.of(
                                    DataTypes.ROW(
                                                    DataTypes.FIELD("value", value),
                                                    DataTypes.FIELD("ord", order))
                                            .bridgedTo(Row.class));
                        })
                .outputTypeStrategy(
                        call -> Optional.of(call.getArgumentDataTypes().get(0).nullable()))
                .build();
    }

    /** Any value; an order that compares: a number, a date or time, a string. */
    private static final class ValueAndOrder implements InputTypeStrategy {

        @Override
        public ArgumentCount getArgumentCount() {
            return ConstantArgumentCount.of(2);
        }

        @Override
        public Optional<List<DataType>> inferInputTypes(CallContext call, boolean throwOnFailure) {
            DataType order = call.getArgumentDataTypes().get(1);
            var type = order.getLogicalType();
            boolean comparable =
                    type.is(LogicalTypeFamily.NUMERIC)
                            || type.is(LogicalTypeFamily.DATETIME)
                            || type.is(LogicalTypeFamily.CHARACTER_STRING);
            if (!comparable) {
                if (throwOnFailure) {
                    throw call.newValidationError(
                            "the order argument of %s must be a number, a date or time, or a"
                                    + " string; it is %s",
                            call.getName(), type.asSummaryString());
                }
                return Optional.empty();
            }
            return Optional.of(call.getArgumentDataTypes());
        }

        @Override
        public List<Signature> getExpectedSignatures(FunctionDefinition definition) {
            return List.of(
                    Signature.of(
                            Signature.Argument.of("value", "ANY"),
                            Signature.Argument.of("order", "COMPARABLE")));
        }
    }
}
