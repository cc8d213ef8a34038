package io.segflow.benchmarks;

import io.segflow.model.SegmentModel;
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
 * Scoring, the hot path of the job: {@link SegmentModel#nearestStandardised} over 64k pre-generated
 * standardised points. One operation is one point, so the score is points/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Threads(1)
@State(Scope.Thread)
public class ScoringBenchmark {

    /** k x d: clusters x features. */
    @Param({"8x12", "32x64"})
    public String shape;

    private SegmentModel model;
    private double[][] points;
    private final double[] distances = new double[2];

    @Setup(Level.Trial)
    public void setUp() {
        String[] kd = shape.split("x");
        int k = Integer.parseInt(kd[0]);
        int d = Integer.parseInt(kd[1]);
        model = Points.model(k, d, Points.SEED);
        points = Points.mixture(Points.POOL, d, k, Points.SEED + 1);
    }

    @Benchmark
    @OperationsPerInvocation(Points.POOL)
    public void nearestStandardised(Blackhole bh) {
        SegmentModel model = this.model;
        double[][] points = this.points;
        double[] distances = this.distances;
        int segments = 0;
        double nearest = 0.0;
        double second = 0.0;
        for (double[] point : points) {
            segments += model.nearestStandardised(point, distances);
            nearest += distances[0];
            second += distances[1];
        }
        bh.consume(segments);
        bh.consume(nearest);
        bh.consume(second);
    }
}
