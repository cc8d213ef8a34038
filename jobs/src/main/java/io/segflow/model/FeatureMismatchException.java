package io.segflow.model;

/** A model and the profile disagree on the features; scoring would be meaningless. */
public class FeatureMismatchException extends IllegalStateException {

    public FeatureMismatchException(String message) {
        super(message);
    }
}
