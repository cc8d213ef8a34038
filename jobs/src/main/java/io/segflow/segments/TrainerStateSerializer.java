package io.segflow.segments;

import io.segflow.model.FeatureScaling;
import io.segflow.model.MiniBatchKMeans;
import io.segflow.model.SegmentModel;
import io.segflow.model.StreamingModel;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The trainer's operator state: its sample of customers, the model and its bookkeeping. Format 1:
 * the fields of {@link StreamingModel.State} in their declared order up to {@code settled}; format
 * 2 adds the last fit check (a flag, then inertia per customer, the batch fit's, customers); format
 * 3 the mixture being learned (a flag, then the model as {@link SegmentModelSerializer} writes it,
 * its own format first) and its batches so far; format 4 the last version made (a flag, then the
 * model the same way), when, and whether a version was held back since.
 */
public final class TrainerStateSerializer extends VersionedSerializer<StreamingModel.State> {

    private static final long serialVersionUID = 1L;
    static final TrainerStateSerializer INSTANCE = new TrainerStateSerializer();

    @Override
    protected int format() {
        return 4;
    }

    @Override
    protected String what() {
        return "the segment trainer's state";
    }

    /**
     * The state is a snapshot the model made for this checkpoint ({@link StreamingModel#state}),
     * which nothing changes afterwards. Flink's operator state copies it in the checkpoint's
     * synchronous phase; copied by writing and reading it back (50,000 sampled profiles by default)
     * it held the trainer at every checkpoint, and through it the profile's updates.
     */
    @Override
    public StreamingModel.State copy(StreamingModel.State from) {
        return from;
    }

    @Override
    public StreamingModel.State createInstance() {
        return new StreamingModel.State();
    }

    @Override
    protected void write(StreamingModel.State state, DataOutputView out) throws IOException {
        writeLongs(state.sampleIds, out);
        out.writeInt(state.sampleProfiles == null ? -1 : state.sampleProfiles.length);
        if (state.sampleProfiles != null) {
            for (double[] profile : state.sampleProfiles) {
                writeDoubles(profile, out);
            }
        }
        out.writeLong(state.customersOffered);
        out.writeBoolean(state.scaling != null);
        if (state.scaling != null) {
            writeDoubles(state.scaling.mean(), out);
            writeDoubles(state.scaling.stdDev(), out);
        }
        out.writeBoolean(state.model != null);
        if (state.model != null) {
            MiniBatchKMeans.State model = state.model;
            out.writeInt(model.dimensions());
            writeDoubles(model.centres(), out);
            writeDoubles(model.counts(), out);
            out.writeLong(model.pointsSeen());
            out.writeLong(model.batches());
            out.writeDouble(model.inertia());
            out.writeLong(model.randomSeed());
        }
        out.writeLong(state.version);
        out.writeLong(state.pending);
        out.writeLong(state.changedSinceFitCheck);
        out.writeLong(state.firstUpdateAt);
        writeInts(state.segmentIds, out);
        writeStrings(state.segmentNames, out);
        out.writeInt(state.highestSegmentId);
        out.writeLong(state.lastAdoptedVersion);
        out.writeBoolean(state.settled);
        out.writeBoolean(state.fitCheck != null);
        if (state.fitCheck != null) {
            out.writeDouble(state.fitCheck.inertiaPerCustomer());
            out.writeDouble(state.fitCheck.batchInertiaPerCustomer());
            out.writeInt(state.fitCheck.customers());
        }
        out.writeBoolean(state.mixture != null);
        if (state.mixture != null) {
            SegmentModelSerializer.INSTANCE.serialize(state.mixture, out);
            out.writeLong(state.mixtureBatches);
        }
        out.writeBoolean(state.lastEmitted != null);
        if (state.lastEmitted != null) {
            SegmentModelSerializer.INSTANCE.serialize(state.lastEmitted, out);
        }
        out.writeLong(state.lastEmittedAt);
        out.writeBoolean(state.withheld);
    }

    @Override
    protected StreamingModel.State read(int format, DataInputView in) throws IOException {
        StreamingModel.State state = new StreamingModel.State();
        state.sampleIds = readLongs(in);
        int profiles = in.readInt();
        if (profiles >= 0) {
            state.sampleProfiles = new double[profiles][];
            for (int i = 0; i < profiles; i++) {
                state.sampleProfiles[i] = readDoubles(in);
            }
        }
        state.customersOffered = in.readLong();
        if (in.readBoolean()) {
            state.scaling = new FeatureScaling(readDoubles(in), readDoubles(in));
        }
        if (in.readBoolean()) {
            state.model =
                    new MiniBatchKMeans.State(
                            in.readInt(),
                            readDoubles(in),
                            readDoubles(in),
                            in.readLong(),
                            in.readLong(),
                            in.readDouble(),
                            in.readLong());
        }
        state.version = in.readLong();
        state.pending = in.readLong();
        state.changedSinceFitCheck = in.readLong();
        state.firstUpdateAt = in.readLong();
        state.segmentIds = readInts(in);
        state.segmentNames = readStrings(in);
        state.highestSegmentId = in.readInt();
        state.lastAdoptedVersion = in.readLong();
        state.settled = in.readBoolean();
        if (format >= 2 && in.readBoolean()) {
            state.fitCheck =
                    new SegmentModel.FitCheck(in.readDouble(), in.readDouble(), in.readInt());
        }
        if (format >= 3 && in.readBoolean()) {
            state.mixture = SegmentModelSerializer.INSTANCE.deserialize(in);
            state.mixtureBatches = in.readLong();
        }
        if (format >= 4) {
            if (in.readBoolean()) {
                state.lastEmitted = SegmentModelSerializer.INSTANCE.deserialize(in);
            }
            state.lastEmittedAt = in.readLong();
            state.withheld = in.readBoolean();
        }
        return state;
    }

    @Override
    public TypeSerializerSnapshot<StreamingModel.State> snapshotConfiguration() {
        return new TrainerStateSnapshot();
    }

    /** Read back by class name from checkpoints: keep its name and package. */
    public static final class TrainerStateSnapshot
            extends VersionedSerializer.Snapshot<StreamingModel.State> {
        public TrainerStateSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
