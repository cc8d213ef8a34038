package io.segflow.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HungarianAlgorithmTest {

    @Test
    void solvesAClassicSquareInstance() {
        // the optimum picks 1 + 2 + 2 = 5 (row 0 -> col 1, row 1 -> col 0, row 2 -> col 2)
        double[][] cost = {
            {4, 1, 3},
            {2, 0, 5},
            {3, 2, 2},
        };
        int[] assignment = HungarianAlgorithm.assign(cost);
        assertThat(assignment).containsExactly(1, 0, 2);
        assertThat(HungarianAlgorithm.totalCost(cost, assignment)).isEqualTo(5.0);
    }

    @Test
    void greedyWouldBeWorse() {
        // greedy takes the cheapest cell (0,0)=1 and is then forced into (1,1)=100: 101;
        // the optimum is (0,1)=2 + (1,0)=2 = 4
        double[][] cost = {{1, 2}, {2, 100}};
        assertThat(HungarianAlgorithm.assign(cost)).containsExactly(1, 0);
    }

    @Test
    void moreColumnsThanRowsGivesEveryRowADistinctColumn() {
        double[][] cost = {
            {10, 3, 7, 1},
            {2, 9, 1, 8},
        };
        int[] assignment = HungarianAlgorithm.assign(cost);
        assertThat(assignment).containsExactly(3, 2);
    }

    @Test
    void moreRowsThanColumnsLeavesTheCostliestRowsUnassigned() {
        double[][] cost = {
            {5, 9},
            {1, 7},
            {8, 2},
            {6, 6},
        };
        // columns go to rows 1 (cost 1) and 2 (cost 2); rows 0 and 3 get none
        int[] assignment = HungarianAlgorithm.assign(cost);
        assertThat(assignment).containsExactly(-1, 0, 1, -1);
        assertThat(HungarianAlgorithm.totalCost(cost, assignment)).isEqualTo(3.0);
    }

    @Test
    void tiesStillGiveAValidOptimalAssignment() {
        double[][] allEqual = {{3, 3, 3}, {3, 3, 3}, {3, 3, 3}};
        int[] assignment = HungarianAlgorithm.assign(allEqual);
        assertThat(Arrays.stream(assignment).sorted().toArray()).containsExactly(0, 1, 2);
        assertThat(HungarianAlgorithm.totalCost(allEqual, assignment)).isEqualTo(9.0);

        double[][] twoOptima = {{0, 0, 5}, {0, 0, 5}, {5, 5, 0}};
        int[] either = HungarianAlgorithm.assign(twoOptima);
        assertThat(HungarianAlgorithm.totalCost(twoOptima, either)).isEqualTo(0.0);
        assertThat(either[2]).isEqualTo(2);
    }

    @Test
    void emptyAndDegenerateShapes() {
        assertThat(HungarianAlgorithm.assign(new double[0][])).isEmpty();
        assertThat(HungarianAlgorithm.assign(new double[][] {{}, {}})).containsExactly(-1, -1);
        assertThat(HungarianAlgorithm.assign(new double[][] {{7}})).containsExactly(0);
    }

    @Test
    void agreesWithBruteForceOnRandomSmallMatrices() {
        Random random = new Random(17);
        for (int trial = 0; trial < 2_000; trial++) {
            int rows = 1 + random.nextInt(6);
            int columns = 1 + random.nextInt(6);
            double[][] cost = new double[rows][columns];
            for (double[] row : cost) {
                for (int j = 0; j < columns; j++) {
                    // small integers make ties frequent; some trials use real values
                    row[j] = trial % 2 == 0 ? random.nextInt(5) : random.nextDouble() * 100 - 20;
                }
            }
            int[] assignment = HungarianAlgorithm.assign(cost);
            assertValid(assignment, rows, columns);
            assertThat(HungarianAlgorithm.totalCost(cost, assignment))
                    .as("trial %d, %dx%d %s", trial, rows, columns, Arrays.deepToString(cost))
                    .isCloseTo(bruteForceMinimum(cost), within(1e-9));
        }
    }

    private static void assertValid(int[] assignment, int rows, int columns) {
        assertThat(assignment).hasSize(rows);
        long assigned = Arrays.stream(assignment).filter(c -> c >= 0).count();
        assertThat(assigned).isEqualTo(Math.min(rows, columns));
        assertThat(Arrays.stream(assignment).filter(c -> c >= 0).distinct().count())
                .isEqualTo(assigned);
        assertThat(Arrays.stream(assignment).allMatch(c -> c >= -1 && c < columns)).isTrue();
    }

    /** Minimum over every injective map of the smaller side into the larger. */
    private static double bruteForceMinimum(double[][] cost) {
        int rows = cost.length;
        int columns = cost[0].length;
        if (rows <= columns) {
            return search(cost, 0, new boolean[columns]);
        }
        double[][] transposed = new double[columns][rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++) {
                transposed[j][i] = cost[i][j];
            }
        }
        return search(transposed, 0, new boolean[rows]);
    }

    private static double search(double[][] cost, int row, boolean[] used) {
        if (row == cost.length) {
            return 0.0;
        }
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < used.length; j++) {
            if (!used[j]) {
                used[j] = true;
                best = Math.min(best, cost[row][j] + search(cost, row + 1, used));
                used[j] = false;
            }
        }
        return best;
    }
}
