package io.segflow.model;

import io.segflow.segments.TrainerSettings;
import java.util.Optional;
import java.util.Random;

/**
 * A command, not a test: how well the stream's model segments customers of six behaviours after a
 * short history (three updates a customer, the model settles while the profiles still fill in) and
 * then a live phase of 2,000 updates a second, against a batch fit with restarts of the final
 * profiles (what {@code retrain} gives). Prints the ARI against the behaviours and the last fit
 * check's inertia per customer, the stream's and the fresh fit's (docs/streaming-at-scale.md, "The
 * same good segments every run").
 *
 * <p>{@code java -cp <jobs test classpath> io.segflow.model.SettledQualitySweep CUSTOMERS SEED
 * LIVE_SECONDS}
 */
public final class SettledQualitySweep {

    private static final int BEHAVIOURS = 6;

    private SettledQualitySweep() {}

    /** What a sweep ends with: the stream's last model and the ARIs against the behaviours. */
    record Outcome(
            double ariAfterHistory, double ariLive, double ariBatch, SegmentModel.FitCheck check) {}

    public static void main(String[] args) {
        int customers = Integer.parseInt(args[0]);
        long seed = Long.parseLong(args[1]);
        int liveSeconds = Integer.parseInt(args[2]);
        Outcome outcome = run(customers, seed, liveSeconds);
        System.out.printf(
                "customers %d, seed %d: ARI after the history %.4f, after %d s live %.4f, batch fit"
                        + " %.4f; last fit check: inertia per customer %.4f, fresh fit's %.4f%n",
                customers,
                seed,
                outcome.ariAfterHistory(),
                liveSeconds,
                outcome.ariLive(),
                outcome.ariBatch(),
                outcome.check().inertiaPerCustomer(),
                outcome.check().batchInertiaPerCustomer());
    }

    static Outcome run(int customers, long seed, int liveSeconds) {
        StreamingModel model =
                new StreamingModel(TrainerSettings.defaults().streamingModel(), Customers.FEATURES);
        Customers base = new Customers(customers, BEHAVIOURS, seed);
        Random random = new Random(seed + 1);
        SegmentModel last = null;
        long now = 0;
        for (int update = 0; update < customers * 3; update++) {
            int customer = random.nextInt(customers);
            for (int event = 0; event < 3; event++) {
                base.event(customer, random);
            }
            now = update / 20; // the history at 20,000 updates a second
            last = model.update(customer, base.profile(customer), now).orElse(last);
        }
        double afterHistory = ari(last, base);
        for (int second = 0; second < liveSeconds; second++) {
            for (int update = 0; update < 2_000; update++) {
                int customer = random.nextInt(customers);
                base.event(customer, random);
                last =
                        model.update(customer, base.profile(customer), now + update / 2)
                                .orElse(last);
            }
            now += 1_000;
            if (second % 5 == 4) {
                Optional<SegmentModel> paused = model.tick(now);
                last = paused.orElse(last);
            }
        }
        double[][] profiles = new double[customers][];
        for (int i = 0; i < customers; i++) {
            profiles[i] = base.profile(i);
        }
        Retrainer.Result batch =
                Retrainer.retrain(
                        profiles,
                        Customers.FEATURES,
                        null,
                        -1,
                        Retrainer.Settings.fixedK(BEHAVIOURS),
                        0);
        return new Outcome(
                afterHistory, ari(last, base), ari(batch.model(), base), last.fitCheck());
    }

    private static double ari(SegmentModel model, Customers base) {
        int[] behaviours = new int[base.size()];
        int[] segments = new int[base.size()];
        for (int i = 0; i < behaviours.length; i++) {
            behaviours[i] = base.persona(i);
            segments[i] = model.assign(base.profile(i)).segment();
        }
        return ClusteringMetrics.adjustedRandIndex(behaviours, segments);
    }
}
