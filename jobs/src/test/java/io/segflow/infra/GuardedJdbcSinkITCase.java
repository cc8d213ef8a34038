package io.segflow.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.segflow.pipeline.JobSettings;
import io.segflow.testing.SegflowITCaseBase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.sink.legacy.RichSinkFunction;
import org.apache.flink.streaming.api.operators.StreamSink;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guarded sink's writes between checkpoints, against a real PostgreSQL: a write in flight does
 * not stop the records behind it, a checkpoint holds every row before its barrier, and the rows
 * waiting for a slow database are bounded.
 */
class GuardedJdbcSinkITCase extends SegflowITCaseBase {

    private static final String TABLE = "visits";

    /** What a test holds the connector's flush with, and how it knows that a flush began. */
    private static volatile CountDownLatch flushMayEnd;

    private static volatile CountDownLatch flushBegan;

    private JobSettings settings;
    private OneInputStreamOperatorTestHarness<RowData, Object> harness;

    @BeforeEach
    void aTable() throws Exception {
        settings = freshSettings();
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE visits (customer_id BIGINT PRIMARY KEY, views BIGINT)");
        }
        flushMayEnd = new CountDownLatch(0);
        flushBegan = new CountDownLatch(1);
    }

    @AfterEach
    void closeTheSink() throws Exception {
        flushMayEnd.countDown();
        if (harness != null) {
            harness.close();
        }
    }

    /** The sink as the table factory builds it, writing when {@code maxRows} keys wait. */
    private void openSink(long maxRows) throws Exception {
        openSink(maxRows, false);
    }

    private void openSink(long maxRows, boolean objectReuse) throws Exception {
        GuardedJdbcSinkFunction.Undo undo =
                new GuardedJdbcSinkFunction.Undo(
                        RowType.of(new BigIntType(false), new BigIntType()),
                        TABLE,
                        List.of("customer_id"),
                        new int[] {0},
                        new LogicalType[] {new BigIntType()},
                        settings.jdbcUrl(),
                        settings.jdbcUser(),
                        "",
                        Duration.ofHours(1).toMillis(),
                        maxRows);
        harness =
                new OneInputStreamOperatorTestHarness<>(
                        new StreamSink<>(
                                new GuardedJdbcSinkFunction<>(
                                        new UpsertingConnector(settings), TABLE, undo)));
        if (objectReuse) {
            harness.getExecutionConfig().enableObjectReuse();
        }
        harness.open();
    }

    /** A sink writing at two waiting keys, customers 1 and 2 in a write the database holds. */
    private void aWriteTheDatabaseHolds() throws Exception {
        openSink(2);
        flushMayEnd = new CountDownLatch(1);
        harness.processElement(visits(1, 1), 0);
        harness.processElement(visits(2, 1), 0);
        assertThat(flushBegan.await(30, TimeUnit.SECONDS))
                .as("two waiting keys start a write")
                .isTrue();
    }

    private static RowData visits(long customer, long views) {
        return GenericRowData.of(customer, views);
    }

    @Test
    void aSlowWriteDoesNotStopTheRowsBehindItAndACheckpointWritesThemAll() throws Exception {
        aWriteTheDatabaseHolds();

        assertTimeoutPreemptively(
                Duration.ofSeconds(20),
                () -> {
                    for (long customer = 3; customer <= 500; customer++) {
                        harness.processElement(visits(customer, customer), 0);
                    }
                },
                "records went on while the database held a write");
        assertThat(count("SELECT count(*) FROM visits")).isZero();

        flushMayEnd.countDown();
        harness.snapshot(1, 1);
        assertThat(count("SELECT count(*) FROM visits")).isEqualTo(500);
        assertThat(count("SELECT sum(views) FROM visits")).isEqualTo(2 + (3 + 500) * 498 / 2);
        assertThat(count("SELECT count(*) FROM segflow_undo WHERE table_name = 'visits'"))
                .as("every written key recorded, as absent before")
                .isEqualTo(500);
    }

    /** segflow runs with object reuse: an operator may hand the sink the same row object again. */
    @Test
    void aRowObjectHandedAgainIsWrittenAsItWasWhenHanded() throws Exception {
        openSink(0, true);
        GenericRowData reused = new GenericRowData(2);
        for (long customer = 1; customer <= 3; customer++) {
            reused.setField(0, customer);
            reused.setField(1, customer * 10);
            harness.processElement(reused, 0);
        }
        harness.snapshot(1, 1);
        assertThat(count("SELECT count(*) FROM visits")).isEqualTo(3);
        assertThat(count("SELECT sum(views) FROM visits")).isEqualTo(60);
    }

    @Test
    void theLatestRowOfAKeyIsWrittenOnce() throws Exception {
        openSink(0);
        for (long views = 1; views <= 5; views++) {
            harness.processElement(visits(7, views), 0);
        }
        harness.snapshot(1, 1);
        assertThat(count("SELECT views FROM visits WHERE customer_id = 7")).isEqualTo(5);
        assertThat(UpsertingConnector.rowsWritten).isOne();
    }

    @Test
    void whileTheDatabaseHoldsAWriteTheWaitingRowsAreBounded() throws Exception {
        aWriteTheDatabaseHolds();

        int more = GuardedJdbcSinkFunction.WAITING_KEYS_LIMIT + 100;
        CompletableFuture<Void> input =
                CompletableFuture.runAsync(
                        () -> {
                            try {
                                for (long customer = 3; customer < 3 + more; customer++) {
                                    harness.processElement(visits(customer, 1), 0);
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
        Thread.sleep(2_000);
        assertThat(input).as("the input waits at the limit").isNotDone();

        flushMayEnd.countDown();
        input.get(60, TimeUnit.SECONDS);
        harness.snapshot(1, 1);
        assertThat(count("SELECT count(*) FROM visits")).isEqualTo(2 + more);
    }

    private long count(String sql) throws Exception {
        try (Connection c = connect();
                Statement s = c.createStatement();
                var rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection(settings.jdbcUrl(), settings.jdbcUser(), "");
    }

    /**
     * Stands in for the JDBC connector's sink function: buffers rows and upserts them at its flush
     * (its {@code snapshotState}), which a test can hold.
     */
    private static final class UpsertingConnector extends RichSinkFunction<RowData>
            implements CheckpointedFunction {

        static volatile int rowsWritten;

        private final String url;
        private final String user;
        private transient List<RowData> buffered;

        UpsertingConnector(JobSettings settings) {
            this.url = settings.jdbcUrl();
            this.user = settings.jdbcUser();
            rowsWritten = 0;
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {
            buffered = new ArrayList<>();
        }

        @Override
        public synchronized void invoke(RowData row, Context context) {
            buffered.add(row);
        }

        @Override
        public synchronized void snapshotState(FunctionSnapshotContext context) throws Exception {
            if (buffered.isEmpty()) {
                return;
            }
            flushBegan.countDown();
            flushMayEnd.await();
            try (Connection c = DriverManager.getConnection(url, user, "");
                    PreparedStatement upsert =
                            c.prepareStatement(
                                    "INSERT INTO visits VALUES (?, ?) ON CONFLICT (customer_id)"
                                            + " DO UPDATE SET views = EXCLUDED.views")) {
                for (RowData row : buffered) {
                    upsert.setLong(1, row.getLong(0));
                    upsert.setLong(2, row.getLong(1));
                    upsert.addBatch();
                }
                upsert.executeBatch();
            }
            rowsWritten += buffered.size();
            buffered.clear();
        }
    }
}
