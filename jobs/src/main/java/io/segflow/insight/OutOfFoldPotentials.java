package io.segflow.insight;

import java.io.Serializable;
import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * The potentials of the customers the propensity model was fitted on, each from the
 * cross-validation fold that did not see them (calibrated by a Platt fit on the other folds). The
 * refitted model has seen these customers' outcomes: its score of them is in-sample and flatters
 * the fit (a forest nearly remembers who bought), so customer_score shows them this one instead.
 * Bounded by the fit sample (--fit-sample), not by the customer base: sorted arrays, found by
 * binary search.
 */
public final class OutOfFoldPotentials implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long[] customers;
    private final double[] potentials;

    private OutOfFoldPotentials(long[] customers, double[] potentials) {
        this.customers = customers;
        this.potentials = potentials;
    }

    public static OutOfFoldPotentials none() {
        return new OutOfFoldPotentials(new long[0], new double[0]);
    }

    /** The fitted customers' held-out potentials of a propensity fit on {@code customers}. */
    public static OutOfFoldPotentials of(long[] customers, Propensity.Result fitted) {
        int[] rows = fitted.fittedRows();
        Integer[] order = new Integer[rows.length];
        for (int j = 0; j < rows.length; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (a, b) -> Long.compare(customers[rows[a]], customers[rows[b]]));
        long[] ids = new long[rows.length];
        double[] values = new double[rows.length];
        for (int j = 0; j < rows.length; j++) {
            ids[j] = customers[rows[order[j]]];
            values[j] = fitted.heldOutPotential()[order[j]];
        }
        return new OutOfFoldPotentials(ids, values);
    }

    /** The customer's out-of-fold potential, or empty when the model was not fitted on them. */
    public OptionalDouble of(long customerId) {
        int at = Arrays.binarySearch(customers, customerId);
        return at < 0 ? OptionalDouble.empty() : OptionalDouble.of(potentials[at]);
    }

    /**
     * The row customer_score shows: the scorer's, with the out-of-fold potential (and its
     * percentile) of a customer the model was fitted on.
     */
    public CustomerScorer.Score shown(
            long customerId, CustomerScorer.Score score, CustomerScorer scorer) {
        OptionalDouble heldOut = of(customerId);
        return heldOut.isPresent()
                ? score.withPotential(
                        heldOut.getAsDouble(), scorer.percentile(heldOut.getAsDouble()))
                : score;
    }

    public int size() {
        return customers.length;
    }
}
