package io.segflow.cli;

import io.segflow.cli.ConfigurationSources.ConfigurationException;
import io.segflow.pipeline.JobSettings;
import io.segflow.pipeline.SegflowJob;
import io.segflow.udfs.Pseudonymiser;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The pseudonym key of the commands that run the job: like the database password it comes only from
 * the environment ({@code SEGFLOW_PSEUDONYM_KEY}) or a file the environment names ({@code
 * SEGFLOW_PSEUDONYM_KEY_FILE}, a mounted secret), never from a flag or the config file, and it is
 * never printed. Without one the job does not start, unless told that ids may stay raw.
 */
final class Pseudonymisation {

    @Option(
            names = "--no-pseudonymisation",
            description =
                    "Keep external ids raw (no key needed): for a demo or a test only. Without this"
                            + " flag the job needs a pseudonym key in "
                            + Pseudonymiser.KEY_ENV
                            + " or a file named by "
                            + Pseudonymiser.KEY_FILE_ENV
                            + ".")
    boolean off;

    JobSettings applyTo(JobSettings settings, Map<String, String> environment) {
        byte[] key;
        try {
            key = Pseudonymiser.keyFromEnvironment(environment);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage());
        }
        if (key != null && off) {
            throw new ConfigurationException(
                    "--no-pseudonymisation and a pseudonym key are both given: unset one");
        }
        return settings.withPseudonymKey(key).withPseudonymisationOff(off);
    }

    /** Whether the job may start: says why not on the console; warns loudly when ids stay raw. */
    static boolean check(JobSettings settings, PrintWriter console) {
        if (settings.pseudonymKey() != null) {
            return true;
        }
        if (!settings.pseudonymisationOff()) {
            console.println("segflow: " + SegflowJob.NO_KEY + "; --no-pseudonymisation for a demo");
            console.flush();
            return false;
        }
        String line = "segflow: WARNING " + "!".repeat(60);
        console.println(line);
        console.println(
                "segflow: WARNING external ids are NOT pseudonymised (--no-pseudonymisation):");
        console.println(
                "segflow: WARNING the job's state, tables, topics and dead letters hold raw"
                        + " visitor,");
        console.println(
                "segflow: WARNING user and session ids. For a demo only: set "
                        + Pseudonymiser.KEY_ENV
                        + ".");
        console.println(line);
        console.flush();
        return true;
    }
}
