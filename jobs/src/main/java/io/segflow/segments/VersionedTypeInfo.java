package io.segflow.segments;

import io.segflow.model.SegmentDrift;
import io.segflow.model.SegmentModel;
import io.segflow.model.StreamingModel;
import io.segflow.segments.SegmentAssigner.CustomerSegment;
import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** The type of a value that a {@link VersionedSerializer} writes (never Kryo). */
public final class VersionedTypeInfo<T> extends TypeInformation<T> {

    private static final long serialVersionUID = 1L;

    public static final VersionedTypeInfo<SegmentModel> SEGMENT_MODEL =
            new VersionedTypeInfo<>(SegmentModel.class, SegmentModelSerializer.INSTANCE);
    public static final VersionedTypeInfo<StreamingModel.State> TRAINER_STATE =
            new VersionedTypeInfo<>(StreamingModel.State.class, TrainerStateSerializer.INSTANCE);
    public static final VersionedTypeInfo<CustomerSegment> CUSTOMER_SEGMENT =
            new VersionedTypeInfo<>(CustomerSegment.class, CustomerSegmentSerializer.INSTANCE);
    public static final VersionedTypeInfo<SegmentDrift.State> DRIFT_STATE =
            new VersionedTypeInfo<>(SegmentDrift.State.class, SegmentDriftSerializer.INSTANCE);

    private final Class<T> type;
    private final VersionedSerializer<T> serializer;

    private VersionedTypeInfo(Class<T> type, VersionedSerializer<T> serializer) {
        this.type = type;
        this.serializer = serializer;
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return serializer;
    }

    @Override
    public String toString() {
        return type.getSimpleName() + " (versioned)";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof VersionedTypeInfo<?> that && that.type == type;
    }

    @Override
    public int hashCode() {
        return Objects.hash(type);
    }

    @Override
    public boolean canEqual(Object other) {
        return other instanceof VersionedTypeInfo;
    }
}
