package io.segflow.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.segflow.segments.TrainerSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The streaming model's life, without Flink: when it starts, how its segment ids last. */
class StreamingModelTest {

    private static final StreamingModel.Settings DEFAULTS =
            TrainerSettings.defaults().streamingModel();

    @Test
    void aBaseOfSixtyCustomersIsSegmentedWithTheDefaults() {
        StreamingModel model = new StreamingModel(DEFAULTS, Customers.FEATURES);
        Customers base = new Customers(60, 1);
        long now = 0;
        for (int i = 0; i < 60; i++) {
            assertThat(model.update(i, base.profile(i), now += 10)).isEmpty();
        }
        // below init-size (500): it waits for more customers, but no longer than batch-max-wait
        assertThat(model.tick(now + 1_000)).isEmpty();
        Optional<SegmentModel> first = model.tick(DEFAULTS.batchMaxWaitMillis() + 10);
        assertThat(first).isPresent();
        assertThat(first.get().k()).isEqualTo(6);
        // sizes and spread of the version, measured on the customers it was made from
        assertThat(Arrays.stream(first.get().sizes()).sum()).isEqualTo(60);
        assertThat(first.get().meanDistances()).hasSize(6);
        for (int c = 0; c < 6; c++) {
            assertThat(first.get().meanDistances()[c])
                    .as("segment %d of %d customers", c, first.get().sizes()[c])
                    .satisfiesAnyOf(d -> assertThat(d).isNaN(), d -> assertThat(d).isNotNegative());
            assertThat(Double.isNaN(first.get().meanDistances()[c]))
                    .isEqualTo(first.get().sizes()[c] == 0);
        }
        for (int i = 0; i < 60; i++) {
            int segment = first.get().assign(base.profile(i)).segment();
            assertThat(first.get().segmentId(segment)).isBetween(0, 5);
        }
    }

    @Test
    void fewerCustomersThanSegmentsWaitForMore() {
        StreamingModel model = new StreamingModel(DEFAULTS, Customers.FEATURES);
        Customers base = new Customers(5, 2);
        for (int i = 0; i < 5; i++) {
            model.update(i, base.profile(i), i);
        }
        assertThat(model.tick(60_000)).isEmpty();
        // the sixth customer: the wait is long over, the model starts with it
        assertThat(model.update(5, new Customers(1, 3).profile(0), 60_001)).isPresent();
    }

    @Test
    void aBaseReachingInitSizeStartsAtOnce() {
        StreamingModel model = new StreamingModel(DEFAULTS, Customers.FEATURES);
        Customers base = new Customers(DEFAULTS.initSize(), 4);
        List<SegmentModel> published = new ArrayList<>();
        for (int i = 0; i < DEFAULTS.initSize(); i++) {
            model.update(i, base.profile(i), i).ifPresent(published::add);
        }
        assertThat(published).hasSize(1);
    }

    /**
     * A bounded run: the model starts on the first 500 customers while their profiles hold one
     * event each, then the rest of the history arrives in fewer batches than a version is published
     * after. At the end of the input the model publishes what it has become, and it finds the
     * personas its first version could not tell apart.
     */
    @Test
    void theEndOfABoundedInputPublishesTheModelTheWholeHistoryMade() {
        StreamingModel model = new StreamingModel(DEFAULTS, Customers.FEATURES);
        int n = 1_200;
        Customers base = new Customers(n, 7);
        Random random = new Random(8);
        List<SegmentModel> published = new ArrayList<>();
        long now = 0;
        for (int i = 0; i < n; i++) {
            base.event(i, random);
            model.update(i, base.profile(i), now++).ifPresent(published::add);
        }
        assertThat(published).as("the first fit, on one event per customer").hasSize(1);
        // fewer batches (of 512) than a version is published after (10), each update folding
        // several events as a history read at full speed does: nothing more published
        for (int u = 0; u < 4_000; u++) {
            int i = random.nextInt(n);
            for (int e = 0; e < 6; e++) {
                base.event(i, random);
            }
            model.update(i, base.profile(i), now++).ifPresent(published::add);
        }
        assertThat(published).hasSize(1);

        Optional<SegmentModel> last = model.finish(now);
        assertThat(last).isPresent();
        assertThat(last.get().version()).isGreaterThan(published.get(0).version());
        // measured on every customer as they are now, not on the first 500
        assertThat(Arrays.stream(published.get(0).sizes()).sum()).isEqualTo(500);
        assertThat(Arrays.stream(last.get().sizes()).sum()).isEqualTo(n);
        assertThat(model.finish(now + 1)).as("nothing learned since").isEmpty();
    }

