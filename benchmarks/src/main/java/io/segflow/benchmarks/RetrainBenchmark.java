package io.segflow.benchmarks;

import io.segflow.model.Retrainer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A full retrain of 1 M profiles x 12 features (k = 8): scaling, four k-means restarts, segment
 * matching, names and the evaluation (silhouette and Davies-Bouldin on a 5,000-profile sample). The
 * baseline, measured in the same run on the same data, is one plain Smile {@code KMeans.fit}: the
 * ratio says what restarts, seeding and evaluation cost on top.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar RetrainBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(
        value = 1,
        jvmArgs = {"-Xmx8g"})
public class RetrainBenchmark {

    static final int PROFILES = 1_000_000;
    static final int FEATURES = 12;
    static final int K = 8;

    double[][] profiles;
    List<String> names;

    @Setup
    public void generate() {
        profiles = Points.mixture(PROFILES, FEATURES, K, Points.SEED);
        names = Points.names(FEATURES);
    }

    @Benchmark
    public Object retrain() {
        return Retrainer.retrain(
                profiles,
                names,
                null,
                -1,
                Retrainer.Settings.fixedK(K),
                System.currentTimeMillis());
    }

    @Benchmark
    public Object baselineOneSmileFit() {
        return smile.clustering.KMeans.fit(profiles, K, 100, 1e-4);
    }
}
