package io.segflow.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.segflow.model.Retrainer;
import io.segflow.model.SegmentModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A whole insight run on generated customers, with every setting at its default. */
class InsightRunTest {

    private static final List<String> FEATURES = List.of("pages", "videos", "age", "logins");

    /**
     * Three personas: the product (logins) tells the first from the others, only the web (pages,
     * videos) tells the second from the third; conversion follows the persona; the CRM's age is
     * noise. Four in five customers carry their persona's name as segment_label.
     */
    private static InsightRun.Input customers(int n, long seed) {
        Random random = new Random(seed);
        double[][] personas = {{0, 0, 0}, {6, 0, 4}, {3, 6, 4}};
        double[] rates = {0.1, 0.5, 0.8};
        long[] ids = new long[n];
        double[][] profiles = new double[n][];
        int[] converted = new int[n];
        String[] labels = new String[n];
        for (int i = 0; i < n; i++) {
            int persona = i % 3;
            ids[i] = 1000 + i;
            profiles[i] =
                    new double[] {
                        personas[persona][0] + random.nextGaussian(),
                        personas[persona][1] + random.nextGaussian(),
                        i % 17 == 0 ? Double.NaN : 40 + 10 * random.nextGaussian(),
                        personas[persona][2] + random.nextGaussian()
                    };
            converted[i] = random.nextDouble() < rates[persona] ? 1 : 0;
            labels[i] = i % 5 == 0 ? null : "persona-" + persona;
        }
        Map<String, List<String>> sources = new LinkedHashMap<>();
        sources.put("crm", List.of("age"));
        sources.put("web", List.of("pages", "videos"));
        sources.put("product", List.of("logins"));
        SegmentModel model =
                Retrainer.retrain(
                                profiles, FEATURES, null, -1, Retrainer.Settings.fixedK(3), 1_000L)
                        .model();
        return new InsightRun.Input(
                ids, profiles, FEATURES, sources, converted, labels, model, null);
    }

    @Test
    void scoresRanksProfilesAndValuesTheSourcesOfEveryCustomer() {
        int n = 1_500;
        InsightRun.Input input = customers(n, 3);
        List<String> steps = new ArrayList<>();

        InsightRun.Result result =
                InsightRun.run(input, InsightRun.Settings.defaults(), 77, steps::add);

        assertThat(result.propensity()).isPresent();
        assertThat(result.propensity().get().chosenResult().auc()).isGreaterThan(0.7);
        CustomerScorer scorer = result.scorer().orElseThrow();
        OutOfFoldPotentials outOfFold = result.outOfFold();
        assertThat(outOfFold.size()).isEqualTo(n); // every outcome is known: fitted on everyone
        CustomerScorer.Score[] scores = new CustomerScorer.Score[n];
        for (int i = 0; i < n; i++) {
            // as the insight job writes customer_score: out of fold for the fitted customers
            long id = input.customers()[i];
            scores[i] =
                    outOfFold.shown(
                            id, scorer.score(id, input.profiles()[i], input.labels()[i]), scorer);
        }
        assertThat(scores)
                .allSatisfy(
                        score -> {
                            assertThat(score.potential()).isBetween(0.0, 1.0);
                            assertThat(score.percentile()).isBetween(0.0, 100.0);
                            assertThat(score.drivers()).hasSize(3);
                            assertThat(score.segmentDrivers()).hasSize(3);
                            assertThat(score.control()).isFalse(); // no holdout by default
                        });
        assertThat(Arrays.stream(scores).mapToDouble(s -> s.percentile()).max()).hasValue(100.0);
        // the same potentials the run measured the segments with
        for (int i = 0; i < n; i++) {
            assertThat(scores[i].potential()).isEqualTo(result.potentials()[i]);
            assertThat(scores[i].segmentId()).isEqualTo(result.segmentIds()[i]);
        }
        // the converting personas score higher: mean potential follows the true rates
        Map<Integer, Double> meanPotentialByPersona =
                java.util.stream.IntStream.range(0, n)
                        .boxed()
                        .collect(
                                Collectors.groupingBy(
                                        i -> i % 3,
                                        Collectors.averagingDouble(i -> scores[i].potential())));
        assertThat(meanPotentialByPersona.get(0)).isCloseTo(0.1, within(0.07));
        assertThat(meanPotentialByPersona.get(2)).isCloseTo(0.8, within(0.07));
        // the CRM's age is noise: it is not among the global drivers' top two
        assertThat(result.globalDrivers().subList(0, 2))
                .extracting(Drivers.Driver::feature)
                .doesNotContain("age");
        // a label is predicted for the unlabelled only, mostly their persona's
        long rightLabels = 0;
        for (int i = 0; i < n; i++) {
            if (input.labels()[i] == null) {
                rightLabels += ("persona-" + (i % 3)).equals(scores[i].predictedLabel()) ? 1 : 0;
            } else {
                assertThat(scores[i].predictedLabel()).isNull();
            }
        }
        assertThat(rightLabels).isGreaterThan((long) (0.9 * n / 5));

        assertThat(result.profiles().profiles()).hasSize(3);
        assertThat(result.profiles().profiles().stream().mapToLong(p -> p.size()).sum())
                .isEqualTo(n);
        assertThat(result.profiles().conversionLift()).isGreaterThan(4);
        assertThat(result.quality().silhouette()).isGreaterThan(0.4);
        assertThat(result.segmentDrivers()).hasSize(3);

        Map<String, SourceValue.Value> values =
                result.sourceValues().stream()
                        .collect(Collectors.toMap(SourceValue.Value::source, v -> v));
        assertThat(values).containsOnlyKeys("crm", "web", "product");
        assertThat(values.get("crm").aucLoss()).isCloseTo(0, within(0.02));
        assertThat(values.get("web").aucLoss()).isGreaterThan(0.03);

        assertThat(result.labels()).isPresent();
        assertThat(result.labels().get().evaluation().accuracy()).isGreaterThan(0.9);
        assertThat(result.labelStatus()).contains("1,200 labelled customers");
        assertThat(steps).anyMatch(s -> s.contains("fold 5 of 5"));
        assertThat(result.stepSeconds()).isNotEmpty();
    }

    /**
     * 50 customers, as the demo's first minute has: too few conversions to score, yet the segments
     * are profiled and measured, the sources valued for the segmentation, and the reasons said.
     */
    @Test
    void aSmallCustomerBaseGetsItsSegmentsProfiledAndTheReasonThereAreNoScores() {
        InsightRun.Input input = customers(50, 4);

        InsightRun.Result result =
                InsightRun.run(input, InsightRun.Settings.defaults(), 78, s -> {});

        assertThat(result.propensity()).isEmpty();
        assertThat(result.propensityStatus()).contains("no potential scores").contains("100");
        assertThat(result.scorer()).isEmpty();
        assertThat(result.potentials()).isNull();
        assertThat(result.profiles().profiles().stream().mapToLong(p -> p.size()).sum())
                .isEqualTo(50);
        assertThat(result.profiles().profiles())
                .allSatisfy(p -> assertThat(p.meanPotential()).isNaN());
        assertThat(result.sourceValues())
                .hasSize(3)
                .allSatisfy(
                        v -> {
                            assertThat(v.aucLoss()).isNaN();
                            assertThat(v.segmentationAri()).isBetween(-1.0, 1.0);
                        });
        // three labels carried by 13 or 14 customers each are enough to learn from
        assertThat(result.labelStatus()).contains("from 40 labelled customers");
    }
}