    /**
     * Once settled, the model checks its fit against a fresh fit with restarts at most once a
     * minute while updates flow, and again when they pause. Every twenty batches would be every
     * five seconds at 2,000 updates a second: at 100,000 customers those fits took the trainer a
     * third to a half of a core.
     */
    @Test
    void aSettledModelChecksItsFitOnceAMinuteWhileUpdatesFlowAndWhenTheyPause() {
        StreamingModel model = new StreamingModel(DEFAULTS, Customers.FEATURES);
        Customers base = new Customers(2_000, 5);
        Random random = new Random(6);
        long now = settle(model, base, random);

        long checks = model.fitChecks();
        for (int second = 1; second <= 120; second++) {
            now = oneSecondAt2000UpdatesASecond(model, base, random, now);
            if (second % 5 == 0) {
                model.tick(now); // the trainer's timer, every batch-max-wait while updates come
            }
        }
        assertThat(model.fitChecks() - checks)
                .as("fit checks in two minutes of updates (the old rule: 48)")
                .isBetween(1L, 2L);
        // a few more updates (fewer than a batch), then they stop
        for (int u = 0; u < 100; u++) {
            int customer = random.nextInt(2_000);
            base.event(customer, random);
            model.update(customer, base.profile(customer), ++now);
        }
        assertThat(model.fitUnchecked()).isTrue();

        checks = model.fitChecks();
        model.tick(now + DEFAULTS.batchMaxWaitMillis());
        assertThat(model.fitChecks() - checks).as("the pause's check").isEqualTo(1);
        assertThat(model.fitUnchecked()).isFalse();
    }

    /**
     * Once settled, a version that would move hardly any customer is not made: every version has
     * every customer scored again. One is made when it moves one customer in twenty (here: after a
     * third of the customers left and newcomers took their place), a minute after the last, and
     * when updates pause.
     */
    @Test
    void aSettledModelMakesAVersionWhenItMovesCustomersAMinuteOnOrWhenUpdatesPause() {
        StreamingModel model = new StreamingModel(DEFAULTS, Customers.FEATURES);
        Customers base = new Customers(2_000, 5);
        Random random = new Random(6);
        long now = settle(model, base, random);
        // the first minute after settling: profiles still fill in fast
        for (int second = 0; second < 60; second++) {
            now = oneSecondAt2000UpdatesASecond(model, base, random, now);
        }

        long steadyFrom = now;
        List<SegmentModel> made = new ArrayList<>();
        List<Long> madeAt = new ArrayList<>();
        List<Double> moved = new ArrayList<>();
        SegmentModel previous = null;
        for (int second = 0; second < 240; second++) {
            if (second == 120) {
                for (int i = 0; i < 2_000; i += 3) {
                    base.replace(i, 0);
                }
            }
            for (int u = 0; u < 2_000; u++) {
                int customer = random.nextInt(2_000);
                base.event(customer, random);
                Optional<SegmentModel> version =
                        model.update(customer, base.profile(customer), now + u / 2);
                if (version.isPresent()) {
                    if (previous != null) {
                        // the sample holds every customer of this small base, as they are now
                        moved.add(previous.shareMovedBy(version.get(), profiles(base)));
                    }
                    previous = version.get();
                    made.add(version.get());
                    madeAt.add(now + u / 2 - steadyFrom);
                }
            }
            now += 1_000;
        }
        assertThat(madeAt.stream().filter(at -> at < 120_000).count())
                .as("versions in two steady minutes (the old rule: one every ten batches, 47)")
                .isBetween(2L, 12L);
        assertThat(madeAt.stream().filter(at -> at >= 120_000).count())
                .as("versions in the two minutes after a third of the customers changed")
                .isGreaterThan(madeAt.stream().filter(at -> at < 120_000).count());
        for (int i = 1; i < madeAt.size(); i++) {
            long gap = madeAt.get(i) - madeAt.get(i - 1);
            assertThat(gap)
                    .as("at most a minute (and the batches until the next one due) apart")
                    .isLessThan(StreamingModel.SETTLED_EMIT_INTERVAL_MILLIS + 5_000);
            if (gap < StreamingModel.SETTLED_EMIT_INTERVAL_MILLIS
                    && made.get(i).sameSegmentsAs(made.get(i - 1))) {
                assertThat(moved.get(i - 1))
                        .as("a version within the minute moves customers")
                        .isGreaterThanOrEqualTo(StreamingModel.SETTLED_MOVED_SHARE);
            }
        }

        for (SegmentModel version : made) {
            assertThat(Arrays.stream(version.counts()).sum())
                    .as("fit checks keep the model's pace: its counts are not the customers drawn")
                    .isGreaterThan(10.0 * base.size());
        }

        // ten more seconds of updates (39 batches: three versions due), then they stop
        List<SegmentModel> lastSeconds = new ArrayList<>();
        for (int second = 0; second < 10; second++) {
            for (int u = 0; u < 2_000; u++) {
                int customer = random.nextInt(2_000);
                base.event(customer, random);
                model.update(customer, base.profile(customer), now + u / 2)
                        .ifPresent(lastSeconds::add);
            }
            now += 1_000;
        }
        assertThat(lastSeconds).as("of the three versions due, some held back").hasSizeLessThan(3);
        assertThat(model.holdsBackAVersion()).as("what the trainer's timer asks").isTrue();
        assertThat(model.tick(now + DEFAULTS.batchMaxWaitMillis()))
                .as("the pause makes the version held back")
                .isPresent();
        assertThat(model.holdsBackAVersion()).isFalse();
    }

