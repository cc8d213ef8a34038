package io.segflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's --help as a user sees it, warnings included. picocli reports a description it
 * cannot format ("[picocli WARN] Could not format ...", e.g. for a bare percent sign) on the
 * System.err it captured when its class was loaded, not on the command line's err writer: so the
 * help is printed by a JVM of its own whose stdout and stderr are read whole.
 */
class HelpTextsTest {

    @Test
    void everyCommandPrintsItsHelpWithoutAWarning() throws Exception {
        List<List<String>> commands = commands();
        assertThat(commands).as("segflow's commands").hasSizeGreaterThan(5);

        Process process =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                PrintEveryHelp.class.getName())
                        .start();
        CompletableFuture<String> out = readAll(process.getInputStream());
        CompletableFuture<String> err = readAll(process.getErrorStream());
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("the help JVM ended").isTrue();
        String printed = out.get() + err.get();

        assertThat(process.exitValue()).as(printed).isZero();
        for (List<String> command : commands) {
            assertThat(printed)
                    .as("the help of segflow %s", String.join(" ", command))
                    .contains("Usage: segflow " + String.join(" ", command) + " ");
        }
        assertThat(printed.lines().filter(line -> line.contains("WARN")).toList())
                .as("warnings printed with the help texts")
                .isEmpty();
    }

    /** The path of every command under segflow, as picocli knows them, e.g. [insight]. */
    static List<List<String>> commands() {
        List<List<String>> commands = new ArrayList<>();
        collect(SegflowCli.commandLine(new String[0], Map.of()), List.of(), commands);
        return commands;
    }

    private static void collect(CommandLine parent, List<String> path, List<List<String>> into) {
        parent.getSubcommands()
                .forEach(
                        (name, sub) -> {
                            // an alias maps to the same command: list it once, by its name
                            if (!name.equals(sub.getCommandName())) {
                                return;
                            }
                            List<String> command = new ArrayList<>(path);
                            command.add(name);
                            into.add(command);
                            collect(sub, command, into);
                        });
    }

    private static CompletableFuture<String> readAll(InputStream stream) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try (stream) {
                        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                        stream.transferTo(bytes);
                        return bytes.toString(StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    /** Runs `segflow --help` and `segflow COMMAND --help` for every command, in this JVM. */
    public static final class PrintEveryHelp {
        public static void main(String[] args) {
            List<List<String>> commands = new ArrayList<>(commands());
            commands.add(0, List.of());
            int failed = 0;
            for (List<String> command : commands) {
                List<String> arguments = new ArrayList<>(command);
                arguments.add("--help");
                String[] argv = arguments.toArray(String[]::new);
                CommandLine cli = SegflowCli.commandLine(argv, Map.of());
                cli.setOut(new PrintWriter(System.out, true));
                cli.setErr(new PrintWriter(System.err, true));
                int exit = cli.execute(argv);
                if (exit != 0) {
                    System.err.println("exit " + exit + " from segflow " + arguments);
                    failed++;
                }
            }
            System.out.flush();
            System.err.flush();
            System.exit(failed == 0 ? 0 : 1);
        }
    }
}
