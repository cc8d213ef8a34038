package io.segflow.insight;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import smile.base.cart.SplitRule;
import smile.classification.RandomForest;
import smile.data.DataFrame;
import smile.data.formula.Formula;
import smile.data.vector.IntVector;

/**
 * The segment-label classifier on real data nobody here wrote: UCI's image segmentation data (19
 * numeric features of 3x3 pixel regions, 7 classes: brickface, sky, foliage, cement, window, path,
 * grass) as Weka splits it, 1,500 rows to learn from (segment-challenge.arff) and 810 held out
 * (segment-test.arff). Both files are copied from Debian's weka package (3.6.14, its examples): no
 * Maven artifact ships a data set of five or more classes. The bar: the chosen classifier's
 * held-out accuracy within 0.03 of a random forest of 100 unpruned trees on the same split.
 */
class ImageSegmentationTest {

    @Test
    void theChosenClassifierIsAsGoodAsAStandardRandomForestOnHeldOutRows() throws Exception {
        Arff train = Arff.read("weka/segment-challenge.arff");
        Arff test = Arff.read("weka/segment-test.arff");
        assertThat(train.rows()).hasNumberOfRows(1_500);
        assertThat(test.rows()).hasNumberOfRows(810);
        List<String> names = new ArrayList<>(new TreeSet<>(Arrays.asList(train.classes())));
        assertThat(names).hasSize(7);

        // the held-out rows are the unlabelled customers: their labels are predicted
        int n = train.rows().length + test.rows().length;
        double[][] profiles = new double[n][];
        String[] labels = new String[n];
        for (int i = 0; i < n; i++) {
            boolean learnt = i < train.rows().length;
            profiles[i] = learnt ? train.rows()[i] : test.rows()[i - train.rows().length];
            labels[i] = learnt ? train.classes()[i] : null;
        }
        long started = System.nanoTime();
        SegmentLabels.Result result =
                SegmentLabels.predict(profiles, labels, 5, 42, step -> {}).orElseThrow();
        double seconds = (System.nanoTime() - started) / 1e9;

        long[][] confusion = new long[names.size()][names.size()];
        for (int i = 0; i < test.rows().length; i++) {
            SegmentLabels.Prediction prediction = result.model().predict(i, test.rows()[i]);
            confusion[names.indexOf(test.classes()[i])][names.indexOf(prediction.label())]++;
        }
        SegmentLabels.Evaluation chosen = SegmentLabels.evaluate(names, confusion);

        int[] y = Arrays.stream(train.classes()).mapToInt(names::indexOf).toArray();
        smile.math.MathEx.setSeed(7);
        RandomForest forest =
                RandomForest.fit(
                        Formula.lhs("y"),
                        frame(train.rows(), y),
                        100,
                        (int) Math.sqrt(train.features().size()),
                        SplitRule.GINI,
                        Integer.MAX_VALUE,
                        Integer.MAX_VALUE,
                        1,
                        1.0);
        long[][] forestConfusion = new long[names.size()][names.size()];
        DataFrame held = frame(test.rows(), new int[test.rows().length]);
        for (int i = 0; i < test.rows().length; i++) {
            forestConfusion[names.indexOf(test.classes()[i])][forest.predict(held.get(i))]++;
        }
        SegmentLabels.Evaluation reference = SegmentLabels.evaluate(names, forestConfusion);

        for (SegmentLabels.CandidateResult candidate : result.candidates()) {
            LabelClassifier alone =
                    LabelClassifier.fit(candidate.candidate(), train.rows(), y, names.size(), 42);
            long[][] own = new long[names.size()][names.size()];
            for (int i = 0; i < test.rows().length; i++) {
                own[names.indexOf(test.classes()[i])][
                        SegmentLabels.argmax(alone.posterior(test.rows()[i]))]++;
            }
            SegmentLabels.Evaluation heldOut = SegmentLabels.evaluate(names, own);
            System.out.printf(
                    "image segmentation: %-24s 5-fold CV accuracy %.3f, macro F1 %.3f; held out"
                            + " accuracy %.3f, macro F1 %.3f%n",
                    candidate.candidate().title(),
                    candidate.accuracy(),
                    candidate.macroF1(),
                    heldOut.accuracy(),
                    heldOut.macroF1());
        }
        System.out.printf(
                "image segmentation, 810 held-out rows: chosen %s accuracy %.3f (macro F1 %.3f);"
                        + " random forest of 100 unpruned trees %.3f (macro F1 %.3f); choice and"
                        + " fit in %.1f s; drivers: %s%n",
                result.chosen().title(),
                chosen.accuracy(),
                chosen.macroF1(),
                reference.accuracy(),
                reference.macroF1(),
                seconds,
                result.explained());

        assertThat(result.candidates()).hasSize(Candidate.values().length);
        assertThat(chosen.accuracy()).isGreaterThanOrEqualTo(reference.accuracy() - 0.03);
        // the choice is the best cross-validated macro F1
        assertThat(result.evaluation().macroF1())
                .isEqualTo(
                        result.candidates().stream()
                                .mapToDouble(SegmentLabels.CandidateResult::macroF1)
                                .max()
                                .orElseThrow());
    }

    private static DataFrame frame(double[][] x, int[] y) {
        String[] names = new String[x[0].length];
        for (int j = 0; j < names.length; j++) {
            names[j] = "f" + j;
        }
        return DataFrame.of(x, names).merge(IntVector.of("y", y));
    }
}