    /**
     * A settled model's fit check refines its centres on the customers drawn only when that
     * explains them clearly better than the centres where they are; a catch-up that does keeps the
     * model's counts' total, so that the mini-batches after it go on at the model's pace.
     */
    @Test
    void aSettledModelCatchesUpOnlyWhenThatIsClearlyBetterAndKeepsItsPace() {
        Random random = new Random(3);
        double[][] customers = new double[2_000][];
        for (int i = 0; i < customers.length; i++) {
            customers[i] = new double[] {(i % 2) * 10 + random.nextGaussian()};
        }
        MiniBatchKMeans.Params params = new MiniBatchKMeans.Params(2, 1.0, 0, 0.0, 1);

        // where the mini-batches left the centres: 0.05 from the optimum, 0.25 % of inertia
        MiniBatchKMeans nearlyThere = learned(params, new double[] {0.05, 9.95});
        MiniBatchKMeans refined =
                MiniBatchKMeans.refined(customers, 1, params, nearlyThere.centres(), 0, 0);
        assertThat(refined.centres()).isNotEqualTo(nearlyThere.centres());
        MiniBatchKMeans kept =
                StreamingModel.catchUpIfClearlyBetter(nearlyThere, refined, customers);
        assertThat(kept.centres()).containsExactly(nearlyThere.centres());
        assertThat(kept.counts()).containsExactly(nearlyThere.counts());

        MiniBatchKMeans farBehind = learned(params, new double[] {3, 7});
        MiniBatchKMeans caughtUp =
                StreamingModel.catchUpIfClearlyBetter(
                        farBehind,
                        MiniBatchKMeans.refined(customers, 1, params, farBehind.centres(), 0, 0),
                        customers);
        assertThat(caughtUp.centres()[0]).isCloseTo(0, within(0.1));
        assertThat(caughtUp.centres()[1]).isCloseTo(10, within(0.1));
        assertThat(caughtUp.mass()).as("not the 2,000 drawn").isCloseTo(100_000, within(1e-6));
        assertThat(caughtUp.counts()[0]).isCloseTo(50_000, within(1e-6));
    }

    /** A model with these centres that has learned from 100,000 points, half of them each. */
    private static MiniBatchKMeans learned(MiniBatchKMeans.Params params, double[] centres) {
        return MiniBatchKMeans.restore(
                params,
                new MiniBatchKMeans.State(
                        1, centres, new double[] {50_000, 50_000}, 100_000, 200, 1.0, 1));
    }

