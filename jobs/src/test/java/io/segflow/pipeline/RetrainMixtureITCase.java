package io.segflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.model.Assignment;
import io.segflow.model.SegmentModel;
import io.segflow.registry.ModelRegistry;
import io.segflow.segments.TrainerSettings;
import io.segflow.testing.RecordedHistory;
import io.segflow.testing.SegflowITCaseBase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * `segflow retrain --compare --method gmm` publishes the Gaussian mixture itself, and the streaming
 * job started after it assigns every customer by the mixture's posterior (with its documented
 * hysteresis), not by the nearest of its centres; a backfill with that version gives each customer
 * the segment of highest posterior exactly. Every option at its default (the backfill's frozen
 * model aside).
 */
class RetrainMixtureITCase extends SegflowITCaseBase {

    private static final Pattern PUBLISHED = Pattern.compile("Published model version (\\d+)");

    @Test
    void theStreamAssignsByTheMixturesPosterior() throws Exception {
        JobSettings settings = defaultSettings();
        createTopics(settings);
        try (KafkaProducer<String, String> producer = kafka().newProducer()) {
            RecordedHistory.write(producer, settings, 1_200, 2, 11);
        }
        // the profiles a retrain reads
        runBounded(settings);

        Typed typed =
                segflow(
                        "retrain",
                        "--compare",
                        "--method",
                        "gmm",
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
        assertThat(console).contains("<- chosen, published", "component of highest posterior");
        Matcher published = PUBLISHED.matcher(console);
        assertThat(published.find()).as(console).isTrue();
        long retrained = Long.parseLong(published.group(1));
        SegmentModel mixture =
                ModelRegistry.load(settings.jdbcUrl(), settings.jdbcUser(), "", retrained);
        assertThat(mixture.mixture()).as("segment_model.mixture").isNotNull();

        // a streaming job started after the retrain, on the same history (its own consumer group
        // and state): it takes the mixture from the models topic
        JobSettings stream =
                settings.withConsumerGroup(settings.consumerGroup() + "-stream")
                        .withStateDirectory(settings.stateDirectory() + "-stream");
        JobClient job = startStreaming(stream);
        try {
            awaitRows(
                    settings,
                    "SELECT (SELECT count(*) FROM customer_profile) AS profiles,"
                            + " (SELECT count(*) FROM customer_segment WHERE model_version >= "
                            + retrained
                            + ") AS scored",
                    rows ->
                            ((Number) rows.get(0).get("profiles")).longValue() > 0
                                    && rows.get(0)
                                            .get("profiles")
                                            .equals(rows.get(0).get("scored")));
            SegmentModel latest = awaitLatestModelSettled(settings);
            assertThat(latest.mixture())
                    .as("the stream's versions of version %d are mixtures too", retrained)
                    .isNotNull();
            awaitStreamCaughtUp(settings, latest);

            double hysteresis = TrainerSettings.defaults().hysteresis();
            int byPosterior = 0;
            int heldByHysteresis = 0;
            int wherePosteriorAndNearestCentreDiffer = 0;
            Map<Long, Integer> segments = segments(settings);
            Map<Long, double[]> profiles = profiles(settings, latest.features());
            for (Map.Entry<Long, double[]> profile : profiles.entrySet()) {
                double[] raw = profile.getValue();
                int written = segments.get(profile.getKey());
                Assignment map = latest.assign(raw);
                int nearestCentre = latest.withMixture(null).assign(raw).segment();
                if (latest.segmentId(map.segment()) == written) {
                    byPosterior++;
                    if (nearestCentre != map.segment()) {
                        wherePosteriorAndNearestCentreDiffer++;
                    }
                } else {
                    double posteriorOfWritten =
                            latest.posteriorOf(
                                    latest.scaling().scale(raw), latest.indexOf(written));
                    assertThat(map.posterior() - posteriorOfWritten)
                            .as(
                                    "customer %d stays in %d only within the hysteresis",
                                    profile.getKey(), written)
                            .isLessThan(hysteresis + 1e-9);
                    heldByHysteresis++;
                }
            }
            System.out.printf(
                    "%d customers: %d in their segment of highest posterior (%d of them where the"
                            + " nearest centre says otherwise), %d held by the hysteresis%n",
                    profiles.size(),
                    byPosterior,
                    wherePosteriorAndNearestCentreDiffer,
                    heldByHysteresis);
            assertThat(byPosterior).isGreaterThan(profiles.size() * 9 / 10);
            assertThat(wherePosteriorAndNearestCentreDiffer)
                    .as("customers the nearest centre would place elsewhere follow the posterior")
                    .isPositive();
        } finally {
            cancel(job);
        }

        // a backfill scoring with the retrained version gives every customer the segment of
        // highest posterior on their final profile, exactly (each is scored once)
        JobSettings backfill =
                settings.withConsumerGroup(settings.consumerGroup() + "-backfill")
                        .withStateDirectory(settings.stateDirectory() + "-backfill")
                        .withWarmStartVersion(retrained)
                        .withTrainer(TrainerSettings.defaults().withFrozen(true))
                        .withBackfill(true);
        new SegflowJob(backfill)
                .start(flinkEnvironment())
                .getJobExecutionResult()
                .get(120, TimeUnit.SECONDS);
        Map<Long, double[]> profiles = profiles(settings, mixture.features());
        Map<Long, Integer> backfilled = new HashMap<>();
        for (Map<String, Object> row :
                query(
                        settings,
                        "SELECT customer_id, segment_id FROM customer_segment WHERE model_version ="
                                + " "
                                + retrained)) {
            backfilled.put(
                    ((Number) row.get("customer_id")).longValue(),
                    ((Number) row.get("segment_id")).intValue());
        }
        assertThat(backfilled).hasSameSizeAs(profiles);
        profiles.forEach(
                (customer, raw) ->
                        assertThat(backfilled.get(customer))
                                .as("customer %d", customer)
                                .isEqualTo(mixture.segmentId(mixture.assign(raw).segment())));
    }

    /** The newest version in segment_model once no new one has come for 10 seconds. */
    private static SegmentModel awaitLatestModelSettled(JobSettings settings) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long last = -1;
        long since = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long version =
                    ((Number)
                                    query(
                                                    settings,
                                                    "SELECT max(model_version) AS v FROM"
                                                            + " segment_model")
                                            .get(0)
                                            .get("v"))
                            .longValue();
            if (version != last) {
                last = version;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > TimeUnit.SECONDS.toNanos(10)) {
                return ModelRegistry.load(settings.jdbcUrl(), settings.jdbcUser(), "", version);
            }
            Thread.sleep(500);
        }
        throw new AssertionError("segment_model kept changing for two minutes");
    }

    /**
     * Waits until customer_segment holds what the assigners decided with the latest version: its
     * rows stop changing (the sink flushes after the version reached the assigners).
     */
    private static void awaitStreamCaughtUp(JobSettings settings, SegmentModel latest)
            throws Exception {
        Map<Long, Integer> previous = Map.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Thread.sleep(3_000);
            Map<Long, Integer> now = segments(settings);
            if (now.equals(previous)) {
                return;
            }
            previous = now;
        }
        throw new AssertionError(
                "customer_segment kept changing under version " + latest.version());
    }

    private static Map<Long, Integer> segments(JobSettings settings) throws Exception {
        Map<Long, Integer> segments = new HashMap<>();
        for (Map<String, Object> row :
                query(settings, "SELECT customer_id, segment_id FROM customer_segment")) {
            segments.put(
                    ((Number) row.get("customer_id")).longValue(),
                    ((Number) row.get("segment_id")).intValue());
        }
        return segments;
    }

    /** customer_profile's features as the stream reads them: NULL is NaN, a boolean 1 or 0. */
    private static Map<Long, double[]> profiles(JobSettings settings, List<String> features)
            throws Exception {
        Map<Long, double[]> profiles = new HashMap<>();
        for (Map<String, Object> row :
                query(
                        settings,
                        "SELECT customer_id, "
                                + String.join(", ", features)
                                + " FROM customer_profile")) {
            double[] raw = new double[features.size()];
            for (int j = 0; j < raw.length; j++) {
                Object value = row.get(features.get(j));
                raw[j] =
                        value == null
                                ? Double.NaN
                                : value instanceof Boolean flag
                                        ? (flag ? 1.0 : 0.0)
                                        : ((Number) value).doubleValue();
            }
            profiles.put(((Number) row.get("customer_id")).longValue(), raw);
        }
        return profiles;
    }
}
