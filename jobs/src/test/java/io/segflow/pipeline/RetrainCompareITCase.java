package io.segflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.testing.RecordedHistory;
import io.segflow.testing.SegflowITCaseBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `segflow retrain --compare` with its defaults on profiles the job wrote to PostgreSQL: the table
 * is printed, one method is chosen, and the published version is in segment_model with the
 * comparison in its metrics.
 */
class RetrainCompareITCase extends SegflowITCaseBase {

    private static final Pattern PUBLISHED =
            Pattern.compile("Published model version (\\d+): k=(\\d+)");

    @TempDir Path temp;

    @Test
    void retrainComparePrintsTheTableAndPublishesTheChoice() throws Exception {
        JobSettings settings = defaultSettings();
        createTopics(settings);
        try (KafkaProducer<String, String> producer = kafka().newProducer()) {
            RecordedHistory.write(producer, settings, 1_200, 2, 11);
        }
        runBounded(settings);

        Typed typed =
                segflow(
                        "retrain",
                        "--compare",
                        "--no-insight",
                        "--kafka",
                        settings.kafkaBootstrapServers(),
                        "--jdbc-url",
                        settings.jdbcUrl(),
                        "--sql-dir",
                        settings.sqlDirectory().toString(),
                        "--topic-models",
                        settings.modelsTopic());
        int exit = typed.exit();
        String console = typed.console();
        assertThat(exit).as(console).isZero();
        assertThat(console)
                .contains(
                        "Methods compared on the same sample:",
                        "silhouette",
                        "Davies-Bouldin",
                        "stability ARI",
                        "conversion lift",
                        "conversion var. expl.",
                        "kmeans",
                        "pca-kmeans",
                        "gmm",
                        "gmeans",
                        "<- chosen");
        Matcher published = PUBLISHED.matcher(console);
        assertThat(published.find()).as(console).isTrue();
        long version = Long.parseLong(published.group(1));

        List<Map<String, Object>> rows =
                query(
                        settings,
                        "SELECT trained_by, metrics FROM segment_model WHERE model_version = "
                                + version);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("trained_by")).isEqualTo("batch");
        String metrics = String.valueOf(rows.get(0).get("metrics"));
        assertThat(metrics).contains("\"comparison\"", "\"chosen\"", "\"published\"", "\"rows\"");

        // the report shows the comparison, before any insight run
        Path page = temp.resolve("report.html");
        Typed report =
                segflow("report", "--jdbc-url", settings.jdbcUrl(), "--out", page.toString());
        assertThat(report.exit()).as(report.console()).isZero();
        assertThat(Files.readString(page))
                .contains("id=\"method-choice\"", "pca-kmeans", "gmeans", "← chosen");
    }
}
