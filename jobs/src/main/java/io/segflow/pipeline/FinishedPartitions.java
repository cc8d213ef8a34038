package io.segflow.pipeline;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumStateSerializer;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplitSerializer;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.memory.ByteStreamStateHandle;
import org.apache.kafka.common.TopicPartition;

/**
 * The Kafka partitions that a checkpoint's bounded sources had read to their stopping offsets, with
 * those offsets: the partitions their enumerators had assigned that no reader holds any more (a
 * reader drops a split once it reaches its stop).
 *
 * <p>Why a resumed bounded run needs them: restored, a bounded Kafka source never ends
 * (FLINK-31006), so {@code run} ends it once the consumer group has committed every stop. A reader
 * commits a finished split's offset only when the next checkpoint completes; a run killed between
 * the two loses that commit, and no reader of the resumed run holds the split to commit it again.
 * The resumed run then waited forever (ResumeAfterKillITCase, 6 and 7 December 2026). Read here,
 * the command commits those offsets itself before it resumes.
 *
 * <p>It reads Flink's checkpoint format ({@code _metadata}, the source coordinator's state, the
 * source operator's {@code SourceReaderState}) and the connector's serializers: both are internal.
 * A coordinator format it does not know, or a reader state it cannot read, is an error; an
 * enumerator state it cannot read counts as another kind of source, so that its partitions are left
 * out and the run waits for their commits as before: never a partition a reader still holds.
 */
public final class FinishedPartitions {

    /** The source operator's list state of its readers' splits ({@code SourceOperator}). */
    private static final String READER_STATE = "SourceReaderState";

    /** The source coordinator's format of its checkpoint ({@code SourceCoordinatorSerdeUtils}). */
    private static final int COORDINATOR_FORMAT = 1;

    private FinishedPartitions() {}

    /**
     * The finished partitions of the checkpoint in this directory ({@code chk-N}), each with the
     * offset its source stopped at; sources other than Kafka's are left out.
     *
     * @throws IOException when the checkpoint cannot be read or its format is not the one known
     */
    public static Map<TopicPartition, Long> in(Path checkpoint) throws IOException {
        CheckpointMetadata metadata;
        try (DataInputStream in =
                new DataInputStream(
                        new BufferedInputStream(
                                Files.newInputStream(checkpoint.resolve("_metadata"))))) {
            metadata =
                    Checkpoints.loadCheckpointMetadata(
                            in,
                            FinishedPartitions.class.getClassLoader(),
                            checkpoint.toUri().toString());
        }
        Map<TopicPartition, Long> finished = new HashMap<>();
        for (OperatorState operator : metadata.getOperatorStates()) {
            KafkaSourceEnumState enumerator = kafkaEnumerator(operator.getCoordinatorState());
            if (enumerator == null) {
                continue;
            }
            Set<TopicPartition> held = heldByReaders(operator);
            for (KafkaPartitionSplit split : enumerator.assignedSplits()) {
                long stop =
                        split.getStoppingOffset().orElse(KafkaPartitionSplit.NO_STOPPING_OFFSET);
                // a marker (latest, none) is no offset to commit: such a source is not bounded by
                // offsets fixed in advance
                if (stop >= 0 && !held.contains(split.getTopicPartition())) {
                    finished.put(split.getTopicPartition(), stop);
                }
            }
        }
        return finished;
    }

    /** The Kafka enumerator's state in a source coordinator's checkpoint; null for other ones. */
    private static KafkaSourceEnumState kafkaEnumerator(ByteStreamStateHandle coordinator)
            throws IOException {
        if (coordinator == null) {
            return null;
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(coordinator.getData()));
        int format = in.readInt();
        if (format != COORDINATOR_FORMAT) {
            throw new IOException(
                    "a source coordinator's checkpoint has format "
                            + format
                            + ", not "
                            + COORDINATOR_FORMAT
                            + " (another Flink version?)");
        }
        int version = in.readInt();
        byte[] state = in.readNBytes(in.readInt());
        try {
            return new KafkaSourceEnumStateSerializer().deserialize(version, state);
        } catch (IOException | RuntimeException notKafka) {
            return null;
        }
    }

    /** The partitions whose splits the operator's readers hold in the checkpoint. */
    private static Set<TopicPartition> heldByReaders(OperatorState operator) throws IOException {
        Set<TopicPartition> held = new HashSet<>();
        KafkaPartitionSplitSerializer splits = new KafkaPartitionSplitSerializer();
        for (OperatorSubtaskState subtask : operator.getSubtaskStates().values()) {
            for (OperatorStateHandle handle : subtask.getManagedOperatorState()) {
                OperatorStateHandle.StateMetaInfo readerState =
                        handle.getStateNameToPartitionOffsets().get(READER_STATE);
                if (readerState == null) {
                    continue;
                }
                try (FSDataInputStream stream = handle.openInputStream()) {
                    DataInputViewStreamWrapper view = new DataInputViewStreamWrapper(stream);
                    for (long offset : readerState.getOffsets()) {
                        stream.seek(offset);
                        byte[] split = BytePrimitiveArraySerializer.INSTANCE.deserialize(view);
                        held.add(
                                SimpleVersionedSerialization.readVersionAndDeSerialize(
                                                splits, split)
                                        .getTopicPartition());
                    }
                }
            }
        }
        return held;
    }
}
