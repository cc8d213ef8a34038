package io.segflow.udfs;

/**
 * How evenly counts spread over their categories: Shannon's entropy of the shares divided by its
 * largest possible value, ln of the number of categories (Pielou's evenness). 0 when everything is
 * in one category (or nothing is counted), 1 when every category has the same count; plain Java.
 */
public final class Evenness {

    private Evenness() {}

    /**
     * The evenness of {@code counts}, one per category; a null or negative count is 0. Fewer than
     * two categories give 0: there is no spread to measure.
     */
    public static double of(Long... counts) {
        if (counts == null || counts.length < 2) {
            return 0.0;
        }
        double total = 0;
        for (Long count : counts) {
            total += positive(count);
        }
        if (total == 0) {
            return 0.0;
        }
        double entropy = 0;
        for (Long count : counts) {
            double share = positive(count) / total;
            if (share > 0) {
                entropy -= share * Math.log(share);
            }
        }
        // rounding can put a perfectly even spread a hair above 1
        return Math.min(1.0, Math.max(0.0, entropy / Math.log(counts.length)));
    }

    private static double positive(Long count) {
        return count == null || count < 0 ? 0 : count;
    }
}
