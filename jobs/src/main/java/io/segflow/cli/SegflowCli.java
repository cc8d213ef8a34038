package io.segflow.cli;

import java.time.Duration;
import java.util.Map;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The segflow command line: {@code java -jar segflow.jar <command> --help}. */
@Command(
        name = "segflow",
        mixinStandardHelpOptions = true,
        versionProvider = SegflowCli.Version.class,
        description = "Predictive customer segmentation on Apache Flink.",
        subcommands = {
            RunCommand.class,
            BackfillCommand.class,
            ArchiveCommand.class,
            RetrainCommand.class,
            InsightCommand.class,
            TargetsCommand.class,
            ReportCommand.class,
            DemoCommand.class,
            ValidateCommand.class,
            CommandLine.HelpCommand.class
        })
public final class SegflowCli {

    public static void main(String[] args) {
        int exit;
        try {
            exit = commandLine(args, System.getenv()).execute(args);
        } catch (ConfigurationSources.ConfigurationException e) {
            System.err.println("segflow: " + e.getMessage());
            exit = 2;
        }
        if (calledByFlink()) {
            // Flink's client called main (flink run, or the JobManager itself for a REST jar
            // run): System.exit would end that JVM, so failure is reported as an exception.
            if (exit != 0) {
                // only the command's name: the arguments may hold a JDBC URL with secrets in it
                String command = args.length == 0 ? "" : " " + args[0];
                throw new IllegalStateException(
                        "segflow" + command + " ended with exit code " + exit);
            }
            return;
        }
        System.exit(exit);
    }

    /** Flink's client installs its own environment before it calls a jar's main. */
    static boolean calledByFlink() {
        return !(StreamExecutionEnvironment.getExecutionEnvironment()
                instanceof LocalStreamEnvironment);
    }

    /**
     * The command line for these arguments, with defaults from the environment and a config file.
     */
    public static CommandLine commandLine(String[] args, Map<String, String> environment) {
        CommandLine commandLine = new CommandLine(new SegflowCli());
        commandLine.registerConverter(Duration.class, Durations::parse);
        ConfigurationSources.forInvocation(args, environment).install(commandLine);
        // a mistake found while a command runs (a pseudonym key too short) reads like one found
        // while parsing: its message, without a stack trace
        commandLine.setExecutionExceptionHandler(
                (e, command, parsed) -> {
                    if (e instanceof ConfigurationSources.ConfigurationException) {
                        command.getErr().println("segflow: " + e.getMessage());
                        return 2;
                    }
                    throw e;
                });
        return commandLine;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = SegflowCli.class.getPackage().getImplementationVersion();
            return new String[] {"segflow " + (version == null ? "(development build)" : version)};
        }
    }
}
