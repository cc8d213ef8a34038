package io.segflow.udfs;

import java.util.Map;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * A function that needs the pseudonym key. The job constructs it with the key, so the key travels
 * inside the serialized function to the TaskManagers and never through SQL text, the job's
 * configuration or a log. Declared by class name (the SQL client, sql/00_functions.sql outside the
 * job) it reads the key in {@code open} from the environment of the process it runs in: {@link
 * Pseudonymiser#KEY_ENV} or {@link Pseudonymiser#KEY_FILE_ENV}.
 */
abstract class KeyedFunction extends ScalarFunction {

    private static final long serialVersionUID = 1L;

    /** Null: from the environment at open; empty: pseudonymisation off. */
    private final byte[] key;

    private transient Pseudonymiser pseudonymiser;

    KeyedFunction(byte[] key) {
        this.key = key == null ? null : key.clone();
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        pseudonymiser = pseudonymiser(key, System.getenv());
    }

    static Pseudonymiser pseudonymiser(byte[] key, Map<String, String> environment) {
        if (key != null) {
            return key.length == 0 ? Pseudonymiser.off() : Pseudonymiser.withKey(key);
        }
        byte[] fromEnvironment = Pseudonymiser.keyFromEnvironment(environment);
        if (fromEnvironment == null) {
            throw new IllegalStateException(
                    "no pseudonym key: set "
                            + Pseudonymiser.KEY_ENV
                            + " or "
                            + Pseudonymiser.KEY_FILE_ENV
                            + " where this function runs");
        }
        return Pseudonymiser.withKey(fromEnvironment);
    }

    final Pseudonymiser pseudonymiser() {
        if (pseudonymiser == null) {
            // called without open (a constant folded while planning): the same rule as open
            pseudonymiser = pseudonymiser(key, System.getenv());
        }
        return pseudonymiser;
    }

    @Override
    public boolean isDeterministic() {
        return true;
    }

    @Override
    public String toString() {
        // never the key (Object.toString would not show it either; this keeps it so)
        return getClass().getSimpleName();
    }
}
