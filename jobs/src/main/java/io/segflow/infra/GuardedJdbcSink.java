package io.segflow.infra;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.jdbc.core.datastream.sink.committer.JdbcCommitable;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriterState;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.util.ExceptionUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC connector's DataStream sink ({@link JdbcSink}, at least once) with the guard of {@link
 * GuardedJdbcSinkFunction}: its writer's {@code close()} cannot take the TaskManager down, and
 * creating the writer waits for an unreachable database.
 *
 * <p>The connector's {@code JdbcWriter} writes through the same {@code JdbcOutputFormat} as its
 * table sink, so it has the same defect (flink-connector-jdbc 4.0.0): after a batch fails and the
 * reconnect fails too, {@code close()} flushes the buffered rows once more and throws ("statement
 * is null"), inside Flink's failure handling of the task, and the TaskExecutor terminates. A
 * by-hand database outage of {@code run} showed it: the table sinks logged and went on, while the
 * dead-letter erasure's writer, chained with them, took the local TaskManager down.
 *
 * <p>Everything else (the committer, the serializers, hence the checkpointed state) is the
 * connector's own, so a checkpoint of the unguarded sink restores into this one.
 */
public final class GuardedJdbcSink<IN>
        implements Sink<IN>,
                SupportsWriterState<IN, JdbcWriterState>,
                SupportsCommitter<JdbcCommitable> {

    private static final long serialVersionUID = 1L;

    private final JdbcSink<IN> connectorSink;
    private final String name;

    private GuardedJdbcSink(JdbcSink<IN> connectorSink, String name) {
        this.connectorSink = connectorSink;
        this.name = name;
    }

    /** The connector's sink, guarded; {@code name} names it in the log. */
    public static <IN> GuardedJdbcSink<IN> of(JdbcSink<IN> connectorSink, String name) {
        return new GuardedJdbcSink<>(connectorSink, name);
    }

    @Override
    public GuardedWriter<IN, ?> createWriter(WriterInitContext context) throws IOException {
        return restoreWriter(context, List.of());
    }

    @Override
    public GuardedWriter<IN, ?> restoreWriter(
            WriterInitContext context, Collection<JdbcWriterState> recoveredState)
            throws IOException {
        try {
            return new GuardedWriter<>(
                    GuardedJdbcSinkFunction.whenReachable(
                            name, () -> connectorSink.restoreWriter(context, recoveredState)),
                    name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(name + ": cancelled while waiting for the database", e);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    @Override
    public SimpleVersionedSerializer<JdbcWriterState> getWriterStateSerializer() {
        return connectorSink.getWriterStateSerializer();
    }

    @Override
    public Committer<JdbcCommitable> createCommitter(CommitterInitContext context)
            throws IOException {
        return connectorSink.createCommitter(context);
    }

    @Override
    public SimpleVersionedSerializer<JdbcCommitable> getCommittableSerializer() {
        return connectorSink.getCommittableSerializer();
    }

    /**
     * The connector's writer, whose {@code close()} logs instead of throwing unless the input ended
     * (then the last rows were to be written, and not writing them must fail the job). What a
     * failed task's writer could not write is written again: the job resumes from its last
     * checkpoint, and every write happened at a checkpoint.
     */
    static final class GuardedWriter<
                    IN,
                    W extends
                            StatefulSinkWriter<IN, JdbcWriterState>
                                    & CommittingSinkWriter<IN, JdbcCommitable>>
            implements StatefulSinkWriter<IN, JdbcWriterState>,
                    CommittingSinkWriter<IN, JdbcCommitable> {

        private static final Logger LOG = LoggerFactory.getLogger(GuardedJdbcSink.class);

        private final W connectorWriter;
        private final String name;
        private boolean inputEnded;

        GuardedWriter(W connectorWriter, String name) {
            this.connectorWriter = connectorWriter;
            this.name = name;
        }

        @Override
        public void write(IN element, Context context) throws IOException, InterruptedException {
            connectorWriter.write(element, context);
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            inputEnded |= endOfInput;
            connectorWriter.flush(endOfInput);
        }

        @Override
        public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
            connectorWriter.writeWatermark(watermark);
        }

        @Override
        public List<JdbcWriterState> snapshotState(long checkpointId) throws IOException {
            return connectorWriter.snapshotState(checkpointId);
        }

        @Override
        public Collection<JdbcCommitable> prepareCommit() throws IOException, InterruptedException {
            return connectorWriter.prepareCommit();
        }

        @Override
        public void close() throws Exception {
            try {
                connectorWriter.close();
            } catch (Throwable failure) {
                ExceptionUtils.rethrowIfFatalError(failure);
                if (inputEnded) {
                    throw failure;
                }
                LOG.warn(
                        "{}: statements buffered since the last checkpoint were not run while the"
                                + " task stopped; the job runs them again when it resumes from"
                                + " that checkpoint",
                        name,
                        failure);
            }
        }
    }
}
