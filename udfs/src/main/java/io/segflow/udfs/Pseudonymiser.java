package io.segflow.udfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed hash that replaces external ids (visitor, product user, identity-map and session ids):
 * HMAC-SHA-256 with the deployment's secret key, its first 128 bits in lowercase hex (32
 * characters). The same key gives the same pseudonym in every run, streaming or backfill; without
 * the key a pseudonym cannot be turned back into the id, nor an id into its pseudonym. 128 bits is
 * the shortest truncation RFC 2104 allows for this hash and makes a collision among a billion ids
 * about as likely as 10^-21, while keeping the job's state per external id small.
 *
 * <p>Not serializable on purpose: it holds a {@link Mac}; functions carry the key and build one in
 * {@code open}. One instance per thread.
 */
public final class Pseudonymiser {

    /** The key itself, e.g. {@code openssl rand -hex 32}. */
    public static final String KEY_ENV = "SEGFLOW_PSEUDONYM_KEY";

    /** A file holding the key (a mounted secret); trailing line breaks are ignored. */
    public static final String KEY_FILE_ENV = "SEGFLOW_PSEUDONYM_KEY_FILE";

    /** Shorter keys are refused: 32 bytes are what HMAC-SHA-256 can use in full. */
    public static final int MIN_KEY_BYTES = 32;

    private static final int PSEUDONYM_BYTES = 16;

    private final Mac mac;

    private Pseudonymiser(Mac mac) {
        this.mac = mac;
    }

    /** A pseudonymiser with this key; refuses a key shorter than {@link #MIN_KEY_BYTES}. */
    public static Pseudonymiser withKey(byte[] key) {
        checkKey(key);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return new Pseudonymiser(mac);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is not available in this JVM", e);
        }
    }

    /** Ids pass unchanged: only for a demo or a test that was told so. */
    public static Pseudonymiser off() {
        return new Pseudonymiser(null);
    }

    public boolean enabled() {
        return mac != null;
    }

    /** The pseudonym of an id; null stays null. */
    public String pseudonym(String id) {
        if (id == null || mac == null) {
            return id;
        }
        byte[] hash = mac.doFinal(id.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(hash, 0, PSEUDONYM_BYTES);
    }

    /**
     * A digest of a text that must not be kept (an unreadable dead-letter payload): keyed like the
     * pseudonyms, so that a short text cannot be found by hashing guesses; SHA-256 without a key.
     */
    public String digest(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (mac != null) {
            return HexFormat.of().formatHex(mac.doFinal(bytes));
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /**
     * The key from {@link #KEY_ENV}, else from the file {@link #KEY_FILE_ENV} names; null when
     * neither is set.
     *
     * @throws IllegalArgumentException when both are set, the file cannot be read, or the key is
     *     too short (the message never contains the key)
     */
    public static byte[] keyFromEnvironment(Map<String, String> environment) {
        String value = environment.get(KEY_ENV);
        String file = environment.get(KEY_FILE_ENV);
        boolean hasValue = value != null && !value.isBlank();
        boolean hasFile = file != null && !file.isBlank();
        if (hasValue && hasFile) {
            throw new IllegalArgumentException(
                    "both " + KEY_ENV + " and " + KEY_FILE_ENV + " are set: set one");
        }
        byte[] key;
        if (hasValue) {
            key = value.strip().getBytes(StandardCharsets.UTF_8);
        } else if (hasFile) {
            try {
                key =
                        Files.readString(Path.of(file), StandardCharsets.UTF_8)
                                .strip()
                                .getBytes(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "cannot read the pseudonym key file named by "
                                + KEY_FILE_ENV
                                + " ("
                                + file
                                + "): "
                                + e.getClass().getSimpleName());
            }
        } else {
            return null;
        }
        checkKey(key);
        return key;
    }

    private static void checkKey(byte[] key) {
        if (key == null || key.length < MIN_KEY_BYTES) {
            int length = key == null ? 0 : key.length;
            throw new IllegalArgumentException(
                    "the pseudonym key has "
                            + length
                            + " bytes; it needs at least "
                            + MIN_KEY_BYTES
                            + " (e.g. openssl rand -hex 32)");
        }
    }
}
