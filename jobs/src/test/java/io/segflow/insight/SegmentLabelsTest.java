package io.segflow.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Three personas; people labelled every third customer; the rest get a predicted label. */
class SegmentLabelsTest {

    private static final String[] PERSONAS = {"reader", "video learner", "power user"};

    @Test
    void theLabelsOfSomeArePredictedForTheRestAndExplained() {
        Random random = new Random(8);
        int n = 1_500;
        double[][] profiles = new double[n][];
        String[] truth = new String[n];
        String[] labels = new String[n];
        double[][] centres = {{8, 0, 1}, {2, 6, 1}, {1, 1, 9}};
        for (int i = 0; i < n; i++) {
            int persona = random.nextInt(3);
            profiles[i] =
                    new double[] {
                        centres[persona][0] + random.nextGaussian(),
                        centres[persona][1] + random.nextGaussian(),
                        centres[persona][2] + random.nextGaussian(),
                        random.nextGaussian()
                    };
            truth[i] = PERSONAS[persona];
            labels[i] = i % 3 == 0 ? truth[i] : null;
        }
        List<String> steps = new ArrayList<>();

        SegmentLabels.Result result =
                SegmentLabels.predict(profiles, labels, 5, 3, steps::add).orElseThrow();

        assertThat(result.labelled()).isEqualTo(500);
        assertThat(result.evaluation().labels())
                .containsExactly("power user", "reader", "video learner");
        assertThat(result.evaluation().accuracy()).isGreaterThan(0.97);
        assertThat(result.evaluation().macroF1()).isGreaterThan(0.97);
        assertThat(
                        Arrays.stream(result.evaluation().confusion())
                                .flatMapToLong(Arrays::stream)
                                .sum())
                .isEqualTo(500);
        int right = 0;
        for (int i = 0; i < n; i++) {
            SegmentLabels.Prediction prediction = result.model().predict(profiles[i]);
            right += prediction.label().equals(truth[i]) ? 1 : 0;
            assertThat(prediction.probability()).isBetween(1.0 / 3, 1.0);
            // the drivers add up to the predicted label's score, in the chosen model's space
            SegmentLabels.LabelModel model = result.model();
            assertThat(prediction.explanation().total())
                    .isCloseTo(
                            model.classifier()
                                    .score(
                                            model.imputation().apply(profiles[i]),
                                            model.names().indexOf(prediction.label())),
                            within(1e-6));
        }
        assertThat(right).isGreaterThan((int) (0.97 * n));
        assertThat(result.candidates())
                .extracting(SegmentLabels.CandidateResult::candidate)
                .containsExactly(Candidate.values());
        assertThat(steps)
                .contains(
                        "segment labels, logistic regression: fold 5 of 5",
                        "segment labels, random forest: fold 5 of 5",
                        "segment labels, gradient-boosted trees: fold 5 of 5",
                        "segment labels, "
                                + result.chosen().title()
                                + ": fit on every labelled"
                                + " customer");
    }

    @Test
    void treesExplainASeededSampleOfTheUnlabelledAndPredictEveryone() {
        Random random = new Random(5);
        int n = 6_600;
        double[][] profiles = new double[n][];
        String[] labels = new String[n];
        for (int i = 0; i < n; i++) {
            int persona = random.nextInt(3);
            profiles[i] =
                    new double[] {persona + random.nextGaussian() * 0.3, random.nextGaussian()};
            labels[i] = i < 600 ? PERSONAS[persona] : null;
        }

        SegmentLabels.Result result =
                SegmentLabels.predict(
                                profiles, labels, List.of(Candidate.RANDOM_FOREST), 5, 3, s -> {})
                        .orElseThrow();

        SegmentLabels.LabelModel model = result.model();
        assertThat(model.explainShare())
                .isCloseTo((double) SegmentLabels.MAX_EXPLAINED / 6_000, within(1e-12));
        assertThat(result.explained()).contains("sample of about 2,000");
        int explained = 0;
        for (int i = 600; i < n; i++) {
            SegmentLabels.Prediction prediction = model.predict(i, profiles[i]);
            assertThat(prediction.label()).isIn((Object[]) PERSONAS);
            if (prediction.explanation() != null) {
                explained++;
                // the same customer is explained every time
                assertThat(model.predict(i, profiles[i]).explanation()).isNotNull();
            }
        }
        assertThat(explained).isBetween(1_800, 2_200);
    }

