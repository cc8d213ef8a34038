package io.segflow.profile;

/** The SQL's customer_profile and profile.yml disagree; the message says what to change. */
public class ProfileContractException extends RuntimeException {

    public ProfileContractException(String message) {
        super(message);
    }

    public ProfileContractException(String message, Throwable cause) {
        super(message, cause);
    }
}
