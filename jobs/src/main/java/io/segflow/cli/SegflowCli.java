package io.segflow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The segflow command line: {@code java -jar segflow.jar <command> --help}. */
@Command(
        name = "segflow",
        mixinStandardHelpOptions = true,
        versionProvider = SegflowCli.Version.class,
        description = "Predictive customer segmentation on Apache Flink.",
        subcommands = {RunCommand.class, DemoCommand.class, ValidateCommand.class, CommandLine.HelpCommand.class})
public final class SegflowCli {

    public static void main(String[] args) {
        int exit = commandLine().execute(args);
        System.exit(exit);
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new SegflowCli());
        commandLine.registerConverter(java.time.Duration.class, Durations::parse);
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