    @Test
    void withoutLabelsItIsSkippedWithAMessage() {
        List<String> steps = new ArrayList<>();
        Optional<SegmentLabels.Result> result =
                SegmentLabels.predict(new double[][] {{1}, {2}}, new String[2], 5, 1, steps::add);
        assertThat(result).isEmpty();
        assertThat(steps).singleElement().asString().contains("no customer carries one");
    }

    @Test
    void aLabelCarriedByTooFewIsRefusedWithItsCount() {
        double[][] profiles = new double[40][];
        String[] labels = new String[40];
        for (int i = 0; i < 40; i++) {
            profiles[i] = new double[] {i};
            labels[i] = i < 36 ? "many" : "rare";
        }
        assertThatThrownBy(() -> SegmentLabels.predict(profiles, labels, 5, 1, s -> {}))
                .hasMessageContaining("segment_label 'rare' is carried by 4 customers");
    }

    @Test
    void aCandidateThatThrowsIsLeftOutAndTheOthersStillChoose() {
        Random random = new Random(9);
        int n = 400;
        double[][] profiles = new double[n][];
        String[] labels = new String[n];
        for (int i = 0; i < n; i++) {
            int persona = random.nextInt(3);
            profiles[i] =
                    new double[] {persona + random.nextGaussian() * 0.3, random.nextGaussian()};
            labels[i] = i < 300 ? PERSONAS[persona] : null;
        }
        List<String> steps = new ArrayList<>();

        SegmentLabels.Result result =
                SegmentLabels.predict(
                                profiles,
                                labels,
                                List.of(Candidate.values()),
                                5,
                                3,
                                steps::add,
                                (candidate, x, y, classes, seed) -> {
                                    if (candidate == Candidate.RANDOM_FOREST) {
                                        throw new IllegalStateException("out of memory, say");
                                    }
                                    return LabelClassifier.fit(candidate, x, y, classes, seed);
                                })
                        .orElseThrow();

        assertThat(result.candidates())
                .extracting(SegmentLabels.CandidateResult::candidate)
                .doesNotContain(Candidate.RANDOM_FOREST)
                .isNotEmpty();
        assertThat(result.chosen()).isNotEqualTo(Candidate.RANDOM_FOREST);
        assertThat(result.failedCandidates())
                .singleElement()
                .satisfies(
                        failure -> {
                            assertThat(failure.step()).contains("random forest");
                            assertThat(failure.reason()).contains("out of memory, say");
                        });
        assertThat(result.evaluation().accuracy()).isGreaterThan(0.9);
        assertThat(steps).anyMatch(s -> s.contains("failed, left out"));
    }

    @Test
    void whenEveryCandidateThrowsTheStepFails() {
        double[][] profiles = new double[60][];
        String[] labels = new String[60];
        for (int i = 0; i < 60; i++) {
            profiles[i] = new double[] {i % 2, i};
            labels[i] = i % 2 == 0 ? "even" : "odd";
        }
        assertThatThrownBy(
                        () ->
                                SegmentLabels.predict(
                                        profiles,
                                        labels,
                                        List.of(Candidate.values()),
                                        5,
                                        1,
                                        s -> {},
                                        (candidate, x, y, classes, seed) -> {
                                            throw new IllegalStateException("broken");
                                        }))
                .hasMessageContaining("every candidate failed")
                .hasMessageContaining("broken");
    }
}
