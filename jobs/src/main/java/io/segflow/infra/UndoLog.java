package io.segflow.infra;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a table's rows were before the sinks wrote them since a checkpoint, so that a job restored
 * from that checkpoint can put the database back where the checkpoint left it before its replay
 * writes again (docs/freshness-plan.md). The sinks write every 200 ms by default, not only at
 * checkpoints: without this, a row can keep a value the resumed job never makes (a change folded
 * upstream of its key during the replay never reaches it again).
 *
 * <p>One shared table, {@value #TABLE}: per written key and epoch, the row the key had before the
 * first write of that epoch (NULL: it had none). An epoch is the checkpoint a write belongs to:
 * rows written in checkpoint N's synchronous phase are epoch N, rows written after it N + 1. A
 * completed checkpoint {@link #forget}s its epochs; a restored job {@link #rewind}s the epochs
 * after its checkpoint. {@code attempt} names one run of the job, so that a rewind leaves alone
 * what the restored run itself has written already.
 *
 * <p>Plain JDBC on PostgreSQL (rows as jsonb, {@code jsonb_populate_record} for the types), no
 * Flink types: the sink operator calls it.
 */
public final class UndoLog {

    public static final String TABLE = "segflow_undo";

    static final String DDL =
            "CREATE TABLE IF NOT EXISTS "
                    + TABLE
                    + " (seq BIGSERIAL PRIMARY KEY, attempt TEXT NOT NULL, epoch BIGINT NOT NULL,"
                    + " table_name TEXT NOT NULL, key JSONB NOT NULL, old_row JSONB,"
                    + " UNIQUE (table_name, key, epoch))";

    private final String table;
    private final String quotedTable;
    private final List<String> keyColumns;
    private final String keysMatch;

    /**
     * @param table the table the sink writes
     * @param keyColumns its primary key
     */
    public UndoLog(String table, List<String> keyColumns) {
        if (keyColumns.isEmpty()) {
            throw new IllegalArgumentException(table + " has no primary key: nothing to undo by");
        }
        this.table = table;
        this.quotedTable = quote(table);
        this.keyColumns = List.copyOf(keyColumns);
        this.keysMatch =
                keyColumns.stream()
                        .map(c -> "t." + quote(c) + " = r." + quote(c))
                        .collect(Collectors.joining(" AND "));
    }

    /** Creates the shared table when it is not there. */
    public static void create(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(DDL);
        } catch (SQLException e) {
            // several sinks create it at once: one wins, the others find it there; a writer
            // role may not create tables (deploy/postgres/roles.sql): schema.sql made it
            if (!"42P07".equals(e.getSQLState())
                    && !"23505".equals(e.getSQLState())
                    && !"42501".equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    /**
     * Records the rows these keys have now, for the epoch, unless recorded for it already: call it
     * and commit before writing them.
     *
     * @param keysJson a JSON array of the keys, each an object of the key columns
     */
    public int record(Connection connection, String attempt, long epoch, String keysJson)
            throws SQLException {
        String sql =
                "INSERT INTO "
                        + TABLE
                        + " (attempt, epoch, table_name, key, old_row) SELECT ?, ?, ?, k.key,"
                        + " CASE WHEN t IS NULL THEN NULL ELSE to_jsonb(t) END"
                        + " FROM jsonb_array_elements(?::jsonb) AS k(key)"
                        + " CROSS JOIN LATERAL jsonb_populate_record(NULL::"
                        + quotedTable
                        + ", k.key) AS r LEFT JOIN "
                        + quotedTable
                        + " t ON "
                        + keysMatch
                        + " ON CONFLICT (table_name, key, epoch) DO NOTHING";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, attempt);
            statement.setLong(2, epoch);
            statement.setString(3, table);
            statement.setString(4, keysJson);
            return statement.executeUpdate();
        }
    }

    /** Forgets the epochs up to the completed checkpoint: their writes are for good. */
    public int forget(Connection connection, long completedCheckpoint) throws SQLException {
        return forgetWhere(connection, "epoch <= ?", completedCheckpoint);
    }

    /** Forgets what other runs recorded: a job started afresh has no checkpoint to go back to. */
    public int forgetOtherRuns(Connection connection, String attempt) throws SQLException {
        return forgetWhere(connection, "attempt <> ?", attempt);
    }

    /**
     * Deletes this table's undo rows that match {@code condition} with its one parameter, after any
     * other forget or rewind of this table's rows (the table's lock). Several sinks of one table
     * (the dead letters of each source) forget the same checkpoint at about the same time, and two
     * deletes of the same rows in different orders deadlocked in PostgreSQL (docs/benchmarks.md).
     * The delete stays a plain one: with a {@code FOR UPDATE SKIP LOCKED} subquery instead, the
     * forgets of the 100,000-customer benchmark were so slow that it fell a minute behind.
     */
    private int forgetWhere(Connection connection, String condition, Object parameter)
            throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            lock(connection);
            int forgotten;
            try (PreparedStatement statement =
                    connection.prepareStatement(
                            "DELETE FROM " + TABLE + " WHERE table_name = ? AND " + condition)) {
                statement.setString(1, table);
                statement.setObject(2, parameter);
                forgotten = statement.executeUpdate();
            }
            connection.commit();
            return forgotten;
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /**
     * This table's lock on its undo rows, until the transaction ends: one forget or rewind at once.
     */
    private void lock(Connection connection) throws SQLException {
        try (PreparedStatement lock =
                connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            lock.setString(1, TABLE + ":" + table);
            lock.execute();
        }
    }

    /**
     * Puts the table back where the checkpoint left it: every row written after it by earlier runs,
     * newest first, back to what it was (or deleted, if it was not there); then forgets them. In
     * one transaction, one table's rewinds one after the other: every subtask of the restored sink
     * rewinds, and one that read the undo rows while another was still applying them would apply
     * them again over what the other has written since. Returns the rows put back.
     */
    public int rewind(Connection connection, long restoredCheckpoint, String attempt)
            throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            lock(connection);
            List<String[]> undo = new ArrayList<>();
            try (PreparedStatement select =
                    connection.prepareStatement(
                            "SELECT key::text, old_row::text FROM "
                                    + TABLE
                                    + " WHERE table_name = ? AND epoch > ? AND attempt <> ?"
                                    + " ORDER BY seq DESC")) {
                select.setString(1, table);
                select.setLong(2, restoredCheckpoint);
                select.setString(3, attempt);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        undo.add(new String[] {rows.getString(1), rows.getString(2)});
                    }
                }
            }
            try (PreparedStatement delete =
                            connection.prepareStatement(
                                    "DELETE FROM "
                                            + quotedTable
                                            + " t USING jsonb_populate_record(NULL::"
                                            + quotedTable
                                            + ", ?::jsonb) r WHERE "
                                            + keysMatch);
                    PreparedStatement insert =
                            connection.prepareStatement(
                                    "INSERT INTO "
                                            + quotedTable
                                            + " SELECT * FROM jsonb_populate_record(NULL::"
                                            + quotedTable
                                            + ", ?::jsonb)")) {
                for (String[] entry : undo) {
                    delete.setString(1, entry[0]);
                    delete.executeUpdate();
                    if (entry[1] != null) {
                        insert.setString(1, entry[1]);
                        insert.executeUpdate();
                    }
                }
            }
            try (PreparedStatement forget =
                    connection.prepareStatement(
                            "DELETE FROM "
                                    + TABLE
                                    + " WHERE table_name = ? AND epoch > ? AND attempt <> ?")) {
                forget.setString(1, table);
                forget.setLong(2, restoredCheckpoint);
                forget.setString(3, attempt);
                forget.executeUpdate();
            }
            connection.commit();
            return undo.size();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    public List<String> keyColumns() {
        return keyColumns;
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