    private static double[][] profiles(Customers base) {
        double[][] all = new double[base.size()][];
        for (int i = 0; i < base.size(); i++) {
            all[i] = base.profile(i);
        }
        return all;
    }

    /** Every customer's first profile, then 2,000 updates a second until the model settles. */
    private static long settle(StreamingModel model, Customers base, Random random) {
        for (int i = 0; i < base.size(); i++) {
            model.update(i, base.profile(i), 0);
        }
        long now = 0;
        while (!model.settled() && now < 600_000) {
            now = oneSecondAt2000UpdatesASecond(model, base, random, now);
        }
        assertThat(model.settled()).as("settled within ten minutes").isTrue();
        return now;
    }

    private static long oneSecondAt2000UpdatesASecond(
            StreamingModel model, Customers base, Random random, long start) {
        for (int u = 0; u < 2_000; u++) {
            int customer = random.nextInt(2_000);
            base.event(customer, random);
            model.update(customer, base.profile(customer), start + u / 2);
        }
        return start + 1_000;
    }

    /**
     * Ten minutes of a demo-like stream: 2,000 customers of four personas whose profiles fill in as
     * their events arrive (every count grows all the time), 500 profile updates a second. The model
     * starts on nearly empty profiles and has to settle, yet no segment id is retired: the six ids
     * it starts with are the six it has after ten minutes.
     */
    @Test
    void noSegmentIdIsRetiredWhileProfilesFillIn() {
        StreamingModel model = new StreamingModel(DEFAULTS, Customers.FEATURES);
        Customers base = new Customers(2_000, 5);
        Random random = new Random(6);
        List<Set<Integer>> idsOverTime = new ArrayList<>();
        long updates = 10 * 60 * 500;
        for (int i = 0; i < 2_000; i++) {
            model.update(i, base.profile(i), 0).ifPresent(m -> idsOverTime.add(ids(m)));
        }
        for (long u = 0; u < updates; u++) {
            long now = u * 2; // 500 a second
            int customer = random.nextInt(2_000);
            base.event(customer, random);
            model.update(customer, base.profile(customer), now)
                    .ifPresent(m -> idsOverTime.add(ids(m)));
        }
        assertThat(model.settled()).isTrue();
        assertThat(idsOverTime).isNotEmpty();
        Set<Integer> first = idsOverTime.get(0);
        assertThat(idsOverTime)
                .as("segment ids of each version")
                .allSatisfy(ids -> assertThat(ids).isEqualTo(first));
    }

    @Test
    void aRestoredModelContinuesExactly() {
        StreamingModel original = new StreamingModel(DEFAULTS, Customers.FEATURES);
        Customers base = new Customers(800, 7);
        Random random = new Random(8);
        long now = 0;
        for (int i = 0; i < 800; i++) {
            original.update(i, base.profile(i), now++);
        }
        StreamingModel.State state = original.state();
        Customers copy = base.copy();
        StreamingModel restored = StreamingModel.restore(DEFAULTS, Customers.FEATURES, state);
        Random randomCopy = new Random(8);
        List<SegmentModel> a = new ArrayList<>();
        List<SegmentModel> b = new ArrayList<>();
        for (int u = 0; u < 5_000; u++) {
            int customer = random.nextInt(800);
            base.event(customer, random);
            original.update(customer, base.profile(customer), now + u).ifPresent(a::add);
            int same = randomCopy.nextInt(800);
            copy.event(same, randomCopy);
            restored.update(same, copy.profile(same), now + u).ifPresent(b::add);
        }
        assertThat(b).hasSameSizeAs(a).isNotEmpty();
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).version()).isEqualTo(a.get(i).version());
            assertThat(ids(b.get(i))).isEqualTo(ids(a.get(i)));
            for (int c = 0; c < a.get(i).k(); c++) {
                assertThat(b.get(i).centroid(c)).containsExactly(a.get(i).centroid(c));
            }
        }
    }

    private static Set<Integer> ids(SegmentModel model) {
        Set<Integer> ids = new TreeSet<>();
        for (int c = 0; c < model.k(); c++) {
            ids.add(model.segmentId(c));
        }
        return ids;
    }
}
