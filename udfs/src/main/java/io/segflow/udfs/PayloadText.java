package io.segflow.udfs;

import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code PAYLOAD_TEXT(payload)}: a Kafka payload (BYTES, or STRING) as text for people to read in a
 * dead letter: bytes that are not UTF-8 shown as U+FFFD, a NUL character as the six characters
 * backslash-u0000 (PostgreSQL cannot store NUL in text), and at most the first 64 KiB, marked when
 * cut, so that every dead letter fits a PostgreSQL text column and a default Kafka message. NULL
 * for NULL. The decoding functions read the exact bytes; this is only for display.
 */
public class PayloadText extends ScalarFunction {

    private static final long serialVersionUID = 1L;

    public String eval(byte[] payload) {
        return Payloads.forDeadLetter(payload);
    }

    public String eval(String payload) {
        return Payloads.forDeadLetter(payload);
    }
}
