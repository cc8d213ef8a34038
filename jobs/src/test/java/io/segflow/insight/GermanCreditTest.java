package io.segflow.insight;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The insight math on real data nobody here wrote: the German credit data set (1,000 loan
 * applicants, 20 attributes, 300 bad credits; UCI, as Weka ships it), predicting a bad credit.
 * Published cross-validated AUCs for it are around 0.75 to 0.80.
 */
class GermanCreditTest {

    @Test
    void everyCandidateIsMeasuredAgainstLogisticRegressionOnTheSameFolds() throws Exception {
        Arff credit = Arff.read("weka/gui/beans/templates/credit-g.arff", "bad");
        assertThat(credit.rows()).hasNumberOfRows(1_000);
        assertThat(Arrays.stream(credit.outcomes()).sum()).isEqualTo(300);

        Propensity.Result result =
                Propensity.fit(
                        credit.rows(),
                        credit.outcomes(),
                        "bad credit",
                        Arrays.asList(Candidate.values()),
                        5,
                        42,
                        step -> {});

        Propensity.CandidateResult baseline =
                result.candidates().stream()
                        .filter(c -> c.candidate() == Candidate.LOGISTIC_REGRESSION)
                        .findFirst()
                        .orElseThrow();
        for (Propensity.CandidateResult candidate : result.candidates()) {
            System.out.printf(
                    "German credit, 5-fold CV: %-24s AUC %.3f (%+.3f against logistic regression),"
                            + " log loss %.3f, lift in the top decile %.2f%n",
                    candidate.candidate().title(),
                    candidate.auc(),
                    candidate.auc() - baseline.auc(),
                    candidate.logLoss(),
                    candidate.liftInTopDecile());
        }
        System.out.printf(
                "German credit: chose %s; held-out calibration error %.3f%n",
                result.chosen().title(), result.calibrationError());
        assertThat(baseline.auc()).isBetween(0.72, 0.85);
        assertThat(result.chosenResult().auc()).isGreaterThanOrEqualTo(baseline.auc());
        assertThat(result.calibrationError()).isLessThan(0.08);
    }
}
