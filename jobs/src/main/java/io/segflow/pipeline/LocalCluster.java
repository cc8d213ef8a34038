package io.segflow.pipeline;

import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The Flink MiniCluster that {@code run}, {@code backfill} and {@code demo} start in their own JVM
 * when they are not submitted to a cluster. On a cluster, deploy/flink/config.yaml sizes the
 * TaskManagers instead.
 */
public final class LocalCluster {

    /**
     * Managed memory of the local TaskManager: RocksDB's block cache and write buffers in a
     * streaming run, sort and hash memory in a backfill. Flink gives a MiniCluster 128 MB, shared
     * by the RocksDB instances of every stateful operator in a slot (about forty of them): with it
     * the stream ran 2.3 times slower on 10,000 customers (docs/benchmarks.md). It is native memory
     * outside the heap, allocated as state grows; {@code --flink-conf
     * taskmanager.memory.managed.size=...} sets another size.
     */
    public static final MemorySize MANAGED_MEMORY = MemorySize.parse("1g");

    private LocalCluster() {}

    /** A local environment for the job, with its REST API and web UI on the given port. */
    public static StreamExecutionEnvironment withWebUi(JobSettings settings, int restPort) {
        Configuration flink = configuration(settings.flinkConfiguration());
        flink.set(RestOptions.BIND_PORT, Integer.toString(restPort));
        return StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
    }

    /** A local environment for the job, without a web UI. */
    public static StreamExecutionEnvironment headless(JobSettings settings) {
        return StreamExecutionEnvironment.createLocalEnvironment(
                configuration(settings.flinkConfiguration()));
    }

    /** segflow's choices for the MiniCluster; the user's {@code --flink-conf} options win. */
    static Configuration configuration(Map<String, String> userOptions) {
        Configuration flink = new Configuration();
        flink.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MANAGED_MEMORY);
        flink.addAll(Configuration.fromMap(userOptions));
        return flink;
    }
}
