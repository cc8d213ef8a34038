package io.segflow.segments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.segflow.model.SegmentModel;
import io.segflow.model.StreamingModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A new segflow resumes from the state an earlier release checkpointed: the trainer and the
 * assigner are restored from the snapshots under src/test/resources/state/ (one directory per
 * release, written by {@link StateSnapshots} with that release's code; v1-kryo is segflow 0.1,
 * whose model state went through Kryo and Flink's POJO serializer).
 */
class StateRestoreTest {

    static Stream<Path> releases() throws Exception {
        Path state = Path.of(StateRestoreTest.class.getClassLoader().getResource("state").toURI());
        try (Stream<Path> directories = Files.list(state)) {
            List<Path> releases = directories.filter(Files::isDirectory).sorted().toList();
            assertThat(releases).isNotEmpty();
            return releases.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("releases")
    void theTrainerContinuesFromTheModelOfAnEarlierRelease(Path release) throws Exception {
        Properties expected = StateSnapshots.expected(release);
        OperatorSubtaskState rewritten;
        try (var trainer = StateSnapshots.trainerHarness()) {
            trainer.setup();
            trainer.initializeState(StateSnapshots.read(release.resolve("trainer.snapshot")));
            trainer.open();
            feed(trainer, new Random(4));
            if (Boolean.parseBoolean(expected.getProperty("trainer.knowsItsLastVersion"))) {
                // from v8 on the settled model knows its last version: the next one, which moves
                // hardly anyone, waits for updates to pause (an earlier release's makes it at once)
                assertThat(trainer.extractOutputValues()).isEmpty();
                trainer.setProcessingTime(Duration.ofHours(3).toMillis());
            }
            List<SegmentModel> models = trainer.extractOutputValues();
            assertThat(models).isNotEmpty();
            SegmentModel next = models.get(0);
            // a fresh trainer would wait for 100 customers and start again at 100 points seen
            assertThat(next.version())
                    .isGreaterThan(Long.parseLong(expected.getProperty("trainer.version")));
            assertThat(next.pointsSeen())
                    .isGreaterThan(Long.parseLong(expected.getProperty("trainer.pointsSeen")));
            // from v5 on the trainer was learning a published mixture, and still does
            assertThat(next.mixture() != null)
                    .isEqualTo(
                            Boolean.parseBoolean(expected.getProperty("trainer.mixture", "false")));
            // from v6 on it measured drift against that mixture, and goes on from where it was
            String driftUpdates = expected.getProperty("trainer.drift.updates");
            if (driftUpdates != null) {
                var rows = trainer.getSideOutput(ModelTrainer.DRIFT);
                assertThat(rows).as("drift rows after the restore").isNotNull().isNotEmpty();
                assertThat(rows)
                        .allSatisfy(
                                row -> {
                                    assertThat(row.getValue().getField("baseline_version"))
                                            .isEqualTo(
                                                    Long.parseLong(
                                                            expected.getProperty(
                                                                    "trainer.drift.baselineVersion")));
                                    assertThat((Long) row.getValue().getField("updates"))
                                            .isGreaterThan(Long.parseLong(driftUpdates));
                                });
            }
            rewritten = trainer.snapshot(2, 2_000);
        }
        // what it checkpoints now, in the current format, restores too
        try (var trainer = StateSnapshots.trainerHarness()) {
            trainer.setup();
            trainer.initializeState(rewritten);
            trainer.open();
            feed(trainer, new Random(5));
            // the restored model is settled and knows its last version: the next one, which
            // moves hardly anyone, is made when updates pause
            trainer.setProcessingTime(Duration.ofHours(3).toMillis());
            assertThat(trainer.extractOutputValues())
                    .isNotEmpty()
                    .allSatisfy(
                            model ->
                                    assertThat(model.pointsSeen())
                                            .isGreaterThan(
                                                    Long.parseLong(
                                                                    expected.getProperty(
                                                                            "trainer.pointsSeen"))
                                                            + 100));
        }
    }

    private static void feed(
            KeyedTwoInputStreamOperatorTestHarness<
                            Integer, ProfileUpdate, SegmentModel, SegmentModel>
                    trainer,
            Random random)
            throws Exception {
        for (int i = 0; i < 100; i++) {
            trainer.processElement1(StateSnapshots.customer(i % 150, random), 1_000 + i);
        }
    }

    /**
     * Each release's assigner state, restored into the heap backend and into RocksDB (the job's).
     */
    static Stream<Arguments> releasesAndBackends() throws Exception {
        return releases()
                .flatMap(
                        release ->
                                Stream.of(
                                        Arguments.of(release, "hashmap"),
                                        Arguments.of(release, "rocksdb")));
    }

    @ParameterizedTest
    @MethodSource("releasesAndBackends")
    void theAssignerKeepsItsModelAndItsCustomers(Path release, String backend) throws Exception {
        Properties expected = StateSnapshots.expected(release);
        try (var assigner = StateSnapshots.assignerHarness()) {
            if (backend.equals("rocksdb")) {
                assigner.setStateBackend(new EmbeddedRocksDBStateBackend());
            }
            assigner.setup();
            assigner.initializeState(
                    StateSnapshots.read(release.resolve(StateSnapshots.assignerSnapshot(backend))));
            assigner.open();

            // the broadcast model survived: a new customer is scored with it at once
            assigner.processElement(ProfileUpdate.of(100, 20, 600), 1_000);
            assertThat(assigner.extractOutputValues())
                    .singleElement()
                    .satisfies(
                            a -> {
                                assertThat(a.modelVersion)
                                        .isEqualTo(StateSnapshots.ASSIGNER_MODEL.version());
                                assertThat(a.segmentId).isEqualTo(8);
                            });
            assigner.getOutput().clear();

            // every customer survived with its segment: a retrained version re-scores them all
            assigner.processBroadcastElement(StateSnapshots.assignerModel(18L), 1_001);
            Map<Long, Integer> segments =
                    assigner.extractOutputValues().stream()
                            .filter(a -> a.customerId <= StateSnapshots.CUSTOMERS)
                            .collect(Collectors.toMap(a -> a.customerId, a -> a.segmentId));
            assertThat(segments).hasSize(StateSnapshots.CUSTOMERS);
            segments.forEach(
                    (customer, segment) ->
                            assertThat(segment)
                                    .as("customer " + customer)
                                    .isEqualTo(
                                            Integer.parseInt(
                                                    expected.getProperty(
                                                            "assigner.segment." + customer))));
        }
    }

    /** Kryo never writes segflow's state, and the types between operators are Flink's own. */
    @Test
    void noStateOrRecordGoesThroughKryo() {
        SerializerConfigImpl noGenericTypes = new SerializerConfigImpl();
        noGenericTypes.setGenericTypes(false);
        assertThat(VersionedTypeInfo.SEGMENT_MODEL.createSerializer(noGenericTypes))
                .isInstanceOf(SegmentModelSerializer.class);
        assertThat(VersionedTypeInfo.TRAINER_STATE.createSerializer(noGenericTypes))
                .isInstanceOf(TrainerStateSerializer.class);
        assertThat(VersionedTypeInfo.CUSTOMER_SEGMENT.createSerializer(noGenericTypes))
                .isInstanceOf(CustomerSegmentSerializer.class);
        for (Class<?> record : List.of(ProfileUpdate.class, SegmentAssignment.class)) {
            TypeInformation<?> type = TypeInformation.of(record);
            assertThat(type).as(record.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
            type.createSerializer(noGenericTypes); // throws if any field would need Kryo
        }
    }

    @Test
    void aModelKeepsItsMeanDistancesBetweenOperators() throws Exception {
        SegmentModel model =
                StateSnapshots.ASSIGNER_MODEL.withMeanDistances(new double[] {0.8, 1.3});
        DataOutputSerializer out = new DataOutputSerializer(256);
        SegmentModelSerializer.INSTANCE.serialize(model, out);
        SegmentModel read =
                SegmentModelSerializer.INSTANCE.deserialize(
                        new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(read.meanDistances()).containsExactly(0.8, 1.3);
    }

    @Test
    void aModelKeepsItsFitCheckBetweenOperators() throws Exception {
        SegmentModel model =
                StateSnapshots.ASSIGNER_MODEL.withFitCheck(
                        new SegmentModel.FitCheck(0.41, 0.40, 200));
        DataOutputSerializer out = new DataOutputSerializer(256);
        SegmentModelSerializer.INSTANCE.serialize(model, out);
        SegmentModel read =
                SegmentModelSerializer.INSTANCE.deserialize(
                        new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(read.fitCheck()).isEqualTo(model.fitCheck());
        assertThat(read.version()).isEqualTo(model.version());
    }

    @Test
    void aModelKeepsItsMixtureBetweenOperators() throws Exception {
        SegmentModel model = StateSnapshots.mixtureModel(19L);
        DataOutputSerializer out = new DataOutputSerializer(256);
        SegmentModelSerializer.INSTANCE.serialize(model, out);
        SegmentModel read =
                SegmentModelSerializer.INSTANCE.deserialize(
                        new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(read.mixture()).isEqualTo(model.mixture());
        assertThat(SegmentModelSerializer.INSTANCE.copy(model).mixture())
                .isEqualTo(model.mixture());
    }

    @Test
    void aFormatFromANewerReleaseIsRefusedWithItsReason() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(16);
        out.writeInt(99);
        assertThatThrownBy(
                        () ->
                                CustomerSegmentSerializer.INSTANCE.deserialize(
                                        new DataInputDeserializer(out.getCopyOfBuffer())))
                .hasMessageContaining("format 99 by a newer segflow");
    }

    @Test
    void theTrainerStateOfAMixtureReadsBackAsWritten() throws Exception {
        StreamingModel model =
                StreamingModel.startingFrom(
                        TRAINER_SETTINGS.streamingModel(),
                        StateSnapshots.FEATURES,
                        StateSnapshots.mixtureModel(30L));
        Random random = new Random(9);
        for (int i = 0; i < 300; i++) {
            ProfileUpdate update = StateSnapshots.customer(i % 150, random);
            model.update(update.customerId, update.features, i);
        }
        StreamingModel.State state = model.state();
        assertThat(state.mixture.mixture()).isNotNull();
        assertThat(state.mixtureBatches).isPositive();
        StreamingModel.State copy = writtenAndReadBack(state);
        assertThat(copy).usingRecursiveComparison().isEqualTo(state);
    }

    @Test
    void theTrainerStateReadsBackAsWritten() throws Exception {
        StreamingModel.State state = trained(new Random(9), 300, 150).state();
        StreamingModel.State copy = writtenAndReadBack(state);
        assertThat(copy).usingRecursiveComparison().isEqualTo(state);
    }

    @Test
    void theTrainersSnapshotStaysAsTakenWhileTheModelLearnsOn() throws Exception {
        Random random = new Random(11);
        StreamingModel model = trained(random, 600, 200);
        StreamingModel.State state = model.state();
        StreamingModel.State copy = TrainerStateSerializer.INSTANCE.copy(state);
        StreamingModel.State asTaken = writtenAndReadBack(state);
        // new customers, changed profiles, batches, a fit check and a restore's in-place changes
        for (int i = 600; i < 3_000; i++) {
            ProfileUpdate update = StateSnapshots.customer(i % 700, random);
            model.update(update.customerId, update.features, i * 1_000L);
        }
        model.tick(10_000_000L);
        StreamingModel.restore(TRAINER_SETTINGS.streamingModel(), StateSnapshots.FEATURES, copy)
                .update(1, StateSnapshots.customer(1, random).features, 20_000_000L);
        assertThat(writtenAndReadBack(copy)).usingRecursiveComparison().isEqualTo(asTaken);
        assertThat(model.state()).usingRecursiveComparison().isNotEqualTo(asTaken);
    }

    /** A trainer's model after {@code updates} profile updates of {@code customers} customers. */
    private static StreamingModel trained(Random random, int updates, int customers) {
        StreamingModel model =
                new StreamingModel(TRAINER_SETTINGS.streamingModel(), StateSnapshots.FEATURES);
        for (int i = 0; i < updates; i++) {
            ProfileUpdate update = StateSnapshots.customer(i % customers, random);
            model.update(update.customerId, update.features, i);
        }
        return model;
    }

    /** What a checkpoint writes and a restore reads. */
    private static StreamingModel.State writtenAndReadBack(StreamingModel.State state)
            throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(4096);
        TrainerStateSerializer.INSTANCE.serialize(state, out);
        return TrainerStateSerializer.INSTANCE.deserialize(
                new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static final TrainerSettings TRAINER_SETTINGS = StateSnapshots.TRAINER;
}
