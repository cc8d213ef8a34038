package io.segflow.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A model and the profile disagree on the features; scoring would be meaningless. */
public class FeatureMismatchException extends IllegalStateException {

    public FeatureMismatchException(String message) {
        super(message);
    }

    /**
     * Why columns that {@code whose} offers cannot be scored by a model trained on {@code trained},
     * e.g. "model version 7 was trained on [a, b] but the profile has [a, c]; added: [c]; removed:
     * [b]"; empty when they are exactly the model's features in the model's order. Every kind of
     * model (segments, propensity) explains a mismatch in these words.
     */
    public static Optional<String> describe(
            String model, List<String> trained, List<String> offered, String whose) {
        if (trained.equals(offered)) {
            return Optional.empty();
        }
        List<String> added = new ArrayList<>(offered);
        added.removeAll(trained);
        List<String> removed = new ArrayList<>(trained);
        removed.removeAll(offered);
        return Optional.of(
                model
                        + " was trained on "
                        + trained
                        + " but "
                        + whose
                        + " has "
                        + offered
                        + (added.isEmpty() ? "" : "; added: " + added)
                        + (removed.isEmpty() ? "" : "; removed: " + removed)
                        + (added.isEmpty() && removed.isEmpty() ? "; the order differs" : ""));
    }
}
