package io.segflow.udfs;

/**
 * {@code ONLY_VALUE(value)}: the one non-NULL value among a group's rows, of any type, over an
 * updating input. The customer profile uses it for the CRM row: among a customer's rows exactly one
 * carries it (the others have NULL there), and when the CRM changes, that row is retracted and the
 * new one added.
 *
 * <p>Why not MAX or LAST_VALUE: MAX cannot compare a ROW, and neither takes a ROW back when the row
 * is retracted. Why not a join with the CRM table: it would be one more keyed stage that every
 * event passes. While the input is between a retraction and its replacement, or if the SQL gives a
 * group two values, the result is one of them, the same for the same values whatever their arrival
 * order.
 */
public class OnlyValue extends CountedValues {

    private static final long serialVersionUID = 1L;

    @Override
    Object choose(Iterable<Object> present) {
        Object chosen = null;
        for (Object value : present) {
            if (chosen == null || String.valueOf(value).compareTo(String.valueOf(chosen)) > 0) {
                chosen = value;
            }
        }
        return chosen;
    }
}
