package io.segflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.IntCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LocalClusterTest {

    @Test
    void theLocalTaskManagerGetsEnoughManagedMemoryForRocksDbWithDefaultsOnly() {
        StreamExecutionEnvironment env = LocalCluster.headless(JobSettings.defaults());
        Configuration config = (Configuration) env.getConfiguration();
        // Flink's MiniCluster default is 128 MB, shared by every RocksDB instance of a slot
        assertThat(config.get(TaskManagerOptions.MANAGED_MEMORY_SIZE))
                .isEqualTo(MemorySize.parse("1g"));
        // a restart of a job whose TaskManager is gone fails within a minute, not Flink's five
        assertThat(config.get(JobManagerOptions.SLOT_REQUEST_TIMEOUT))
                .isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void theUsersFlinkConfWins() {
        JobSettings settings =
                JobSettings.defaults()
                        .withFlinkConfiguration(Map.of("taskmanager.memory.managed.size", "256m"));
        Configuration config = (Configuration) LocalCluster.headless(settings).getConfiguration();
        assertThat(config.get(TaskManagerOptions.MANAGED_MEMORY_SIZE))
                .isEqualTo(MemorySize.parse("256m"));
    }

    /**
     * A task whose cleanup after a failure throws (as Flink 2.2's mini-batch join and the JDBC
     * connector do) takes its TaskManager down with a fatal error; the local cluster starts another
     * and the job goes on, instead of waiting for slots for ever.
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES) // without a new TaskManager it waits for slots
    void aTaskManagerLostToAFatalErrorIsReplacedAndTheJobFinishes() throws Exception {
        StreamExecutionEnvironment env = LocalCluster.headless(JobSettings.defaults());
        env.setParallelism(1);
        env.configure(
                Configuration.fromMap(
                        Map.of(
                                "restart-strategy.type", "fixed-delay",
                                "restart-strategy.fixed-delay.attempts", "3",
                                "restart-strategy.fixed-delay.delay", "1 s")));
        env.fromSequence(1, 10).map(new FailsOnceAndThrowsInClose()).sinkTo(new DiscardingSink<>());
        JobExecutionResult result = env.execute("fails once, throws in close");
        assertThat(result.<Integer>getAccumulatorResult("mapped")).isEqualTo(10);
    }

    /** Fails in its first attempt, and then throws again in close(), in the failure's cleanup. */
    private static final class FailsOnceAndThrowsInClose extends RichMapFunction<Long, Long> {
        private final IntCounter mapped = new IntCounter();

        @Override
        public void open(OpenContext context) {
            if (getRuntimeContext().getTaskInfo().getAttemptNumber() == 0) {
                throw new IllegalStateException("the first attempt fails");
            }
            getRuntimeContext().addAccumulator("mapped", mapped);
        }

        @Override
        public Long map(Long value) {
            mapped.add(1);
            return value;
        }

        @Override
        public void close() {
            if (getRuntimeContext().getTaskInfo().getAttemptNumber() == 0) {
                throw new NullPointerException("a close() that assumes open() succeeded");
            }
        }
    }
}
