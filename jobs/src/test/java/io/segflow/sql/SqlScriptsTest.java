package io.segflow.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segflow.udfs.ContentTaxonomy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlScriptsTest {

    @Test
    void filesRunInNameOrderWithPlaceholdersFilled(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("20_b.sql"), "INSERT INTO t SELECT * FROM v;");
        Files.writeString(
                dir.resolve("10_a.sql"), "CREATE TABLE t (x INT) WITH ('topic' = '${topic}');");
        Files.writeString(dir.resolve("notes.txt"), "not sql;");

        var statements = SqlScripts.fromDirectory(dir).statements(Map.of("topic", "web.events"));

        assertThat(statements)
                .extracting(SqlStatement::file)
                .containsExactly("10_a.sql", "20_b.sql");
        assertThat(statements.get(0).text())
                .isEqualTo("CREATE TABLE t (x INT) WITH ('topic' = 'web.events')");
    }

    @Test
    void aValueCannotEscapeItsStringLiteral(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.sql"), "SELECT '${password}'");
        var statements =
                SqlScripts.fromDirectory(dir)
                        .statements(Map.of("password", "x'); DROP TABLE t; --"));
        assertThat(statements.get(0).text()).isEqualTo("SELECT 'x''); DROP TABLE t; --'");
    }

    @Test
    void unknownPlaceholderNamesFileLineAndKnownNames(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.sql"), "SELECT 1;\n\nSELECT '${kafka.servers}'");
        assertThatThrownBy(
                        () ->
                                SqlScripts.fromDirectory(dir)
                                        .statements(Map.of("kafka.bootstrap-servers", "x")))
                .isInstanceOf(SqlScriptException.class)
                .hasMessageContaining("a.sql:3: unknown placeholder ${kafka.servers}")
                .hasMessageContaining("kafka.bootstrap-servers");
    }

    @Test
    void sqlDirIsWhereTheScriptsCameFrom(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.sql"), "SELECT '${sql.dir}/content_topics.csv'");
        assertThat(SqlScripts.fromDirectory(dir).statements(Map.of()).get(0).text())
                .isEqualTo("SELECT '" + dir.toAbsolutePath() + "/content_topics.csv'");
        // the bundled taxonomy is found the way CONTENT_TOPIC looks for it
        String bundled = SqlScripts.bundled().origin() + "/content_topics.csv";
        assertThat(ContentTaxonomy.load(bundled).topics()).contains("pricing", "careers");
    }

    @Test
    void aDirectoryWithoutSqlIsAnError(@TempDir Path dir) {
        assertThatThrownBy(() -> SqlScripts.fromDirectory(dir))
                .isInstanceOf(SqlScriptException.class)
                .hasMessageContaining("no .sql files");
    }

    @Test
    void theRepositorySqlIsBundledInTheBuild() {
        SqlScripts bundled = SqlScripts.bundled();
        assertThat(bundled.origin()).isEqualTo("classpath:segflow/sql");
        assertThat(bundled.profileYaml()).contains("customer_id");
    }
}
