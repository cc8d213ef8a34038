package io.segflow.udfs;

/** Why a record cannot be decoded; the message becomes the dead letter's reason. */
public final class DecodeException extends Exception {

    public DecodeException(String message) {
        super(message, null, false, false);
    }
}
