package io.segflow.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.model.SegmentChooser.ConfidenceClass;
import io.segflow.model.SegmentChooser.Decision;
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

    /** A customer with data on every feature, in segment 0, at this margin (= confidence). */
    private static Decision staying(
            SegmentChooser chooser, double margin, ConfidenceClass currentClass, Status status) {
        double everything = SegmentChooser.evidence(profileWith(FEATURES));
        Assignment nearest = new Assignment(0, 1 - margin, 1.0);
        return chooser.choose(
                nearest, 0, nearest.distance(), Double.NaN, everything, currentClass, status);
    }

    @Test
    void aCustomerWhoStaysKeepsTheirClassUntilClearlyPastItsBoundary() {
        SegmentChooser chooser = new SegmentChooser(0.1);
        // HIGH from 0.6: a model version that moves them to 0.57 changes nothing
        assertThat(staying(chooser, 0.57, ConfidenceClass.HIGH, Status.CONFIRMED).confidenceClass())
                .isEqualTo(ConfidenceClass.HIGH);
        assertThat(staying(chooser, 0.54, ConfidenceClass.HIGH, Status.CONFIRMED).confidenceClass())
                .isEqualTo(ConfidenceClass.MEDIUM);
        // and up again: a MEDIUM customer at 0.63 stays MEDIUM, at 0.66 they are HIGH
        assertThat(
                        staying(chooser, 0.63, ConfidenceClass.MEDIUM, Status.CONFIRMED)
                                .confidenceClass())
                .isEqualTo(ConfidenceClass.MEDIUM);
        assertThat(
                        staying(chooser, 0.66, ConfidenceClass.MEDIUM, Status.CONFIRMED)
                                .confidenceClass())
                .isEqualTo(ConfidenceClass.HIGH);
        // the exact value is still the one measured
        assertThat(staying(chooser, 0.57, ConfidenceClass.HIGH, Status.CONFIRMED).confidence())
                .isCloseTo(0.57, org.assertj.core.data.Offset.offset(1e-9));
        // a first assignment, and a chooser without hysteresis, use the plain boundaries
        assertThat(staying(chooser, 0.57, null, null).confidenceClass())
                .isEqualTo(ConfidenceClass.MEDIUM);
        assertThat(
                        staying(new SegmentChooser(0), 0.59, ConfidenceClass.HIGH, Status.CONFIRMED)
                                .confidenceClass())
                .isEqualTo(ConfidenceClass.MEDIUM);
    }

    @Test
    void aConfirmedCustomerStaysConfirmedUntilTheMarginIsClearlyUnderTheBound() {
        SegmentChooser chooser = new SegmentChooser(0.1);
        assertThat(staying(chooser, 0.07, ConfidenceClass.LOW, Status.CONFIRMED).status())
                .isEqualTo(Status.CONFIRMED);
        assertThat(staying(chooser, 0.04, ConfidenceClass.LOW, Status.CONFIRMED).status())
                .isEqualTo(Status.PROVISIONAL);
        // confirmation itself takes the plain rule
        assertThat(staying(chooser, 0.07, ConfidenceClass.LOW, Status.PROVISIONAL).status())
                .isEqualTo(Status.PROVISIONAL);
        assertThat(staying(chooser, 0.11, ConfidenceClass.LOW, Status.PROVISIONAL).status())
                .isEqualTo(Status.CONFIRMED);
        // the band is for the model's small moves, not for missing data
        Assignment nearest = new Assignment(0, 0.93, 1.0);
        double littleData = SegmentChooser.evidence(profileWith(3));
        assertThat(
                        chooser.choose(
                                        nearest,
                                        0,
                                        0.93,
                                        Double.NaN,
                                        littleData,
                                        ConfidenceClass.LOW,
                                        Status.CONFIRMED)
                                .status())
                .isEqualTo(Status.PROVISIONAL);
    }

    @Test
    void aCustomerWhoChangesSegmentIsDecidedAfresh() {
        SegmentChooser chooser = new SegmentChooser(0.1);
        double everything = SegmentChooser.evidence(profileWith(FEATURES));
        // segment 1 is much nearer than their current 0 (distance 2.0): they move, at margin 0.57
        Decision moved =
                chooser.choose(
                        new Assignment(1, 0.43, 1.0),
                        0,
                        2.0,
                        Double.NaN,
                        everything,
                        ConfidenceClass.HIGH,
                        Status.CONFIRMED);
        assertThat(moved.segment()).isEqualTo(1);
        assertThat(moved.confidenceClass()).isEqualTo(ConfidenceClass.MEDIUM);
    }

    @Test
    void missingValuesAreNoEvidence() {
        assertThat(SegmentChooser.evidence(new double[] {Double.NaN, 0, 3, 4})).isEqualTo(0.5);
    }
}
