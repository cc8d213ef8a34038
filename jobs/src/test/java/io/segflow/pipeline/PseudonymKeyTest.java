package io.segflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.ExplainDetail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pseudonym key reaches the job's functions and nothing a person or a log sees: not the printed
 * settings, not the plan, not the job's configuration.
 */
class PseudonymKeyTest {

    private static final String KEY = "plan-test-key-0123456789abcdef-0123456789";

    @Test
    void theKeyIsInNoPlanNorConfiguration(@TempDir Path state) throws Exception {
        JobSettings settings =
                JobSettings.defaults()
                        .withSqlDirectory(repositorySql())
                        .withStateDirectory(state.toString())
                        .withPseudonymKey(KEY.getBytes(StandardCharsets.UTF_8));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SegflowPipeline pipeline = new SegflowJob(settings).build(env);
        String hexKey = HexFormat.of().formatHex(KEY.getBytes(StandardCharsets.UTF_8));
        String plan =
                pipeline.inserts().explain(ExplainDetail.JSON_EXECUTION_PLAN)
                        + env.getExecutionPlan()
                        + env.getConfiguration()
                        + env.getStreamGraph(false).getJobGraph().getJobConfiguration()
                        + settings;
        assertThat(plan).contains("PSEUDONYM", "MASK_PERSONAL_DATA");
        assertThat(plan).doesNotContain(KEY).doesNotContain(hexKey);
    }

    @Test
    void withoutAKeyTheJobDoesNotBuildUnlessToldIdsMayStayRaw(@TempDir Path state) {
        JobSettings settings =
                JobSettings.defaults()
                        .withSqlDirectory(repositorySql())
                        .withStateDirectory(state.toString());
        assertThatThrownBy(
                        () ->
                                new SegflowJob(settings)
                                        .build(
                                                StreamExecutionEnvironment
                                                        .getExecutionEnvironment()))
                .hasMessageContaining("no pseudonym key")
                .hasMessageContaining("SEGFLOW_PSEUDONYM_KEY");
        new SegflowJob(settings.withPseudonymisationOff(true))
                .build(StreamExecutionEnvironment.getExecutionEnvironment());
    }

    private static Path repositorySql() {
        Path here = Path.of("").toAbsolutePath();
        Path sql = here.resolve("sql");
        return sql.toFile().isDirectory() ? sql : here.getParent().resolve("sql");
    }
}
