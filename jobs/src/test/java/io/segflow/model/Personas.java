package io.segflow.model;

import java.util.Random;

/** Seeded Gaussian personas: points with known true groups, features on very different scales. */
final class Personas {

    final double[][] points;
    final int[] labels;
    final double[][] centres;

    private Personas(double[][] points, int[] labels, double[][] centres) {
        this.points = points;
        this.labels = labels;
        this.centres = centres;
    }

    /** n points from k personas in d dimensions; feature j is measured in units of 10^(j mod 4). */
    static Personas gaussian(int n, int k, int d, long seed) {
        Random random = new Random(seed);
        double[][] centres = new double[k][d];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) {
                centres[c][j] = (random.nextDouble() * 10 - 5);
            }
        }
        return sample(centres, n, random);
    }

    /**
     * The same personas, every centre moved by `shift` standard deviations in a random direction.
     */
    Personas drifted(double shift, int n, long seed) {
        Random random = new Random(seed);
        int d = centres[0].length;
        double[][] moved = new double[centres.length][d];
        for (int c = 0; c < centres.length; c++) {
            double[] direction = new double[d];
            double norm = 0;
            for (int j = 0; j < d; j++) {
                direction[j] = random.nextGaussian();
                norm += direction[j] * direction[j];
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < d; j++) {
                moved[c][j] = centres[c][j] + shift * direction[j] / norm;
            }
        }
        return sample(moved, n, random);
    }

    private static Personas sample(double[][] centres, int n, Random random) {
        int k = centres.length;
        int d = centres[0].length;
        double[][] points = new double[n][d];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int c = random.nextInt(k);
            labels[i] = c;
            for (int j = 0; j < d; j++) {
                double unit = Math.pow(10, j % 4);
                points[i][j] = (centres[c][j] + random.nextGaussian()) * unit;
            }
        }
        return new Personas(points, labels, centres);
    }
}
