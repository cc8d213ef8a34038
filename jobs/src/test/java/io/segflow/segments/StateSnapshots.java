package io.segflow.segments;

import io.segflow.model.FeatureScaling;
import io.segflow.model.SegmentDrift;
import io.segflow.model.SegmentMixture;
import io.segflow.model.SegmentModel;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;

/**
 * The state of the trainer and of the assigner as a released segflow wrote it, kept under
 * src/test/resources/state/&lt;release&gt;/ so that every later version proves it restores them
 * ({@link StateRestoreTest}). When a change adds a format to a serializer of segments/, run {@link
 * #main} with a new name and commit what it writes; the older directories stay, so every format
 * ever released keeps being restored:
 *
 * <pre>
 * mvn -q -pl jobs -am test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test
 * java -cp "$(cat jobs/cp.txt):jobs/target/classes:jobs/target/test-classes" io.segflow.segments.StateSnapshots v6
 * rm cp.txt jobs/cp.txt udfs/cp.txt
 * </pre>
 *
 * (from the repository root; with {@code -am} the class path has the reactor's own udfs classes, so
 * nothing needs installing).
 */
public final class StateSnapshots {

    static final List<String> FEATURES = List.of("visits", "minutes");

    /** From v6 on the trainer watches drift: a window of 20 updates, so the snapshot holds it. */
    static final TrainerSettings TRAINER =
            new TrainerSettings(
                            2, 50, Duration.ofHours(1), 1.0, 10_000, 0.01, 100, 1_000, 1, 0.1, 7)
                    .withDrift(SegmentDrift.Settings.of(20, 0.1, 0.5));

    /** Customers the assigner holds; customer i is active when odd. */
    static final int CUSTOMERS = 20;

    /**
     * The model in the assigner's broadcast state: from v5 on a mixture (format 3 of {@link
     * SegmentModelSerializer}), which assigns this data as the nearest centres do.
     */
    static final SegmentModel ASSIGNER_MODEL = mixtureModel(17L);

    /** {@link #assignerModel} assigning by a mixture of two round components at its centres. */
    static SegmentModel mixtureModel(long version) {
        return assignerModel(version)
                .withMixture(
                        new SegmentMixture(
                                new double[] {0, 0},
                                new double[][] {{1, 0}, {0, 1}},
                                new double[] {0.6, 0.4},
                                new double[][] {{-1, -1}, {1, 1}},
                                new double[][] {{0.5, 0.5}, {0.5, 0.5}}));
    }

    /** The assigner's model (segments 3 "quiet" and 8 "busy") as a given version. */
    static SegmentModel assignerModel(long version) {
        return new SegmentModel(
                version,
                "batch",
                FEATURES,
                new FeatureScaling(new double[] {10, 300}, new double[] {9, 290}),
                new double[] {-1, -1, 1, 1},
                new double[] {120, 80},
                0.5,
                200,
                new int[] {3, 8},
                new String[] {"quiet", "busy"});
    }

    private StateSnapshots() {}

