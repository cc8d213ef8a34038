package io.segflow.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class SqlStatementSplitterTest {

    @Test
    void splitsAtSemicolonsAndRemembersStartLines() {
        List<SqlStatement> statements =
                SqlStatementSplitter.split(
                        "a.sql",
                        "-- a comment; not a statement\n"
                                + "CREATE VIEW a AS SELECT 1;\n"
                                + "\n"
                                + "INSERT INTO t\n"
                                + "SELECT * FROM a;\n");
        assertThat(statements)
                .extracting(SqlStatement::line, SqlStatement::text)
                .containsExactly(
                        Tuple.tuple(2, "CREATE VIEW a AS SELECT 1"),
                        Tuple.tuple(4, "INSERT INTO t\nSELECT * FROM a"));
        assertThat(statements.get(1).isInsert()).isTrue();
        assertThat(statements.get(0).location()).isEqualTo("a.sql:2");
    }

    @Test
    void semicolonsInsideTextCommentsAndIdentifiersDoNotSplit() {
        List<SqlStatement> statements =
                SqlStatementSplitter.split(
                        "b.sql",
                        "SELECT 'a;b', 'it''s; fine', `odd;name` /* c; d */ FROM t -- e; f\n;"
                                + "SELECT 2");
        assertThat(statements).hasSize(2);
        assertThat(statements.get(0).text())
                .startsWith("SELECT 'a;b', 'it''s; fine', `odd;name`")
                .doesNotContain("c; d")
                .doesNotContain("e; f");
        assertThat(statements.get(1).text()).isEqualTo("SELECT 2");
    }

    @Test
    void hintsAreSqlNotComments() {
        List<SqlStatement> statements =
                SqlStatementSplitter.split(
                        "d.sql",
                        "SELECT /*+ STATE_TTL('e' = '1 h') */ /* a comment */ id FROM t AS e"
                                + " GROUP BY id;");
        assertThat(statements.get(0).text())
                .isEqualTo("SELECT /*+ STATE_TTL('e' = '1 h') */   id FROM t AS e GROUP BY id");
    }

    @Test
    void blockCommentsKeepLineNumbers() {
        List<SqlStatement> statements =
                SqlStatementSplitter.split("c.sql", "/* one\ntwo\nthree */ SELECT 1;\nSELECT 2;");
        assertThat(statements.get(0).line()).isEqualTo(3);
        assertThat(statements.get(0).text()).isEqualTo("SELECT 1");
        assertThat(statements.get(1).line()).isEqualTo(4);
    }

    @Test
    void emptyStatementsAreSkipped() {
        assertThat(SqlStatementSplitter.split("d.sql", ";;\n  ;-- only a comment\n")).isEmpty();
    }

    @Test
    void unterminatedQuoteIsAnErrorWithItsLine() {
        assertThatThrownBy(() -> SqlStatementSplitter.split("e.sql", "SELECT 1;\nSELECT 'oops"))
                .isInstanceOf(SqlScriptException.class)
                .hasMessage("e.sql:2: unterminated ' quote");
    }

    @Test
    void postgresDollarQuotedBodiesStayWhole() {
        String script = "SELECT 1;\nDO $$\nBEGIN\n  CREATE ROLE r;\nEND\n$$;\nSELECT 2;";
        List<SqlStatement> statements = SqlStatementSplitter.split("roles.sql", script);
        assertThat(statements)
                .extracting(SqlStatement::text)
                .containsExactly("SELECT 1", "DO $$\nBEGIN\n  CREATE ROLE r;\nEND\n$$", "SELECT 2");
        assertThat(statements).extracting(SqlStatement::line).containsExactly(1, 2, 7);
    }
}
