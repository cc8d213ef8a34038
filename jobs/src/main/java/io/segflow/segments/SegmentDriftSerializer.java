package io.segflow.segments;

import io.segflow.model.SegmentDrift;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The trainer's drift figures ({@link SegmentDrift.State}), operator state of its own beside the
 * trainer's model so that a checkpoint written before drift was watched restores without it. Format
 * 1: whether a baseline was set, its version, the warm-up left, its updates, the recent updates,
 * the unstable checks in a row, then by segment: ids, baseline counts, baseline distance sums,
 * decayed recent weights, decayed recent distance sums, farther checks in a row.
 */
public final class SegmentDriftSerializer extends VersionedSerializer<SegmentDrift.State> {

    private static final long serialVersionUID = 1L;
    static final SegmentDriftSerializer INSTANCE = new SegmentDriftSerializer();

    @Override
    protected int format() {
        return 1;
    }

    @Override
    protected String what() {
        return "the segment trainer's drift figures";
    }

    @Override
    public SegmentDrift.State createInstance() {
        return new SegmentDrift.State();
    }

    @Override
    protected void write(SegmentDrift.State state, DataOutputView out) throws IOException {
        out.writeBoolean(state.baselineStarted);
        out.writeLong(state.baselineVersion);
        out.writeLong(state.warmUpLeft);
        out.writeLong(state.baselineUpdates);
        out.writeLong(state.recentUpdates);
        out.writeInt(state.unstableChecks);
        writeInts(state.segmentIds, out);
        writeDoubles(state.baselineCount, out);
        writeDoubles(state.baselineDistance, out);
        writeDoubles(state.recentWeight, out);
        writeDoubles(state.recentDistance, out);
        writeInts(state.fartherChecks, out);
    }

    @Override
    protected SegmentDrift.State read(int format, DataInputView in) throws IOException {
        SegmentDrift.State state = new SegmentDrift.State();
        state.baselineStarted = in.readBoolean();
        state.baselineVersion = in.readLong();
        state.warmUpLeft = in.readLong();
        state.baselineUpdates = in.readLong();
        state.recentUpdates = in.readLong();
        state.unstableChecks = in.readInt();
        state.segmentIds = readInts(in);
        state.baselineCount = readDoubles(in);
        state.baselineDistance = readDoubles(in);
        state.recentWeight = readDoubles(in);
        state.recentDistance = readDoubles(in);
        state.fartherChecks = readInts(in);
        return state;
    }

    @Override
    public TypeSerializerSnapshot<SegmentDrift.State> snapshotConfiguration() {
        return new SegmentDriftSnapshot();
    }

    /** Read back by class name from checkpoints: keep its name and package. */
    public static final class SegmentDriftSnapshot
            extends VersionedSerializer.Snapshot<SegmentDrift.State> {
        public SegmentDriftSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
