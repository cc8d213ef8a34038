package io.segflow.model;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Customers of four personas (researchers, video learners, power users, browsers, as the demo has
 * them), or six (with evaluators, who split their time between site and product, and whitepaper
 * readers), whose cumulative counts grow with each event: profiles that fill in as a stream's do.
 */
final class Customers {

    /** The columns of {@link #profile}: the shipped profile's features before content topics. */
    static final List<String> FEATURES =
            List.of(
                    "customer_age",
                    "website_sessions",
                    "website_views",
                    "pages_per_session",
                    "blogs_viewed",
                    "videos_viewed",
                    "whitepapers_viewed",
                    "product_features_used",
                    "product_features_used_per_day",
                    "avg_sessions_per_day",
                    "avg_time_per_session");

    private final int[] persona;
    private final double[] age;
    private final long[][]
            counts; // web sessions, web views, blogs, videos, whitepapers, product sessions,
    // feature uses, days, session ms, ended sessions
    private final Set<String>[] features;

    Customers(int n, long seed) {
        this(n, 4, seed);
    }

    @SuppressWarnings("unchecked")
    Customers(int n, int personas, long seed) {
        if (personas < 1 || personas > 6) {
            throw new IllegalArgumentException("1 to 6 personas");
        }
        Random random = new Random(seed);
        persona = new int[n];
        age = new double[n];
        counts = new long[n][10];
        features = new Set[n];
        for (int i = 0; i < n; i++) {
            persona[i] = i % personas;
            age[i] = 20 + random.nextInt(50);
            features[i] = new HashSet<>();
        }
    }

    Customers copy() {
        Customers copy = new Customers(persona.length, 0);
        for (int i = 0; i < persona.length; i++) {
            copy.persona[i] = persona[i];
            copy.age[i] = age[i];
            copy.counts[i] = counts[i].clone();
            copy.features[i] = new HashSet<>(features[i]);
        }
        return copy;
    }

    void event(int i, Random random) {
        long[] c = counts[i];
        boolean web =
                switch (persona[i]) {
                    case 0 -> random.nextDouble() < 0.95;
                    case 1 -> random.nextDouble() < 0.8;
                    case 2 -> random.nextDouble() < 0.2;
                    case 4 -> random.nextDouble() < 0.5;
                    default -> true;
                };
        if (web) {
            if (random.nextDouble() < 0.25) {
                c[0]++;
            }
            c[1]++;
            double r = random.nextDouble();
            switch (persona[i]) {
                case 0 -> {
                    if (r < 0.4) c[2]++;
                    else if (r < 0.65) c[4]++;
                }
                case 1 -> {
                    if (r < 0.6) c[3]++;
                }
                case 5 -> {
                    if (r < 0.7) c[4]++;
                    else if (r < 0.8) c[2]++;
                }
                default -> {
                    if (r < 0.05) c[2]++;
                }
            }
        } else {
            if (random.nextDouble() < 0.2) {
                c[5]++;
                c[9]++;
                c[8] +=
                        switch (persona[i]) {
                            case 2 -> 1_500_000;
                            case 4 -> 600_000;
                            default -> 300_000;
                        };
            }
            c[6]++;
            features[i].add(
                    "f"
                            + random.nextInt(
                                    switch (persona[i]) {
                                        case 2 -> 12;
                                        case 4 -> 6;
                                        default -> 4;
                                    }));
            if (random.nextDouble() < 0.05) {
                c[7]++;
            }
        }
    }

    double[] profile(int i) {
        long[] c = counts[i];
        double days = Math.max(1, c[7]);
        boolean product = c[5] + c[6] > 0;
        return new double[] {
            age[i],
            c[0],
            c[1],
            c[0] == 0 ? 0 : (double) c[1] / c[0],
            c[2],
            c[3],
            c[4],
            features[i].size(),
            product ? c[6] / days : 0,
            product ? c[5] / days : 0,
            c[9] == 0 ? 0 : c[8] / 1000.0 / c[9]
        };
    }

    /** The customer leaves and a new one of the given persona takes their place. */
    void replace(int i, int newPersona) {
        persona[i] = newPersona;
        counts[i] = new long[counts[i].length];
        features[i] = new HashSet<>();
    }

    /** The customer behaves as another persona from now on (their history stays). */
    void becomes(int i, int newPersona) {
        persona[i] = newPersona;
    }

    int persona(int i) {
        return persona[i];
    }

    int size() {
        return persona.length;
    }
}
