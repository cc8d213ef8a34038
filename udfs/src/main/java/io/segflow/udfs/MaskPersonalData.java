package io.segflow.udfs;

/**
 * {@code MASK_PERSONAL_DATA(payload)}: a rejected record's payload as its dead letter keeps it (see
 * {@link PersonalData}): external ids replaced by their pseudonyms, e-mail addresses masked, an
 * unreadable payload reduced to its length and a keyed digest.
 */
public class MaskPersonalData extends KeyedFunction {

    private static final long serialVersionUID = 1L;

    /** Declared by class name: the key comes from the environment (see {@link KeyedFunction}). */
    public MaskPersonalData() {
        super(null);
    }

    private MaskPersonalData(byte[] key) {
        super(key);
    }

    public static MaskPersonalData withKey(byte[] key) {
        Pseudonymiser.withKey(key);
        return new MaskPersonalData(key);
    }

    /** Ids kept, e-mail addresses still masked: a demo told not to pseudonymise. */
    public static MaskPersonalData off() {
        return new MaskPersonalData(new byte[0]);
    }

    public String eval(String payload) {
        return PersonalData.mask(payload, pseudonymiser());
    }
}
