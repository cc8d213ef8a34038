package io.segflow.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SQL script into statements at semicolons that are code, not text: a ';' inside a string
 * literal, a quoted identifier or a comment does not end a statement. Comments are dropped from the
 * statements (Flink's parser accepts them, but error positions are easier to read without), except
 * hints ({@code /*+ STATE_TTL(...) *}{@code /}), which are SQL to Flink; and each statement
 * remembers the line it starts on. PostgreSQL's $$ quoting is honoured too, for the DO blocks of
 * deploy/postgres.
 */
public final class SqlStatementSplitter {

    private SqlStatementSplitter() {}

    public static List<SqlStatement> split(String file, String script) {
        List<SqlStatement> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int line = 1;
        int statementLine = -1;
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            char next = i + 1 < n ? script.charAt(i + 1) : '\0';
            if (c == '-' && next == '-') {
                while (i < n && script.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '/' && next == '*' && !(i + 2 < n && script.charAt(i + 2) == '+')) {
                int end = script.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new SqlScriptException(file + ":" + line + ": unterminated /* comment");
                }
                current.append(' ');
                for (int k = i; k < end; k++) {
                    if (script.charAt(k) == '\n') {
                        // keep line breaks so planner positions still match the file
                        line++;
                        current.append('\n');
                    }
                }
                i = end + 2;
                continue;
            }
            if (c == '$' && next == '$') {
                // PostgreSQL's dollar quoting (DO $$ ... $$ in deploy/postgres): text until the
                // next $$
                int end = script.indexOf("$$", i + 2);
                if (end < 0) {
                    throw new SqlScriptException(file + ":" + line + ": unterminated $$ quote");
                }
                if (statementLine < 0) {
                    statementLine = line;
                }
                for (int k = i; k < end; k++) {
                    if (script.charAt(k) == '\n') {
                        line++;
                    }
                }
                current.append(script, i, end + 2);
                i = end + 2;
                continue;
            }
            if (c == '\'' || c == '`' || c == '"') {
                int start = i;
                int startLine = line;
                i++;
                while (true) {
                    if (i >= n) {
                        throw new SqlScriptException(
                                file + ":" + startLine + ": unterminated " + c + " quote");
                    }
                    char q = script.charAt(i);
                    if (q == '\n') {
                        line++;
                    }
                    if (q == c) {
                        // a doubled quote is an escaped quote, not the end
                        if (i + 1 < n && script.charAt(i + 1) == c) {
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    i++;
                }
                if (statementLine < 0) {
                    statementLine = startLine;
                }
                current.append(script, start, i);
                continue;
            }
            if (c == ';') {
                add(statements, file, statementLine, current);
                current.setLength(0);
                statementLine = -1;
                i++;
                continue;
            }
            if (c == '\n') {
                line++;
            }
            if (statementLine < 0 && !Character.isWhitespace(c)) {
                statementLine = line;
            }
            current.append(c);
            i++;
        }
        add(statements, file, statementLine, current);
        return statements;
    }

    private static void add(
            List<SqlStatement> statements, String file, int line, StringBuilder text) {
        String statement = text.toString().strip();
        if (!statement.isEmpty()) {
            statements.add(new SqlStatement(file, line, statement));
        }
    }
}
