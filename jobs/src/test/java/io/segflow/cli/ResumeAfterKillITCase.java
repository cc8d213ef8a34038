package io.segflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.pipeline.JobSettings;
import io.segflow.segments.TrainerSettings;
import io.segflow.testing.PublishedModels;
import io.segflow.testing.RecordedHistory;
import io.segflow.testing.SegflowITCaseBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A machine lost mid-stream: {@code segflow run} is killed with SIGKILL after its first
 * checkpoints, and started again, with the same command, in the same directory. It resumes from the
 * latest checkpoint it finds there and ends with the rows an uninterrupted run writes: the same
 * profiles, the same dead letters (none twice) and, under one frozen model, the same segments.
 */
class ResumeAfterKillITCase extends SegflowITCaseBase {

    private static final long MODEL_VERSION = 1_770_000_000_000L;

    @Test
    void aKilledRunResumesFromItsLatestCheckpointAndEndsWithTheRowsOfAnUninterruptedRun(
            @TempDir Path workDir) throws Exception {
        JobSettings killed = freshSettings();
        createTopics(killed);
        PublishedModels.publishFourSegments(killed, MODEL_VERSION);
        RecordedHistory.Counts input;
        try (KafkaProducer<String, String> producer = kafka().newProducer()) {
            input = RecordedHistory.write(producer, killed, 6_000, 4, 13);
        }

        Process first = run(killed, workDir, "first.txt");
        Path checkpoints =
                Path.of(workDir.toString(), "segflow-state", killed.consumerGroup(), "checkpoints");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!completedCheckpointIn(checkpoints)
                && first.isAlive()
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(first.isAlive())
                .as(
                        "the first run is still reading when a checkpoint has completed;"
                                + " output:%n%s",
                        read(workDir.resolve("first.txt")))
                .isTrue();
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no savepoint, no flush
        first.waitFor(1, TimeUnit.MINUTES);
        assertThat(first.exitValue()).isEqualTo(137);

        Process second = run(killed, workDir, "second.txt");
        boolean finished = second.waitFor(5, TimeUnit.MINUTES);
        String printed = read(workDir.resolve("second.txt"));
        if (!finished) {
            second.destroyForcibly();
        }
        assertThat(finished).as("the resumed run finishes; output:%n%s", printed).isTrue();
        assertThat(second.exitValue()).as("exit code; output:%n%s", printed).isZero();
        assertThat(printed)
                .contains("segflow: resuming from checkpoint " + checkpoints.toRealPath());

        JobSettings uninterrupted =
                frozen(freshSettings())
                        .withCustomersTopic(killed.customersTopic())
                        .withIdentitiesTopic(killed.identitiesTopic())
                        .withWebEventsTopic(killed.webEventsTopic())
                        .withProductEventsTopic(killed.productEventsTopic());
        PublishedModels.publishFourSegments(uninterrupted, MODEL_VERSION);
        runBounded(uninterrupted);

        String profiles = "SELECT * FROM customer_profile ORDER BY customer_id";
        assertThat(query(uninterrupted, profiles))
                .hasSize((int) (input.customers() - input.deletedCustomers()));
        assertThat(query(killed, profiles))
                .containsExactlyElementsOf(query(uninterrupted, profiles));
        String deadLetters =
                "SELECT id, source_topic, source_partition, source_offset, raw_payload, reason,"
                        + " received_at FROM dead_letter ORDER BY id";
        assertThat(query(killed, deadLetters))
                .hasSize((int) input.malformed())
                .containsExactlyElementsOf(query(uninterrupted, deadLetters));
        String segments =
                "SELECT customer_id, segment_id, segment_name, model_version FROM customer_segment"
                        + " ORDER BY customer_id";
        assertThat(query(killed, segments))
                .containsExactlyElementsOf(query(uninterrupted, segments));
    }

    /**
     * {@code java -jar segflow.jar run --bounded ...} in the directory, as a user starts it after a
     * crash.
     */
    private static Process run(JobSettings settings, Path workDir, String output) throws Exception {
        List<String> command = segflowJar("run", settings);
        command.addAll(
                List.of(
                        "--bounded",
                        "--group-id",
                        settings.consumerGroup(),
                        // checkpoints soon, so that the kill comes after some and before the end
                        "--checkpoint-interval",
                        "2s",
                        "--warm-start-version",
                        Long.toString(MODEL_VERSION),
                        "--freeze-model",
                        "--hysteresis",
                        "0"));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().put("SEGFLOW_JDBC_USER", "postgres");
        builder.environment()
                .put(PSEUDONYM_KEY_ENV, new String(TEST_PSEUDONYM_KEY, StandardCharsets.US_ASCII));
        builder.redirectOutput(workDir.resolve(output).toFile());
        return builder.start();
    }

    /**
     * The same frozen model as the command lines above: with hysteresis a customer's segment
     * depends on the order of their updates, without it only on their final profile.
     */
    private static JobSettings frozen(JobSettings settings) {
        return settings.withWarmStartVersion(MODEL_VERSION)
                .withTrainer(TrainerSettings.defaults().withFrozen(true).withHysteresis(0));
    }

    private static boolean completedCheckpointIn(Path checkpoints) {
        if (!Files.isDirectory(checkpoints)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(checkpoints, 3)) {
            return files.anyMatch(p -> p.getFileName().toString().equals("_metadata"));
        } catch (IOException | UncheckedIOException changing) {
            return false;
        }
    }

    private static String read(Path file) throws Exception {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
