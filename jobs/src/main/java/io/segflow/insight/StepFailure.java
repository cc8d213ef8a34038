package io.segflow.insight;

/**
 * A step of an insight run that could not be done, and why: the run goes on without it and records
 * it (propensity_model.step_failures, the console, the report) instead of ending with no tables.
 *
 * @param step what was being done, e.g. "value of data source crm" or "propensity candidate random
 *     forest"
 * @param reason why it was not done, as a user can act on it
 */
public record StepFailure(String step, String reason) {

    /** The exception's message, or its class where it has none (a bare NullPointerException). */
    static StepFailure of(String step, RuntimeException e) {
        return new StepFailure(step, SourceValue.reason(e));
    }

    @Override
    public String toString() {
        return step + ": " + reason;
    }
}
