package io.segflow.cli;

import io.segflow.pipeline.JobSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Options of every command that plans the job's SQL: where the SQL is, and the models topic that
 * every mode reads or writes. Defaults come from {@link JobSettings#defaults()} (see {@link
 * OptionDefaults}).
 */
final class JobOptions {

    // read before parsing by ConfigurationSources; declared here so that it is documented and
    // accepted
    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "Properties file with option values (key = long option name, e.g."
                            + " sql-dir=/etc/segflow/sql). Also SEGFLOW_CONFIG.")
    Path configFile;

    @Option(
            names = "--sql-dir",
            paramLabel = "DIR",
            description =
                    "Directory of the SQL files (default: ./sql when present, else the copy in the"
                            + " jar).")
    Path sqlDirectory;

    @Option(
            names = "--topic-models",
            description =
                    "Model versions published by retrain, which the running job picks up. Default:"
                            + " ${DEFAULT-VALUE}.")
    String modelsTopic;

    @Option(
            names = "--no-create-topics",
            negatable = false,
            description = "Do not create missing topics; fail instead.")
    boolean noCreateTopics;

    JobSettings applyTo(JobSettings settings) {
        return settings.withSqlDirectory(sqlDirectory)
                .withModelsTopic(modelsTopic)
                .withCreateTopics(!noCreateTopics);
    }
}
