package io.segflow.scores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.pipeline.JobSettings;
import io.segflow.testing.Feeds;
import io.segflow.testing.RecordedHistory;
import io.segflow.testing.SegflowITCaseBase;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live potential scores with every option at its default: the streaming job runs, `segflow insight
 * --kafka` publishes a propensity version, and from then on a customer's behaviour moves their
 * customer_score within seconds, with that version on the row; ML_PREDICT with the published model
 * gives the same potential; a propensity model of other features is refused.
 */
class LiveScoreITCase extends SegflowITCaseBase {

    private static final Pattern ANNOUNCED =
            Pattern.compile("announced propensity version (\\d+) on the models topic");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path workDir;

    @Test
    void aProfileUpdateMovesThatCustomersPotentialWithTheAnnouncedVersion() throws Exception {
        JobSettings settings = defaultSettings();
        createTopics(settings);
        try (KafkaProducer<String, String> producer = kafka().newProducer()) {
            RecordedHistory.write(producer, settings, 1_200, 2, 11);
        }
        JobClient job = startStreaming(settings);
        long version;
        try {
            awaitRows(
                    settings,
                    "SELECT count(*) AS n FROM customer_segment",
                    rows -> (Long) rows.get(0).get("n") > 1_000);
            // before any propensity version the stream has nothing to score with
            assertThat(query(settings, "SELECT count(*) AS n FROM customer_score"))
                    .extracting(row -> row.get("n"))
                    .containsExactly(0L);

            String console = insightThroughTheJar(settings);
            System.out.println(console);
            Matcher announced = ANNOUNCED.matcher(console);
            assertThat(announced.find()).as(console).isTrue();
            version = Long.parseLong(announced.group(1));

            // the published model is in the registry with its features
            Map<String, Object> published =
                    query(
                                    settings,
                                    "SELECT features, length(scorer) AS bytes FROM"
                                            + " propensity_model WHERE model_version = "
                                            + version)
                            .get(0);
            List<String> features = new ArrayList<>();
            JSON.readTree((String) published.get("features"))
                    .forEach(f -> features.add(f.asText()));
            assertThat(features).contains("website_views");
            assertThat((Integer) published.get("bytes")).isPositive();

            // a customer's behaviour changes their potential within seconds
            long customer = customerWithWebVisitor(settings);
            Map<String, Object> before = score(settings, customer);
            assertThat(before.get("scored_by")).isEqualTo("insight");
            long sent = System.nanoTime();
            try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
                for (int v = 0; v < 40; v++) {
                    feeds.web(
                            "live-" + v,
                            "visitor-" + customer,
                            "live-session",
                            v % 2 == 0 ? "whitepaper_view" : "video_view",
                            Instant.now().toString());
                }
            }
            List<Map<String, Object>> after =
                    awaitRows(
                            settings,
                            "SELECT potential_score, percentile, model_version, scored_by,"
                                    + " top_drivers, predicted_label, scored_at FROM"
                                    + " customer_score WHERE customer_id = "
                                    + customer,
                            rows ->
                                    !rows.isEmpty()
                                            && "stream".equals(rows.get(0).get("scored_by")));
            double seconds = (System.nanoTime() - sent) / 1e9;
            System.out.printf(
                    "customer %d re-scored live %.1f s after the events%n", customer, seconds);
            Map<String, Object> live = after.get(0);
            assertThat(live.get("model_version")).isEqualTo(version);
            assertThat((Double) live.get("potential_score"))
                    .isNotEqualTo((Double) before.get("potential_score"))
                    .isBetween(0.0, 1.0);
            assertThat((String) live.get("top_drivers")).contains("\"feature\"");
            // the label prediction is the insight run's: the live upsert leaves it as it was
            assertThat(live.get("predicted_label")).isEqualTo(before.get("predicted_label"));
            assertThat(seconds).isLessThan(30);

            // a propensity model of other features is refused: the job keeps scoring with its own
            try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
                feeds.raw(
                        settings.modelsTopic(),
                        null,
                        "{\"kind\":\"propensity\",\"model_version\":"
                                + (version + 1)
                                + ",\"features\":[\"orders\",\"returns\"]}");
            }
            awaitCounter(job, "rejectedPropensityModels", 1);
            try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
                feeds.web(
                        "live-after-refusal",
                        "visitor-" + customer,
                        "live-session",
                        "whitepaper_view",
                        Instant.now().toString());
            }
            Object firstScoredAt = live.get("scored_at");
            assertThat(firstScoredAt).isNotNull();
            awaitRows(
                    settings,
                    "SELECT scored_at FROM customer_score WHERE customer_id = " + customer,
                    rows -> !rows.isEmpty() && !firstScoredAt.equals(rows.get(0).get("scored_at")));
            assertThat(score(settings, customer).get("model_version")).isEqualTo(version);
        } finally {
            cancel(job);
        }
        // ML_PREDICT gives the published model's potential, the one the stream writes (a query
        // on the test's cluster, once the streaming job has freed its slots); an insight row
        // shows the out-of-fold potential of a customer the model was fitted on instead
        assertSqlPredictsTheStoredPotentials(settings, featuresOf(settings, version), version);
    }

    private static List<String> featuresOf(JobSettings settings, long version) throws Exception {
        List<String> features = new ArrayList<>();
        JSON.readTree(
                        (String)
                                query(
                                                settings,
                                                "SELECT features FROM propensity_model WHERE"
                                                        + " model_version = "
                                                        + version)
                                        .get(0)
                                        .get("features"))
                .forEach(f -> features.add(f.asText()));
        return features;
    }

    private static void assertSqlPredictsTheStoredPotentials(
            JobSettings settings, List<String> features, long version) throws Exception {
        StringJoiner columns = new StringJoiner(", ");
        features.forEach(columns::add);
        List<Map<String, Object>> stored =
                query(
                        settings,
                        "SELECT p.customer_id, s.potential_score, "
                                + columns
                                + " FROM customer_profile p JOIN customer_score s USING"
                                + " (customer_id) WHERE s.scored_by = 'insight' ORDER BY"
                                + " p.customer_id LIMIT 20");
        assertThat(stored).hasSize(20);
        StringJoiner values = new StringJoiner(", ");
        for (Map<String, Object> row : stored) {
            StringJoiner value = new StringJoiner(", ", "(", ")");
            value.add(row.get("customer_id").toString());
            for (String feature : features) {
                Object v = row.get(feature);
                value.add(v == null ? "CAST(NULL AS DOUBLE)" : "CAST(" + v + " AS DOUBLE)");
            }
            values.add(value.toString());
        }
        StringJoiner input = new StringJoiner(", ");
        features.forEach(f -> input.add(f + " DOUBLE"));
        TableEnvironment sql = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        sql.executeSql(
                "CREATE TEMPORARY VIEW profiles AS SELECT * FROM (VALUES "
                        + values
                        + ") AS t(customer_id, "
                        + columns
                        + ")");
        sql.executeSql(
                "CREATE TEMPORARY MODEL propensity INPUT ("
                        + input
                        + ") OUTPUT (potential_score DOUBLE, model_version BIGINT) WITH"
                        + " ('provider' = 'segflow-propensity', 'jdbc-url' = '"
                        + settings.jdbcUrl()
                        + "', 'username' = '"
                        + settings.jdbcUser()
                        + "')");
        Map<Long, Double> predicted = new java.util.HashMap<>();
        try (CloseableIterator<Row> rows =
                sql.executeSql(
                                "SELECT customer_id, potential_score, model_version FROM"
                                        + " ML_PREDICT(TABLE profiles, MODEL propensity,"
                                        + " DESCRIPTOR("
                                        + columns
                                        + "))")
                        .collect()) {
            while (rows.hasNext()) {
                Row row = rows.next();
                assertThat(row.getField("model_version")).isEqualTo(version);
                predicted.put(
                        ((Number) row.getField("customer_id")).longValue(),
                        (Double) row.getField("potential_score"));
            }
        }
        io.segflow.insight.CustomerScorer published =
                io.segflow.registry.PropensityRegistry.load(
                        settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword(), version);
        for (Map<String, Object> row : stored) {
            double[] profile =
                    features.stream()
                            .mapToDouble(
                                    f ->
                                            row.get(f) == null
                                                    ? Double.NaN
                                                    : ((Number) row.get(f)).doubleValue())
                            .toArray();
            assertThat(predicted.get((Long) row.get("customer_id")))
                    .as("ML_PREDICT potential of customer %s", row.get("customer_id"))
                    .isCloseTo(published.potential(profile), within(1e-12));
        }
    }

    /** An unlabelled customer with web views of their own (not deleted in the CRM). */
    private static long customerWithWebVisitor(JobSettings settings) throws Exception {
        for (long id = 20; id < 200; id++) {
            if (RecordedHistory.deletes(id)) {
                continue;
            }
            List<Map<String, Object>> rows =
                    query(
                            settings,
                            "SELECT website_views FROM customer_profile WHERE customer_id = "
                                    + id
                                    + " AND website_views > 0");
            // unlabelled, so that the insight run predicted a label the live scores must keep
            if (!rows.isEmpty() && score(settings, id).get("predicted_label") != null) {
                return id;
            }
        }
        throw new AssertionError("no customer with web views among 20..199");
    }

    private static Map<String, Object> score(JobSettings settings, long customer) throws Exception {
        List<Map<String, Object>> rows =
                query(
                        settings,
                        "SELECT potential_score, model_version, scored_by, scored_at,"
                                + " predicted_label FROM customer_score WHERE customer_id = "
                                + customer);
        return rows.isEmpty() ? Map.of() : rows.get(0);
    }

    private static void awaitCounter(JobClient job, String name, long atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long total = 0;
        while (System.nanoTime() < deadline) {
            total = 0;
            for (Map.Entry<String, Metric> counter :
                    metrics.findMetrics(job.getJobID(), name).entrySet()) {
                if (counter.getKey().endsWith("." + name)) {
                    total += ((Counter) counter.getValue()).getCount();
                }
            }
            if (total >= atLeast) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " stayed at " + total);
    }

    /** `segflow insight --kafka` as a user types it, the built jar in its own JVM. */
    private String insightThroughTheJar(JobSettings settings) throws Exception {
        String jar =
                new File(System.getProperty("segflow.jar", "target/segflow.jar")).getAbsolutePath();
        List<String> command =
                List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        jar,
                        "insight",
                        "--jdbc-url",
                        settings.jdbcUrl(),
                        "--kafka",
                        settings.kafkaBootstrapServers(),
                        "--topic-models",
                        settings.modelsTopic(),
                        "--sql-dir",
                        repositorySql().toString());
        Path output = workDir.resolve("insight.txt");
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .directory(workDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile());
        builder.environment().put("SEGFLOW_JDBC_USER", "postgres");
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("insight did not finish: " + Files.readString(output));
        }
        String console = Files.readString(output);
        assertThat(process.exitValue()).as(console).isZero();
        return console;
    }
}
