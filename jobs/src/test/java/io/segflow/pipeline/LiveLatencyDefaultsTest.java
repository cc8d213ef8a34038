package io.segflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The waits a fresh row passes with the defaults, as the planned streaming job has them: every
 * exchange's buffer leaves after 50 ms and a mini-batch ends after 250 ms (what the freshness
 * figures of docs/benchmarks.md were measured with), and a user's own Flink option still wins.
 */
class LiveLatencyDefaultsTest {

    private static final byte[] KEY =
            "latency-test-key-0123456789abcdef-01234".getBytes(StandardCharsets.UTF_8);

    @Test
    void withTheDefaultsEveryExchangeWaitsFiftyMillisecondsAndABatchAQuarterSecond(
            @TempDir Path state) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        new SegflowJob(settings(state)).build(env);
        StreamGraph graph = env.getStreamGraph(false);
        assertThat(graph.getStreamNodes())
                .isNotEmpty()
                .extracting(StreamNode::getBufferTimeout)
                .containsOnly(SegflowJob.LIVE_BUFFER_TIMEOUT.toMillis());
        assertThat(SegflowJob.LIVE_BUFFER_TIMEOUT).isEqualTo(Duration.ofMillis(50));
        assertThat(env.getExecutionPlan())
                .contains("MiniBatchAssigner(interval=[250ms]")
                .doesNotContain("MiniBatchAssigner(interval=[500ms]");
    }

    @Test
    void theUsersOwnBufferTimeoutWins(@TempDir Path state) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        new SegflowJob(
                        settings(state)
                                .withFlinkConfiguration(
                                        Map.of("execution.buffer-timeout.interval", "100 ms")))
                .build(env);
        assertThat(env.getStreamGraph(false).getStreamNodes())
                .extracting(StreamNode::getBufferTimeout)
                .containsOnly(100L);
    }

    private static JobSettings settings(Path state) {
        Path here = Path.of("").toAbsolutePath();
        Path sql = here.resolve("sql").toFile().isDirectory() ? here : here.getParent();
        return JobSettings.defaults()
                .withSqlDirectory(sql.resolve("sql"))
                .withStateDirectory(state.toString())
                .withPseudonymKey(KEY);
    }
}
