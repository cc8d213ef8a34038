package io.segflow.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The floor the other benchmarks are read against, measured in the same run so that results can be
 * given as ratios on a noisy machine: one pass over the same 64k points (same layout, same d)
 * summing squared differences against a single fixed vector, i.e. reading every point once with the
 * least arithmetic a distance needs (k = 1, no missing-value check, no argmin). Points/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Threads(1)
@State(Scope.Thread)
public class BaselineBenchmark {

    @Param({"12", "64"})
    public int d;

    private double[][] points;
    private double[] fixed;

    @Setup(Level.Trial)
    public void setUp() {
        points = Points.mixture(Points.POOL, d, 8, Points.SEED + 1);
        fixed = Points.mixture(1, d, 1, Points.SEED + 2)[0];
    }

    @Benchmark
    @OperationsPerInvocation(Points.POOL)
    public void squaredDistanceToOne(Blackhole bh) {
        double[][] points = this.points;
        double[] fixed = this.fixed;
        int d = fixed.length;
        double total = 0.0;
        for (double[] point : points) {
            double sq = 0.0;
            for (int j = 0; j < d; j++) {
                double diff = point[j] - fixed[j];
                sq += diff * diff;
            }
            total += sq;
        }
        bh.consume(total);
    }
}
