package io.segflow.pipeline;

import static io.segflow.testing.Feeds.customer;
import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.testing.Feeds;
import io.segflow.testing.SegflowITCaseBase;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A corpus of malformed records on every input topic, each with the reason it must be rejected for,
 * between good records. Every bad record must reach the dead-letter table and topic with its reason
 * and be counted; every good record must still make its profile.
 */
class DeadLetterITCase extends SegflowITCaseBase {

    private static JobSettings settings;
    private static JobClient job;

    /** Raw payload -> a part of the reason it must be rejected with. */
    private static final Map<String, String> EXPECTED = new LinkedHashMap<>();

    private static final Map<String, String> TOPIC_OF = new HashMap<>();

    /** Runs once for the class, inside the first test's setup (where the MiniCluster is ready). */
    @BeforeEach
    void runCorpus() throws Exception {
        if (settings != null) {
            return;
        }
        settings = freshSettings();
        createTopics(settings);
        String web = settings.webEventsTopic();
        String product = settings.productEventsTopic();
        String crm = settings.customersTopic();
        String ids = settings.identitiesTopic();
        String ok = "\"event_time\":\"2026-11-20T10:00:00Z\"";

        // web analytics
        bad(web, "{\"event_id\":\"b1\",\"visitor_id\":", "malformed JSON");
        bad(web, "not json at all", "malformed JSON");
        bad(web, "[1,2,3]", "not a JSON object");
        bad(web, "null", "not a JSON object");
        bad(web, "", "empty");
        bad(
                web,
                "{\"visitor_id\":\"v-1\",\"session_id\":\"s\",\"event_type\":\"page_view\","
                        + ok
                        + "}",
                "missing required field event_id");
        bad(
                web,
                "{\"event_id\":\"b7\",\"visitor_id\":\"v-1\",\"session_id\":\"s\",\"event_type\":\"click\","
                        + ok
                        + "}",
                "unknown event_type 'click'");
        bad(
                web,
                "{\"event_id\":\"b8\",\"visitor_id\":\"v-1\",\"session_id\":\"s\",\"event_type\":\"page_view\",\"event_time\":\"yesterday\"}",
                "event_time");
        bad(
                web,
                "{\"event_id\":{\"a\":1},\"visitor_id\":\"v-1\",\"session_id\":\"s\",\"event_type\":\"page_view\","
                        + ok
                        + "}",
                "event_id");
        bad(
                web,
                "{\"event_id\":\"b10\",\"visitor_id\":\"v-1\",\"session_id\":\"s\",\"event_type\":\"page_view\"}",
                "missing required field event_time");
        // product analytics
        bad(
                product,
                "{\"event_id\":\"b11\",\"user_id\":\"u-1\",\"session_id\":\"s\",\"event_type\":\"session_end\",\"duration_ms\":-5,"
                        + ok
                        + "}",
                "negative duration_ms -5");
        bad(
                product,
                "{\"event_id\":\"b12\",\"user_id\":\"u-1\",\"session_id\":\"s\",\"event_type\":\"session_end\",\"duration_ms\":\"long\","
                        + ok
                        + "}",
                "duration_ms");
        bad(
                product,
                "{\"event_id\":\"b13\",\"user_id\":\"u-1\",\"session_id\":\"s\",\"event_type\":\"feature_used\","
                        + ok
                        + "}",
                "feature_used event without feature");
        bad(
                product,
                "{\"event_id\":\"b14\",\"user_id\":\"u-1\",\"session_id\":\"s\",\"event_type\":\"session_end\","
                        + ok
                        + "}",
                "session_end event without duration_ms");
        bad(
                product,
                "{\"event_id\":\"b15\",\"user_id\":\"u-1\",\"session_id\":\"s\",\"event_type\":\"logout\","
                        + ok
                        + "}",
                "unknown event_type 'logout'");
        bad(
                product,
                "{\"event_id\":\"b16\",\"session_id\":\"s\",\"event_type\":\"session_start\","
                        + ok
                        + "}",
                "missing required field user_id");
        // CRM customers (Debezium)
        bad(
                crm,
                "{\"before\":null,\"after\":{\"customer_id\":90},\"op\":\"x\",\"ts_ms\":1}",
                "unknown Debezium op 'x'");
        bad(crm, "{\"before\":null,\"after\":null,\"op\":\"t\",\"ts_ms\":1}", "op 't'");
        bad(
                crm,
                "{\"before\":null,\"after\":{\"customer_id\":\"abc\"},\"op\":\"c\",\"ts_ms\":1}",
                "customer_id");
        bad(
                crm,
                "{\"before\":null,\"after\":{\"customer_id\":null,\"email\":\"secret@example.com\"},\"op\":\"c\",\"ts_ms\":1}",
                "missing required field customer_id");
        bad(
                crm,
                "{\"before\":null,\"after\":{\"customer_id\":91,\"email\":\"secret@example.com\"",
                "malformed JSON");
        bad(crm, "{\"before\":null,\"after\":null,\"op\":\"c\",\"ts_ms\":1}", "after");
        bad(
                crm,
                "{\"before\":null,\"after\":{\"customer_id\":92,\"birth_date\":\"not-a-date\"},\"op\":\"c\",\"ts_ms\":1}",
                "birth_date");
        // CRM identity map (Debezium)
        bad(
                ids,
                "{\"before\":null,\"after\":{\"system\":\"web\",\"external_id\":\"v-9\",\"customer_id\":null},\"op\":\"c\",\"ts_ms\":1}",
                "missing required field customer_id");
        bad(
                ids,
                "{\"before\":null,\"after\":{\"system\":\"web\",\"customer_id\":1},\"op\":\"c\",\"ts_ms\":1}",
                "missing required field external_id");

        try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            List<Map.Entry<String, String>> corpus = new ArrayList<>(EXPECTED.entrySet());
            // good records before, between and after the bad ones
            feeds.customerInsert(
                    customer(
                            1,
                            LocalDate.of(1985, 3, 1),
                            "DE",
                            false,
                            null,
                            Instant.parse("2026-11-19T00:00:00Z")),
                    true);
            feeds.link("web", "v-1", 1, false);
            feeds.link("product", "u-1", 1, false);
            int goodWeb = 0;
            for (int i = 0; i < corpus.size(); i++) {
                String payload = corpus.get(i).getKey();
                feeds.raw(TOPIC_OF.get(payload), null, payload);
                feeds.web(
                        "g" + i,
                        "v-1",
                        "ws" + (i % 3),
                        "page_view",
                        "2026-11-20T10:" + String.format("%02d", i) + ":00Z");
                goodWeb++;
            }
            feeds.product("gp1", "u-1", "ps1", "session_start", null, null, "2026-11-20T10:00:00Z");
            feeds.product(
                    "gp2", "u-1", "ps1", "session_end", null, 30_000L, "2026-11-20T10:05:00Z");
            feeds.customerInsert(
                    customer(2, null, "FR", true, null, Instant.parse("2026-11-19T00:00:00Z")),
                    false);
            assertThat(goodWeb).isEqualTo(corpus.size());
        }
        job = runBounded(settings);
    }

    private static void bad(String topic, String payload, String reason) {
        assertThat(EXPECTED.put(payload, reason)).as("corpus payloads are distinct").isNull();
        TOPIC_OF.put(payload, topic);
    }

    @Test
    void corpusIsLargeEnough() {
        assertThat(EXPECTED).hasSizeGreaterThanOrEqualTo(20);
    }

    @Test
    void everyBadRecordIsADeadLetterWithItsReason() throws Exception {
        List<Map<String, Object>> rows = query(settings, "SELECT * FROM dead_letter");
        Map<String, Map<String, Object>> byPayload = new HashMap<>();
        for (Map<String, Object> row : rows) {
            byPayload.put(unmasked((String) row.get("raw_payload")), row);
        }
        assertThat(rows).hasSize(EXPECTED.size());
        for (Map.Entry<String, String> expected : EXPECTED.entrySet()) {
            Map<String, Object> row = byPayload.get(expected.getKey());
            assertThat(row).as("dead letter for %s", expected.getKey()).isNotNull();
            assertThat((String) row.get("reason"))
                    .as("reason for %s", expected.getKey())
                    .contains(expected.getValue());
            assertThat(row.get("source_topic")).isEqualTo(TOPIC_OF.get(expected.getKey()));
            assertThat((String) row.get("id"))
                    .isEqualTo(
                            row.get("source_topic")
                                    + "/"
                                    + row.get("source_partition")
                                    + "/"
                                    + row.get("source_offset"));
            assertThat(row.get("received_at")).isNotNull();
        }
    }

    @Test
    void crmPayloadsHaveTheirEmailMasked() throws Exception {
        List<Map<String, Object>> rows =
                query(
                        settings,
                        "SELECT raw_payload FROM dead_letter WHERE raw_payload LIKE '%email%'");
        assertThat(rows).hasSize(2);
        assertThat(rows)
                .allSatisfy(
                        row ->
                                assertThat((String) row.get("raw_payload"))
                                        .contains("\"email\":\"<masked>\"")
                                        .doesNotContain("example.com"));
    }

    @Test
    void goodRecordsAroundThemAreProcessed() throws Exception {
        List<Map<String, Object>> rows =
                query(settings, "SELECT * FROM customer_profile ORDER BY customer_id");
        assertThat(rows).extracting(row -> row.get("customer_id")).containsExactly(1L, 2L);
        assertThat(rows.get(0).get("website_views")).isEqualTo((long) EXPECTED.size());
        assertThat(rows.get(0).get("website_sessions")).isEqualTo(3L);
        assertThat((Double) rows.get(0).get("avg_time_per_session")).isEqualTo(30.0);
    }

    @Test
    void deadLettersAreOnTheTopicKeyedById() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dead-letter-check");
        // the topic is written in transactions: what a reader sees once they commit, each once
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(settings.deadLetterTopic()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records.size() < EXPECTED.size() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            // and nothing more: a record written twice would show up now
            consumer.poll(Duration.ofSeconds(2)).forEach(records::add);
        }
        assertThat(records).hasSize(EXPECTED.size());
        assertThat(records)
                .allSatisfy(
                        record -> {
                            assertThat(record.key()).matches(".+/\\d+/\\d+");
                            assertThat(record.value())
                                    .contains("\"reason\":\"")
                                    .contains("\"id\":\"" + record.key() + "\"");
                        });
    }

    @Test
    void deadLettersAreCountedInAMetric() {
        Map<String, Metric> counters = metrics.findMetrics(job.getJobID(), "deadLetters");
        long total = 0;
        for (Map.Entry<String, Metric> counter : counters.entrySet()) {
            if (counter.getKey().endsWith(".deadLetters")) {
                total += ((Counter) counter.getValue()).getCount();
            }
        }
        assertThat(counters.keySet())
                .anySatisfy(
                        name ->
                                assertThat(name)
                                        .contains(
                                                ".segflow.topic."
                                                        + settings.webEventsTopic()
                                                        + ".deadLetters"));
        assertThat(total).isEqualTo(EXPECTED.size());
    }

    private static String unmasked(String payload) {
        return payload.replace("\"email\":\"<masked>\"", "\"email\":\"secret@example.com\"");
    }
}
