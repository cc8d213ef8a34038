package io.segflow.segments;

import io.segflow.model.FeatureScaling;
import io.segflow.model.SegmentMixture;
import io.segflow.model.SegmentModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A model version between the trainer and the assigners, and in the assigners' broadcast state.
 * Format 1: version, trained by, features, scaling, standardised centres, counts, inertia, points
 * seen, segment ids and names, sizes (or none). Format 2 adds the fit check: a flag, then inertia
 * per customer, the batch fit's, and the customers compared. Format 3 adds the mixture: a flag,
 * then the rotation's centre, its axes, and per component its weight, mean and variances. Format 4
 * adds the mean distance of the version's customers to each centre (or none).
 */
public final class SegmentModelSerializer extends VersionedSerializer<SegmentModel> {

    private static final long serialVersionUID = 1L;
    static final SegmentModelSerializer INSTANCE = new SegmentModelSerializer();

    @Override
    protected int format() {
        return 4;
    }

    @Override
    protected String what() {
        return "a segment model";
    }

    @Override
    public boolean isImmutableType() {
        return true; // a SegmentModel never changes; withSizes makes a new one
    }

    @Override
    public SegmentModel copy(SegmentModel from) {
        return from;
    }

    @Override
    protected void write(SegmentModel model, DataOutputView out) throws IOException {
        out.writeLong(model.version());
        writeString(model.trainedBy(), out);
        out.writeInt(model.features().size());
        for (String feature : model.features()) {
            out.writeUTF(feature);
        }
        writeDoubles(model.scaling().mean(), out);
        writeDoubles(model.scaling().stdDev(), out);
        int k = model.k();
        double[] centres = new double[k * model.dimensions()];
        for (int c = 0; c < k; c++) {
            System.arraycopy(
                    model.standardisedCentroid(c),
                    0,
                    centres,
                    c * model.dimensions(),
                    model.dimensions());
        }
        writeDoubles(centres, out);
        writeDoubles(model.counts(), out);
        out.writeDouble(model.inertia());
        out.writeLong(model.pointsSeen());
        int[] ids = new int[k];
        for (int c = 0; c < k; c++) {
            ids[c] = model.segmentId(c);
        }
        writeInts(ids, out);
        writeStrings(model.segmentNames().toArray(new String[0]), out);
        writeLongs(model.sizes(), out);
        SegmentModel.FitCheck check = model.fitCheck();
        out.writeBoolean(check != null);
        if (check != null) {
            out.writeDouble(check.inertiaPerCustomer());
            out.writeDouble(check.batchInertiaPerCustomer());
            out.writeInt(check.customers());
        }
        SegmentMixture mixture = model.mixture();
        out.writeBoolean(mixture != null);
        if (mixture != null) {
            writeDoubles(mixture.centre(), out);
            writeRows(mixture.axes(), out);
            writeDoubles(mixture.weights(), out);
            writeRows(mixture.means(), out);
            writeRows(mixture.variances(), out);
        }
        writeDoubles(model.meanDistances(), out);
    }

    private static void writeRows(double[][] rows, DataOutputView out) throws IOException {
        out.writeInt(rows.length);
        for (double[] row : rows) {
            writeDoubles(row, out);
        }
    }

    private static double[][] readRows(DataInputView in) throws IOException {
        double[][] rows = new double[in.readInt()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = readDoubles(in);
        }
        return rows;
    }

    @Override
    protected SegmentModel read(int format, DataInputView in) throws IOException {
        long version = in.readLong();
        String trainedBy = readString(in);
        int d = in.readInt();
        List<String> features = new ArrayList<>(d);
        for (int j = 0; j < d; j++) {
            features.add(in.readUTF());
        }
        FeatureScaling scaling = new FeatureScaling(readDoubles(in), readDoubles(in));
        double[] centres = readDoubles(in);
        double[] counts = readDoubles(in);
        double inertia = in.readDouble();
        long pointsSeen = in.readLong();
        int[] ids = readInts(in);
        String[] names = readStrings(in);
        long[] sizes = readLongs(in);
        SegmentModel model =
                new SegmentModel(
                        version,
                        trainedBy,
                        features,
                        scaling,
                        centres,
                        counts,
                        inertia,
                        pointsSeen,
                        ids,
                        names);
        SegmentModel.FitCheck check =
                format >= 2 && in.readBoolean()
                        ? new SegmentModel.FitCheck(in.readDouble(), in.readDouble(), in.readInt())
                        : null;
        SegmentMixture mixture =
                format >= 3 && in.readBoolean()
                        ? new SegmentMixture(
                                readDoubles(in),
                                readRows(in),
                                readDoubles(in),
                                readRows(in),
                                readRows(in))
                        : null;
        double[] meanDistances = format >= 4 ? readDoubles(in) : null;
        SegmentModel read =
                (sizes == null ? model : model.withSizes(sizes))
                        .withFitCheck(check)
                        .withMixture(mixture);
        return meanDistances == null ? read : read.withMeanDistances(meanDistances);
    }

    @Override
    public TypeSerializerSnapshot<SegmentModel> snapshotConfiguration() {
        return new SegmentModelSnapshot();
    }

    /** Read back by class name from checkpoints: keep its name and package. */
    public static final class SegmentModelSnapshot
            extends VersionedSerializer.Snapshot<SegmentModel> {
        public SegmentModelSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
