package io.segflow.benchmarks;

import io.segflow.model.MiniBatchKMeans;
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
 * Training: {@link MiniBatchKMeans#update} with mini-batches of 1024 standardised points, cycling
 * over 64 pre-generated batches (64k points). One operation is one point: points/s. The model keeps
 * learning across invocations, as the trainer operator does.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Threads(1)
@State(Scope.Thread)
public class UpdateBenchmark {

    static final int BATCH = 1024;

    /** k x d: clusters x features. */
    @Param({"8x12"})
    public String shape;

    private MiniBatchKMeans kmeans;
    private double[][][] batches;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        String[] kd = shape.split("x");
        int k = Integer.parseInt(kd[0]);
        int d = Integer.parseInt(kd[1]);
        kmeans = Points.trainer(k, d, Points.SEED);
        double[][] points = Points.mixture(Points.POOL, d, k, Points.SEED + 1);
        batches = new double[Points.POOL / BATCH][BATCH][];
        for (int i = 0; i < points.length; i++) {
            batches[i / BATCH][i % BATCH] = points[i];
        }
        next = 0;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void update(Blackhole bh) {
        double[][] batch = batches[next];
        next = (next + 1) % batches.length;
        bh.consume(kmeans.update(batch));
    }
}
