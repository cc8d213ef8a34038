package io.segflow.infra;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.WrappingFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.InputTypeConfigurable;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.sink.legacy.SinkFunction;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.util.ExceptionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC connector's sink function, writing every {@code --jdbc-flush-interval} with an undo log,
 * and whose {@code close()} cannot take the TaskManager down.
 *
 * <p>Writing between checkpoints leaves rows the restored job's replay may never make again (a
 * change folded upstream of the row's key, a customer created and deleted after the checkpoint). So
 * with a primary key and a flush interval ({@link Undo}) the sink drives the connector's writes
 * itself: each write first records in {@link UndoLog} what the keys it writes hold now, for the
 * epoch (the next checkpoint), then lets the connector write. A completed checkpoint forgets its
 * epochs; a restored job puts every row written after its checkpoint back before it writes ({@code
 * open}). The connector's own timed flush is off ({@link GuardedJdbcTableFactory}): it would write
 * without recording.
 *
 * <p>Those writes do not stop the task: {@code invoke} only keeps the latest row per key, and a
 * writer thread of the sink's own takes them all (every interval, or as soon as {@code maxRows}
 * keys wait), records, and hands them to the connector while the next rows gather. Only that thread
 * and the checkpoint touch the connector, one at a time ({@code writing}); a checkpoint waits for
 * the write in flight and writes the rest itself, so it holds every row before its barrier. When
 * the database is slower than the input, {@code invoke} waits once {@link #WAITING_KEYS_LIMIT} keys
 * wait: memory stays bounded, and the backpressure reaches the sources.
 *
 * <p>Two defects meet when the database goes away. flink-connector-jdbc 4.0.0's {@code
 * JdbcOutputFormat.flush()} answers a failed batch by closing its statements and reconnecting
 * ({@code updateExecutor}); when the reconnect fails too, the statements stay closed, and {@code
 * close()} flushes the buffered rows once more: a NullPointerException ("statement is null"), or
 * the reconnect's own failure, thrown out of {@code close()}. Flink 2.2 closes a failed task's
 * operators inside its failure handler ({@code Task.doRun}), where anything thrown is "FATAL -
 * exception in exception handler": the TaskExecutor terminates, and a local MiniCluster is left
 * without its only TaskManager, restarting the job forever with no slots.
 *
 * <p>So {@code close()} logs instead of throwing, unless the input ended ({@code finish()}): a
 * bounded run's last rows are written in that {@code close()}, and not writing them must fail the
 * job. What a failed or cancelled task's {@code close()} could not write is not lost: the job
 * resumes from the last checkpoint, reading those rows' input again.
 *
 * <p>Flink 2.2 has more operators whose {@code close()} throws when their task is cancelled before
 * it opened them (MiniBatchStreamingJoinOperator: "this.leftBuffer is null"), with the same fatal
 * end. A sink that fails to open while the database is away would make every restart such a
 * cancellation, as long as the outage lasts. So {@code open()} waits for the database instead, as
 * long as connecting fails for want of a server: the restarted job stays in INITIALIZING, nothing
 * fails, and it goes on once the database is back. Other failures (a wrong password, a missing
 * table) fail at once.
 */
