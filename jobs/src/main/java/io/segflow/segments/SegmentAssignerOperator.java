package io.segflow.segments;

import io.segflow.model.SegmentModel;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;

/**
 * The segment assigner as the stream runs it. A model version has every customer in state scored
 * again; done at once, that held the task for 0.5 to 3 s per subtask at 100,000 customers, while
 * profile updates queued behind it and, once the buffers between were full, held up the profile's
 * own rows (docs/benchmarks.md). Here the customers are scored again a slice at a time: at most
 * {@link #SLICE} of work, then as long for the events that wait, so that no event waits more than a
 * slice. Each customer is scored with the newest model when their turn comes; a version that comes
 * during a pass has another pass follow it, over every customer (those already passed were scored
 * with an older version). New customers are scored by their first update, with the model of the
 * moment.
 *
 * <p>A checkpoint taken during a pass records that one is due, with what the versions ask of it
 * ({@link Rescoring}); a job restored from it makes that pass. At the end of a bounded input the
 * pass under way is finished before the operator is.
 */
public final class SegmentAssignerOperator
        extends CoBroadcastWithKeyedOperator<Long, ProfileUpdate, SegmentModel, SegmentAssignment> {

    private static final long serialVersionUID = 1L;

    /** The longest the task scores customers again before it takes events again. */
    static final Duration SLICE = Duration.ofMillis(20);

    /** How often a slice looks at the clock: reading it costs more than scoring a customer. */
    private static final int CUSTOMERS_BETWEEN_CLOCK_READS = 64;

    private static final ListStateDescriptor<Tuple2<Boolean, int[]>> DUE =
            new ListStateDescriptor<>(
                    "segment-rescoring-due",
                    Types.TUPLE(Types.BOOLEAN, Types.PRIMITIVE_ARRAY(Types.INT)));

    private final SegmentAssigner assigner;
    private final long sliceNanos;

    /** The pass under way: the customers it goes through, the next one, what it asks. */
    private transient long[] customers;

    private transient int next;
    private transient Rescoring running;
    private transient Rescoring.Pass pass;

    /** What versions that came during the pass ask of the pass after it; null if none is due. */
    private transient Rescoring due;

    private transient boolean sliceScheduled;
    private transient ListState<Tuple2<Boolean, int[]>> dueState;
    private transient TimestampedCollector<SegmentAssignment> out;

    public SegmentAssignerOperator(SegmentAssigner assigner) {
        this(assigner, SLICE);
    }

    SegmentAssignerOperator(SegmentAssigner assigner, Duration slice) {
        super(assigner, List.of(SegmentAssigner.MODEL));
        this.assigner = assigner;
        this.sliceNanos = slice.toNanos();
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        // union: after a change of parallelism every subtask learns that a pass was due
        dueState = context.getOperatorStateStore().getUnionListState(DUE);
        for (Tuple2<Boolean, int[]> restored : dueState.get()) {
            Rescoring rescoring = new Rescoring(restored.f0, asSet(restored.f1));
            due = due == null ? rescoring : due.and(rescoring);
        }
    }

    @Override
    public void open() throws Exception {
        assigner.rescoreInSlices(this::versionArrived);
        super.open();
        out = new TimestampedCollector<>(output);
        out.eraseTimestamp();
        scheduleSliceIfOwed();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        dueState.clear();
        Rescoring owed = running == null ? due : due == null ? running : running.and(due);
        if (owed != null) {
            dueState.add(
                    Tuple2.of(
                            owed.rewriteAll(),
                            owed.renamed().stream().mapToInt(Integer::intValue).toArray()));
        }
    }

    @Override
    public void finish() throws Exception {
        // the input has ended: no event waits any longer, and no timer fires after this
        while (running != null || due != null) {
            slice(Long.MAX_VALUE);
        }
        super.finish();
    }

    /** A new model version is in the broadcast state: its pass starts now, or after this one. */
    private void versionArrived(Rescoring rescoring) throws Exception {
        due = due == null ? rescoring : due.and(rescoring);
        if (running == null) {
            slice(sliceNanos);
            scheduleSliceIfOwed();
        }
    }

    private void start(Rescoring rescoring) {
        // the keys as they are now: an iterator kept open across slices would fail on the heap
        // backend when a new customer arrives between them
        KeyedStateBackend<Long> backend = getKeyedStateBackend();
        try (Stream<Long> keys =
                backend.getKeys(SegmentAssigner.CUSTOMER.getName(), VoidNamespace.INSTANCE)) {
            customers = keys.mapToLong(Long::longValue).toArray();
        }
        next = 0;
        running = rescoring;
        pass = new Rescoring.Pass();
    }

    /** Scores customers of the pass under way (or of the one due) for about {@code budgetNanos}. */
    private void slice(long budgetNanos) throws Exception {
        if (running == null) {
            if (due == null) {
                return;
            }
            start(due);
            due = null;
        }
        long started = System.nanoTime();
        SegmentModel model =
                getOperatorStateBackend()
                        .getBroadcastState(SegmentAssigner.MODEL)
                        .get(SegmentAssigner.CURRENT);
        long at = getProcessingTimeService().getCurrentProcessingTime();
        while (next < customers.length) {
            long customerId = customers[next++];
            setCurrentKey(customerId);
            assigner.rescore(customerId, assigner.customers(), model, running, at, pass, out);
            if (next % CUSTOMERS_BETWEEN_CLOCK_READS == 0
                    && System.nanoTime() - started > budgetNanos) {
                break;
            }
        }
        pass.busyNanos += System.nanoTime() - started;
        if (next == customers.length) {
            pass.log(model, running);
            running = null;
            customers = null;
        }
    }

    /** The next slice after a pause as long as a slice, in which the task takes its events. */
    private void scheduleSliceIfOwed() {
        if (!sliceScheduled && (running != null || due != null)) {
            sliceScheduled = true;
            ProcessingTimeService time = getProcessingTimeService();
            time.registerTimer(
                    time.getCurrentProcessingTime() + Math.max(1, sliceNanos / 1_000_000),
                    timestamp -> {
                        sliceScheduled = false;
                        slice(sliceNanos);
                        scheduleSliceIfOwed();
                    });
        }
    }

    private static Set<Integer> asSet(int[] ids) {
        Set<Integer> set = new HashSet<>();
        Arrays.stream(ids).forEach(set::add);
        return set;
    }
}
