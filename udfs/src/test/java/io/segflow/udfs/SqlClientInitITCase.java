package io.segflow.udfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built udfs jar as a SQL user loads it: deploy/sql-client/init.sql in a fresh session whose
 * JVM has Flink but none of segflow's classes, so every function must come from the jar.
 */
class SqlClientInitITCase {

    @Test
    void theInitScriptLoadsEveryFunctionFromTheBuiltJar(@TempDir Path workDir) throws Exception {
        Path jar = builtJar();
        Path init = Path.of("").toAbsolutePath().getParent().resolve("deploy/sql-client/init.sql");
        String classpath =
                Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                        .filter(entry -> !entry.replace('\\', '/').endsWith("udfs/target/classes"))
                        .filter(
                                entry ->
                                        !Path.of(entry)
                                                .getFileName()
                                                .toString()
                                                .startsWith("segflow-udfs"))
                        .filter(
                                entry ->
                                        !Path.of(entry)
                                                .getFileName()
                                                .toString()
                                                .startsWith("original-segflow-udfs"))
                        .collect(Collectors.joining(File.pathSeparator));
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java")
                                        .toString()));
        command.addAll(
                List.of(
                        "--add-opens=java.base/java.util=ALL-UNNAMED",
                        "--add-opens=java.base/java.lang=ALL-UNNAMED",
                        "-cp",
                        classpath,
                        FreshSqlSession.class.getName(),
                        init.toString(),
                        jar.toString(),
                        init.getParent()
                                .getParent()
                                .getParent()
                                .resolve("sql/content_topics.csv")
                                .toString()));
        Path output = workDir.resolve("session.txt");
        Process session =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
        boolean finished = session.waitFor(3, TimeUnit.MINUTES);
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        if (!finished) {
            session.destroyForcibly();
        }
        assertThat(finished).as("the session finishes; output:%n%s", printed).isTrue();
        assertThat(session.exitValue()).as("exit code; output:%n%s", printed).isZero();
        assertThat(printed)
                .contains("no segflow classes before the init script")
                // a record missing a required field: no columns, the reason for the dead letter

                .contains(
                        "row +I[c, 7, PL, null, 2026-11-20T08:00:00Z, missing_field: missing"
                                + " required field visitor_id, pricing, 1.0]");
    }

    private static Path builtJar() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(f -> f.getFileName().toString().matches("segflow-udfs-.*\\.jar"))
                    .filter(f -> !f.getFileName().toString().endsWith("-tests.jar"))
                    .findFirst()
                    .orElseThrow(
                            () ->
                                    new AssertionError(
                                            "no built udfs jar in target/: run mvn verify"));
        }
    }
}
