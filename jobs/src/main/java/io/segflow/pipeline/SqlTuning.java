package io.segflow.pipeline;

import java.time.Duration;
import org.apache.flink.table.api.TableConfig;
import org.apache.flink.table.api.config.ExecutionConfigOptions;

/**
 * How the planner runs segflow's SQL. Each choice is measured in docs/benchmarks.md.
 *
 * <p>Mini-batch: a profile is the sum of many small changes (every event moves a count), and
 * without mini-batch every one of them travels alone through every aggregation and join down to the
 * database. Buffered for {@link JobSettings#miniBatchLatency()}, the changes of one key are folded
 * into one, and the state is read and written once per key and batch instead of once per record.
 *
 * <p>Batches end only when that time is up, never early at a record count: a batch then holds
 * everything every upstream operator emitted before the same moment (the batch boundaries travel
 * with the records, like watermarks), so an update, which an operator sends as a retraction and its
 * replacement, is never cut in two, and a customer's row is never seen without the rows that came
 * before it. That is what keeps a customer's profile from being deleted and inserted again by an
 * update (see 50_features.sql). It also keeps away from a Flink 2.2 mini-batch join that loses a
 * delete when two changes of one key reach it within one batch (FLINK-40681).
 */
final class SqlTuning {

    /**
     * Records buffered at most per operator: so many that no batch is ever flushed early by count
     * (a batch holds what arrives within the latency, a few thousand records).
     */
    static final long MINI_BATCH_SIZE = Long.MAX_VALUE;

    private SqlTuning() {}

    static void apply(TableConfig config, JobSettings settings) {
        Duration latency = settings.miniBatchLatency();
        if (!latency.isZero()) {
            config.set(ExecutionConfigOptions.TABLE_EXEC_MINIBATCH_ENABLED, true);
            config.set(ExecutionConfigOptions.TABLE_EXEC_MINIBATCH_ALLOW_LATENCY, latency);
            config.set(ExecutionConfigOptions.TABLE_EXEC_MINIBATCH_SIZE, MINI_BATCH_SIZE);
        }
    }
}
