package io.segflow.pipeline;

import static io.segflow.testing.Feeds.customer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.segflow.profile.ProfileSpec;
import io.segflow.testing.Feeds;
import io.segflow.testing.SegflowITCaseBase;
import java.nio.file.Files;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The meaning of every feature, on a handcrafted history: creates, a snapshot read, updates without
 * a before image, a delete with its tombstone, a late identity link, a re-pointed link, duplicated
 * events, every event type, a UTC day boundary, a customer with only CRM data; CRM events with and
 * without Debezium's schema envelope. Every feature of every customer asserted.
 */
class FeatureSemanticsITCase extends SegflowITCaseBase {

    private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
    private static JobSettings settings;
    private static Map<Long, Map<String, Object>> profiles;

    /** Runs once for the class, inside the first test's setup (where the MiniCluster is ready). */
    @BeforeEach
    void runHistory() throws Exception {
        if (settings != null) {
            return;
        }
        settings = freshSettings();
        createTopics(settings);
        try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            // C1: created, then updated (no before image, as Debezium sends by default)
            feeds.customerInsert(
                    customer(
                            1,
                            LocalDate.of(1990, 6, 15),
                            "DE",
                            false,
                            null,
                            at("2026-11-19T08:00:00Z")),
                    true);
            feeds.link("web", "v-1", 1, false);
            feeds.link("product", "u-1", 1, true);
            feeds.link("crm-legacy", "L-77", 1, false); // another department's id: ignored
            feeds.web("w1", "v-1", "ws1", "page_view", "2026-11-20T10:00:00.000Z");
            feeds.web("w2", "v-1", "ws1", "blog_view", "2026-11-20T10:01:00.000Z");
            feeds.web("w3", "v-1", "ws1", "video_view", "2026-11-20T10:02:00.000Z");
            feeds.web("w2", "v-1", "ws1", "blog_view", "2026-11-20T10:01:00.000Z"); // replayed
            feeds.web("w4", "v-1", "ws2", "whitepaper_view", "2026-11-21T09:00:00.000Z");
            feeds.web("w5", "v-1", "ws2", "page_view", "2026-11-21T09:05:00.000Z");
            feeds.web("w6", "v-1", "ws2", "blog_view", "2026-11-21T09:06:00.000Z");
            feeds.product(
                    "p1", "u-1", "ps1", "session_start", null, null, "2026-11-20T23:50:00.000Z");
            feeds.product(
                    "p2", "u-1", "ps1", "feature_used", "export", null, "2026-11-20T23:55:00.000Z");
            feeds.product(
                    "p3",
                    "u-1",
                    "ps1",
                    "feature_used",
                    "dashboard",
                    null,
                    "2026-11-20T23:59:59.900Z");
            feeds.product(
                    "p4", "u-1", "ps1", "feature_used", "export", null, "2026-11-21T00:00:00.100Z");
            feeds.product(
                    "p4",
                    "u-1",
                    "ps1",
                    "feature_used",
                    "export",
                    null,
                    "2026-11-21T00:00:00.100Z"); // replayed
            feeds.product(
                    "p5", "u-1", "ps1", "session_end", null, 120_000L, "2026-11-21T00:10:00.000Z");
            feeds.product(
                    "p6", "u-1", "ps2", "session_start", null, null, "2026-11-22T12:00:00.000Z");
            feeds.product(
                    "p7", "u-1", "ps2", "feature_used", "alerts", null, "2026-11-22T12:01:00.000Z");
            feeds.product(
                    "p8", "u-1", "ps2", "session_end", null, 60_000L, "2026-11-22T12:02:00.000Z");
            feeds.customerUpdate(
                    customer(
                            1,
                            LocalDate.of(1990, 6, 15),
                            "FR",
                            true,
                            "enterprise",
                            at("2026-11-20T09:00:00Z")),
                    true);

            // C2: only CRM data
            feeds.customerInsert(
                    customer(2, null, "US", false, null, at("2026-11-18T10:00:00Z")), false);

            // C3: created, active, then erased: delete and tombstone
            feeds.customerInsert(
                    customer(
                            3,
                            LocalDate.of(1980, 1, 1),
                            "DE",
                            false,
                            null,
                            at("2026-11-18T10:00:00Z")),
                    true);
            feeds.link("web", "v-3", 3, true);
            feeds.web("e31", "v-3", "ws3", "page_view", "2026-11-20T10:00:00.000Z");
            feeds.customerDelete(3, true);

            // C4: events arrive before the identity link that attributes them
            feeds.customerInsert(
                    customer(
                            4,
                            LocalDate.of(2000, 2, 29),
                            "NL",
                            false,
                            null,
                            at("2026-11-19T00:00:00Z")),
                    false);
            feeds.web("e41", "v-4", "ws4", "page_view", "2026-11-20T11:00:00.000Z");
            feeds.web("e42", "v-4", "ws4", "page_view", "2026-11-20T11:01:00.000Z");
            feeds.link("web", "v-4", 4, false);

            // C5 and C6: a shared device first linked to C5, then re-pointed to C6
            feeds.customerInsert(
                    customer(
                            5,
                            TODAY.plusDays(1).minusYears(30),
                            "ES",
                            false,
                            null,
                            at("2026-11-19T00:00:00Z")),
                    true);
            feeds.customerSnapshot(
                    customer(
                            6,
                            TODAY.minusYears(40),
                            "SE",
                            false,
                            "smb",
                            at("2026-11-01T00:00:00Z")),
                    false);
            feeds.link("web", "v-shared", 5, true);
            feeds.web("e61", "v-shared", "ss1", "page_view", "2026-11-20T12:00:00.000Z");
            feeds.web("e62", "v-shared", "ss1", "page_view", "2026-11-20T12:01:00.000Z");
            feeds.web("e63", "v-shared", "ss1", "video_view", "2026-11-20T12:02:00.000Z");
            feeds.relink("web", "v-shared", 6, true);
        }
        runBounded(settings);
        profiles = new LinkedHashMap<>();
        for (Map<String, Object> row :
                query(settings, "SELECT * FROM customer_profile ORDER BY customer_id")) {
            profiles.put(((Number) row.get("customer_id")).longValue(), row);
        }
    }

    @Test
    void customersAreTheLiveCrmRows() {
        assertThat(profiles.keySet()).containsExactly(1L, 2L, 4L, 5L, 6L);
    }

    @Test
    void activeCustomerHasEveryFeature() {
        Map<String, Object> c1 = profiles.get(1L);
        assertThat(c1.get("customer_age"))
                .isEqualTo(Period.between(LocalDate.of(1990, 6, 15), TODAY).getYears());
        assertThat(c1.get("website_sessions")).isEqualTo(2L);
        assertThat(c1.get("website_views")).isEqualTo(6L); // w2 replayed counts once
        assertThat((Double) c1.get("pages_per_session")).isCloseTo(3.0, within(1e-9));
        assertThat(c1.get("blogs_viewed")).isEqualTo(2L);
        assertThat(c1.get("videos_viewed")).isEqualTo(1L);
        assertThat(c1.get("whitepapers_viewed")).isEqualTo(1L);
        assertThat(c1.get("product_features_used")).isEqualTo(3L); // export, dashboard, alerts
        // 4 feature_used events (p4 replayed counts once) over 3 UTC days (11-20, 11-21, 11-22)
        assertThat((Double) c1.get("product_features_used_per_day"))
                .isCloseTo(4.0 / 3, within(1e-9));
        assertThat((Double) c1.get("avg_sessions_per_day")).isCloseTo(2.0 / 3, within(1e-9));
        assertThat((Double) c1.get("avg_time_per_session")).isCloseTo(90.0, within(1e-9));
        assertThat(c1.get("converted_to_sale")).isEqualTo(true); // from the update
        assertThat(c1.get("segment_label")).isEqualTo("enterprise");
        assertThat(instant(c1.get("updated_at"))).isEqualTo(at("2026-11-22T12:02:00Z"));
    }

    @Test
    void crmOnlyCustomerHasZeroesNotErrors() {
        Map<String, Object> c2 = profiles.get(2L);
        assertThat(c2.get("customer_age")).isNull();
        for (String count :
                List.of(
                        "website_sessions",
                        "website_views",
                        "blogs_viewed",
                        "videos_viewed",
                        "whitepapers_viewed",
                        "product_features_used")) {
            assertThat(c2.get(count)).as(count).isEqualTo(0L);
        }
        for (String ratio :
                List.of(
                        "pages_per_session",
                        "product_features_used_per_day",
                        "avg_sessions_per_day",
                        "avg_time_per_session")) {
            assertThat((Double) c2.get(ratio)).as(ratio).isEqualTo(0.0);
        }
        assertThat(c2.get("converted_to_sale")).isEqualTo(false);
        assertThat(instant(c2.get("updated_at"))).isEqualTo(at("2026-11-18T10:00:00Z"));
    }

    @Test
    void eventsBeforeTheirIdentityLinkAreAttributedWhenItArrives() {
        Map<String, Object> c4 = profiles.get(4L);
        assertThat(c4.get("website_sessions")).isEqualTo(1L);
        assertThat(c4.get("website_views")).isEqualTo(2L);
        assertThat((Double) c4.get("pages_per_session")).isCloseTo(2.0, within(1e-9));
        assertThat(c4.get("customer_age"))
                .isEqualTo(Period.between(LocalDate.of(2000, 2, 29), TODAY).getYears());
        assertThat(instant(c4.get("updated_at"))).isEqualTo(at("2026-11-20T11:01:00Z"));
    }

    @Test
    void repointedLinkMovesTheHistory() {
        Map<String, Object> c5 = profiles.get(5L);
        Map<String, Object> c6 = profiles.get(6L);
        assertThat(c5.get("website_views")).isEqualTo(0L);
        assertThat(c5.get("website_sessions")).isEqualTo(0L);
        assertThat(c6.get("website_views")).isEqualTo(3L);
        assertThat(c6.get("website_sessions")).isEqualTo(1L);
        assertThat(c6.get("videos_viewed")).isEqualTo(1L);
        assertThat((Double) c6.get("pages_per_session")).isCloseTo(3.0, within(1e-9));
        assertThat(c6.get("segment_label")).isEqualTo("smb");
    }

    @Test
    void ageCountsWholeYearsOnly() {
        assertThat(profiles.get(5L).get("customer_age")).isEqualTo(29); // birthday tomorrow
        assertThat(profiles.get(6L).get("customer_age")).isEqualTo(40); // birthday today
    }

    @Test
    void cleanHistoryLeavesNoDeadLetters() throws Exception {
        // tombstones and unknown identity systems are normal traffic, not errors
        assertThat(query(settings, "SELECT * FROM dead_letter")).isEmpty();
    }

    @Test
    void profileHoldsTheContractOfProfileYml() throws Exception {
        ProfileSpec spec =
                ProfileSpec.parse(Files.readString(repositorySql().resolve("profile.yml")));
        assertThat(spec.columns()).isNotEmpty();
        for (ProfileSpec.ColumnSpec column : spec.columns()) {
            assertThat(profiles.values())
                    .as("column %s exists", column.name())
                    .allSatisfy(row -> assertThat(row).containsKey(column.name()));
            for (String test : column.tests()) {
                switch (test) {
                    case "not_null" ->
                            assertThat(profiles.values())
                                    .as("%s not_null", column.name())
                                    .allSatisfy(
                                            row -> assertThat(row.get(column.name())).isNotNull());
                    case "unique" -> {
                        Set<Object> seen = new HashSet<>();
                        profiles.values()
                                .forEach(
                                        row ->
                                                assertThat(seen.add(row.get(column.name())))
                                                        .as("%s unique", column.name())
                                                        .isTrue());
                    }
                    case "non_negative" ->
                            assertThat(profiles.values())
                                    .as("%s non_negative", column.name())
                                    .allSatisfy(
                                            row -> {
                                                Object value = row.get(column.name());
                                                if (value != null) {
                                                    assertThat(((Number) value).doubleValue())
                                                            .isGreaterThanOrEqualTo(0.0);
                                                }
                                            });
                    default ->
                            throw new AssertionError("profile.yml names an unknown test: " + test);
                }
            }
        }
    }

    private static Instant at(String iso) {
        return Instant.parse(iso);
    }

    private static Instant instant(Object value) {
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant();
        }
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        throw new AssertionError("not a timestamp: " + value);
    }
}
