package io.segflow.model;

import io.segflow.segments.TrainerSettings;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DriftSimulationTest {

    private static final double[] ACTIVITY = {0.36, 0.36, 1.0, 0.15};

    static boolean FIXED = true;
    static boolean REPLACE = false;

    @Test
    void simulate() {
        for (boolean replace : new boolean[] {false, true}) {
            REPLACE = replace;
            for (double drift : new double[] {0, 0.05}) {
                for (int history : new int[] {90}) {
                    run(drift, history);
                }
            }
        }
    }

    private void run(double driftPerMinute, int historyEvents) {
        StreamingModel.Settings defaults = TrainerSettings.defaults().streamingModel();
        StreamingModel model = new StreamingModel(defaults, Customers.FEATURES);
        int n = 2_000;
        Customers base = new Customers(n, 11);
        Random random = new Random(12);
        double churnPerMinute = historyEvents > 0 ? 0.2 : 0;
        for (int i = 0; i < n; i++) {
            // the steady state of a base whose customers leave at the churn rate: exponential ages
            long events = Math.round(-Math.log(1 - random.nextDouble()) * historyEvents);
            for (int e = 0; e < events; e++) {
                base.event(i, random);
            }
        }
        SegmentDrift drift = new SegmentDrift(SegmentDrift.Settings.defaults());
        SegmentModel[] latest = new SegmentModel[1];
        long now = 0;
        for (int i = 0; i < n; i++) {
            long t = now++;
            model.update(i, base.profile(i), t).ifPresent(m -> latest[0] = m);
        }
        int updatesPerSecond = 300;
        long minutes = 12;
        long switched = 0;
        StringBuilder log = new StringBuilder();
        for (long u = 0; u < minutes * 60 * updatesPerSecond; ) {
            if (random.nextDouble() < churnPerMinute * n / (60.0 * updatesPerSecond) * 3) {
                base.replace(random.nextInt(n), base.persona(random.nextInt(n)));
            }
            int i = random.nextInt(n);
            if (random.nextDouble() > ACTIVITY[base.persona(i)]) {
                continue;
            }
            int burst = 1 + random.nextInt(8);
            for (int b = 0; b < burst; b++, u++) {
                base.event(i, random);
                double[] profile = base.profile(i);
                if (latest[0] != null) {
                    double[] d = new double[2];
                    int c = latest[0].nearestStandardised(latest[0].scaling().scale(profile), d);
                    drift.observe(latest[0].segmentId(c), Math.sqrt(d[0]));
                    if (drift.checkDue()) {
                        List<SegmentDrift.Check> all = drift.check();
                        if (!all.isEmpty() && drift.updatesMeasured() % 18_000 < 2_000) {
                            log.append(
                                    String.format(
                                            " [%.1f psi %.2f]",
                                            u / (60.0 * updatesPerSecond),
                                            all.get(0).stabilityIndex()));
                        }
                        for (SegmentDrift.Check ch : all) {
                            if (ch.drifted() && log.length() < 3000) {
                                log.append(
                                        String.format(
                                                " %.1fmin:s%d %.2f/%.2f d%.2f/%.2f psi %.2f",
                                                u / (60.0 * updatesPerSecond),
                                                ch.segmentId(),
                                                ch.share(),
                                                ch.baselineShare(),
                                                ch.meanDistance(),
                                                ch.baselineMeanDistance(),
                                                ch.stabilityIndex()));
                            }
                        }
                    }
                }
                long t = now + u * 1000 / updatesPerSecond;
                model.update(i, profile, t)
                        .ifPresent(
                                m -> {
                                    boolean first = !drift.baselineStarted();
                                    if (!FIXED || !drift.baselineStarted()) {
                                        latest[0] = m;
                                    }
                                    if (first && model.settled()) {
                                        drift.rebase(m.version(), true);
                                    }
                                });
            }
            double elapsedMinutes = u / (60.0 * updatesPerSecond);
            while (switched < (long) (elapsedMinutes * driftPerMinute * n)) {
                if (REPLACE) {
                    base.replace(random.nextInt(n), 2);
                } else {
                    base.becomes(random.nextInt(n), 2);
                }
                switched++;
            }
        }
        System.out.printf(
                "replace " + REPLACE + " drift %.2f history %d: baseline %s flags:%s%n",
                driftPerMinute,
                historyEvents,
                drift.baselineStarted(),
                log);
    }
}