    static KeyedTwoInputStreamOperatorTestHarness<
                    Integer, ProfileUpdate, SegmentModel, SegmentModel>
            trainerHarness() throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new ModelTrainer.Operator(new ModelTrainer(TRAINER, FEATURES)),
                update -> ModelTrainer.ALL,
                model -> ModelTrainer.ALL,
                Types.INT);
    }

    static KeyedBroadcastOperatorTestHarness<Long, ProfileUpdate, SegmentModel, SegmentAssignment>
            assignerHarness() throws Exception {
        return new KeyedBroadcastOperatorTestHarness<>(
                new SegmentAssignerOperator(new SegmentAssigner(FEATURES, 0.1)),
                update -> update.customerId,
                Types.LONG,
                1,
                1,
                0);
    }

    /** Customer i: low activity when even, high when odd, a little noise. */
    static ProfileUpdate customer(long id, Random random) {
        double base = id % 2 == 0 ? 1 : 20;
        return ProfileUpdate.of(
                id, base + random.nextGaussian(), base * 30 + random.nextGaussian() * 10);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: StateSnapshots RELEASE (e.g. v2)");
        }
        Path directory = Path.of("jobs/src/test/resources/state", args[0]);
        Files.createDirectories(directory);
        Properties expected = new Properties();

        try (var trainer = trainerHarness()) {
            trainer.open();
            Random random = new Random(3);
            for (int i = 0; i < 300; i++) {
                trainer.processElement1(customer(i % 150, random), i);
            }
            // from v5 on the trainer ends up learning a published mixture (trainer format 3)
            trainer.processElement2(mixtureModel(17L), 300);
            for (int i = 0; i < 100; i++) {
                trainer.processElement1(customer(i % 150, random), 301 + i);
            }
            List<SegmentModel> models = trainer.extractOutputValues();
            SegmentModel last = models.get(models.size() - 1);
            expected.setProperty("trainer.version", Long.toString(last.version()));
            expected.setProperty("trainer.pointsSeen", Long.toString(last.pointsSeen()));
            expected.setProperty("trainer.mixture", Boolean.toString(last.mixture() != null));
            // from v8 on it knows the last version it made (trainer format 4)
            expected.setProperty("trainer.knowsItsLastVersion", "true");
            // from v6 on it measures drift against the published mixture (segment-drift state)
            var drift = trainer.getSideOutput(ModelTrainer.DRIFT);
            if (drift != null && !drift.isEmpty()) {
                long updates = 0;
                for (var row : drift) {
                    updates = Math.max(updates, (Long) row.getValue().getField("updates"));
                }
                expected.setProperty("trainer.drift.baselineVersion", "17");
                expected.setProperty("trainer.drift.updates", Long.toString(updates));
            }
            OperatorSnapshotUtil.writeStateHandle(
                    trainer.snapshot(1, 300), directory.resolve("trainer.snapshot").toString());
        }

        for (String backend : List.of("hashmap", "rocksdb")) {
            writeAssigner(directory, backend, expected);
        }
        try (OutputStream out = Files.newOutputStream(directory.resolve("expected.properties"))) {
            expected.store(
                    out, "what the snapshots of " + args[0] + " hold (written by StateSnapshots)");
        }
        System.out.println("wrote " + directory);
    }

    /** The file of the assigner's snapshot taken on a state backend (the formats differ). */
    static String assignerSnapshot(String backend) {
        return backend.equals("rocksdb") ? "assigner-rocksdb.snapshot" : "assigner.snapshot";
    }

    private static void writeAssigner(Path directory, String backend, Properties expected)
            throws Exception {
        try (var assigner = assignerHarness()) {
            if (backend.equals("rocksdb")) {
                assigner.setStateBackend(new EmbeddedRocksDBStateBackend());
            }
            assigner.open();
            assigner.processBroadcastElement(ASSIGNER_MODEL, 1);
            Random random = new Random(5);
            for (long id = 1; id <= CUSTOMERS; id++) {
                assigner.processElement(customer(id, random), 1 + id);
            }
            for (SegmentAssignment a : assigner.extractOutputValues()) {
                expected.setProperty(
                        "assigner.segment." + a.customerId, Integer.toString(a.segmentId));
            }
            OperatorSnapshotUtil.writeStateHandle(
                    assigner.snapshot(1, 100),
                    directory.resolve(assignerSnapshot(backend)).toString());
        }
    }

    static Properties expected(Path directory) throws IOException {
        Properties expected = new Properties();
        try (var in = Files.newInputStream(directory.resolve("expected.properties"))) {
            expected.load(in);
        }
        return expected;
    }

    static OperatorSubtaskState read(Path snapshot) throws Exception {
        return OperatorSnapshotUtil.readStateHandle(snapshot.toString());
    }
}
