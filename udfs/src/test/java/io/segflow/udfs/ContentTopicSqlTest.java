package io.segflow.udfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CONTENT_TOPIC and TOPIC_DIVERSITY through Flink's planner, registered as 00_functions.sql does.
 */
class ContentTopicSqlTest {

    private static TableEnvironment session() {
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.getConfig().set("parallelism.default", "1");
        env.executeSql(
                "CREATE TEMPORARY SYSTEM FUNCTION CONTENT_TOPIC AS 'io.segflow.udfs.ContentTopic'");
        env.executeSql(
                "CREATE TEMPORARY SYSTEM FUNCTION TOPIC_DIVERSITY AS"
                        + " 'io.segflow.udfs.TopicDiversity'");
        return env;
    }

    private static List<Row> rows(TableEnvironment env, String query) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> iterator = env.executeSql(query).collect()) {
            iterator.forEachRemaining(rows::add);
        }
        return rows;
    }

    @Test
    void eachEventGetsTheTopicOfTheShippedTaxonomy() throws Exception {
        TableEnvironment env = session();
        String taxonomy = ContentTaxonomyTest.SHIPPED.toString();
        env.createTemporaryView(
                "viewed",
                env.fromValues(
                        DataTypes.ROW(
                                DataTypes.FIELD("id", DataTypes.INT()),
                                DataTypes.FIELD("url", DataTypes.STRING()),
                                DataTypes.FIELD("title", DataTypes.STRING())),
                        Row.of(1, "https://example.com/Pricing/?utm_source=ad", "Plans"),
                        Row.of(2, "/watch?v=7", "Flink tutorial for beginners"),
                        Row.of(3, "/about", null),
                        Row.of(4, null, null)));
        String query =
                "SELECT id, CONTENT_TOPIC(url, title, '" + taxonomy + "') FROM viewed ORDER BY id";
        assertThat(
                        env.sqlQuery(query)
                                .getResolvedSchema()
                                .getColumnDataTypes()
                                .get(1)
                                .getLogicalType()
                                .isNullable())
                .as("the topic is never NULL")
                .isFalse();
        assertThat(rows(env, query))
                .containsExactly(
                        Row.of(1, "pricing"),
                        Row.of(2, "tutorials"),
                        Row.of(3, "other"),
                        Row.of(4, "other"));
    }

    @Test
    void aBrokenTaxonomyFailsThePlanNamingTheLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("content_topics.csv");
        Files.writeString(
                file,
                "topic,match,pattern\npricing,path,/pricing/**\nnews,path,news/**\n",
                StandardCharsets.UTF_8);
        TableEnvironment env = session();
        assertThatThrownBy(
                        () ->
                                env.executeSql(
                                        "CREATE TEMPORARY VIEW topics AS SELECT CONTENT_TOPIC("
                                                + "'/news/1', CAST(NULL AS STRING), '"
                                                + file
                                                + "') AS topic"))
                .isInstanceOf(ValidationException.class)
                .rootCause()
                .hasMessageContaining(file + " line 3: path pattern 'news/**' must start with /");
        assertThatThrownBy(
                        () -> env.executeSql("SELECT CONTENT_TOPIC('/a', 'b', CONCAT('x', 'y'))"))
                .hasStackTraceContaining("must be a string literal");
    }

    @Test
    void topicDiversityOfCounts() throws Exception {
        TableEnvironment env = session();
        List<Row> rows =
                rows(
                        env,
                        "SELECT TOPIC_DIVERSITY(CAST(4 AS BIGINT), CAST(4 AS BIGINT)),"
                                + " TOPIC_DIVERSITY(CAST(9 AS BIGINT), CAST(0 AS BIGINT),"
                                + " CAST(NULL AS BIGINT)), TOPIC_DIVERSITY(2, 1, 1)");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getField(0)).isEqualTo(1.0);
        assertThat(rows.get(0).getField(1)).isEqualTo(0.0);
        assertThat((Double) rows.get(0).getField(2)).isBetween(0.94, 0.95);
    }
}
