package io.segflow.benchmarks;

import io.segflow.model.FeatureScaling;
import io.segflow.model.MiniBatchKMeans;
import io.segflow.model.SegmentModel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded test data for the benchmarks: standardised points drawn from a mixture of blobs. */
final class Points {

    /** Points per pre-generated pool: 64k, more than fits in L2 at d = 12, far more at d = 64. */
    static final int POOL = 65_536;

    /** Points used to initialise a model (k-means++ and Lloyd), drawn from the same mixture. */
    static final int SAMPLE = 4_096;

    static final long SEED = 20_240_601L;

    private Points() {}

    /**
     * n points in d dimensions around {@code blobs} centres: centre coordinates ~ N(0, 1), spread ~
     * N(0, 0.5), so every feature has mean about 0 and standard deviation about 1. No NaN: the
     * benchmarks measure complete profiles, the common case.
     */
    static double[][] mixture(int n, int d, int blobs, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] centres = new double[blobs][d];
        for (double[] centre : centres) {
            for (int j = 0; j < d; j++) {
                centre[j] = gaussian(random);
            }
        }
        double[][] points = new double[n][];
        for (int i = 0; i < n; i++) {
            double[] centre = centres[random.nextInt(blobs)];
            double[] point = new double[d];
            for (int j = 0; j < d; j++) {
                point[j] = centre[j] + 0.5 * gaussian(random);
            }
            points[i] = point;
        }
        return points;
    }

    /** The model the job would publish: k-means++ and Lloyd on a sample, identity scaling. */
    static MiniBatchKMeans trainer(int k, int d, long seed) {
        double[][] sample = mixture(SAMPLE, d, k, seed);
        return MiniBatchKMeans.initialise(
                sample, d, new MiniBatchKMeans.Params(k, 1.0, 0, 0.01, seed));
    }

    static SegmentModel model(int k, int d, long seed) {
        return trainer(k, d, seed).toModel(1, "bench", names(d), FeatureScaling.identity(d));
    }

    static List<String> names(int d) {
        List<String> names = new ArrayList<>(d);
        for (int j = 0; j < d; j++) {
            names.add("f" + j);
        }
        return names;
    }

    /** Box-Muller; SplittableRandom has no nextGaussian on Java 17. */
    private static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
    }
}
