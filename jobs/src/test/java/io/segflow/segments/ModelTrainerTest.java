package io.segflow.segments;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.model.FeatureScaling;
import io.segflow.model.SegmentDrift;
import io.segflow.model.SegmentModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

/** The global trainer in Flink's test harness. */
class ModelTrainerTest {

    private static final List<String> FEATURES = List.of("visits", "minutes");
    private static final TrainerSettings SETTINGS =
            new TrainerSettings(
                    2, 50, Duration.ofHours(1), 1.0, 10_000, 0.01, 100, 1_000, 1, 0.1, 7);

    private static KeyedTwoInputStreamOperatorTestHarness<
                    Integer, ProfileUpdate, SegmentModel, SegmentModel>
            harness() throws Exception {
        return harness(new ModelTrainer(SETTINGS, FEATURES));
    }

    private static KeyedTwoInputStreamOperatorTestHarness<
                    Integer, ProfileUpdate, SegmentModel, SegmentModel>
            harness(ModelTrainer trainer) throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new ModelTrainer.Operator(trainer),
                update -> ModelTrainer.ALL,
                model -> ModelTrainer.ALL,
                Types.INT);
    }

    /** Customer i: low activity when even, high when odd, a little noise. */
    private static ProfileUpdate customer(long id, Random random) {
        double base = id % 2 == 0 ? 1 : 20;
        return ProfileUpdate.of(
                id, base + random.nextGaussian(), base * 30 + random.nextGaussian() * 10);
    }

    @Test
    void noModelBeforeEnoughCustomersThenOnePerBatch() throws Exception {
        Random random = new Random(1);
        try (var harness = harness()) {
            harness.open();
            for (long id = 0; id < 99; id++) {
                harness.processElement1(customer(id, random), id);
            }
            assertThat(harness.extractOutputValues()).isEmpty();
            harness.processElement1(customer(99, random), 99);
            List<SegmentModel> models = harness.extractOutputValues();
            assertThat(models).hasSize(1);
            SegmentModel first = models.get(0);
            assertThat(first.features()).isEqualTo(FEATURES);
            assertThat(first.k()).isEqualTo(2);
            assertThat(Arrays.stream(first.sizes()).sum())
                    .isEqualTo(100); // every sampled customer counted once
            // the two groups are found: one centre near 1 visit, one near 20, in feature units
            double[] visits = {first.centroid(0)[0], first.centroid(1)[0]};
            Arrays.sort(visits);
            assertThat(visits[0]).isBetween(0.0, 2.0);
            assertThat(visits[1]).isBetween(19.0, 21.0);

            for (int i = 0; i < 100; i++) {
                harness.processElement1(customer(i % 100, random), 100 + i);
            }
            List<SegmentModel> all = harness.extractOutputValues();
            assertThat(all).hasSize(3); // init, then one per 50 updates
            assertThat(all.get(2).version()).isGreaterThan(all.get(1).version());
            assertThat(all.get(1).version()).isGreaterThan(all.get(0).version());
        }
    }

    @Test
    void aWarmStartPublishesTheGivenModelAndLearnsOnFromIt() throws Exception {
        SegmentModel given =
                new SegmentModel(
                        500,
                        "batch",
                        FEATURES,
                        new FeatureScaling(new double[] {10, 300}, new double[] {9, 290}),
                        new double[] {-1, -1, 1, 1},
                        new double[] {100, 100},
                        0.5,
                        200,
                        new int[] {4, 9},
                        new String[] {"quiet", "busy"});
        Random random = new Random(4);
        try (var harness = harness(new ModelTrainer(SETTINGS, FEATURES, given))) {
            harness.open();
            harness.processElement1(customer(1, random), 1);
            assertThat(harness.extractOutputValues())
                    .extracting(SegmentModel::version)
                    .containsExactly(500L);
            for (int i = 0; i < 60; i++) {
                harness.processElement1(customer(i, random), 2 + i);
            }
            // the given model is settled: a version that moves hardly anyone waits for a pause
            assertThat(harness.extractOutputValues()).hasSize(1);
            harness.setProcessingTime(Duration.ofHours(2).toMillis());
            List<SegmentModel> models = harness.extractOutputValues();
            assertThat(models)
                    .hasSize(2); // no k-means++ on 100 customers: it learns from the given model
            SegmentModel next = models.get(1);
            assertThat(next.version()).isGreaterThan(500L);
            assertThat(next.segmentId(0)).isEqualTo(4);
            assertThat(next.segmentId(1)).isEqualTo(9);
            assertThat(next.segmentName(1)).isEqualTo("busy");
        }
    }

    @Test
    void whenUpdatesPauseATimerLearnsFromWhatArrived() throws Exception {
        Random random = new Random(5);
        try (var harness = harness()) {
            harness.open();
            for (long id = 0; id < 110; id++) { // 100 to start, then 10: less than a batch
                harness.processElement1(customer(id, random), id);
            }
            assertThat(harness.extractOutputValues()).hasSize(1);
            harness.setProcessingTime(Duration.ofHours(2).toMillis());
            assertThat(harness.extractOutputValues()).hasSize(2);
        }
    }

    @Test
    void aSmallBaseStartsOnceTheWaitIsOverOrTheInputEnds() throws Exception {
        Random random = new Random(7);
        TrainerSettings defaults = TrainerSettings.defaults(); // k = 6, init size 500, 5 s wait
        try (var harness = harness(new ModelTrainer(defaults, FEATURES))) {
            harness.open();
            harness.setProcessingTime(1_000);
            for (long id = 0; id < 60; id++) {
                harness.processElement1(customer(id, random), id);
            }
            assertThat(harness.extractOutputValues()).isEmpty();
            harness.setProcessingTime(1_000 + defaults.batchMaxWait().toMillis());
            assertThat(harness.extractOutputValues()).hasSize(1);
            assertThat(harness.extractOutputValues().get(0).k()).isEqualTo(6);
        }
        try (var harness = harness(new ModelTrainer(defaults, FEATURES))) {
            harness.open();
            for (long id = 0; id < 60; id++) {
                harness.processElement1(customer(id, random), id);
            }
            harness.endInput1(); // a bounded run over a small base ends before the wait is over
            assertThat(harness.extractOutputValues()).hasSize(1);
        }
    }

    @Test
    void aVeryActiveCustomerIsStillOneCustomerInTheSample() throws Exception {
        Random random = new Random(2);
        try (var harness = harness()) {
            harness.open();
            for (int i = 0; i < 1_000; i++) {
                harness.processElement1(customer(42, random), i);
            }
            // a thousand updates of one customer never make the hundred customers needed to start
            assertThat(harness.extractOutputValues()).isEmpty();
        }
    }

    @Test
    void aRestoreContinuesWithTheSameModel() throws Exception {
        Random random = new Random(3);
        List<ProfileUpdate> history = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            history.add(customer(i % 150, random));
        }
        OperatorSubtaskState snapshot;
        List<SegmentModel> continued;
        try (var original = harness()) {
            original.open();
            for (int i = 0; i < 200; i++) {
                original.processElement1(history.get(i), i);
            }
            snapshot = original.snapshot(1, 200);
            original.getOutput().clear();
            for (int i = 200; i < 400; i++) {
                original.processElement1(history.get(i), i);
            }
            continued = original.extractOutputValues();
        }
        try (var restored = harness()) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            for (int i = 200; i < 400; i++) {
                restored.processElement1(history.get(i), i);
            }
            List<SegmentModel> resumed = restored.extractOutputValues();
            assertThat(resumed).hasSameSizeAs(continued).isNotEmpty();
            SegmentModel a = resumed.get(resumed.size() - 1);
            SegmentModel b = continued.get(continued.size() - 1);
            assertThat(a.version()).isEqualTo(b.version());
            assertThat(a.centroid(0)).containsExactly(b.centroid(0));
            assertThat(a.centroid(1)).containsExactly(b.centroid(1));
            assertThat(a.counts()).containsExactly(b.counts());
        }
    }

    /**
     * A catch-up makes several versions between two checkpoints; each published version makes the
     * assigners score every customer again, so only the newest is published.
     */
    @Test
    void ofTheVersionsACheckpointHoldsOnlyTheNewestIsPublished() throws Exception {
        List<SegmentModel> made;
        try (var harness = harness()) {
            harness.open();
            Random random = new Random(5);
            for (long id = 0; id < 300; id++) {
                harness.processElement1(customer(id, random), id);
            }
            made = harness.extractOutputValues();
        }
        assertThat(made).as("versions the same input makes").hasSizeGreaterThan(2);

        try (var harness =
                harness(
                        new ModelTrainer(SETTINGS, FEATURES)
                                .holdingVersionsUntilCheckpointed(true))) {
            harness.open();
            Random random = new Random(5);
            for (long id = 0; id < 300; id++) {
                harness.processElement1(customer(id, random), id);
            }
            harness.snapshot(1, 300);
            harness.notifyOfCompletedCheckpoint(1);
            harness.setProcessingTime(1);
            assertThat(harness.extractOutputValues())
                    .extracting(SegmentModel::version)
                    .containsExactly(made.get(made.size() - 1).version());
            assertThat(harness.extractOutputValues().get(0).centroid(0))
                    .containsExactly(made.get(made.size() - 1).centroid(0));
        }
    }

    /**
     * segment_drift names the version drift is measured against, so segment_model must hold it:
     * when a checkpoint holds that baseline beside newer versions, both are published.
     */
    @Test
    void theDriftBaselineIsPublishedBesideTheNewestVersion() throws Exception {
        TrainerSettings watching = SETTINGS.withDrift(SegmentDrift.Settings.of(20, 0.1, 0.5));
        try (var harness =
                harness(
                        new ModelTrainer(watching, FEATURES)
                                .holdingVersionsUntilCheckpointed(true))) {
            harness.open();
            Random random = new Random(5);
            for (long id = 0; id < 300; id++) {
                harness.processElement1(customer(id, random), id);
            }
            // updates pause: the model fits the whole sample again and settles, its next version
            // becomes the drift baseline, and more versions follow it before the checkpoint
            long paused = Duration.ofHours(2).toMillis();
            harness.setProcessingTime(paused);
            for (long id = 0; id < 1_000; id++) {
                // a minute every 100 updates: a settled model's versions that move hardly anyone
                // are made once a minute
                harness.setProcessingTime(paused + id * 600);
                harness.processElement1(customer(id % 300, random), paused + id);
            }
            harness.snapshot(1, paused + 1_000);
            harness.notifyOfCompletedCheckpoint(1);
            harness.setProcessingTime(paused + 1_000 * 600);

            List<Long> published =
                    harness.extractOutputValues().stream().map(SegmentModel::version).toList();
            List<Long> baselines =
                    harness.getSideOutput(ModelTrainer.DRIFT).stream()
                            .map(record -> (Long) record.getValue().getField(0))
                            .distinct()
                            .toList();
            assertThat(baselines).as("drift measured against one baseline").hasSize(1);
            assertThat(published)
                    .as("the baseline, and the newest version made after it")
                    .hasSize(2)
                    .contains(baselines.get(0));
        }
    }

    /**
     * With checkpoints on, a version is published once a checkpoint holding it completes: one made
     * after the last completed checkpoint is never seen by a job restored from it, and one held by
     * a completed checkpoint whose notification a failure cut off is published after the restore,
     * the same version.
     */
    @Test
    void aVersionIsPublishedOnlyOnceACheckpointHoldingItHasCompleted() throws Exception {
        Random random = new Random(4);
        ModelTrainer holding =
                new ModelTrainer(SETTINGS, FEATURES).holdingVersionsUntilCheckpointed(true);
        OperatorSubtaskState first;
        OperatorSubtaskState second;
        long firstVersion;
        long secondVersion;
        try (var harness = harness(holding)) {
            harness.open();
            for (long id = 0; id < 100; id++) {
                harness.processElement1(customer(id, random), id);
            }
            assertThat(harness.extractOutputValues()).as("made, held back").isEmpty();
            first = harness.snapshot(1, 100);
            assertThat(harness.extractOutputValues()).as("checkpoint 1 not complete yet").isEmpty();
            harness.notifyOfCompletedCheckpoint(1);
            harness.setProcessingTime(1);
            assertThat(harness.extractOutputValues()).hasSize(1);
            firstVersion = harness.extractOutputValues().get(0).version();
            harness.getOutput().clear();

            for (int i = 0; i < 50; i++) {
                harness.processElement1(customer(i, random), 100 + i);
            }
            second = harness.snapshot(2, 150); // completes, but the job fails before it hears so
            assertThat(harness.extractOutputValues()).isEmpty();
        }
        try (var harness =
                harness(
                        new ModelTrainer(SETTINGS, FEATURES)
                                .holdingVersionsUntilCheckpointed(true))) {
            harness.setup();
            harness.initializeState(first);
            harness.open();
            harness.setProcessingTime(1);
            assertThat(harness.extractOutputValues())
                    .as(
                            "checkpoint 1 held the first version: published again, the same;"
                                    + " nothing made after checkpoint 1")
                    .extracting(SegmentModel::version)
                    .containsExactly(firstVersion);
        }
        try (var harness =
                harness(
                        new ModelTrainer(SETTINGS, FEATURES)
                                .holdingVersionsUntilCheckpointed(true))) {
            harness.setup();
            harness.initializeState(second);
            harness.open();
            harness.setProcessingTime(1);
            List<SegmentModel> published = harness.extractOutputValues();
            assertThat(published).hasSize(1);
            secondVersion = published.get(0).version();
            assertThat(secondVersion).isGreaterThan(firstVersion);
        }
    }

    @Test
    void aPublishedModelIsAdoptedPassedOnAndLearnedFrom() throws Exception {
        Random random = new Random(6);
        SegmentModel retrained = retrainedTwoGroups();
        try (var harness = harness()) {
            harness.open();
            for (long id = 0; id < 150; id++) {
                harness.processElement1(customer(id, random), id);
            }
            long ownVersion =
                    harness.extractOutputValues()
                            .get(harness.extractOutputValues().size() - 1)
                            .version();
            harness.getOutput().clear();

            harness.processElement2(retrained, 200);
            assertThat(harness.extractOutputValues())
                    .extracting(SegmentModel::version)
                    .containsExactly(1_000L); // the assigners re-score with it
            harness.processElement2(
                    retrained, 201); // the topic is read from its start: seen before, skipped
            assertThat(harness.extractOutputValues()).hasSize(1);

            for (long id = 0; id < 50; id++) {
                harness.processElement1(customer(id, random), 300 + id);
            }
            // an adopted model is settled: a version that moves hardly anyone waits for a pause
            assertThat(harness.extractOutputValues()).hasSize(1);
            harness.setProcessingTime(Duration.ofHours(2).toMillis());
            SegmentModel next = harness.extractOutputValues().get(1);
            assertThat(next.trainedBy()).isEqualTo("stream");
            assertThat(next.version()).isGreaterThan(Math.max(ownVersion, retrained.version()));
            assertThat(next.k()).isEqualTo(2);
            assertThat(new int[] {next.segmentId(0), next.segmentId(1)}).containsExactly(7, 11);
            assertThat(next.segmentName(1)).isEqualTo("busy");
        }
    }

    /** A retrain's model of the two groups {@link #customer} draws. */
    private static SegmentModel retrainedTwoGroups() {
        return new SegmentModel(
                1_000,
                "batch",
                FEATURES,
                new FeatureScaling(new double[] {10, 300}, new double[] {9, 290}),
                new double[] {-1, -1, 1, 1},
                new double[] {100, 100},
                0.5,
                200,
                new int[] {7, 11},
                new String[] {"quiet", "busy"});
    }

    /**
     * Drift with the defaults, as the trainer writes it to segment_drift: after a retrain's model
     * is adopted, {@code stationary} updates in its mix (a third busy), then {@code shifted} in
     * which {@code busyShare} of the updates come from busy customers.
     */
    private static List<Row> driftRows(int stationary, int shifted, double busyShare)
            throws Exception {
        Random random = new Random(8);
        try (var harness = harness(new ModelTrainer(TrainerSettings.defaults(), FEATURES))) {
            harness.open();
            harness.processElement2(retrainedTwoGroups(), 0);
            for (int i = 0; i < stationary + shifted; i++) {
                double busy = i < stationary ? 1 / 3.0 : busyShare;
                // customer ids: even are quiet, odd busy (see customer), 3,000 of each
                long id = 2L * random.nextInt(3_000) + (random.nextDouble() < busy ? 1 : 0);
                harness.processElement1(customer(id, random), i);
            }
            List<Row> rows = new ArrayList<>();
            harness.getSideOutput(ModelTrainer.DRIFT).forEach(r -> rows.add(r.getValue()));
            return rows;
        }
    }

    @Test
    void aStationaryStreamWritesDriftRowsWithoutAFlag() throws Exception {
        List<Row> rows = driftRows(40_000, 0, 0);
        // 5,000 updates make the baseline; of the 35,000 after it, the 6,000th is the first to be
        // judged (at least 5,000, a multiple of 2,000), then every 2,000th: 15 checks of 2 rows
        assertThat(rows).hasSize(2 * 15);
        assertThat(rows).allSatisfy(row -> assertThat(row.getField("drifted")).isEqualTo(false));
        assertThat(rows)
                .allSatisfy(
                        row -> {
                            assertThat(row.getField("baseline_version")).isEqualTo(1_000L);
                            assertThat((Double) row.getField("stability_index")).isLessThan(0.02);
                        });
        Row busy = rows.get(rows.size() - 1);
        assertThat(busy.getField("segment_id")).isEqualTo(11);
        assertThat((Double) busy.getField("share")).isBetween(0.28, 0.39);
    }

    @Test
    void aShiftedMixIsFlaggedWithTheSegmentsThatMoved() throws Exception {
        List<Row> rows = driftRows(12_000, 16_000, 0.6);
        List<Row> flagged = rows.stream().filter(r -> (Boolean) r.getField("drifted")).toList();
        assertThat(flagged).isNotEmpty();
        // nothing before the shift: the first flag comes after the shifted updates began
        assertThat((Long) flagged.get(0).getField("updates")).isGreaterThan(12_000L);
        Row last = rows.get(rows.size() - 1);
        assertThat(last.getField("segment_id")).isEqualTo(11);
        assertThat(last.getField("drifted")).isEqualTo(true);
        assertThat((String) last.getField("action"))
                .startsWith("retrain: segment 11's share rose from 3");
        assertThat((Double) last.getField("stability_index")).isGreaterThan(0.1);
    }

    @Test
    void aRestoredTrainerWritesTheSameDriftRowsAsOneThatRanOn() throws Exception {
        Random random = new Random(9);
        List<ProfileUpdate> updates = new ArrayList<>();
        for (int i = 0; i < 16_000; i++) {
            updates.add(customer(random.nextInt(6_000), random));
        }
        OperatorSubtaskState snapshot;
        List<Row> continued = new ArrayList<>();
        try (var original = harness(new ModelTrainer(TrainerSettings.defaults(), FEATURES))) {
            original.open();
            original.processElement2(retrainedTwoGroups(), 0);
            for (int i = 0; i < 8_000; i++) {
                original.processElement1(updates.get(i), i);
            }
            snapshot = original.snapshot(1, 8_000);
            assertThat(original.getSideOutput(ModelTrainer.DRIFT)).as("no check yet").isNull();
            for (int i = 8_000; i < updates.size(); i++) {
                original.processElement1(updates.get(i), i);
            }
            original.getSideOutput(ModelTrainer.DRIFT).forEach(r -> continued.add(r.getValue()));
        }
        List<Row> resumed = new ArrayList<>();
        try (var restored = harness(new ModelTrainer(TrainerSettings.defaults(), FEATURES))) {
            restored.setup();
            restored.initializeState(snapshot);
            restored.open();
            for (int i = 8_000; i < updates.size(); i++) {
                restored.processElement1(updates.get(i), i);
            }
            restored.getSideOutput(ModelTrainer.DRIFT).forEach(r -> resumed.add(r.getValue()));
        }
        // the baseline model and the figures came back from the checkpoint: the same rows
        assertThat(continued).isNotEmpty();
        assertThat(resumed).isEqualTo(continued);
    }
}
