package io.segflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segflow.profile.FeatureSet;
import io.segflow.profile.ProfileContractException;
import io.segflow.sql.SqlScriptException;
import io.segflow.sql.SqlScripts;
import io.segflow.testing.PublishedModels;
import io.segflow.testing.SegflowITCaseBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.catalog.ObjectPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Planning the SQL files, without running anything: what a SQL user sees when they edit. */
class SegflowPipelineTest {

    private static final String PROFILE_YML =
            """
            table: customer_profile
            columns:
              - {name: customer_id, role: key, source: crm}
              - {name: visits, role: feature, source: web}
            """;

    private static StreamTableEnvironment tableEnv() {
        return StreamTableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment());
    }

    @Test
    void theRepositorySqlPlansAndDeclaresItsFeatures() {
        SegflowPipeline pipeline =
                SegflowPipeline.create(
                        tableEnv(),
                        SqlScripts.fromDirectory(repositorySql()),
                        JobSettings.defaults().placeholders());
        FeatureSet features = pipeline.features();
        assertThat(features.keyColumn()).isEqualTo("customer_id");
        assertThat(features.names()).containsExactlyElementsOf(PublishedModels.FEATURES);
        assertThat(features.bySource().keySet()).containsExactly("crm", "web", "product");
        assertThat(features.targets()).containsExactly("converted_to_sale");
        assertThat(features.labels()).containsExactly("segment_label");
        // the profile is a changelog the later stages can consume
        assertThat(pipeline.profile().getResolvedSchema().getColumnNames())
                .startsWith("customer_id", "customer_age");
        assertThat(pipeline.inserts()).isNotNull();
    }

    @Test
    void onlyTheDeduplicationForgetsItsKeysAfterTheWindow() throws Exception {
        StreamTableEnvironment tableEnv = tableEnv();
        SqlTuning.apply(tableEnv.getConfig(), JobSettings.defaults()); // planned as the job plans
        SegflowJob.registerPseudonymFunctions(
                tableEnv,
                JobSettings.defaults().withPseudonymKey(SegflowITCaseBase.TEST_PSEUDONYM_KEY));
        SegflowPipeline pipeline =
                SegflowPipeline.create(
                        tableEnv,
                        SqlScripts.fromDirectory(repositorySql()),
                        JobSettings.defaults()
                                .withDedupWindow(Duration.ofMinutes(7))
                                .placeholders());
        String plan = pipeline.inserts().compilePlan().asJsonString();
        java.util.regex.Matcher ttls =
                java.util.regex.Pattern.compile("\"ttl\"\\s*:\\s*\"([^\"]+)\"").matcher(plan);
        List<String> found = new ArrayList<>();
        while (ttls.find()) {
            found.add(ttls.group(1));
        }
        // the two event deduplications keep an id for the window (their STATE_TTL hints reach
        // the planner: the SQL splitter once dropped them as comments, and the ids of every
        // event ever seen stayed in the state); nothing else expires
        assertThat(found.stream().filter(ttl -> !ttl.equals("0 ms")).toList())
                .containsExactly("7 min", "7 min");
    }

    @Test
    void aSqlErrorNamesFileAndLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("profile.yml"), PROFILE_YML);
        Files.writeString(
                dir.resolve("10_a.sql"),
                "-- a view\n"
                        + "CREATE TEMPORARY VIEW customer_profile AS\n"
                        + "SELECT 1 AS customer_id,\n"
                        + "  FROMM nowhere;\n");
        assertThatThrownBy(
                        () ->
                                SegflowPipeline.create(
                                        tableEnv(), SqlScripts.fromDirectory(dir), Map.of()))
                .isInstanceOf(SqlScriptException.class)
                .hasMessageStartingWith("10_a.sql:4:");
    }

    @Test
    void anUndeclaredFeatureColumnStopsTheJob(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("profile.yml"), PROFILE_YML);
        Files.writeString(
                dir.resolve("10_a.sql"),
                "CREATE TEMPORARY VIEW customer_profile AS\n"
                        + "SELECT CAST(1 AS BIGINT) AS customer_id, 2 AS visits, 3.5 AS"
                        + " minutes_on_site;");
        assertThatThrownBy(
                        () ->
                                SegflowPipeline.create(
                                        tableEnv(), SqlScripts.fromDirectory(dir), Map.of()))
                .isInstanceOf(ProfileContractException.class)
                .hasMessageContaining("column 'minutes_on_site'")
                .hasMessageContaining("not declared in profile.yml");
    }

    @Test
    void theSinkMustListTheProfileColumnsInOrder(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("profile.yml"), PROFILE_YML);
        Files.writeString(
                dir.resolve("10_a.sql"),
                "CREATE TEMPORARY VIEW customer_profile AS SELECT CAST(1 AS BIGINT) AS customer_id,"
                        + " 2 AS visits;\n"
                        + "CREATE TABLE customer_profile_sink (visits INT, customer_id BIGINT) WITH"
                        + " ('connector' = 'blackhole');");
        assertThatThrownBy(
                        () ->
                                SegflowPipeline.create(
                                        tableEnv(), SqlScripts.fromDirectory(dir), Map.of()))
                .isInstanceOf(ProfileContractException.class)
                .hasMessageContaining(
                        "must have the columns of customer_profile in the same order");
    }

    @Test
    void everyKafkaTableGetsTheKafkaClientPropertiesAUsersOwnToo(@TempDir Path dir)
            throws Exception {
        for (Path file : Files.list(repositorySql()).toList()) {
            Files.copy(file, dir.resolve(file.getFileName()));
        }
        // a SQL user's own Kafka table, added after the sinks
        Files.writeString(
                dir.resolve("95_audit.sql"),
                "CREATE TABLE audit_topic (id STRING) WITH ('connector' = 'kafka', 'topic' ="
                        + " 'audit', 'properties.bootstrap.servers' = '${kafka.bootstrap-servers}',"
                        + " 'properties.security.protocol' = 'PLAINTEXT', 'format' = 'json');\n");
        JobSettings settings =
                JobSettings.defaults()
                        .withKafkaProperties(
                                Map.of(
                                        "security.protocol", "SASL_SSL",
                                        "sasl.mechanism", "PLAIN",
                                        "sasl.jaas.config", "secret-login"));
        StreamTableEnvironment tableEnv = tableEnv();
        SegflowPipeline.create(tableEnv, SqlScripts.fromDirectory(dir), settings);

        List<String> kafkaTables = new ArrayList<>();
        for (String table :
                tableEnv.getCatalog(tableEnv.getCurrentCatalog())
                        .orElseThrow()
                        .listTables(tableEnv.getCurrentDatabase())) {
            Map<String, String> options = options(tableEnv, table);
            if (!List.of("kafka", "upsert-kafka").contains(options.get("connector"))) {
                continue;
            }
            kafkaTables.add(table);
            // the configured properties win over the SQL's own properties.* options
            assertThat(options)
                    .as(table)
                    .containsEntry("properties.security.protocol", "SASL_SSL")
                    .containsEntry("properties.sasl.mechanism", "PLAIN")
                    .containsEntry("properties.sasl.jaas.config", "secret-login");
        }
        assertThat(kafkaTables)
                .contains(
                        "crm_customers_raw",
                        "web_events_raw",
                        "dead_letter_topic",
                        "segment_assignments_topic",
                        "segment_model_topic",
                        "audit_topic");
        // no secret in the SQL's text: the placeholders never carry the client properties
        assertThat(settings.placeholders().values()).noneMatch(v -> v.contains("secret-login"));
    }

    @Test
    void theKafkaOutputsAreTransactionalAndTheReadsReadCommitted() {
        StreamTableEnvironment tableEnv = tableEnv();
        JobSettings settings = JobSettings.defaults().withConsumerGroup("crm-segments");
        SegflowPipeline.create(tableEnv, SqlScripts.fromDirectory(repositorySql()), settings);
        assertThat(options(tableEnv, "dead_letter_topic"))
                .containsEntry("sink.delivery-guarantee", "exactly-once")
                .containsEntry("sink.transactional-id-prefix", "crm-segments.dead-letters");
        assertThat(options(tableEnv, "segment_assignments_topic"))
                .containsEntry("sink.delivery-guarantee", "exactly-once")
                .containsEntry("sink.transactional-id-prefix", "crm-segments.segments");
        for (String source :
                List.of("crm_customers_raw", "crm_identities_raw", "segment_model_topic")) {
            assertThat(options(tableEnv, source))
                    .containsEntry("properties.isolation.level", "read_committed");
        }
        // a backfill has its own group, so its own transactions; without checkpoints nothing
        // would ever commit, so a run without them writes at least once
        assertThat(settings.withBackfill(true).placeholders())
                .containsEntry("kafka.delivery-guarantee", "exactly-once");
        assertThat(settings.withCheckpointInterval(Duration.ZERO).placeholders())
                .containsEntry("kafka.delivery-guarantee", "at-least-once");
    }

    private static Map<String, String> options(StreamTableEnvironment tableEnv, String table) {
        try {
            return tableEnv.getCatalog(tableEnv.getCurrentCatalog())
                    .orElseThrow()
                    .getTable(new ObjectPath(tableEnv.getCurrentDatabase(), table))
                    .getOptions();
        } catch (Exception e) {
            throw new AssertionError("no table " + table, e);
        }
    }

    static Path repositorySql() {
        Path here = Path.of("").toAbsolutePath();
        return List.of(here.resolve("sql"), here.getParent().resolve("sql")).stream()
                .filter(Files::isDirectory)
                .findFirst()
                .orElseThrow();
    }
}