final class GuardedJdbcSinkFunction<T> extends WrappingFunction<SinkFunction<T>>
        implements SinkFunction<T>,
                InputTypeConfigurable,
                CheckpointedFunction,
                CheckpointListener {

    /**
     * How a sink that writes between checkpoints undoes that after a restore ({@link UndoLog}): the
     * table's key (names, positions, types), where the database is, and how often to write: every
     * {@code flushIntervalMillis}, and whenever {@code maxRows} keys wait (0: no such limit);
     * {@code rowType}: the sink's rows, to copy them.
     */
    record Undo(
            RowType rowType,
            String databaseTable,
            List<String> keyColumns,
            int[] keyPositions,
            LogicalType[] keyTypes,
            String url,
            String user,
            String password,
            long flushIntervalMillis,
            long maxRows)
            implements Serializable {}

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(GuardedJdbcSinkFunction.class);

    private static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    private static final Duration LONGEST_WAIT = Duration.ofSeconds(30);

    /**
     * Keys that may wait for the writer before {@code invoke} waits too (unless the user's {@code
     * maxRows} is higher): about 10 MB of profile rows a subtask.
     */
    static final int WAITING_KEYS_LIMIT = 10_000;

    /** How long {@code close} gives a write in flight before closing the connector under it. */
    private static final Duration WRITE_IN_FLIGHT_ON_CLOSE = Duration.ofSeconds(10);

    private final String table;
    private final Undo undo;
    private transient boolean inputEnded;
    private transient UndoLog undoLog;
    private transient Connection undoConnection;
    private transient String attempt;
    private transient Connection forgetConnection;
    private transient ExecutorService forgetter;
    private final AtomicLong forgetUpTo = new AtomicLong(Long.MIN_VALUE);
    private final AtomicBoolean forgetPending = new AtomicBoolean();
    private transient long epoch;
    private transient long restoredCheckpoint;
    private transient RowData.FieldGetter[] keyGetters;

    /** Copies a row kept beyond {@code invoke} when object reuse may hand the same one again. */
    private transient RowDataSerializer copier;

    private transient ScheduledExecutorService writer;
    private transient volatile Exception writeFailure;

    /** Guards {@code waiting} and {@code writeRequested}; never held while the database works. */
    private transient Object waitingLock;

    /** The latest row of every key not handed to the connector yet. */
    private transient Map<List<Object>, T> waiting;

    private transient boolean writeRequested;

    /** Waiting keys that start a write, and that make {@code invoke} wait for one. */
    private transient long writeAt;

    private transient long waitingLimit;

    /** Held by whoever hands rows to the connector and flushes it: the writer or a checkpoint. */
    private transient ReentrantLock writing;

    GuardedJdbcSinkFunction(SinkFunction<T> connectorFunction, String table) {
        this(connectorFunction, table, null);
    }

    /** With {@code undo}: written every interval, undone after a restore; null: at checkpoints. */
    GuardedJdbcSinkFunction(SinkFunction<T> connectorFunction, String table, Undo undo) {
        super(connectorFunction);
        this.table = table;
        this.undo = undo;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        if (wrappedFunction instanceof CheckpointedFunction inner) {
            inner.initializeState(context);
        }
        if (undo == null) {
            return;
        }
        waitingLock = new Object();
        writeAt = undo.maxRows() > 0 ? undo.maxRows() : WAITING_KEYS_LIMIT;
        waitingLimit = Math.max(WAITING_KEYS_LIMIT, writeAt);
        waiting = new HashMap<>();
        writing = new ReentrantLock();
        undoLog = new UndoLog(undo.databaseTable(), undo.keyColumns());
        restoredCheckpoint =
                context.isRestored() ? context.getRestoredCheckpointId().orElse(0L) : -1;
        epoch = Math.max(restoredCheckpoint, 0) + 1;
    }

    /**
     * Before anything is written: a restored run puts the table back where its checkpoint left it;
     * a fresh one forgets what earlier runs recorded. Every subtask of one run (one job, one
     * restore, one attempt) shares the attempt name, so that none undoes what another wrote.
     */
    private void rewindOrForget() throws SQLException {
        attempt =
                getRuntimeContext().getJobInfo().getJobId()
                        + "/"
                        + restoredCheckpoint
                        + "/"
                        + getRuntimeContext().getTaskInfo().getAttemptNumber();
        UndoLog.create(undoConnection);
        if (restoredCheckpoint < 0) {
            undoLog.forgetOtherRuns(undoConnection, attempt);
            return;
        }
        int rewound = undoLog.rewind(undoConnection, restoredCheckpoint, attempt);
        if (rewound > 0) {
            LOG.info(
                    "{}: {} rows written after checkpoint {} put back as it left them",
                    table,
                    rewound,
                    restoredCheckpoint);
        }
    }

    private Connection connectUndo() throws SQLException {
        return DriverManager.getConnection(undo.url(), undo.user(), undo.password());
    }

    /**
     * Every row that came before the barrier is in the database when this returns: the write in
     * flight is waited for, the rest written here, recorded for this checkpoint's epoch.
     */
    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        if (undo == null) {
            if (wrappedFunction instanceof CheckpointedFunction inner) {
                inner.snapshotState(context);
            }
            return;
        }
        writing.lock();
        try {
            throwIfWriteFailed();
            handOverWaiting(context.getCheckpointId());
            ((CheckpointedFunction) wrappedFunction).snapshotState(context);
            epoch = context.getCheckpointId() + 1;
        } finally {
            writing.unlock();
        }
    }

    /**
     * The checkpoint's writes are for good. Not forgetting them (the database is away) is harmless:
     * the next completed checkpoint forgets every epoch up to it.
     *
     * <p>Subtask 0 forgets for all of the table's subtasks: once the checkpoint is complete, every
     * subtask's rows of its epochs are final. When every subtask deleted the table's rows, two
     * deletes of the same rows in different orders deadlocked in PostgreSQL (five times in a
     * 100,000-customer run), and each row was deleted as many times as there are subtasks.
     */
    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        if (undo != null && getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
            // on a thread of its own: the DELETE of a checkpoint interval's undo rows (some 20,000
            // at 100,000 customers and 2,000 events/s) held the task, and every record behind it
            forgetUpTo.accumulateAndGet(checkpointId, Math::max);
            if (forgetPending.compareAndSet(false, true)) {
                forgetter.execute(this::forgetCompleted);
            }
        }
    }

    /** Threads of this sink that do not keep the JVM alive: {@code segflow-jdbc-<role>-<table>}. */
    private ThreadFactory daemonThreads(String role) {
        return r -> {
            Thread thread = new Thread(r, "segflow-jdbc-" + role + "-" + table);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** On the forgetter's thread: forgets up to the newest completed checkpoint. */
    private void forgetCompleted() {
        forgetPending.set(false);
        long checkpointId = forgetUpTo.get();
        // a connection of its own: the writer may be recording on the other one right now
        try {
            if (forgetConnection == null) {
                forgetConnection = connectUndo();
            }
            undoLog.forget(forgetConnection, checkpointId);
        } catch (SQLException e) {
            forgetConnection = closeQuietly(forgetConnection);
            LOG.warn(
                    "{}: could not forget the undo rows up to checkpoint {} ({}); the next"
                            + " checkpoint will",
                    table,
                    checkpointId,
                    e.getMessage());
        }
    }

    /** The undo log's connection, opened again after a failure (the database went away). */
    private Connection undoConnection() throws SQLException {
        if (undoConnection == null) {
            undoConnection = connectUndo();
        }
        return undoConnection;
    }

    private void dropUndoConnection() {
        undoConnection = closeQuietly(undoConnection);
    }

    private static Connection closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is broken already
            }
        }
        return null;
    }

    private void throwIfWriteFailed() throws IOException {
        if (writeFailure != null) {
            throw new IOException(table + ": writing to the database failed", writeFailure);
        }
    }

    /** A write on the writer's thread: a failure fails the next invoke or checkpoint. */
    private void writeBetweenCheckpoints() {
        writing.lock();
        try {
            if (writeFailure != null) {
                return; // the task fails on its next record or checkpoint, and resumes
            }
            handOverWaiting(epoch);
        } catch (Exception e) {
            writeFailure = e;
            synchronized (waitingLock) {
                waitingLock.notifyAll();
            }
        } finally {
            writing.unlock();
        }
    }

    /**
     * Holding {@code writing}: takes the waiting rows, records what their keys hold now for the
     * epoch, and lets the connector write them.
     */
    private void handOverWaiting(long forEpoch) throws Exception {
        Map<List<Object>, T> rows;
        synchronized (waitingLock) {
            writeRequested = false;
            if (waiting.isEmpty()) {
                return;
            }
            rows = waiting;
            waiting = new HashMap<>();
            waitingLock.notifyAll();
        }
        try {
            undoLog.record(undoConnection(), attempt, forEpoch, keysJson(rows.keySet()));
        } catch (SQLException e) {
            dropUndoConnection();
            throw e;
        }
        for (T row : rows.values()) {
            // the connector's invoke buffers the row; its context is not used
            wrappedFunction.invoke(row, null);
        }
        // the connector's snapshotState is its flush
        ((CheckpointedFunction) wrappedFunction).snapshotState(null);
    }

    /** The keys as a JSON array of objects of the key columns (what UndoLog matches on). */
    private String keysJson(Iterable<List<Object>> keys) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (List<Object> key : keys) {
            ObjectNode object = array.addObject();
            for (int i = 0; i < key.size(); i++) {
                String column = undo.keyColumns().get(i);
                Object value = key.get(i);
                if (value == null) {
                    object.putNull(column);
                } else if (value instanceof Long number) {
                    object.put(column, number);
                } else if (value instanceof Integer number) {
                    object.put(column, number);
                } else if (value instanceof Number number) {
                    object.put(column, number.doubleValue());
                } else {
                    object.put(column, value.toString());
                }
            }
        }
        return array.toString();
    }

    private List<Object> keyOf(RowData row) {
        Object[] values = new Object[keyGetters.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = keyGetters[i].getFieldOrNull(row);
        }
        return Arrays.asList(values);
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        whenReachable(
                table,
                () -> {
                    super.open(openContext);
                    return null;
                });
        if (undo != null) {
            undoConnection = whenReachable(table, this::connectUndo);
            rewindOrForget();
            if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
                LOG.info(
                        "{}: written every {} ms, with an undo log ({}) for an exact resume",
                        table,
                        undo.flushIntervalMillis(),
                        UndoLog.TABLE);
            }
            copier =
                    getRuntimeContext().isObjectReuseEnabled()
                            ? new RowDataSerializer(undo.rowType())
                            : null;
            keyGetters = new RowData.FieldGetter[undo.keyPositions().length];
            for (int i = 0; i < keyGetters.length; i++) {
                keyGetters[i] =
                        RowData.createFieldGetter(undo.keyTypes()[i], undo.keyPositions()[i]);
            }
            writer = Executors.newSingleThreadScheduledExecutor(daemonThreads("write"));
            if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
                // subtask 0 forgets the completed checkpoints' undo rows for all of them
                forgetter = Executors.newSingleThreadExecutor(daemonThreads("forget"));
            }
            writer.scheduleWithFixedDelay(
                    this::writeBetweenCheckpoints,
                    undo.flushIntervalMillis(),
                    undo.flushIntervalMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * What {@code open} returns, called again as long as it fails for want of a server (1 s, 2 s, 4
     * s, ... then every 30 s, a WARN line each time naming {@code table}); any other failure is
     * thrown at once. Cancelling the task interrupts the wait.
     */
    static <T> T whenReachable(String table, Callable<T> open) throws Exception {
        Duration wait = FIRST_WAIT;
        while (true) {
            try {
                return open.call();
            } catch (Exception failure) {
                if (!databaseUnreachable(failure)) {
                    throw failure;
                }
                LOG.warn(
                        "{}: cannot reach the database ({}); trying again in {} s",
                        table,
                        ExceptionUtils.findThrowable(failure, SQLException.class)
                                .map(Throwable::getMessage)
                                .orElse(failure.toString()),
                        wait.toSeconds());
                Thread.sleep(wait.toMillis());
                wait =
                        wait.multipliedBy(2).compareTo(LONGEST_WAIT) > 0
                                ? LONGEST_WAIT
                                : wait.multipliedBy(2);
            }
        }
    }

    /**
     * Whether connecting failed because no server answered: refused, timed out, unknown host, or a
     * PostgreSQL that is starting up or shutting down. Such a failure happens before the connector
     * keeps a connection, so opening again starts afresh.
     */
    static boolean databaseUnreachable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException
                    || cause instanceof NoRouteToHostException
                    || cause instanceof UnknownHostException
                    || cause instanceof SocketTimeoutException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08001: unable to connect, 08004: connection rejected, 08006: connection lost,
                // 57P01/57P03: shutting down / starting up; not 08003, a connection already closed
                if (state.equals("08001")
                        || state.equals("08004")
                        || state.equals("08006")
                        || state.equals("57P01")
                        || state.equals("57P03")) {
                    return true;
                }
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    @Override
    public void invoke(T value, Context context) throws Exception {
        if (undo == null) {
            wrappedFunction.invoke(value, context);
            return;
        }
        throwIfWriteFailed();
        // kept beyond this call: a copy when the runtime may hand the same object again
        @SuppressWarnings("unchecked")
        T row = copier == null ? value : (T) copier.copy((RowData) value);
        List<Object> key = keyOf((RowData) row);
        synchronized (waitingLock) {
            while (waiting.size() >= waitingLimit
                    && !waiting.containsKey(key)
                    && writeFailure == null) {
                requestWrite();
                waitingLock.wait();
            }
            throwIfWriteFailed();
            waiting.put(key, row);
            if (waiting.size() >= writeAt) {
                requestWrite();
            }
        }
    }

    /** Under {@code waitingLock}: the writer writes as soon as it is free, once per request. */
    private void requestWrite() {
        if (!writeRequested) {
            writeRequested = true;
            writer.execute(this::writeBetweenCheckpoints);
        }
    }

    @Override
    public void writeWatermark(Watermark watermark) throws Exception {
        wrappedFunction.writeWatermark(watermark);
    }

    @Override
    public void finish() throws Exception {
        inputEnded = true;
        if (undo != null) {
            writing.lock();
            try {
                throwIfWriteFailed();
                handOverWaiting(epoch);
            } finally {
                writing.unlock();
            }
        }
        wrappedFunction.finish();
    }

    @Override
    public void setInputType(TypeInformation<?> type, ExecutionConfig executionConfig) {
        if (wrappedFunction instanceof InputTypeConfigurable configurable) {
            configurable.setInputType(type, executionConfig);
        }
    }

    @Override
    public void close() throws Exception {
        if (writer != null) {
            writer.shutdownNow();
            // a write of rows the resumed job writes again anyway; not waited for without end,
            // since a database that went away can hold it for long
            writer.awaitTermination(WRITE_IN_FLIGHT_ON_CLOSE.toMillis(), TimeUnit.MILLISECONDS);
        }
        dropUndoConnection();
        if (forgetter != null) {
            // what it does not forget now, the next run's first completed checkpoint does
            forgetter.shutdownNow();
            forgetter.awaitTermination(WRITE_IN_FLIGHT_ON_CLOSE.toMillis(), TimeUnit.MILLISECONDS);
        }
        forgetConnection = closeQuietly(forgetConnection);
        try {
            super.close();
        } catch (Throwable failure) {
            ExceptionUtils.rethrowIfFatalError(failure);
            if (inputEnded) {
                throw failure;
            }
            LOG.warn(
                    "{}: rows buffered since the last checkpoint were not written while the task"
                            + " stopped; the job writes them again when it resumes from that"
                            + " checkpoint",
                    table,
                    failure);
        }
    }
}
