package io.segflow.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.segflow.model.Retrainer;
import io.segflow.model.SegmentModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * No step can sink an insight run: a source whose removal leaves the customers alike, a constant
 * source, a propensity candidate that throws. Each run still profiles, measures and scores, and
 * says what it left out and why. Every setting at its default.
 */
class InsightRunFailuresTest {

    private static final List<String> FEATURES = List.of("age", "tenure", "pages", "logins");

    /**
     * Customers whose CRM (age, tenure) sets them apart and drives conversion; the web (pages) and
     * the product (logins) vary only where {@code webAndProduct} says so.
     */
    private static InsightRun.Input customers(
            int n, long seed, boolean webVaries, boolean productVaries) {
        Random random = new Random(seed);
        long[] ids = new long[n];
        double[][] profiles = new double[n][];
        int[] converted = new int[n];
        String[] labels = new String[n];
        for (int i = 0; i < n; i++) {
            int persona = i % 3;
            ids[i] = 1 + i;
            double age = 30 + 12 * persona + 4 * random.nextGaussian();
            double tenure = 2 + 3 * persona + random.nextGaussian();
            profiles[i] =
                    new double[] {
                        age,
                        tenure,
                        webVaries ? 3 * persona + random.nextGaussian() : 0,
                        productVaries ? 2 * persona + random.nextGaussian() : 0
                    };
            converted[i] = random.nextDouble() < 0.15 + 0.3 * persona ? 1 : 0;
            labels[i] = i % 4 == 0 ? null : "persona-" + persona;
        }
        Map<String, List<String>> sources = new LinkedHashMap<>();
        sources.put("crm", List.of("age", "tenure"));
        sources.put("web", List.of("pages"));
        sources.put("product", List.of("logins"));
        SegmentModel model =
                Retrainer.retrain(
                                profiles, FEATURES, null, -1, Retrainer.Settings.defaults(), 1_000L)
                        .model();
        return new InsightRun.Input(
                ids, profiles, FEATURES, sources, converted, labels, model, null);
    }

    @Test
    void aCrmOnlyBaseIsScoredAndProfiledAndSaysWhyTheCrmCannotBeValued() {
        InsightRun.Input input = customers(1_000, 5, false, false);
        int k = input.segmentation().k();
        List<String> progress = new ArrayList<>();

        InsightRun.Result result =
                InsightRun.run(input, InsightRun.Settings.defaults(), 90, progress::add);

        assertThat(result.scorer()).isPresent();
        assertThat(result.potentials()).hasSize(1_000);
        assertThat(result.profiles().profiles()).hasSize(k);
        assertThat(result.quality().silhouette()).isFinite();
        assertThat(result.labels()).isPresent();
        SourceValue.Value crm = value(result, "crm");
        assertThat(crm.segmentationAri()).isNaN();
        assertThat(crm.notMeasured())
                .isEqualTo(
                        "without crm: 1 distinct profile, segmentation not comparable (k = "
                                + k
                                + ")");
        // the propensity without the CRM has nothing to learn from: measured all the same
        assertThat(crm.aucWithout()).isCloseTo(0.5, within(0.05));
        assertThat(result.stepFailures())
                .containsExactly(new StepFailure("value of data source crm", crm.notMeasured()));
        // leaving out a constant source leaves the segments as they are
        assertThat(value(result, "web").segmentationAri()).isCloseTo(1.0, within(1e-9));
        assertThat(value(result, "product").segmentationAri()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void aConstantSourceIsValuedAsAddingNothing() {
        InsightRun.Input input = customers(1_000, 6, true, false);

        InsightRun.Result result =
                InsightRun.run(input, InsightRun.Settings.defaults(), 91, s -> {});

        assertThat(result.stepFailures()).isEmpty();
        assertThat(result.scorer()).isPresent();
        SourceValue.Value product = value(result, "product");
        assertThat(product.notMeasured()).isNull();
        assertThat(product.segmentationAri()).isCloseTo(1.0, within(1e-9));
        assertThat(product.aucLoss()).isCloseTo(0.0, within(0.01));
        assertThat(value(result, "crm").segmentationAri()).isBetween(-1.0, 1.0);
        assertThat(value(result, "web").segmentationAri()).isBetween(-1.0, 1.0);
    }

    @Test
    void aCandidateThatThrowsIsLeftOutOfTheChoiceWithItsReason() {
        InsightRun.Input input = customers(1_000, 7, true, true);
        Propensity.Fitter forestFails =
                (candidate, x, y, seed) -> {
                    if (candidate == Candidate.RANDOM_FOREST) {
                        throw new IllegalStateException("the forest ran out of memory");
                    }
                    return candidate.fit(x, y, seed);
                };

        InsightRun.Result result =
                InsightRun.run(input, InsightRun.Settings.defaults(), 92, s -> {}, forestFails);

        Propensity.Result propensity = result.propensity().orElseThrow();
        assertThat(propensity.chosen()).isNotEqualTo(Candidate.RANDOM_FOREST);
        assertThat(propensity.candidates())
                .extracting(Propensity.CandidateResult::candidate)
                .containsExactly(Candidate.LOGISTIC_REGRESSION, Candidate.GRADIENT_BOOSTING);
        assertThat(result.stepFailures())
                .containsExactly(
                        new StepFailure(
                                "propensity candidate random forest",
                                "the forest ran out of memory"));
        assertThat(result.scorer()).isPresent();
        assertThat(result.propensityStatus()).contains("chosen");
        assertThat(result.sourceValues()).hasSize(3);
    }

    @Test
    void whenTheChosenCandidateFailsOnEveryCustomerTheNextBestIsChosen() {
        InsightRun.Input input = customers(1_000, 8, true, true);
        int everyone = input.customers().length;
        // the folds fit on 4/5 of the customers; only the final fit sees all of them
        Propensity.Fitter failsOnEveryone =
                (candidate, x, y, seed) -> {
                    if (x.length == everyone) {
                        throw new IllegalStateException(candidate.title() + " is out of memory");
                    }
                    return candidate.fit(x, y, seed);
                };

        InsightRun.Result result =
                InsightRun.run(input, InsightRun.Settings.defaults(), 93, s -> {}, failsOnEveryone);

        // every candidate fails its final fit: no scores, but every other step is done
        assertThat(result.propensity()).isEmpty();
        assertThat(result.scorer()).isEmpty();
        assertThat(result.propensityStatus())
                .contains("no potential scores", "every propensity candidate failed");
        assertThat(result.stepFailures())
                .hasSize(3)
                .allSatisfy(
                        f ->
                                assertThat(f.step())
                                        .startsWith("propensity candidate")
                                        .endsWith("(fit on all customers)"));
        assertThat(result.profiles().profiles()).isNotEmpty();
        assertThat(result.sourceValues()).hasSize(3);
        assertThat(result.labels()).isPresent();
    }

    private static SourceValue.Value value(InsightRun.Result result, String source) {
        return result.sourceValues().stream()
                .filter(v -> v.source().equals(source))
                .findFirst()
                .orElseThrow();
    }
}
