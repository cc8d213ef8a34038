package io.segflow.segments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.pipeline.JobSettings;
import io.segflow.testing.Feeds;
import io.segflow.testing.SegflowITCaseBase;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retraining as a data engineer runs it against a live job: `segflow retrain` (the built jar, its
 * own JVM) fits Smile k-means on customer_profile and publishes the version; the running streaming
 * job must take it within seconds, without a restart, re-score every customer with it, and its
 * trainer must continue from it (the next streaming versions keep its segment ids).
 */
class HotSwapITCase extends SegflowITCaseBase {

    private static final Pattern PUBLISHED =
            Pattern.compile("Published model version (\\d+): k=(\\d+)");

    @Test
    void aRetrainedModelIsPickedUpByTheRunningJob(@TempDir Path workDir) throws Exception {
        JobSettings settings =
                freshSettings()
                        .withTrainer(
                                new TrainerSettings(
                                        4,
                                        64,
                                        Duration.ofSeconds(1),
                                        1.0,
                                        2_000,
                                        0.02,
                                        200,
                                        10_000,
                                        1,
                                        0.1,
                                        5));
        createTopics(settings);
        Random random = new Random(23);
        try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            for (long id = 1; id <= 400; id++) {
                SegmentationITCase.behave(feeds, id, (int) (id % 4), random);
            }
        }
        JobClient job = startStreaming(settings);
        try {
            awaitRows(
                    settings,
                    "SELECT customer_id FROM customer_segment",
                    rows -> rows.size() == 400);

            Process retrain = retrain(settings, workDir);
            String output =
                    Files.readString(workDir.resolve("retrain.txt"), StandardCharsets.UTF_8);
            assertThat(retrain.exitValue()).as("retrain exit code; output:%n%s", output).isZero();
            Matcher published = PUBLISHED.matcher(output);
            assertThat(published.find()).as(output).isTrue();
            long version = Long.parseLong(published.group(1));
            long publishedAt = System.nanoTime();

            List<Map<String, Object>> registry =
                    query(
                            settings,
                            "SELECT trained_by, k, metrics FROM segment_model WHERE model_version ="
                                    + " "
                                    + version);
            assertThat(registry).hasSize(1);
            assertThat(registry.get(0).get("trained_by")).isEqualTo("batch");
            assertThat((String) registry.get(0).get("metrics"))
                    .contains("\"silhouette\"", "\"davies_bouldin\"", "\"stability_ari\"");

            // the insight run follows on the new version: what each of its segments is
            assertThat(output).contains("Segments (segment_profile)");
            assertThat(
                            query(
                                    settings,
                                    "SELECT segment_id FROM segment_profile WHERE model_version = "
                                            + version))
                    .hasSize(4);

            // every customer re-scored with the published version, no restart
            awaitRows(
                    settings,
                    "SELECT customer_id FROM customer_segment WHERE model_version = " + version,
                    rows -> rows.size() == 400);
            System.out.printf(
                    "retrained version %d applied to all 400 customers %.1f s after the retrain"
                            + " finished%n",
                    version, (System.nanoTime() - publishedAt) / 1e9);
            assertThat(job.getJobStatus().get().toString()).isEqualTo("RUNNING");

            // the trainer learns on from it: new updates make a newer streaming version with its
            // ids
            Set<String> retrainedIds = segmentIds(settings, version);
            try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
                for (long id = 401; id <= 600; id++) {
                    SegmentationITCase.behave(feeds, id, (int) (id % 4), random);
                }
            }
            List<Map<String, Object>> next =
                    awaitRows(
                            settings,
                            "SELECT model_version FROM segment_model WHERE trained_by = 'stream'"
                                    + " AND model_version > "
                                    + version
                                    + " ORDER BY model_version",
                            rows -> !rows.isEmpty());
            long continued = ((Number) next.get(0).get("model_version")).longValue();
            assertThat(segmentIds(settings, continued)).isEqualTo(retrainedIds);
        } finally {
            cancel(job);
        }
    }

    private static Set<String> segmentIds(JobSettings settings, long version) throws Exception {
        String centroids =
                (String)
                        query(
                                        settings,
                                        "SELECT centroids FROM segment_model WHERE model_version = "
                                                + version)
                                .get(0)
                                .get("centroids");
        Set<String> ids = new TreeSet<>();
        new ObjectMapper().readTree(centroids).fieldNames().forEachRemaining(ids::add);
        return ids;
    }

    private static Process retrain(JobSettings settings, Path workDir) throws Exception {
        String jar =
                new File(System.getProperty("segflow.jar", "target/segflow.jar")).getAbsolutePath();
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-jar",
                                jar,
                                "retrain",
                                "--kafka",
                                settings.kafkaBootstrapServers(),
                                "--jdbc-url",
                                settings.jdbcUrl(),
                                "--k",
                                "4",
                                "--restarts",
                                "4",
                                "--sql-dir",
                                repositorySql().toString(),
                                "--topic-models",
                                settings.modelsTopic()));
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .directory(workDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(workDir.resolve("retrain.txt").toFile());
        builder.environment().put("SEGFLOW_JDBC_USER", "postgres");
        Process process = builder.start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(
                    "retrain did not finish in 3 minutes: "
                            + Files.readString(workDir.resolve("retrain.txt")));
        }
        return process;
    }
}
