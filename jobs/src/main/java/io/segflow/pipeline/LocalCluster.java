package io.segflow.pipeline;

import java.time.Duration;
import org.apache.flink.client.deployment.executors.LocalExecutor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

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

    /**
     * How long a restarted job waits for task slots before that restart fails. The MiniCluster's
     * one TaskManager is either there, with its slots free within seconds of a failover, or gone
     * for good (a fatal error ends it and nothing starts another): Flink's 5 minutes would leave
     * {@code run} silent that long before each failure it reports.
     */
    static final Duration SLOT_REQUEST_TIMEOUT = Duration.ofMinutes(1);

    private LocalCluster() {}

    /** A local environment for the job, with its REST API and web UI on the given port. */
    public static StreamExecutionEnvironment withWebUi(JobSettings settings, int restPort) {
        Configuration flink = configuration(settings);
        flink.set(RestOptions.BIND_PORT, Integer.toString(restPort));
        return new Supervised(flink);
    }

    /** A local environment for the job, without a web UI. */
    public static StreamExecutionEnvironment headless(JobSettings settings) {
        return new Supervised(configuration(settings));
    }

    /**
     * Flink's local environment, whose MiniCluster gets a {@link TaskManagerSupervisor}: a
     * TaskManager that stops on a fatal error is replaced, as on a cluster, instead of leaving the
     * job without slots for good.
     */
    static final class Supervised extends LocalStreamEnvironment {

        Supervised(Configuration configuration) {
            super(configuration);
        }

        /** As Flink's, but through a local executor whose MiniCluster is supervised. */
        @Override
        public JobClient executeAsync(StreamGraph streamGraph) throws Exception {
            Configuration configuration = Configuration.fromMap(getConfiguration().toMap());
            return LocalExecutor.createWithFactory(
                            configuration,
                            miniClusterConfiguration -> {
                                MiniCluster cluster =
                                        new MiniCluster(miniClusterConfiguration) {
                                            /*
                                             * Flink 2.2's MiniCluster picks in-JVM data exchange
                                             * when it starts with one TaskManager, and a
                                             * TaskManager started later inherits it: tasks on the
                                             * replacement then fail with "Local execution does not
                                             * support shuffle connection" wherever they read what
                                             * another TaskManager produced (a backfill's blocking
                                             * partitions). Netty works for every TaskManager.
                                             */
                                            @Override
                                            protected boolean useLocalCommunication() {
                                                return false;
                                            }
                                        };
                                TaskManagerSupervisor.supervise(
                                        cluster, miniClusterConfiguration.getNumTaskManagers());
                                return cluster;
                            })
                    .execute(streamGraph, configuration, getUserClassloader())
                    .get();
        }
    }

    /** segflow's choices for the MiniCluster; the user's {@code --flink-conf} options win. */
    static Configuration configuration(JobSettings settings) {
        Configuration flink = new Configuration();
        flink.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MANAGED_MEMORY);
        if (!settings.backfill()) {
            // in BATCH mode later stages wait for the slots of earlier ones, however long they run
            flink.set(JobManagerOptions.SLOT_REQUEST_TIMEOUT, SLOT_REQUEST_TIMEOUT);
        }
        flink.addAll(Configuration.fromMap(settings.flinkConfiguration()));
        return flink;
    }
}
