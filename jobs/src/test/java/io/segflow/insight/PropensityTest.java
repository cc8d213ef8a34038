package io.segflow.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generated customers whose true conversion probabilities are known: web engagement raises it, age
 * lowers it a little, heavy product use raises it beyond a threshold (what a linear model cannot
 * see), and one feature is pure noise.
 */
class PropensityTest {

    /** The forest costs fifty times the boosted trees to explain: it must be clearly better. */
    @Test
    void theForestIsChosenOnlyWhenClearlyBetterAndTiesKeepTheSimplerModel() {
        var lr = new Propensity.CandidateResult(Candidate.LOGISTIC_REGRESSION, 0.780, 0.5, 2);
        var gbt = new Propensity.CandidateResult(Candidate.GRADIENT_BOOSTING, 0.790, 0.5, 2);
        var slightlyBetterForest =
                new Propensity.CandidateResult(Candidate.RANDOM_FOREST, 0.793, 0.5, 2);
        var clearlyBetterForest =
                new Propensity.CandidateResult(Candidate.RANDOM_FOREST, 0.800, 0.5, 2);
        var tiedBoosting =
                new Propensity.CandidateResult(Candidate.GRADIENT_BOOSTING, 0.780, 0.5, 2);

        assertThat(Propensity.choose(List.of(lr, slightlyBetterForest, gbt))).isEqualTo(2);
        assertThat(Propensity.choose(List.of(lr, clearlyBetterForest, gbt))).isEqualTo(1);
        assertThat(Propensity.choose(List.of(lr, tiedBoosting))).isZero();
        assertThat(Propensity.choose(List.of(lr, gbt))).isEqualTo(1);
    }

    private static final int CUSTOMERS = 4_000;
    private static final List<String> FEATURES = List.of("web", "age", "product", "noise");
    private static double[][] profiles;
    private static int[] outcomes;
    private static double[] truth;
    private static Propensity.Result result;

    @BeforeAll
    static void customersAndTheirFit() {
        Random random = new Random(11);
        profiles = new double[CUSTOMERS][];
        outcomes = new int[CUSTOMERS];
        truth = new double[CUSTOMERS];
        for (int i = 0; i < CUSTOMERS; i++) {
            double web = random.nextGaussian();
            double age = 40 + 12 * random.nextGaussian();
            double product = Math.abs(random.nextGaussian()) * 3;
            double noise = random.nextGaussian();
            double logOdds = -1.2 + 1.1 * web - 0.02 * (age - 40) + (product > 3 ? 1.5 : 0);
            truth[i] = PlattScaling.sigmoid(logOdds);
            outcomes[i] = random.nextDouble() < truth[i] ? 1 : 0;
            // every tenth customer's product use is unknown
            profiles[i] = new double[] {web, age, i % 10 == 0 ? Double.NaN : product, noise};
        }
        result = fitAll();
    }

    /** Every candidate, 5 folds, seed 42. */
    private static Propensity.Result fitAll() {
        return Propensity.fit(
                profiles,
                outcomes,
                "converted_to_sale",
                Arrays.asList(Candidate.values()),
                5,
                42,
                step -> {});
    }

    @Test
    void theCrossValidatedAucIsNearTheBestAnyModelCouldReach() {
        double bayes = BinaryMetrics.auc(truth, outcomes);
        Propensity.CandidateResult chosen = result.chosenResult();
        System.out.printf("Bayes-optimal AUC %.4f; %s%n", bayes, result.candidates());
        assertThat(chosen.auc()).isCloseTo(bayes, within(0.03));
        // the chosen one is the best of the candidates, the baseline among them
        assertThat(result.candidates())
                .extracting(Propensity.CandidateResult::candidate)
                .contains(Candidate.LOGISTIC_REGRESSION);
        assertThat(result.candidates())
                .allSatisfy(c -> assertThat(c.auc()).isLessThanOrEqualTo(chosen.auc()));
        assertThat(chosen.liftInTopDecile()).isGreaterThan(1.5);
    }

    /** Bound: held-out potentials are within 0.03 of the observed rate on average over ten bins. */
    @Test
    void heldOutPotentialsAreCalibrated() {
        assertThat(result.calibrationError()).isLessThan(0.03);
        double meanPotential = Arrays.stream(result.heldOutPotential()).average().orElseThrow();
        double rate = Arrays.stream(outcomes).average().orElseThrow();
        assertThat(meanPotential).isCloseTo(rate, within(0.01));
    }

