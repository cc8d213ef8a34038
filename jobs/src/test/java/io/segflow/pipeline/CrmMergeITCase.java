package io.segflow.pipeline;

import static io.segflow.testing.Feeds.customer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.infra.TopicOffsets;
import io.segflow.model.Assignment;
import io.segflow.model.SegmentModel;
import io.segflow.registry.ModelRegistry;
import io.segflow.testing.Feeds;
import io.segflow.testing.RecordedHistory;
import io.segflow.testing.SegflowITCaseBase;
import io.segflow.testing.TopicContents;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CRM merges end to end, with every option at its default: the CRM deletes customer B and re-points
 * B's identity links to the survivor A. Three merges in one running job, each in another order: the
 * delete first (and an event of B between the delete and the re-pointing), the re-pointing first,
 * and B's events arriving after the merge. Each survivor's profile then holds both customers'
 * activity (counts summed, distinct sessions and features unioned), its live score and segment are
 * rewritten, and the merged customer is in no table and tombstoned on the assignments topic. A
 * backfill of the same topics builds the same profiles.
 */
class CrmMergeITCase extends SegflowITCaseBase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ANNOUNCED =
            Pattern.compile("announced propensity version (\\d+) on the models topic");

    /** Survivor and merged customer of one merge, and the order its changes arrive in. */
    private record Merge(String order, long survivor, long merged) {
        String visitor(long id) {
            return "m-" + id + "-visitor";
        }

        String user(long id) {
            return "m-" + id + "-user";
        }

        /** A web session id both customers used: a distinct session, counted once merged. */
        String sharedSession() {
            return "m-" + survivor + "-shared-session";
        }
    }

    private static final Merge DELETE_FIRST = new Merge("delete first", 90_001, 90_002);
    private static final Merge REPOINT_FIRST = new Merge("re-point first", 90_011, 90_012);
    private static final Merge EVENTS_AFTER = new Merge("events after", 90_021, 90_022);
    private static final List<Merge> MERGES = List.of(DELETE_FIRST, REPOINT_FIRST, EVENTS_AFTER);

    /** The profile columns a merge sums. */
    private static final List<String> SUMMED =
            List.of("website_views", "blogs_viewed", "videos_viewed", "whitepapers_viewed");

    /** The merged customers' product use: a session a day, six features used in each. */
    private static final int HEAVY_DAYS = 3;

    private static final int HEAVY_USES_A_DAY = 6;
    private static final long HEAVY_SESSION_MS = 1_500_000;
    private static final long LIGHT_SESSION_MS = 120_000;

    @TempDir Path workDir;

    @Test
    void aMergeMovesTheMergedCustomersHistoryScoreAndSegmentToTheSurvivor() throws Exception {
        JobSettings settings = defaultSettings();
        createTopics(settings);
        try (KafkaProducer<String, String> producer = kafka().newProducer()) {
            // enough customers of both outcomes for the insight run to publish a propensity model
            RecordedHistory.write(producer, settings, 600, 2, 21);
        }
        try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            for (Merge merge : MERGES) {
                crmCustomer(feeds, merge.survivor());
                crmCustomer(feeds, merge.merged());
                // the survivor of the first merge has no activity of its own: its profile after
                // the merge is the merged customer's, so its segment must become that one's
                if (merge != DELETE_FIRST) {
                    lightActivity(feeds, merge);
                }
                heavyActivity(feeds, merge);
            }
        }

        JobClient job = startStreaming(settings);
        Map<Long, Map<String, Object>> profilesBefore = new LinkedHashMap<>();
        Map<Long, Map<String, Object>> segmentsBefore = new LinkedHashMap<>();
        Map<Long, Map<String, Object>> scoresBefore = new LinkedHashMap<>();
        try {
            awaitCaughtUp(settings);
            awaitRows(
                    settings,
                    "SELECT customer_id FROM customer_segment WHERE customer_id >= 90000",
                    rows -> rows.size() == 6);

            long version = publishPropensityModel(settings);
            // the merged customer of one merge is scored live before it goes; the others keep
            // the insight run's row: both origins must go
            try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
                feeds.web(
                        "m-live-1",
                        REPOINT_FIRST.visitor(REPOINT_FIRST.merged()),
                        "m-live-session",
                        "page_view",
                        "2026-11-25T09:00:00Z");
            }
            awaitRows(
                    settings,
                    "SELECT scored_by FROM customer_score WHERE customer_id = "
                            + REPOINT_FIRST.merged(),
                    rows -> rows.size() == 1 && "stream".equals(rows.get(0).get("scored_by")));
            awaitRows(
                    settings,
                    "SELECT website_views FROM customer_profile WHERE customer_id = "
                            + REPOINT_FIRST.merged(),
                    rows -> rows.size() == 1 && (Long) rows.get(0).get("website_views") == 9L);
            for (Merge merge : MERGES) {
                for (long id : List.of(merge.survivor(), merge.merged())) {
                    profilesBefore.put(id, profile(settings, id));
                    segmentsBefore.put(id, segment(settings, id));
                    scoresBefore.put(id, score(settings, id));
                }
                assertThat(scoresBefore.get(merge.merged()).get("model_version"))
                        .isEqualTo(version);
                assertThat(segmentsBefore.get(merge.survivor()).get("segment_id"))
                        .as(
                                "%s: before the merge, the survivor (light) and the merged"
                                        + " customer (heavy) are in different segments",
                                merge.order())
                        .isNotEqualTo(segmentsBefore.get(merge.merged()).get("segment_id"));
            }
            assertThat(scoresBefore.get(DELETE_FIRST.merged()).get("scored_by"))
                    .isEqualTo("insight");
            assertThat(scoresBefore.get(REPOINT_FIRST.merged()).get("scored_by"))
                    .isEqualTo("stream");

            try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
                // 1. the CRM deletes B, its links re-pointed only later; an event of B's comes
                // in between, when B's ids lead nowhere, and waits for its link
                feeds.customerDelete(DELETE_FIRST.merged(), false);
                feeds.flush();
                awaitRows(
                        settings,
                        "SELECT customer_id FROM customer_profile WHERE customer_id = "
                                + DELETE_FIRST.merged(),
                        List::isEmpty);
                feeds.web(
                        "m-between-1",
                        DELETE_FIRST.visitor(DELETE_FIRST.merged()),
                        "m-between-session",
                        "whitepaper_view",
                        "2026-11-26T09:00:00Z");
                feeds.flush();
                repoint(feeds, DELETE_FIRST);

                // 2. the links re-pointed first, B deleted once A shows B's activity
                repoint(feeds, REPOINT_FIRST);
                feeds.flush();
                long viewsOfBoth =
                        views(profilesBefore, REPOINT_FIRST.survivor())
                                + views(profilesBefore, REPOINT_FIRST.merged());
                awaitRows(
                        settings,
                        "SELECT website_views FROM customer_profile WHERE customer_id = "
                                + REPOINT_FIRST.survivor(),
                        rows ->
                                rows.size() == 1
                                        && (Long) rows.get(0).get("website_views") == viewsOfBoth);
                feeds.customerDelete(REPOINT_FIRST.merged(), true);

                // 3. merged (delete and re-pointing together), then events of B's ids
                feeds.customerDelete(EVENTS_AFTER.merged(), true);
                repoint(feeds, EVENTS_AFTER);
                feeds.flush();
                awaitRows(
                        settings,
                        "SELECT customer_id FROM customer_profile WHERE customer_id = "
                                + EVENTS_AFTER.merged(),
                        List::isEmpty);
                awaitRows(
                        settings,
                        "SELECT website_views FROM customer_profile WHERE customer_id = "
                                + EVENTS_AFTER.survivor(),
                        rows ->
                                rows.size() == 1
                                        && (Long) rows.get(0).get("website_views")
                                                == views(profilesBefore, EVENTS_AFTER.survivor())
                                                        + views(
                                                                profilesBefore,
                                                                EVENTS_AFTER.merged()));
                String visitor = EVENTS_AFTER.visitor(EVENTS_AFTER.merged());
                for (int v = 0; v < 3; v++) {
                    feeds.web(
                            "m-after-" + v,
                            visitor,
                            "m-after-session",
                            v == 0 ? "video_view" : "page_view",
                            "2026-11-27T09:0" + v + ":00Z");
                }
                feeds.product(
                        "m-after-p",
                        EVENTS_AFTER.user(EVENTS_AFTER.merged()),
                        "m-after-psession",
                        "feature_used",
                        "m-feature-after",
                        null,
                        "2026-11-27T10:00:00Z");
            }

            // what each survivor must show: both customers' activity, and what came after
            Map<Long, Map<String, Number>> expected = new LinkedHashMap<>();
            for (Merge merge : MERGES) {
                Map<String, Object> a = profilesBefore.get(merge.survivor());
                Map<String, Object> b = profilesBefore.get(merge.merged());
                boolean light = merge != DELETE_FIRST;
                boolean after = merge == EVENTS_AFTER;
                Map<String, Number> figures = new LinkedHashMap<>();
                for (String column : SUMMED) {
                    figures.put(column, (Long) a.get(column) + (Long) b.get(column));
                }
                // the shared session counted once, one more for the events between or after
                long sessions =
                        (Long) a.get("website_sessions")
                                + (Long) b.get("website_sessions")
                                - (light ? 1 : 0)
                                + (merge == DELETE_FIRST || after ? 1 : 0);
                figures.put("website_sessions", sessions);
                // "m-feature-shared", used by both, is one distinct feature
                figures.put(
                        "product_features_used",
                        (Long) a.get("product_features_used")
                                + (Long) b.get("product_features_used")
                                - (light ? 1 : 0)
                                + (after ? 1 : 0));
                if (merge == DELETE_FIRST) {
                    figures.merge("website_views", 1L, (x, y) -> x.longValue() + y.longValue());
                    figures.merge(
                            "whitepapers_viewed", 1L, (x, y) -> x.longValue() + y.longValue());
                }
                if (after) {
                    figures.merge("website_views", 3L, (x, y) -> x.longValue() + y.longValue());
                    figures.merge("videos_viewed", 1L, (x, y) -> x.longValue() + y.longValue());
                }
                figures.put(
                        "pages_per_session", figures.get("website_views").doubleValue() / sessions);
                // the product events as lightActivity and heavyActivity send them: days,
                // sessions and ended sessions of both customers together (no day is shared)
                long uses = (light ? 1 : 0) + HEAVY_DAYS * HEAVY_USES_A_DAY + (after ? 1 : 0);
                long days = (light ? 1 : 0) + HEAVY_DAYS + (after ? 1 : 0);
                long productSessions = (light ? 1 : 0) + HEAVY_DAYS + (after ? 1 : 0);
                long ended = (light ? 1 : 0) + HEAVY_DAYS;
                long endedMs = (light ? LIGHT_SESSION_MS : 0) + HEAVY_DAYS * HEAVY_SESSION_MS;
                figures.put("product_features_used_per_day", (double) uses / days);
                figures.put("avg_sessions_per_day", (double) productSessions / days);
                figures.put("avg_time_per_session", (double) endedMs / ended / 1000.0);
                expected.put(merge.survivor(), figures);
            }

            for (Merge merge : MERGES) {
                Map<String, Number> figures = expected.get(merge.survivor());
                awaitRows(
                        settings,
                        "SELECT * FROM customer_profile WHERE customer_id = " + merge.survivor(),
                        rows -> rows.size() == 1 && matches(rows.get(0), figures));
                for (String table :
                        List.of("customer_profile", "customer_segment", "customer_score")) {
                    awaitRows(
                            settings,
                            "SELECT customer_id FROM "
                                    + table
                                    + " WHERE customer_id = "
                                    + merge.merged(),
                            List::isEmpty);
                }
                // the survivor's live score and segment follow its merged profile
                Map<String, Object> scoreBefore = scoresBefore.get(merge.survivor());
                awaitRows(
                        settings,
                        "SELECT scored_by, scored_at FROM customer_score WHERE customer_id = "
                                + merge.survivor(),
                        rows ->
                                rows.size() == 1
                                        && "stream".equals(rows.get(0).get("scored_by"))
                                        && ((Timestamp) rows.get(0).get("scored_at"))
                                                .after((Timestamp) scoreBefore.get("scored_at")));
                // re-assigned after the merge, to the segment the assigner's rule gives the merged
                // profile under the version on the row (the trainer keeps learning meanwhile, so
                // that version need not be the one the merged customer was assigned with)
                Timestamp assignedBefore =
                        (Timestamp) segmentsBefore.get(merge.survivor()).get("assigned_at");
                awaitRows(
                        settings,
                        "SELECT segment_id, model_version, assigned_at FROM customer_segment"
                                + " WHERE customer_id = "
                                + merge.survivor(),
                        rows ->
                                rows.size() == 1
                                        && ((Timestamp) rows.get(0).get("assigned_at"))
                                                .after(assignedBefore)
                                        && segmentFitsProfile(
                                                settings, merge.survivor(), rows.get(0)));
            }
            assertThat(
                            query(
                                    settings,
                                    "SELECT customer_id FROM target_list WHERE customer_id IN ("
                                            + DELETE_FIRST.merged()
                                            + ", "
                                            + REPOINT_FIRST.merged()
                                            + ", "
                                            + EVENTS_AFTER.merged()
                                            + ")"))
                    .isEmpty();
            assertThat(
                            query(
                                    settings,
                                    "SELECT customer_id FROM target_list WHERE customer_id >="
                                            + " 90000"))
                    .as("the survivors stay on the target list")
                    .isNotEmpty();
            awaitAssignmentsTopic(settings);
        } finally {
            cancel(job);
        }
        for (Merge merge : MERGES) {
            System.out.printf(
                    "merge %s: survivor before %s%n  merged before %s%n  survivor after %s%n",
                    merge.order(),
                    profilesBefore.get(merge.survivor()),
                    profilesBefore.get(merge.merged()),
                    profile(settings, merge.survivor()));
        }

        // a backfill of the same topics into a fresh database builds the same profiles
        JobSettings backfill =
                defaultSettings()
                        .withCustomersTopic(settings.customersTopic())
                        .withIdentitiesTopic(settings.identitiesTopic())
                        .withWebEventsTopic(settings.webEventsTopic())
                        .withProductEventsTopic(settings.productEventsTopic())
                        .withBackfill(true);
        new SegflowJob(backfill)
                .start(flinkEnvironment())
                .getJobExecutionResult()
                .get(300, TimeUnit.SECONDS);
        String profiles = "SELECT * FROM customer_profile ORDER BY customer_id";
        List<Map<String, Object>> streamed = query(settings, profiles);
        assertThat(query(backfill, profiles)).containsExactlyElementsOf(streamed);
        for (Merge merge : MERGES) {
            assertThat(
                            query(
                                    backfill,
                                    "SELECT customer_id FROM customer_segment WHERE customer_id"
                                            + " IN ("
                                            + merge.survivor()
                                            + ", "
                                            + merge.merged()
                                            + ")"))
                    .as("%s: the backfill segments the survivor only", merge.order())
                    .extracting(row -> row.get("customer_id"))
                    .containsExactly(merge.survivor());
        }
    }

    /** A CRM customer of the same age and country, so that only activity tells them apart. */
    private static void crmCustomer(Feeds feeds, long id) {
        feeds.customerInsert(
                customer(
                        id,
                        LocalDate.of(1985, 3, 14),
                        "DE",
                        false,
                        null,
                        Instant.parse("2026-11-01T00:00:00Z")),
                id % 2 == 0);
        feeds.link("web", "m-" + id + "-visitor", id, false);
        feeds.link("product", "m-" + id + "-user", id, true);
    }

    /** The survivor's own few events: a blog reader with one product session. */
    private static void lightActivity(Feeds feeds, Merge merge) {
        long id = merge.survivor();
        String visitor = merge.visitor(id);
        feeds.web("m-" + id + "-w1", visitor, merge.sharedSession(), "blog_view", at(1, 0));
        feeds.web("m-" + id + "-w2", visitor, merge.sharedSession(), "blog_view", at(1, 1));
        feeds.web("m-" + id + "-w3", visitor, "m-" + id + "-own", "page_view", at(2, 0));
        String user = merge.user(id);
        feeds.product(
                "m-" + id + "-p1", user, "m-" + id + "-ps", "session_start", null, null, at(3, 0));
        feeds.product(
                "m-" + id + "-p2",
                user,
                "m-" + id + "-ps",
                "feature_used",
                "m-feature-shared",
                null,
                at(3, 1));
        feeds.product(
                "m-" + id + "-p3",
                user,
                "m-" + id + "-ps",
                "session_end",
                null,
                LIGHT_SESSION_MS,
                at(3, 2));
    }

    /**
     * The merged customer's many events: a product power user who reads and watches, one of its web
     * sessions the one the survivor had too, one feature the survivor used too.
     */
    private static void heavyActivity(Feeds feeds, Merge merge) {
        long id = merge.merged();
        String visitor = merge.visitor(id);
        String[] types = {"video_view", "whitepaper_view", "blog_view", "page_view"};
        for (int s = 0; s < 2; s++) {
            String session = s == 0 ? merge.sharedSession() : "m-" + id + "-ws" + s;
            for (int v = 0; v < 4; v++) {
                feeds.web("m-" + id + "-w" + s + v, visitor, session, types[v], at(4 + s, v));
            }
        }
        String user = merge.user(id);
        for (int day = 0; day < HEAVY_DAYS; day++) {
            String session = "m-" + id + "-ps" + day;
            feeds.product(
                    "m-" + id + "-p" + day + "s",
                    user,
                    session,
                    "session_start",
                    null,
                    null,
                    at(6 + day, 0));
            for (int u = 0; u < HEAVY_USES_A_DAY; u++) {
                String feature = u == 0 ? "m-feature-shared" : "m-feature-" + u;
                feeds.product(
                        "m-" + id + "-p" + day + "u" + u,
                        user,
                        session,
                        "feature_used",
                        feature,
                        null,
                        at(6 + day, 1 + u));
            }
            feeds.product(
                    "m-" + id + "-p" + day + "e",
                    user,
                    session,
                    "session_end",
                    null,
                    HEAVY_SESSION_MS,
                    at(6 + day, 30));
        }
    }

    /** A time in November 2026: day 1-9 after the 10th, minute of 08:00. */
    private static String at(int day, int minute) {
        return String.format("2026-11-%02dT08:%02d:00Z", 10 + day, minute);
    }

    private static void repoint(Feeds feeds, Merge merge) {
        feeds.relink("web", merge.visitor(merge.merged()), merge.survivor(), false);
        feeds.relink("product", merge.user(merge.merged()), merge.survivor(), true);
    }

    /** Whether the row has these figures: counts exactly, ratios to rounding. */
    private static boolean matches(Map<String, Object> row, Map<String, Number> figures) {
        return figures.entrySet().stream()
                .allMatch(
                        f ->
                                f.getValue() instanceof Double ratio
                                        ? row.get(f.getKey()) instanceof Double actual
                                                && Math.abs(actual - ratio) < 1e-9
                                        : f.getValue().equals(row.get(f.getKey())));
    }

    private static long views(Map<Long, Map<String, Object>> profiles, long id) {
        return (Long) profiles.get(id).get("website_views");
    }

    private static Map<String, Object> profile(JobSettings settings, long id) throws Exception {
        return single(settings, "SELECT * FROM customer_profile WHERE customer_id = " + id);
    }

    /**
     * Whether the row's segment is one the assigner's rule gives the customer's current profile
     * under the row's model version: the nearest centre, or one the hysteresis lets them keep.
     */
    private static boolean segmentFitsProfile(
            JobSettings settings, long id, Map<String, Object> row) {
        try {
            SegmentModel model =
                    ModelRegistry.load(
                            settings.jdbcUrl(),
                            settings.jdbcUser(),
                            "",
                            ((Number) row.get("model_version")).longValue());
            Map<String, Object> profile = profile(settings, id);
            double[] raw =
                    model.features().stream()
                            .mapToDouble(
                                    f ->
                                            profile.get(f) == null
                                                    ? Double.NaN
                                                    : ((Number) profile.get(f)).doubleValue())
                            .toArray();
            Assignment nearest = model.assign(raw);
            int held = model.indexOf(((Number) row.get("segment_id")).intValue());
            return held == nearest.segment()
                    || held >= 0
                            && nearest.distance()
                                    > (1 - settings.trainer().hysteresis())
                                            * model.distanceTo(model.scaling().scale(raw), held);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> segment(JobSettings settings, long id) throws Exception {
        return single(settings, "SELECT * FROM customer_segment WHERE customer_id = " + id);
    }

    private static Map<String, Object> score(JobSettings settings, long id) throws Exception {
        return single(settings, "SELECT * FROM customer_score WHERE customer_id = " + id);
    }

    private static Map<String, Object> single(JobSettings settings, String sql) throws Exception {
        List<Map<String, Object>> rows = query(settings, sql);
        assertThat(rows).as(sql).hasSize(1);
        return rows.get(0);
    }

    /**
     * The assignments topic, as an activation tool reads it, ends each merged customer's key with a
     * tombstone and each survivor's with the segment of its table row (committed with a checkpoint,
     * so a checkpoint interval after the table's rows).
     */
    private static void awaitAssignmentsTopic(JobSettings settings) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Map<Long, Object> survivorSegments = new LinkedHashMap<>();
        for (Merge merge : MERGES) {
            survivorSegments.put(
                    merge.survivor(), segment(settings, merge.survivor()).get("segment_id"));
        }
        Map<Long, String> last = new LinkedHashMap<>();
        while (true) {
            last.clear();
            for (ConsumerRecord<String, String> record :
                    TopicContents.readCommitted(
                            settings.kafkaBootstrapServers(), settings.segmentsTopic())) {
                if (record.key() != null) {
                    long id = JSON.readTree(record.key()).get("customer_id").asLong();
                    if (id >= 90_000) {
                        last.put(id, record.value());
                    }
                }
            }
            boolean moved = true;
            for (Merge merge : MERGES) {
                String survivor = last.get(merge.survivor());
                moved &=
                        last.containsKey(merge.merged())
                                && last.get(merge.merged()) == null
                                && survivor != null
                                && survivorSegments
                                        .get(merge.survivor())
                                        .equals(JSON.readTree(survivor).get("segment_id").asInt());
            }
            if (moved) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "the assignments topic's last records are not the merged customers'"
                                + " tombstones and the survivors' segments "
                                + survivorSegments
                                + ": "
                                + last);
            }
            Thread.sleep(1_000);
        }
    }

    private static void awaitCaughtUp(JobSettings settings) throws Exception {
        try (TopicOffsets offsets = new TopicOffsets(settings.kafkaBootstrapServers())) {
            Map<TopicPartition, Long> ends = offsets.latest(InputTopics.of(settings));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (!offsets.committedUpTo(settings.consumerGroup(), ends)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "the streaming job did not catch up with " + ends + " in 180 s");
                }
                Thread.sleep(500);
            }
        }
    }

    /**
     * `segflow insight --kafka` through the built jar, in its own JVM (the streaming job holds the
     * test cluster's slots): scores every customer ('insight') and announces the propensity version
     * the running job scores with from then on.
     */
    private long publishPropensityModel(JobSettings settings) throws Exception {
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
        builder.environment().put("SEGFLOW_JDBC_USER", settings.jdbcUser());
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("insight did not finish: " + Files.readString(output));
        }
        String console = Files.readString(output);
        assertThat(process.exitValue()).as(console).isZero();
        Matcher announced = ANNOUNCED.matcher(console);
        assertThat(announced.find()).as(console).isTrue();
        return Long.parseLong(announced.group(1));
    }
}
