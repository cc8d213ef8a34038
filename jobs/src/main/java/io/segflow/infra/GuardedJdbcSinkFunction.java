package io.segflow.infra;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.WrappingFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.InputTypeConfigurable;
import org.apache.flink.streaming.api.functions.sink.legacy.SinkFunction;
import org.apache.flink.util.ExceptionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC connector's sink function, whose {@code close()} cannot take the TaskManager down.
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
 * job. What a failed or cancelled task's {@code close()} could not write is not lost: the sink
 * writes everything at each checkpoint, and the job resumes from the last one, reading those rows'
 * input again.
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
        implements SinkFunction<T>, InputTypeConfigurable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(GuardedJdbcSinkFunction.class);

    private static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    private static final Duration LONGEST_WAIT = Duration.ofSeconds(30);

    private final String table;
    private transient boolean inputEnded;

    GuardedJdbcSinkFunction(SinkFunction<T> connectorFunction, String table) {
        super(connectorFunction);
        this.table = table;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        whenReachable(
                table,
                () -> {
                    super.open(openContext);
                    return null;
                });
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
        wrappedFunction.invoke(value, context);
    }

    @Override
    public void writeWatermark(Watermark watermark) throws Exception {
        wrappedFunction.writeWatermark(watermark);
    }

    @Override
    public void finish() throws Exception {
        inputEnded = true;
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
