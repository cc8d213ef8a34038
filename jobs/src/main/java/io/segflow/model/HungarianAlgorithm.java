package io.segflow.model;

import java.util.Arrays;

/**
 * Minimum-cost assignment (Kuhn 1955, Munkres 1957) in O(n^2 m) for an n x m cost matrix, in the
 * shortest-augmenting-path form with row and column potentials (as in Jonker and Volgenant): each
 * row is added in turn and the potentials keep every reduced cost non-negative, so the first
 * augmenting path found is a cheapest one.
 *
 * <p>Rectangular matrices are fine: every row gets a column when rows <= columns, otherwise every
 * column gets a row and the rows left over are unassigned. Costs must be finite (use a large number
 * to forbid a pair); ties are broken arbitrarily but always at minimal total cost.
 */
public final class HungarianAlgorithm {

    private HungarianAlgorithm() {}

    /**
     * For each row, the column assigned to it, or -1 when there are more rows than columns and it
     * got none.
     */
    public static int[] assign(double[][] cost) {
        int rows = cost.length;
        if (rows == 0) {
            return new int[0];
        }
        int columns = cost[0].length;
        for (double[] row : cost) {
            if (row.length != columns) {
                throw new IllegalArgumentException("cost matrix rows differ in length");
            }
            for (double c : row) {
                if (!Double.isFinite(c)) {
                    throw new IllegalArgumentException("costs must be finite, found " + c);
                }
            }
        }
        if (columns == 0) {
            int[] none = new int[rows];
            Arrays.fill(none, -1);
            return none;
        }
        if (rows <= columns) {
            return assignRowsToColumns(cost, rows, columns);
        }
        double[][] transposed = new double[columns][rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++) {
                transposed[j][i] = cost[i][j];
            }
        }
        int[] rowOfColumn = assignRowsToColumns(transposed, columns, rows);
        int[] columnOfRow = new int[rows];
        Arrays.fill(columnOfRow, -1);
        for (int j = 0; j < columns; j++) {
            columnOfRow[rowOfColumn[j]] = j;
        }
        return columnOfRow;
    }

    /** Total cost of an assignment from {@link #assign}. */
    public static double totalCost(double[][] cost, int[] columnOfRow) {
        double total = 0.0;
        for (int i = 0; i < columnOfRow.length; i++) {
            if (columnOfRow[i] >= 0) {
                total += cost[i][columnOfRow[i]];
            }
        }
        return total;
    }

    /** n <= m. Arrays are 1-based, index 0 being the virtual column where each new row starts. */
    private static int[] assignRowsToColumns(double[][] cost, int n, int m) {
        double[] rowPotential = new double[n + 1];
        double[] columnPotential = new double[m + 1];
        int[] rowOfColumn = new int[m + 1]; // 0: free
        int[] previousColumn = new int[m + 1];
        double[] slack = new double[m + 1];
        boolean[] visited = new boolean[m + 1];
        for (int row = 1; row <= n; row++) {
            rowOfColumn[0] = row;
            int column = 0;
            Arrays.fill(slack, Double.POSITIVE_INFINITY);
            Arrays.fill(visited, false);
            // grow a tree of tight edges from the new row until it reaches a free column
            do {
                visited[column] = true;
                int i = rowOfColumn[column];
                double delta = Double.POSITIVE_INFINITY;
                int next = -1;
                for (int j = 1; j <= m; j++) {
                    if (visited[j]) {
                        continue;
                    }
                    double reduced = cost[i - 1][j - 1] - rowPotential[i] - columnPotential[j];
                    if (reduced < slack[j]) {
                        slack[j] = reduced;
                        previousColumn[j] = column;
                    }
                    if (slack[j] < delta) {
                        delta = slack[j];
                        next = j;
                    }
                }
                for (int j = 0; j <= m; j++) {
                    if (visited[j]) {
                        rowPotential[rowOfColumn[j]] += delta;
                        columnPotential[j] -= delta;
                    } else {
                        slack[j] -= delta;
                    }
                }
                column = next;
            } while (rowOfColumn[column] != 0);
            // flip the augmenting path back to the virtual column
            do {
                int before = previousColumn[column];
                rowOfColumn[column] = rowOfColumn[before];
                column = before;
            } while (column != 0);
        }
        int[] columnOfRow = new int[n];
        for (int j = 1; j <= m; j++) {
            if (rowOfColumn[j] != 0) {
                columnOfRow[rowOfColumn[j] - 1] = j - 1;
            }
        }
        return columnOfRow;
    }
}
