package io.segflow.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.segflow.model.FeatureScaling;
import io.segflow.model.SegmentModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CustomerScorerTest {

    private static final List<String> FEATURES = List.of("a", "b");

    private static double[][] profiles;
    private static int[] outcomes;

    static {
        Random random = new Random(2);
        profiles = new double[600][];
        outcomes = new int[600];
        for (int i = 0; i < profiles.length; i++) {
            profiles[i] = new double[] {random.nextGaussian(), random.nextGaussian()};
            outcomes[i] = random.nextDouble() < 1 / (1 + Math.exp(-2 * profiles[i][0])) ? 1 : 0;
        }
    }

    private static CustomerScorer scorer(Candidate candidate, double holdout, long seed) {
        ScoreModel model = candidate.fit(profiles, outcomes, 1);
        SegmentModel segments =
                new SegmentModel(
                        3,
                        "batch",
                        FEATURES,
                        FeatureScaling.identity(2),
                        new double[] {-1, 0, 1, 0},
                        new double[] {300, 300},
                        0,
                        600);
        double[] potentials = new double[profiles.length];
        Propensity.Scorer propensity = new Propensity.Scorer(model, PlattScaling.identity());
        for (int i = 0; i < potentials.length; i++) {
            potentials[i] = propensity.potential(profiles[i]);
        }
        return new CustomerScorer(
                propensity, segments, Map.of(), null, potentials, FEATURES, 2, holdout, seed);
    }

    /** The insight job ships the scorer to Flink's operators: a copy scores the same. */
    @ParameterizedTest
    @EnumSource(Candidate.class)
    void aSerializedCopyScoresEveryCustomerTheSame(Candidate candidate) throws Exception {
        CustomerScorer scorer = scorer(candidate, 0, 1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(scorer);
        }
        CustomerScorer copy;
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (CustomerScorer) in.readObject();
        }
        for (int i = 0; i < profiles.length; i += 7) {
            CustomerScorer.Score original = scorer.score(i, profiles[i], null);
            CustomerScorer.Score copied = copy.score(i, profiles[i], null);
            assertThat(copied.potential()).isEqualTo(original.potential());
            assertThat(copied.drivers()).isEqualTo(original.drivers());
            assertThat(copied.segmentId()).isEqualTo(original.segmentId());
        }
    }

    @Test
    void percentilesPutTheHighestAt100AndTiesTogether() {
        CustomerScorer scorer = scorer(Candidate.LOGISTIC_REGRESSION, 0, 1);
        double highest = 0;
        for (double[] profile : profiles) {
            highest = Math.max(highest, scorer.score(0, profile, null).potential());
        }
        assertThat(scorer.percentile(highest)).isEqualTo(100.0);
        assertThat(scorer.percentile(-1)).isEqualTo(0.0);
        assertThat(scorer.percentile(2)).isEqualTo(100.0);
    }

    @Test
    void theControlGroupIsTheSameForTheSameSeedAndAboutTheShareAsked() {
        long[] customers = LongStream.range(1, 20_001).toArray();
        long held =
                LongStream.of(customers).filter(c -> CustomerScorer.isControl(c, 0.1, 7)).count();
        assertThat(held / (double) customers.length).isCloseTo(0.1, within(0.01));
        assertThat(LongStream.of(customers).filter(c -> CustomerScorer.isControl(c, 0.1, 7)))
                .containsExactlyElementsOf(
                        LongStream.of(customers)
                                .filter(c -> CustomerScorer.isControl(c, 0.1, 7))
                                .boxed()
                                .toList());
        assertThat(
                        LongStream.of(customers)
                                .filter(c -> CustomerScorer.isControl(c, 0.1, 8))
                                .boxed()
                                .toList())
                .isNotEqualTo(
                        LongStream.of(customers)
                                .filter(c -> CustomerScorer.isControl(c, 0.1, 7))
                                .boxed()
                                .toList());
        assertThat(LongStream.of(customers).noneMatch(c -> CustomerScorer.isControl(c, 0, 7)))
                .isTrue();
    }
}
