package io.segflow.udfs;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A Kafka payload as text, checked before any JSON is read: its size against the limit, its bytes
 * as strict UTF-8 (a replacement character would hide that the producer sent something else), and
 * no NUL character (PostgreSQL cannot store one in text, so it must never reach a sink, the dead
 * letters included).
 */
final class Payloads {

    /** The size limit when none is given: Kafka's default largest message (message.max.bytes). */
    static final long DEFAULT_MAX_BYTES = 1_048_576L;

    /** The longest payload excerpt a dead letter keeps, in bytes of the payload. */
    static final int DEAD_LETTER_BYTES = 65_536;

    private Payloads() {}

    /** The payload's text; throws the reason it cannot be read. */
    static String text(byte[] payload, long maxBytes) throws DecodeException {
        checkSize(payload.length, maxBytes);
        CharsetDecoder strict =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(payload);
        CharBuffer out = CharBuffer.allocate(payload.length);
        CoderResult result = strict.decode(in, out, true);
        if (!result.isError()) {
            result = strict.flush(out);
        }
        if (result.isError()) {
            throw new DecodeException(
                    RejectCode.INVALID_UTF8,
                    String.format(
                            "byte 0x%02X at offset %d is not UTF-8",
                            payload[in.position()] & 0xFF, in.position()));
        }
        return checkedText(out.flip().toString());
    }

    /** A payload that arrived as text (a STRING column): its size and characters checked. */
    static String text(String payload, long maxBytes) throws DecodeException {
        // a character is at most 3 bytes in UTF-8 (a surrogate pair 4 for 2 characters)
        if ((long) payload.length() * 3 > maxBytes) {
            checkSize(utf8Length(payload), maxBytes);
        }
        return checkedText(payload);
    }

    private static String checkedText(String text) throws DecodeException {
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            throw new DecodeException(
                    RejectCode.NUL_CHARACTER,
                    "a NUL character at character "
                            + nul
                            + " (PostgreSQL cannot store it in text)");
        }
        return text;
    }

    private static void checkSize(long bytes, long maxBytes) throws DecodeException {
        if (bytes > maxBytes) {
            throw new DecodeException(
                    RejectCode.TOO_LARGE,
                    "payload of " + bytes + " bytes, more than the limit of " + maxBytes);
        }
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * The payload for people to read in a dead letter: invalid UTF-8 shown as U+FFFD, a NUL as the
     * six characters backslash-u0000, and at most {@link #DEAD_LETTER_BYTES} of it, so that a dead
     * letter always fits PostgreSQL's text and a default Kafka message.
     */
    static String forDeadLetter(byte[] payload) {
        if (payload == null) {
            return null;
        }
        int shown = Math.min(payload.length, DEAD_LETTER_BYTES);
        String text = new String(payload, 0, shown, StandardCharsets.UTF_8);
        return excerptMarked(text, shown < payload.length, payload.length);
    }

    /** The same for a payload that arrived as text. */
    static String forDeadLetter(String payload) {
        if (payload == null) {
            return null;
        }
        boolean cut = payload.length() > DEAD_LETTER_BYTES;
        String text = cut ? payload.substring(0, DEAD_LETTER_BYTES) : payload;
        return excerptMarked(text, cut, payload.length());
    }

    private static String excerptMarked(String text, boolean cut, long size) {
        String shown = text.indexOf('\0') >= 0 ? text.replace("\0", "\\u0000") : text;
        return cut ? shown + "... (cut; " + size + " in all)" : shown;
    }
}
