package io.segflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segflow.sql.SqlScriptException;
import io.segflow.sql.SqlScripts;
import io.segflow.testing.EmailSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The input topics come from the SQL: a Kafka table added to 10_sources.sql is an input. */
class InputTopicsTest {

    private static Path repositorySql() {
        Path here = Path.of("").toAbsolutePath();
        Path sql = here.resolve("sql");
        return Files.isDirectory(sql) ? sql : here.getParent().resolve("sql");
    }

    @Test
    void theShippedSqlReadsItsFourTopicsAtTheirDefaults() {
        JobSettings settings = JobSettings.defaults().withSqlDirectory(repositorySql());
        assertThat(InputTopics.byTable(settings))
                .containsExactly(
                        Map.entry("crm_customers_raw", List.of("crm.public.customers")),
                        Map.entry("crm_identities_raw", List.of("crm.public.customer_identities")),
                        Map.entry("web_events_raw", List.of("web.events")),
                        Map.entry("product_events_raw", List.of("product.events")));
        assertThat(InputTopics.readBy(settings))
                .containsExactly(
                        "crm.public.customers",
                        "crm.public.customer_identities",
                        "web.events",
                        "product.events",
                        "segflow.segment_models");
    }

    @Test
    void aFifthKafkaTableIsAnInputAndItsTopicDefaultsToItsName(@TempDir Path dir) throws Exception {
        Path sql = EmailSource.withTableOnly(repositorySql(), dir);
        JobSettings settings =
                JobSettings.defaults().withSqlDirectory(sql).withWebEventsTopic("site.events");
        assertThat(InputTopics.byTable(settings))
                .containsKeys(
                        "crm_customers_raw",
                        "crm_identities_raw",
                        "web_events_raw",
                        "product_events_raw",
                        EmailSource.INPUT_TABLE)
                .containsEntry("web_events_raw", List.of("site.events"))
                .containsEntry(EmailSource.INPUT_TABLE, List.of("email-events"));
        assertThat(InputTopics.of(settings)).hasSize(5).endsWith("email-events");
    }

    @Test
    void aFifthTopicComesFromItsSetting(@TempDir Path dir) throws Exception {
        Path sql = EmailSource.withTableOnly(repositorySql(), dir);
        JobSettings settings =
                JobSettings.defaults()
                        .withSqlDirectory(sql)
                        // as the environment spells it: SEGFLOW_TOPIC_EMAIL_EVENTS
                        .withTopic("EMAIL_EVENTS", "esp.engagement");
        assertThat(InputTopics.byTable(settings))
                .containsEntry(EmailSource.INPUT_TABLE, List.of("esp.engagement"));
        assertThat(settings.placeholders(SqlScripts.fromDirectory(sql)))
                .containsEntry("topic.email-events", "esp.engagement");
    }

    @Test
    void aTopicSetForANameTheSqlDoesNotUseIsAMistake(@TempDir Path dir) throws Exception {
        Path sql = EmailSource.withTableOnly(repositorySql(), dir);
        JobSettings typo =
                JobSettings.defaults().withSqlDirectory(sql).withTopic("emial-events", "esp");
        assertThatThrownBy(() -> InputTopics.of(typo))
                .isInstanceOf(SqlScriptException.class)
                .hasMessageContaining("[emial-events]")
                .hasMessageContaining("email-events");
    }

    @Test
    void aTableOfSeveralTopicsReadsEach(@TempDir Path dir) throws Exception {
        Path sql = EmailSource.withTableOnly(repositorySql(), dir);
        Path sources = sql.resolve(InputTopics.SOURCES_FILE);
        Files.writeString(
                sources,
                Files.readString(sources)
                        .replace("'${topic.email-events}'", "'${topic.email-events};esp.archive'"));
        JobSettings settings = JobSettings.defaults().withSqlDirectory(sql);
        assertThat(InputTopics.byTable(settings))
                .containsEntry(EmailSource.INPUT_TABLE, List.of("email-events", "esp.archive"));
    }

    @Test
    void aTopicPatternIsRefusedWithTheReason(@TempDir Path dir) throws Exception {
        Path sql = EmailSource.withTableOnly(repositorySql(), dir);
        Path sources = sql.resolve(InputTopics.SOURCES_FILE);
        Files.writeString(
                sources,
                Files.readString(sources)
                        .replace(
                                "'topic' = '${topic.email-events}'",
                                "'topic-pattern' = 'email-.*'"));
        JobSettings settings = JobSettings.defaults().withSqlDirectory(sql);
        assertThatThrownBy(() -> InputTopics.of(settings))
                .isInstanceOf(SqlScriptException.class)
                .hasMessageContaining("10_sources.sql:")
                .hasMessageContaining(EmailSource.INPUT_TABLE)
                .hasMessageContaining("'topic-pattern' is not supported");
    }

    @Test
    void kafkaTablesOfOtherFilesAreNoInputs(@TempDir Path dir) throws Exception {
        Path sql = EmailSource.withTableOnly(repositorySql(), dir);
        // the e-mail table moved to a file of its own after 10_sources.sql: not an input
        Path sources = sql.resolve(InputTopics.SOURCES_FILE);
        String text = Files.readString(sources);
        int email = text.indexOf("-- E-mail engagement");
        Files.writeString(sql.resolve("15_more_sources.sql"), text.substring(email));
        Files.writeString(sources, text.substring(0, email));
        JobSettings settings = JobSettings.defaults().withSqlDirectory(sql);
        assertThat(InputTopics.byTable(settings)).doesNotContainKey(EmailSource.INPUT_TABLE);
    }
}
