package io.segflow.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A CRM that does not know the outcome of 40 % of its customers, and where buyers are common (30 %
 * of all): the prospects are mostly the recent customers (short tenure), whose outcome the CRM has
 * not decided yet, while tenure itself says nothing about buying. The generator knows every
 * customer's true outcome, so the test can measure how well each model ranks the unknown ones.
 */
class UnknownOutcomesTest {

    private static final int CUSTOMERS = 5_000;
    private static final List<String> FEATURES =
            List.of("web", "product", "age", "tenure_months", "noise");

    private static double[][] profiles;
    private static int[] trueOutcomes;
    private static int[] crmOutcomes;
    private static int[] unknown;

    @BeforeAll
    static void aCrmThatDoesNotKnowItsProspectsOutcomes() {
        Random random = new Random(20);
        profiles = new double[CUSTOMERS][];
        trueOutcomes = new int[CUSTOMERS];
        crmOutcomes = new int[CUSTOMERS];
        for (int i = 0; i < CUSTOMERS; i++) {
            double web = random.nextGaussian();
            double product = random.nextGaussian();
            double age = 40 + 12 * random.nextGaussian();
            double tenure = 36 * random.nextDouble();
            double logOdds = -1.2 + 1.2 * web + 0.8 * product - 0.02 * (age - 40);
            trueOutcomes[i] = random.nextDouble() < PlattScaling.sigmoid(logOdds) ? 1 : 0;
            // most customers of the last 14 months are undecided; a few older ones too
            boolean undecided = random.nextDouble() < (tenure < 14 ? 0.9 : 0.07);
            crmOutcomes[i] = undecided ? Propensity.UNKNOWN : trueOutcomes[i];
            profiles[i] = new double[] {web, product, age, tenure, random.nextGaussian()};
        }
        unknown =
                IntStream.range(0, CUSTOMERS)
                        .filter(i -> crmOutcomes[i] == Propensity.UNKNOWN)
                        .toArray();
    }

    @Test
    void theDataIsWhatTheIssueDescribes() {
        assertThat(unknown.length / (double) CUSTOMERS).isCloseTo(0.40, within(0.03));
        assertThat(Arrays.stream(trueOutcomes).average().orElseThrow())
                .isCloseTo(0.30, within(0.04));
    }

    /**
     * Trained with NULL as false, the model learns that recent customers do not buy, and ranks the
     * prospects partly by their tenure; trained on the known outcomes alone, it ranks them by what
     * makes people buy.
     */
    @Test
    void unknownOutcomesAreLeftOutOfTheFitAndTheProspectsAreRankedAtLeastAsWell() {
        InsightRun.Settings defaults = InsightRun.Settings.defaults();
        Propensity.Result knownOnly =
                Propensity.fitOnSample(
                        profiles,
                        crmOutcomes,
                        InsightRun.OUTCOME,
                        defaults.candidates(),
                        defaults.folds(),
                        defaults.fitSample(),
                        defaults.seed(),
                        step -> {});
        int[] nullAsFalse = Arrays.stream(crmOutcomes).map(y -> Math.max(y, 0)).toArray();
        Propensity.Result unknownAsFalse =
                Propensity.fitOnSample(
                        profiles,
                        nullAsFalse,
                        InsightRun.OUTCOME,
                        defaults.candidates(),
                        defaults.folds(),
                        defaults.fitSample(),
                        defaults.seed(),
                        step -> {});

        long knownPositives = Arrays.stream(crmOutcomes).filter(y -> y == 1).count();
        long knownNegatives = Arrays.stream(crmOutcomes).filter(y -> y == 0).count();
        assertThat(knownOnly.positives()).isEqualTo(knownPositives);
        assertThat(knownOnly.negatives()).isEqualTo(knownNegatives);
        assertThat(knownOnly.unknown()).isEqualTo(unknown.length);
        assertThat(knownOnly.fittedRows()).hasSize(CUSTOMERS - unknown.length);
        assertThat(IntStream.of(knownOnly.fittedRows()).map(i -> crmOutcomes[i]))
                .doesNotContain(Propensity.UNKNOWN);
        assertThat(knownOnly.heldOutPotential()).hasSize(CUSTOMERS - unknown.length);
        // the base rate the fit reports is that of the known outcomes
        assertThat(knownOnly.positives() / (double) (knownOnly.positives() + knownOnly.negatives()))
                .isGreaterThan(0.25);
        assertThat(unknownAsFalse.positives() + unknownAsFalse.negatives()).isEqualTo(CUSTOMERS);

        double aucKnownOnly = aucOnTheUnknown(knownOnly.scorer());
        double aucUnknownAsFalse = aucOnTheUnknown(unknownAsFalse.scorer());
        System.out.printf(
                "AUC on the %d customers of unknown outcome (their true outcomes): trained on the"
                        + " known only (%s) %.4f; trained with NULL as false (%s) %.4f%n",
                unknown.length,
                knownOnly.chosen().title(),
                aucKnownOnly,
                unknownAsFalse.chosen().title(),
                aucUnknownAsFalse);
        assertThat(aucKnownOnly).isGreaterThanOrEqualTo(aucUnknownAsFalse);
    }

    @Test
    void segmentConversionRatesCountOnlyKnownOutcomes() {
        int[] segments = IntStream.range(0, CUSTOMERS).map(i -> i % 2).toArray();
        SegmentProfiles.Result result =
                SegmentProfiles.of(profiles, FEATURES, segments, crmOutcomes, null, 2);
        double knownRate =
                Arrays.stream(crmOutcomes)
                        .filter(y -> y != Propensity.UNKNOWN)
                        .average()
                        .orElseThrow();
        assertThat(result.baseRate()).isCloseTo(knownRate, within(1e-12));
        assertThat(result.profiles())
                .allSatisfy(p -> assertThat(p.conversionRate()).isBetween(0.25, 0.45));
    }

    private static double aucOnTheUnknown(Propensity.Scorer scorer) {
        double[] scores =
                IntStream.of(unknown).mapToDouble(i -> scorer.potential(profiles[i])).toArray();
        int[] truth = IntStream.of(unknown).map(i -> trueOutcomes[i]).toArray();
        return BinaryMetrics.auc(scores, truth);
    }
}