    @Test
    void everyCandidateAddsUpForEveryCustomer() {
        // fitted on the first 1,500 customers (three candidates, hundreds of trees), checked on
        // each
        double[][] some = Arrays.copyOf(profiles, 1_500);
        int[] theirOutcomes = Arrays.copyOf(outcomes, 1_500);
        for (Candidate candidate : Candidate.values()) {
            ScoreModel model = candidate.fit(some, theirOutcomes, 1);
            double tolerance = 1e-9;
            for (double[] profile : some) {
                assertThat(model.explain(profile).total())
                        .as(candidate.title())
                        .isCloseTo(model.score(profile), within(tolerance));
            }
        }
    }

    @Test
    void thePotentialAddsUpInLogOddsForEveryCustomer() {
        for (double[] profile : profiles) {
            double potential = result.scorer().potential(profile);
            assertThat(potential).isBetween(0.0, 1.0);
            double logOdds = Math.log(potential / (1 - potential));
            double tolerance = 1e-6;
            assertThat(result.scorer().explain(profile).total())
                    .isCloseTo(logOdds, within(tolerance));
        }
    }

    @Test
    void pureNoiseRanksLastAmongTheDrivers() {
        double[] meanAbsolute = new double[FEATURES.size()];
        for (double[] profile : profiles) {
            double[] contributions = result.scorer().explain(profile).contributions();
            for (int j = 0; j < meanAbsolute.length; j++) {
                meanAbsolute[j] += Math.abs(contributions[j]) / profiles.length;
            }
        }
        int noise = FEATURES.indexOf("noise");
        for (int j = 0; j < meanAbsolute.length; j++) {
            if (j != noise) {
                assertThat(meanAbsolute[j]).as(FEATURES.get(j)).isGreaterThan(meanAbsolute[noise]);
            }
        }
    }

    @Test
    void onASampleTheScorerStillScoresEveryone() {
        int[] sample = Propensity.sample(10_000, 2_000, 3);
        assertThat(sample.length).isBetween(1_800, 2_200);
        assertThat(sample).isSorted().doesNotHaveDuplicates();
        assertThat(Propensity.sample(1_000, 2_000, 3)).hasSize(1_000);

        Propensity.Result onSample =
                Propensity.fitOnSample(
                        profiles,
                        outcomes,
                        "converted_to_sale",
                        List.of(Candidate.LOGISTIC_REGRESSION),
                        5,
                        2_000,
                        42,
                        step -> {});
        assertThat(onSample.heldOutPotential().length).isBetween(1_800, 2_200);
        double[] all = Arrays.stream(profiles).mapToDouble(onSample.scorer()::potential).toArray();
        assertThat(BinaryMetrics.auc(all, outcomes))
                .isCloseTo(BinaryMetrics.auc(truth, outcomes), within(0.03));
    }

    @Test
    void tooFewConversionsAreRefusedWithTheCounts() {
        int[] few = new int[1_000];
        for (int i = 0; i < 99; i++) {
            few[i * 10] = 1;
        }
        double[][] some = Arrays.copyOf(profiles, 1_000);
        assertThatThrownBy(
                        () ->
                                Propensity.fit(
                                        some,
                                        few,
                                        "converted_to_sale",
                                        List.of(Candidate.LOGISTIC_REGRESSION),
                                        5,
                                        1,
                                        s -> {}))
                .isInstanceOf(Propensity.TooFewOutcomesException.class)
                .hasMessageContaining(
                        "converted_to_sale is true for 99 customers and false for 901")
                .hasMessageContaining("at least 100 of each");
    }

    @Test
    void progressNamesEveryFit() {
        List<String> steps = new ArrayList<>();
        double[][] some = Arrays.copyOf(profiles, 1_000);
        int[] y = Arrays.copyOf(outcomes, 1_000);
        Propensity.fit(
                some,
                y,
                "converted_to_sale",
                List.of(Candidate.LOGISTIC_REGRESSION),
                3,
                1,
                steps::add);
        assertThat(steps)
                .containsExactly(
                        "logistic regression: fold 1 of 3",
                        "logistic regression: fold 2 of 3",
                        "logistic regression: fold 3 of 3",
                        "logistic regression: fit on all customers");
    }

    /**
     * Every candidate's fits are seeded: the same run gives the same figures every time (the
     * forest's once moved its cross-validated AUC in the third decimal from one run to the next).
     */
    @Test
    void theSameFitGivesTheSameFiguresEveryRun() {
        Propensity.Result again = fitAll();

        assertThat(again.candidates()).isEqualTo(result.candidates());
        assertThat(again.heldOutPotential()).containsExactly(result.heldOutPotential());
    }
}
