package io.segflow.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.pipeline.JobSettings;
import io.segflow.testing.SegflowITCaseBase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The undo log against a real PostgreSQL: a restored job's database as its checkpoint left it. */
class UndoLogITCase extends SegflowITCaseBase {

    private static final String ROWS = "SELECT * FROM visits ORDER BY customer_id";
    private JobSettings settings;
    private final UndoLog undo = new UndoLog("visits", List.of("customer_id"));

    @BeforeEach
    void aTableAsACheckpointLeftIt() throws Exception {
        settings = freshSettings();
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute(
                    "CREATE TABLE visits (customer_id BIGINT PRIMARY KEY, views BIGINT, share"
                            + " DOUBLE PRECISION, label TEXT, updated_at TIMESTAMP)");
            s.execute(
                    "INSERT INTO visits VALUES (1, 3, 0.1, 'a', '2026-12-01 10:00:00.123'),"
                            + " (2, 5, 0.30000000000000004, 'b', '2026-12-01 11:00:00')");
            UndoLog.create(c);
        }
    }

    /** After checkpoint 4: epoch 5 updates 1, deletes 2, creates 3; epoch 6 updates 1 again. */
    private void writesAfterCheckpoint4(String attempt) throws Exception {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            undo.record(
                    c,
                    attempt,
                    5,
                    "[{\"customer_id\": 1}, {\"customer_id\": 2}, {\"customer_id\": 3}]");
            s.execute("UPDATE visits SET views = 9, label = 'x' WHERE customer_id = 1");
            s.execute("DELETE FROM visits WHERE customer_id = 2");
            s.execute("INSERT INTO visits VALUES (3, 1, 1.0, 'new', now())");
            // a second write of key 1 in the same epoch keeps the first undo row
            assertThat(undo.record(c, attempt, 5, "[{\"customer_id\": 1}]")).isZero();
            assertThat(undo.record(c, attempt, 6, "[{\"customer_id\": 1}]")).isOne();
            s.execute("UPDATE visits SET views = 12 WHERE customer_id = 1");
        }
    }

    @Test
    void aJobRestoredFromTheCheckpointFindsTheTableAsItLeftIt() throws Exception {
        List<Map<String, Object>> atCheckpoint = query(settings, ROWS);
        writesAfterCheckpoint4("run-1");
        assertThat(query(settings, ROWS)).isNotEqualTo(atCheckpoint);
        try (Connection c = connect()) {
            assertThat(undo.rewind(c, 4, "run-2")).isEqualTo(4);
        }
        assertThat(query(settings, ROWS)).isEqualTo(atCheckpoint);
        assertThat(query(settings, "SELECT * FROM " + UndoLog.TABLE)).isEmpty();
    }

    @Test
    void aLaterCheckpointKeepsWhatWasWrittenBeforeIt() throws Exception {
        writesAfterCheckpoint4("run-1");
        try (Connection c = connect()) {
            assertThat(undo.forget(c, 5)).isEqualTo(3);
            assertThat(undo.rewind(c, 5, "run-2")).isEqualTo(1);
        }
        assertThat(query(settings, ROWS))
                .extracting(row -> row.get("customer_id") + ":" + row.get("views"))
                .containsExactly("1:9", "3:1");
    }

    /**
     * Several sinks of one table (the dead letters of each source) forget the same checkpoint at
     * about the same time: a forget waits for one that is forgetting the table's rows already,
     * instead of deleting the same rows in another order (two such deletes deadlocked in
     * PostgreSQL), and then forgets what that one left.
     */
    @Test
    void aForgetWaitsForAnotherForgetOfTheSameTable() throws Exception {
        writesAfterCheckpoint4("run-1");
        UndoLog otherSink = new UndoLog("visits", List.of("customer_id"));
        try (Connection other = connect();
                Connection c = connect()) {
            other.setAutoCommit(false);
            // the other sink's forget holds the table's lock, before its delete: without the lock
            // both deletes would run at once, and could take the same rows in different orders
            try (Statement forgetting = other.createStatement()) {
                forgetting.execute(
                        "SELECT pg_advisory_xact_lock(hashtext('" + UndoLog.TABLE + ":visits'))");
            }
            CompletableFuture<Integer> forgotten =
                    CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    return undo.forget(c, 6);
                                } catch (SQLException e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            Thread.sleep(500);
            assertThat(forgotten).as("waits for the other").isNotDone();
            other.rollback(); // it failed: this forget takes all
            assertThat(forgotten.get(10, TimeUnit.SECONDS)).isEqualTo(4);
            assertThat(otherSink.forget(other, 6)).isZero();
        }
        assertThat(query(settings, "SELECT * FROM " + UndoLog.TABLE)).isEmpty();
    }

    @Test
    void aRewindLeavesWhatTheRestoredRunWroteItself() throws Exception {
        writesAfterCheckpoint4("run-2");
        try (Connection c = connect()) {
            assertThat(undo.rewind(c, 4, "run-2")).isZero();
        }
        assertThat(query(settings, ROWS)).hasSize(2);
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection(settings.jdbcUrl(), settings.jdbcUser(), "");
    }
}
