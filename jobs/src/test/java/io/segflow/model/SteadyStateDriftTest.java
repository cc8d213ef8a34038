package io.segflow.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.segments.TrainerSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Drift as the job watches it, on a customer base in a steady state (what `segflow demo` makes):
 * the stream's own model with the defaults, its settled version as the fixed baseline, and {@link
 * SegmentDrift} with the defaults, over twelve simulated minutes of 300 profile updates a second.
 *
 * <p>Profiles hold lifetime counts, so a base is stationary only when customers leave and newcomers
 * arrive: histories of exponential ages, a fifth of the customers replaced a minute, newcomers in
 * the mix of the moment. Without that, every base "drifts" as it ages, and this test would say
 * nothing about the detector.
 */
class SteadyStateDriftTest {

    private static final int CUSTOMERS = 2_000;
    private static final int UPDATES_PER_SECOND = 300;
    private static final int MINUTES = 12;
    private static final double CHURN_PER_MINUTE = 0.2;
    private static final int POWER_USER = 2;

    /** How often each persona acts, relative to the most active. */
    private static final double[] ACTIVITY = {0.36, 0.36, 1.0, 0.15};

    /** The checks at which any segment drifted, by simulated minute, and the largest index. */
    private record Outcome(List<Double> flaggedAtMinutes, double largestIndex) {}

    @Test
    void aStationaryBaseIsNotFlaggedInTwelveMinutes() {
        Outcome outcome = simulate(0);
        assertThat(outcome.flaggedAtMinutes()).isEmpty();
        assertThat(outcome.largestIndex())
                .isLessThan(SegmentDrift.Settings.DEFAULT_STABILITY_BOUND / 2);
    }

    @Test
    void customersTurningIntoPowerUsersAreFlaggedWithinMinutes() {
        // 5 % of the customers a minute turn into power users from the start
        Outcome outcome = simulate(0.05);
        assertThat(outcome.flaggedAtMinutes()).isNotEmpty();
        assertThat(outcome.flaggedAtMinutes().get(0)).isLessThan(MINUTES);
        assertThat(outcome.largestIndex())
                .isGreaterThan(SegmentDrift.Settings.DEFAULT_STABILITY_BOUND);
    }

    private static Outcome simulate(double driftPerMinute) {
        StreamingModel model =
                new StreamingModel(TrainerSettings.defaults().streamingModel(), Customers.FEATURES);
        SegmentDrift drift = new SegmentDrift(SegmentDrift.Settings.defaults());
        Customers base = new Customers(CUSTOMERS, 11);
        Random random = new Random(12);
        double activity = 0;
        for (int i = 0; i < CUSTOMERS; i++) {
            activity += ACTIVITY[base.persona(i)];
        }
        for (int i = 0; i < CUSTOMERS; i++) {
            // the steady state: a customer's age is exponential with the mean lifetime (1 / churn),
            // and their history is that age times their persona's rate of events
            double eventsPerMinute =
                    60.0 * UPDATES_PER_SECOND * ACTIVITY[base.persona(i)] / activity;
            double age = -Math.log(1 - random.nextDouble()) / CHURN_PER_MINUTE;
            long events = Math.round(age * eventsPerMinute);
            for (int e = 0; e < events; e++) {
                base.event(i, random);
            }
        }
        // the batch-trained version drift is measured against: fixed, as the trainer keeps it
        SegmentModel[] baseline = new SegmentModel[1];
        long now = 0;
        for (int i = 0; i < CUSTOMERS; i++) {
            model.update(i, base.profile(i), now++).ifPresent(m -> baseline[0] = m);
        }
        List<Double> flagged = new ArrayList<>();
        double largestIndex = 0;
        long switched = 0;
        long total = (long) MINUTES * 60 * UPDATES_PER_SECOND;
        double[] distances = new double[2];
        long replaced = 0;
        for (long u = 0; u < total; ) {
            double minute = u / (60.0 * UPDATES_PER_SECOND);
            // churn: a leaver is replaced by a newcomer of a persona drawn from the base as it is
            while (replaced < (long) (minute * CHURN_PER_MINUTE * CUSTOMERS)) {
                base.replace(random.nextInt(CUSTOMERS), base.persona(random.nextInt(CUSTOMERS)));
                replaced++;
            }
            int i = random.nextInt(CUSTOMERS);
            if (random.nextDouble() > ACTIVITY[base.persona(i)]) {
                continue;
            }
            // a session is a burst of updates of one customer
            int burst = 1 + random.nextInt(8);
            for (int b = 0; b < burst; b++, u++) {
                base.event(i, random);
                double[] profile = base.profile(i);
                if (drift.baselineStarted()) {
                    int nearest =
                            baseline[0].nearestStandardised(
                                    baseline[0].scaling().scale(profile), distances);
                    drift.observe(baseline[0].segmentId(nearest), Math.sqrt(distances[0]));
                    if (drift.checkDue()) {
                        List<SegmentDrift.Check> checks = drift.check();
                        largestIndex = Math.max(largestIndex, checks.get(0).stabilityIndex());
                        if (checks.stream().anyMatch(SegmentDrift.Check::drifted)) {
                            flagged.add(minute);
                        }
                    }
                }
                model.update(i, profile, now + u * 1000 / UPDATES_PER_SECOND)
                        .ifPresent(
                                m -> {
                                    // the trainer's rule: the stream's own model, once settled
                                    if (!drift.baselineStarted()) {
                                        baseline[0] = m;
                                        if (model.settled()) {
                                            drift.rebase(m.version(), true);
                                        }
                                    }
                                });
            }
            while (switched < (long) (minute * driftPerMinute * CUSTOMERS)) {
                base.becomes(random.nextInt(CUSTOMERS), POWER_USER);
                switched++;
            }
        }
        assertThat(drift.baselineStarted()).as("the stream's model settled").isTrue();
        return new Outcome(flagged, largestIndex);
    }
}
