package io.segflow.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium, headless, as the report's reader would open the page: a screenshot, and the
 * DOM after its scripts ran. deploy/ci/ensure-chromium.sh installs it before the integration tests.
 * Each run gets a profile directory of its own and no network features.
 */
final class HeadlessChromium {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private static final long TIMEOUT_SECONDS = 120;

    private HeadlessChromium() {}

    /** A PNG of the page in a window of {@code width} x {@code height} CSS pixels. */
    static void screenshot(Path page, Path png, int width, int height) throws Exception {
        run(page, "--window-size=" + width + "," + height, "--screenshot=" + png.toAbsolutePath());
        if (!Files.isRegularFile(png)) {
            throw new IllegalStateException("Chromium wrote no screenshot " + png);
        }
    }

    /** The DOM as it stands after the page's scripts ran (virtual time lets timers fire). */
    static String dumpDom(Path page) throws Exception {
        return run(page, "--window-size=1400,5000", "--virtual-time-budget=15000", "--dump-dom");
    }

    private static String run(Path page, String... options) throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new IllegalStateException(
                    CHROMIUM + " is missing: run deploy/ci/ensure-chromium.sh (mvn verify does)");
        }
        Path profile = Files.createTempDirectory("segflow-chromium");
        Path stdout = Files.createTempFile("segflow-chromium", ".out");
        Path stderr = Files.createTempFile("segflow-chromium", ".err");
        try {
            List<String> command =
                    new ArrayList<>(
                            List.of(
                                    CHROMIUM.toString(),
                                    "--headless",
                                    "--no-sandbox",
                                    "--disable-gpu",
                                    "--disable-quic",
                                    "--no-first-run",
                                    "--disable-background-networking",
                                    "--disable-component-update",
                                    "--disable-sync",
                                    "--user-data-dir=" + profile));
            command.addAll(List.of(options));
            command.add(page.toAbsolutePath().toUri().toString());
            Process chromium =
                    new ProcessBuilder(command)
                            .redirectOutput(stdout.toFile())
                            .redirectError(stderr.toFile())
                            .start();
            if (!chromium.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                chromium.destroyForcibly();
                throw new IllegalStateException(
                        "Chromium did not finish in " + TIMEOUT_SECONDS + " s: " + tail(stderr));
            }
            if (chromium.exitValue() != 0) {
                throw new IllegalStateException(
                        "Chromium exited with " + chromium.exitValue() + ": " + tail(stderr));
            }
            return Files.readString(stdout, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
            deleteRecursively(profile);
        }
    }

    private static String tail(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return text.length() <= 2_000 ? text : text.substring(text.length() - 2_000);
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (var paths = Files.walk(directory)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
