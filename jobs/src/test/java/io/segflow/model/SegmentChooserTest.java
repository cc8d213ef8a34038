package io.segflow.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.model.SegmentChooser.Status;
import org.junit.jupiter.api.Test;

/** The confidence and the provisional/confirmed rule of a customer's segment. */
class SegmentChooserTest {

    /** The shipped profile has seventeen features; a CRM row alone fills one (age). */
    private static final int FEATURES = 17;

    private static double[] profileWith(int informative) {
        double[] profile = new double[FEATURES];
        for (int j = 0; j < informative; j++) {
            profile[j] = j + 1.0;
        }
        return profile;
    }

    @Test
    void confidenceRisesWithDataForTheSameBehaviour() {
        SegmentChooser chooser = new SegmentChooser(0.1);
        Assignment sameBehaviour = new Assignment(2, 1.0, 3.0);
        double previous = -1;
        for (int informative : new int[] {1, 4, 7, 9, 12, 17}) {
            double confidence =
                    chooser.choose(
                                    sameBehaviour,
                                    -1,
                                    0,
                                    SegmentChooser.evidence(profileWith(informative)))
                            .confidence();
            assertThat(confidence).as("%d features with data", informative).isGreaterThan(previous);
            previous = confidence;
        }
    }

    @Test
    void aCrmRowOnlyOrOneShortSessionIsProvisionalHoweverClearItsCentre() {
        SegmentChooser chooser = new SegmentChooser(0.1);
        Assignment clear = new Assignment(0, 0.1, 5.0);
        // age only
        assertThat(chooser.choose(clear, -1, 0, SegmentChooser.evidence(profileWith(1))).status())
                .isEqualTo(Status.PROVISIONAL);
        // age, sessions, views, pages per session, one content type, one topic share
        assertThat(chooser.choose(clear, -1, 0, SegmentChooser.evidence(profileWith(6))).status())
                .isEqualTo(Status.PROVISIONAL);
    }

    @Test
    void aProvisionalCustomerBecomesConfirmedAsDataAccrues() {
        SegmentChooser chooser = new SegmentChooser(0.1);
        Assignment clear = new Assignment(0, 1.0, 2.0);
        Status before = null;
        int confirmedFrom = -1;
        for (int informative = 1; informative <= FEATURES; informative++) {
            Status status =
                    chooser.choose(clear, -1, 0, SegmentChooser.evidence(profileWith(informative)))
                            .status();
            if (status == Status.CONFIRMED && before != Status.CONFIRMED) {
                confirmedFrom = informative;
            }
            if (before == Status.CONFIRMED) {
                assertThat(status).as("never back with more data").isEqualTo(Status.CONFIRMED);
            }
            before = status;
        }
        // half of seventeen, rounded up
        assertThat(confirmedFrom).isEqualTo(9);
    }

    @Test
    void muchDataBetweenTwoCentresStaysProvisional() {
        double everything = SegmentChooser.evidence(profileWith(FEATURES));
        assertThat(SegmentChooser.status(everything, 0.09)).isEqualTo(Status.PROVISIONAL);
        assertThat(SegmentChooser.status(everything, 0.1)).isEqualTo(Status.CONFIRMED);
        assertThat(SegmentChooser.status(0.49, 1.0)).isEqualTo(Status.PROVISIONAL);
        assertThat(Status.CONFIRMED.column()).isEqualTo("confirmed");
        assertThat(Status.PROVISIONAL.column()).isEqualTo("provisional");
    }

    @Test
    void missingValuesAreNoEvidence() {
        assertThat(SegmentChooser.evidence(new double[] {Double.NaN, 0, 3, 4})).isEqualTo(0.5);
    }
}
