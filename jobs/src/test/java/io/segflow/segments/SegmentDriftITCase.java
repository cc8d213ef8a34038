package io.segflow.segments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.model.SegmentDrift;
import io.segflow.pipeline.JobSettings;
import io.segflow.testing.Feeds;
import io.segflow.testing.SegflowITCaseBase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;

/**
 * Drift through the whole streaming job into PostgreSQL: the trainer measures the profile updates
 * against its settled model, writes segment_drift rows, and once newcomers arrive who all behave
 * alike, flags the segment they crowd into with the action to take. The window is 1,000 updates
 * (the default is 5,000) so that a test base makes enough updates; the defaults are judged in
 * {@link ModelTrainerTest} and {@code SteadyStateDriftTest}.
 *
 * <p>The customers arrive in rounds of 100, and each one's CRM row comes before their events, so a
 * round's first profiles are partial; how many of them a mini-batch emits depends on timing. With a
 * window of 200 updates that was enough to raise flags in a stationary mix (CI, 2026-12-06: one
 * segment's share from 25 % to 48 %, its mean distance from 0.10 to 1.16). This test watches the
 * shares only: a segment's mean distance is judged in {@code SegmentDriftTest} and {@code
 * SteadyStateDriftTest}.
 */
class SegmentDriftITCase extends SegflowITCaseBase {

    /** Customers would have to sit a hundred times farther from their centre. */
    private static final double NO_DISTANCE_FLAGS = 100;

    @Test
    void newcomersWhoAllBehaveAlikeAreFlaggedInSegmentDrift() throws Exception {
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
                                                5)
                                        .withDrift(
                                                SegmentDrift.Settings.of(
                                                        1_000, 0.1, NO_DISTANCE_FLAGS)));
        createTopics(settings);
        Random random = new Random(31);
        JobClient job = startStreaming(settings);
        try {
            // a base of four behaviours in equal parts keeps arriving until drift is checked
            long[] id = {0};
            List<Map<String, Object>> firstChecks =
                    feedUntil(
                            settings,
                            id,
                            random,
                            false,
                            "SELECT * FROM segment_drift ORDER BY updates");
            long baselineVersion =
                    ((Number) firstChecks.get(0).get("baseline_version")).longValue();
            List<Map<String, Object>> baseline =
                    query(
                            settings,
                            "SELECT k, metrics FROM segment_model WHERE model_version = "
                                    + baselineVersion);
            assertThat(baseline).as("the baseline is a published version").hasSize(1);
            // the version records its segments' sizes and how far their customers sit
            JsonNode spread =
                    new ObjectMapper()
                            .readTree((String) baseline.get(0).get("metrics"))
                            .path("mean_distance");
            assertThat(spread.size()).isPositive().isLessThanOrEqualTo(4);
            spread.forEach(distance -> assertThat(distance.asDouble()).isPositive());
            long firstNewcomer = id[0] + 1;
            long checkedBefore =
                    firstChecks.stream()
                            .mapToLong(row -> ((Number) row.get("updates")).longValue())
                            .max()
                            .orElseThrow();
            assertThat(firstChecks)
                    .as("no flag while the mix stays")
                    .noneMatch(row -> (Boolean) row.get("drifted"));

            // then only customers of the fourth behaviour arrive
            List<Map<String, Object>> flagged =
                    feedUntil(
                            settings,
                            id,
                            random,
                            true,
                            "SELECT * FROM segment_drift WHERE drifted ORDER BY updates");
            Map<String, Object> flag = flagged.get(flagged.size() - 1);
            assertThat(((Number) flagged.get(0).get("updates")).longValue())
                    .isGreaterThan(checkedBefore);
            // the newcomers' segment, as the stream assigned them
            long newcomers = id[0] - firstNewcomer + 1;
            Map<Object, Long> newcomersBySegment =
                    awaitRows(
                                    settings,
                                    "SELECT segment_id FROM customer_segment WHERE customer_id >= "
                                            + firstNewcomer,
                                    rows -> rows.size() == newcomers)
                            .stream()
                            .collect(
                                    Collectors.groupingBy(
                                            row -> row.get("segment_id"), Collectors.counting()));
            Object crowded =
                    newcomersBySegment.entrySet().stream()
                            .max(Map.Entry.comparingByValue())
                            .orElseThrow()
                            .getKey();
            List<Map<String, Object>> rose =
                    flagged.stream()
                            .filter(row -> ((String) row.get("action")).contains("share rose"))
                            .toList();
            assertThat(rose).as("flags: %s", flagged).isNotEmpty();
            assertThat(rose.stream().map(row -> row.get("segment_id")))
                    .as("the newcomers went to segment %s: %s", crowded, newcomersBySegment)
                    .contains(crowded);
            assertThat((Double) flag.get("stability_index")).isGreaterThan(0.1);
            assertThat((String) flag.get("action")).startsWith("retrain: ");
            System.out.printf(
                    "drift flagged after %s updates since the baseline: %s%n",
                    flag.get("updates"), flag.get("action"));
        } finally {
            cancel(job);
        }
    }

    /**
     * Writes customers, 100 at a time, until the query gives rows (at most 12,000): of the four
     * behaviours in turn, or when {@code alike} of the fourth only.
     */
    private static List<Map<String, Object>> feedUntil(
            JobSettings settings, long[] id, Random random, boolean alike, String sql)
            throws Exception {
        try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            for (int round = 0; round < 120; round++) {
                for (int i = 0; i < 100; i++) {
                    id[0]++;
                    SegmentationITCase.behave(feeds, id[0], alike ? 3 : (int) (id[0] % 4), random);
                }
                feeds.flush();
                List<Map<String, Object>> rows = query(settings, sql);
                if (!rows.isEmpty()) {
                    return rows;
                }
                Thread.sleep(1_000);
            }
        }
        return awaitRows(settings, sql, rows -> !rows.isEmpty());
    }
}
