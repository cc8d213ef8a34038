package io.segflow.sql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code CREATE [TEMPORARY] VIEW v AS q1 UNION ALL BY NAME q2 ...}: the branches stacked by column
 * name, as DuckDB, Snowflake and BigQuery read it. Flink's SQL has no such clause; segflow rewrites
 * the view into a plain UNION ALL in which each branch selects every column of the union, a typed
 * NULL where the branch has none. A branch then names only the figures it computes, and a column
 * added to one branch needs no edit of the others (a forgotten NULL in a plain UNION is a planner
 * error far from the change).
 *
 * <p>This class only reads and writes the text; which columns a branch has, and their types, the
 * planner says (see SegflowPipeline). Columns come in the order they first appear, branch by
 * branch.
 */
public final class UnionByName {

    private static final Pattern VIEW_HEAD =
            Pattern.compile(
                    "(?is)^(\\s*CREATE\\s+(?:TEMPORARY\\s+)?VIEW\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?"
                            + "\\S+?\\s+AS\\s+)");

    private static final Pattern CLAUSE = Pattern.compile("(?i)UNION\\s+ALL\\s+BY\\s+NAME\\b");

    /** A view made of branches: the text up to AS, each branch's query and where it starts. */
    public record View(String head, List<Branch> branches) {}

    /**
     * One branch: its query and the line (0-based, within the statement) and column it starts at,
     * so that an error in a branch can point at the file.
     */
    public record Branch(String query, int line, int column) {

        /** The query padded so that the planner's positions are those of the statement. */
        public String positioned() {
            return "\n".repeat(line) + " ".repeat(column) + query;
        }
    }

    /** A column of a branch as the planner resolved it. */
    public record Column(String name, String nullableType) {}

    private UnionByName() {}

    /** The view's branches, if the statement is a view with UNION ALL BY NAME at its top level. */
    public static Optional<View> parse(String statement) {
        List<Integer> clauses = new ArrayList<>();
        List<Integer> clauseEnds = new ArrayList<>();
        int depth = 0;
        int i = 0;
        int n = statement.length();
        while (i < n) {
            char c = statement.charAt(i);
            if (c == '\'' || c == '`' || c == '"') {
                i = endOfQuoted(statement, i, c);
                continue;
            }
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (depth == 0 && (c == 'U' || c == 'u') && wordStart(statement, i)) {
                Matcher clause = CLAUSE.matcher(statement).region(i, n);
                if (clause.lookingAt()) {
                    clauses.add(i);
                    clauseEnds.add(clause.end());
                    i = clause.end();
                    continue;
                }
            }
            i++;
        }
        if (clauses.isEmpty()) {
            return Optional.empty();
        }
        Matcher head = VIEW_HEAD.matcher(statement);
        if (!head.find() || head.end() > clauses.get(0)) {
            throw new SqlScriptException(
                    "UNION ALL BY NAME is read in a view only: CREATE TEMPORARY VIEW name AS"
                            + " SELECT ... UNION ALL BY NAME SELECT ...");
        }
        List<Branch> branches = new ArrayList<>();
        int start = head.end();
        for (int k = 0; k <= clauses.size(); k++) {
            int end = k < clauses.size() ? clauses.get(k) : n;
            branches.add(branch(statement, start, end));
            if (k < clauses.size()) {
                start = clauseEnds.get(k);
            }
        }
        return Optional.of(new View(head.group(1), branches));
    }

    /**
     * The view as a plain UNION ALL: every branch selects the columns of all of them, in the order
     * they first appear, a NULL of the column's type where it has none.
     *
     * @param columns each branch's columns, in the order of {@link View#branches()}
     */
    public static String rewrite(View view, List<List<Column>> columns) {
        Map<String, String> union = new LinkedHashMap<>();
        for (List<Column> branch : columns) {
            for (Column column : branch) {
                union.putIfAbsent(column.name(), column.nullableType());
            }
        }
        StringBuilder sql = new StringBuilder(view.head());
        for (int b = 0; b < view.branches().size(); b++) {
            List<String> has = columns.get(b).stream().map(Column::name).toList();
            if (b > 0) {
                sql.append("\nUNION ALL\n");
            }
            List<String> select = new ArrayList<>();
            union.forEach(
                    (name, type) ->
                            select.add(
                                    has.contains(name)
                                            ? quote(name)
                                            : "CAST(NULL AS " + type + ") AS " + quote(name)));
            sql.append("SELECT ")
                    .append(String.join(", ", select))
                    .append(" FROM (\n")
                    .append(view.branches().get(b).query())
                    .append("\n) AS branch_")
                    .append(b + 1);
        }
        return sql.toString();
    }

    private static Branch branch(String statement, int start, int end) {
        int from = start;
        while (from < end && Character.isWhitespace(statement.charAt(from))) {
            from++;
        }
        String before = statement.substring(0, from);
        int line = (int) before.chars().filter(ch -> ch == '\n').count();
        int column = from - (before.lastIndexOf('\n') + 1);
        String query = statement.substring(from, end).strip();
        if (query.isEmpty()) {
            throw new SqlScriptException(
                    "UNION ALL BY NAME at line " + (line + 1) + " of the view has no query");
        }
        return new Branch(query, line, column);
    }

    private static int endOfQuoted(String text, int open, char quote) {
        int i = open + 1;
        while (i < text.length()) {
            if (text.charAt(i) == quote) {
                if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
                    i += 2; // a doubled quote stands for itself
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return text.length();
    }

    private static boolean wordStart(String text, int i) {
        return i == 0
                || !(Character.isLetterOrDigit(text.charAt(i - 1)) || text.charAt(i - 1) == '_');
    }

    private static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
