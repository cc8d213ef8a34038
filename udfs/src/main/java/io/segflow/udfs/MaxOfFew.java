package io.segflow.udfs;

import org.apache.flink.table.types.inference.ArgumentTypeStrategy;
import org.apache.flink.table.types.inference.InputTypeStrategies;
import org.apache.flink.table.types.logical.LogicalTypeFamily;

/**
 * {@code MAX_OF_FEW(value)}: the greatest non-NULL value among a group's rows over an updating
 * input, for groups with few distinct values (the customer profile's newest event time, one value
 * per identity link of the customer).
 *
 * <p>Why not MAX: over an updating input Flink's MAX keeps every value of the group in a map state
 * of its own, and each retraction of the greatest value reads that map with a RocksDB iterator to
 * find the next one. Every event of a customer retracts their newest time, so that was a seek and a
 * scan per event in the profile's aggregation; here the values travel with the group's other
 * accumulators.
 */
public class MaxOfFew extends CountedValues {

    private static final long serialVersionUID = 1L;

    /** Numbers, times and strings: what Java compares as Flink's MAX does. */
    @Override
    ArgumentTypeStrategy valueType() {
        return InputTypeStrategies.or(
                InputTypeStrategies.logical(LogicalTypeFamily.NUMERIC),
                InputTypeStrategies.logical(LogicalTypeFamily.DATETIME),
                InputTypeStrategies.logical(LogicalTypeFamily.CHARACTER_STRING));
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    Object choose(Iterable<Object> present) {
        Comparable greatest = null;
        for (Object value : present) {
            if (greatest == null || ((Comparable) value).compareTo(greatest) > 0) {
                greatest = (Comparable) value;
            }
        }
        return greatest;
    }
}
