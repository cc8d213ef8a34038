package io.segflow.insight;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Folds for cross-validation that keep each class's share in every fold: the rows of each class are
 * shuffled separately (seeded) and dealt round-robin, so a rare outcome appears in each test fold.
 */
public final class StratifiedFolds {

    private StratifiedFolds() {}

    /** The fold (0..k-1) of each row. */
    public static int[] assign(int[] labels, int k, long seed) {
        if (k < 2) {
            throw new IllegalArgumentException("cross-validation needs at least 2 folds, got " + k);
        }
        Random random = new Random(seed);
        int[] fold = new int[labels.length];
        for (int label : java.util.Arrays.stream(labels).distinct().sorted().toArray()) {
            List<Integer> rows = new ArrayList<>();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == label) {
                    rows.add(i);
                }
            }
            Collections.shuffle(rows, random);
            for (int j = 0; j < rows.size(); j++) {
                fold[rows.get(j)] = j % k;
            }
        }
        return fold;
    }
}
