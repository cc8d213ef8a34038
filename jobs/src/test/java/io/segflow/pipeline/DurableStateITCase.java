package io.segflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.testing.CheckpointStats;
import io.segflow.testing.RecordedHistory;
import io.segflow.testing.SegflowITCaseBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * The stream holds more than a handful of customers with every option at its default: a bounded run
 * whose state is far beyond the 5 MB that JobManager-memory checkpoints allow checkpoints into its
 * state directory (RocksDB, incremental) and finishes without a restart, every customer profiled
 * and segmented.
 */
class DurableStateITCase extends SegflowITCaseBase {

    // about 40 s of input: the first checkpoints (every 10 s) complete well before it ends; with
    // 10,000 customers a run of 20 s once ended while its only checkpoint was in flight (CI)
    private static final int CUSTOMERS = 20_000;
    private static final long FIVE_MB = 5L << 20;

    @Test
    void aBoundedRunWithStateFarAboveFiveMegabytesCheckpointsAndFinishes() throws Exception {
        JobSettings settings =
                defaultSettings().withBoundedMode("latest-offset").withCreatedTopicPartitions(2);
        createTopics(settings);
        RecordedHistory.Counts input;
        try (KafkaProducer<String, String> producer = kafka().newProducer()) {
            input = RecordedHistory.write(producer, settings, CUSTOMERS, 4, 3);
        }

        JobClient job = new SegflowJob(settings).start(flinkEnvironment());
        // checkpoints are taken while the run reads (every 10 s by default): keep the largest seen
        CheckpointStats stats = new CheckpointStats(restAddress(), job.getJobID());
        Path checkpoints = Path.of(StateStorage.checkpointLocation(settings));
        long largest = 0;
        boolean rocksDbFilesSeen = false;
        while (!job.getJobStatus().get().isGloballyTerminalState()) {
            largest =
                    Math.max(
                            largest,
                            stats.read().map(CheckpointStats.Summary::stateBytes).orElse(0L));
            // RocksDB's incremental checkpoints keep the files they share with the next ones in
            // shared/ of the state directory (a finished job's checkpoints go: look while it runs)
            rocksDbFilesSeen |= sharedFilesIn(checkpoints);
            Thread.sleep(500);
        }
        job.getJobExecutionResult().get(5, TimeUnit.MINUTES);
        CheckpointStats.Summary end = stats.read().orElseThrow();
        largest = Math.max(largest, end.stateBytes());
        System.out.printf(
                "durable state: %d records, %d checkpoints completed, %d failed %s, largest %.1f"
                        + " MB%n",
                input.records(),
                end.completed(),
                end.failed(),
                end.failureMessages(),
                largest / 1e6);

        assertThat(end.completed()).isPositive();
        assertThat(end.failedWhileRunning())
                .as("checkpoints failed while the job ran: %s", end.failureMessages())
                .isZero();
        // a checkpoint beyond what JobManager memory holds completed; which point of the input the
        // one or two checkpoints of so short a run fall on depends on the machine (8 to 20 MB seen)
        assertThat(largest).isGreaterThan(FIVE_MB);
        assertThat(jobExceptions(job)).as("failures (each one a restart)").isEmpty();
        long live = input.customers() - input.deletedCustomers();
        assertThat(query(settings, "SELECT count(*) AS n FROM customer_profile").get(0).get("n"))
                .isEqualTo(live);
        assertThat(query(settings, "SELECT count(*) AS n FROM customer_segment").get(0).get("n"))
                .isEqualTo(live);
        assertThat(rocksDbFilesSeen).as("RocksDB files in " + checkpoints).isTrue();
    }

    private static boolean sharedFilesIn(Path directory) {
        if (!Files.isDirectory(directory)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.anyMatch(
                    p ->
                            Files.isRegularFile(p)
                                    && p.getParent().getFileName().toString().equals("shared"));
        } catch (IOException | UncheckedIOException changingWhileWalked) {
            return false;
        }
    }

    /** The root causes of the job's failovers, from the REST API. */
    private static List<String> jobExceptions(JobClient job) throws Exception {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                restAddress()
                                                        .resolve(
                                                                "/jobs/"
                                                                        + job.getJobID()
                                                                        + "/exceptions"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        List<String> causes = new ArrayList<>();
        new ObjectMapper()
                .readTree(response.body())
                .path("exceptionHistory")
                .path("entries")
                .forEach(entry -> causes.add(entry.path("exceptionName").asText()));
        return causes;
    }
}
