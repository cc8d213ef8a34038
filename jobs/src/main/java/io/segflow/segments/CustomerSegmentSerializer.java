package io.segflow.segments;

import io.segflow.segments.SegmentAssigner.CustomerSegment;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What the assigner keeps of each customer (keyed state, one per customer: the bulk of the
 * segmentation's state). Format 1: features, segment id, confidence class, model version. Format 2
 * adds the status (provisional/confirmed) and the number of the customer's last segment_history
 * row; a format 1 customer reads with neither (status null, so their next scoring emits it, and
 * history numbered from 1 on their next change).
 */
public final class CustomerSegmentSerializer extends VersionedSerializer<CustomerSegment> {

    private static final long serialVersionUID = 1L;
    static final CustomerSegmentSerializer INSTANCE = new CustomerSegmentSerializer();

    @Override
    protected int format() {
        return 2;
    }

    @Override
    protected String what() {
        return "a customer's segment state";
    }

    @Override
    public CustomerSegment createInstance() {
        return new CustomerSegment();
    }

    @Override
    public CustomerSegment copy(CustomerSegment from) {
        if (from == null) {
            return null;
        }
        CustomerSegment copy = new CustomerSegment();
        copy.features = from.features == null ? null : from.features.clone();
        copy.segment = from.segment;
        copy.confidenceClass = from.confidenceClass;
        copy.modelVersion = from.modelVersion;
        copy.status = from.status;
        copy.historySeq = from.historySeq;
        return copy;
    }

    @Override
    protected void write(CustomerSegment customer, DataOutputView out) throws IOException {
        writeDoubles(customer.features, out);
        out.writeInt(customer.segment);
        writeString(customer.confidenceClass, out);
        out.writeLong(customer.modelVersion);
        writeString(customer.status, out);
        out.writeInt(customer.historySeq);
    }

    @Override
    protected CustomerSegment read(int format, DataInputView in) throws IOException {
        CustomerSegment customer = new CustomerSegment();
        customer.features = readDoubles(in);
        customer.segment = in.readInt();
        customer.confidenceClass = readString(in);
        customer.modelVersion = in.readLong();
        if (format >= 2) {
            customer.status = readString(in);
            customer.historySeq = in.readInt();
        }
        return customer;
    }

    @Override
    public TypeSerializerSnapshot<CustomerSegment> snapshotConfiguration() {
        return new CustomerSegmentSnapshot();
    }

    /** Read back by class name from checkpoints: keep its name and package. */
    public static final class CustomerSegmentSnapshot
            extends VersionedSerializer.Snapshot<CustomerSegment> {
        public CustomerSegmentSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
