package io.segflow.udfs;

/**
 * {@code PSEUDONYM(id)}: the id's pseudonym (see {@link Pseudonymiser}); NULL stays NULL. Staging
 * (sql/20_staging.sql) applies it to every external id, so that the job's state, its outputs and
 * its dead letters hold pseudonyms only.
 */
public class Pseudonym extends KeyedFunction {

    private static final long serialVersionUID = 1L;

    /** Declared by class name: the key comes from the environment (see {@link KeyedFunction}). */
    public Pseudonym() {
        super(null);
    }

    private Pseudonym(byte[] key) {
        super(key);
    }

    /** With this key (at least {@link Pseudonymiser#MIN_KEY_BYTES} bytes). */
    public static Pseudonym withKey(byte[] key) {
        Pseudonymiser.withKey(key); // refuses a short key here, not on a TaskManager
        return new Pseudonym(key);
    }

    /** Ids pass unchanged: a demo told so. */
    public static Pseudonym off() {
        return new Pseudonym(new byte[0]);
    }

    public String eval(String id) {
        return pseudonymiser().pseudonym(id);
    }
}
