package io.segflow.pipeline;

import static io.segflow.testing.Feeds.customer;
import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.testing.Feeds;
import io.segflow.testing.SegflowITCaseBase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A corpus of bad records on every input topic, run through the job with every option at its
 * default, each between good records. Every bad record must reach the dead-letter table and topic
 * under its Kafka coordinates with a reason that starts with its code, and be counted by topic and
 * by code; every good record must still make its profile, exactly. The corpus holds what a user
 * found accepted before (blank ids that fused unrelated events into one customer, invalid UTF-8,
 * times in 1901 and 9999) and what the guards of 20_staging.sql refuse.
 */
class DeadLetterITCase extends SegflowITCaseBase {

    /** One bad record: where it goes, its bytes, and the code and words of its reason. */
    record Case(String name, String topic, byte[] value, String code, String reasonPart) {}

    private static JobSettings settings;
    private static JobClient job;
    private static final List<Case> CASES = new ArrayList<>();

    /** Dead-letter id (topic/partition/offset) of each case. */
    private static final Map<String, Case> BY_ID = new HashMap<>();

    private static int goodWebEvents;

    /** Runs once for the class, inside the first test's setup (where the MiniCluster is ready). */
    @BeforeEach
    void runCorpus() throws Exception {
        if (settings != null) {
            return;
        }
        settings = defaultSettings();
        createTopics(settings);
        String web = settings.webEventsTopic();
        String product = settings.productEventsTopic();
        String crm = settings.customersTopic();
        String ids = settings.identitiesTopic();
        corpus(web, product, crm, ids);
        // the broker's default refuses messages over 1 MiB: this topic takes the too_large case
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                settings.kafkaBootstrapServers()))) {
            admin.incrementalAlterConfigs(
                            Map.of(
                                    new ConfigResource(ConfigResource.Type.TOPIC, web),
                                    List.of(
                                            new AlterConfigOp(
                                                    new ConfigEntry("max.message.bytes", "4000000"),
                                                    AlterConfigOp.OpType.SET))))
                    .all()
                    .get(60, TimeUnit.SECONDS);
        }

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "4000000");
        try (KafkaProducer<byte[], byte[]> bytes = new KafkaProducer<>(props);
                Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            Instant crmTime = Instant.parse("2026-11-19T00:00:00Z");
            feeds.customerInsert(
                    customer(1, LocalDate.of(1985, 3, 1), "DE", false, null, crmTime), true);
            // born before 1970 is a customer like any other
            feeds.customerInsert(
                    customer(3, LocalDate.of(1950, 6, 1), "AT", false, null, crmTime), false);
            feeds.link("web", "v-1", 1, false);
            feeds.link("product", "u-1", 1, false);
            // zeros at the start of an id do not make it a placeholder
            feeds.link("web", "000123", 3, false);
            feeds.web("z1", "000123", "zs", "page_view", "2026-11-20T09:00:00Z");
            // the earliest accepted time itself
            feeds.web("z2", "000123", "zs", "blog_view", "1970-01-01T00:00:00Z");
            // a re-pointed link moves its events to the new customer, it does not fuse the two
            feeds.link("web", "v-move", 1, false);
            feeds.web("m1", "v-move", "ms", "page_view", "2026-11-20T08:00:00Z");
            feeds.web("m2", "v-move", "ms", "video_view", "2026-11-20T08:01:00Z");
            feeds.flush();
            for (int i = 0; i < CASES.size(); i++) {
                Case bad = CASES.get(i);
                RecordMetadata written =
                        bytes.send(new ProducerRecord<>(bad.topic(), null, bad.value()))
                                .get(60, TimeUnit.SECONDS);
                String id = bad.topic() + "/" + written.partition() + "/" + written.offset();
                assertThat(BY_ID.put(id, bad)).isNull();
                feeds.web(
                        "g" + i,
                        "v-1",
                        "ws" + (i % 3),
                        "page_view",
                        "2026-11-20T10:" + String.format("%02d", i % 60) + ":00Z");
                goodWebEvents++;
            }
            feeds.product("gp1", "u-1", "ps1", "session_start", null, null, "2026-11-20T10:00:00Z");
            feeds.product(
                    "gp2", "u-1", "ps1", "session_end", null, 30_000L, "2026-11-20T10:05:00Z");
            feeds.customerInsert(customer(2, null, "FR", true, null, crmTime), false);
            feeds.flush();
            feeds.relink("web", "v-move", 2, false);
        }
        job = runBounded(settings);
    }

    private static void corpus(String web, String product, String crm, String ids) {
        String time = "\"event_time\":\"2026-11-20T10:00:00Z\"";
        String webBody = "\"session_id\":\"s\",\"event_type\":\"page_view\"," + time;
        String inTwoDays = Instant.now().plus(Duration.ofDays(2)).toString();
        // analytics events: the payload as a whole
        add(
                "cut JSON",
                web,
                "{\"event_id\":\"b1\",\"visitor_id\":",
                "malformed_json",
                "end-of-input");
        add("not JSON", web, "not json at all", "malformed_json", "Unrecognized token");
        add(
                "content after the object",
                web,
                "{\"event_id\":\"b\"} {}",
                "malformed_json",
                "more content");
        add("JSON array", web, "[1,2,3]", "not_an_object", "array");
        add("JSON null", web, "null", "not_an_object", "null");
        add("JSON string", web, "\"page_view\"", "not_an_object", "string");
        add("JSON number", web, "42", "not_an_object", "number 42");
        add("empty payload", web, "", "empty_payload", "empty payload");
        add("blank payload", web, "  \n ", "empty_payload", "empty payload");
        add("tombstone on web events", web, (byte[]) null, "tombstone", "null payload");
        add("tombstone on product events", product, (byte[]) null, "tombstone", "null payload");
        add(
                "key twice in one object",
                web,
                "{\"event_id\":\"d1\",\"event_id\":\"d2\",\"visitor_id\":\"v-1\"," + webBody + "}",
                "malformed_json",
                "Duplicate field 'event_id'");
        add(
                "nesting 40 deep",
                web,
                "{\"event_id\":\"n1\",\"visitor_id\":\"v-1\",\"url\":"
                        + "[".repeat(40)
                        + "]".repeat(40)
                        + ","
                        + webBody
                        + "}",
                "too_deep",
                "nesting depth");
        add(
                "payload over 1 MiB",
                web,
                "{\"event_id\":\"big\",\"visitor_id\":\"v-1\",\"url\":\""
                        + "x".repeat(1_100_000)
                        + "\","
                        + webBody
                        + "}",
                "too_large",
                "more than the limit of 1048576");
        byte[] latin1 =
                ("{\"event_id\":\"l1\",\"visitor_id\":\"v-ä\"," + webBody + "}")
                        .getBytes(StandardCharsets.ISO_8859_1);
        add("invalid UTF-8", web, latin1, "invalid_utf8", "is not UTF-8");
        add(
                "NUL byte",
                web,
                "{\"event_id\":\"nul1\",\"visitor_id\":\"v-1\0\"," + webBody + "}",
                "nul_character",
                "NUL");
        add(
                "escaped NUL in an id",
                web,
                "{\"event_id\":\"nul2\",\"visitor_id\":\"v-1\",\"session_id\":\"s\\u0000\","
                        + "\"event_type\":\"page_view\","
                        + time
                        + "}",
                "nul_character",
                "field session_id");
        add(
                "unpaired surrogate",
                web,
                "{\"event_id\":\"sur\",\"visitor_id\":\"v-\\ud800\"," + webBody + "}",
                "invalid_text",
                "unpaired surrogate");
        // analytics events: ids
        add(
                "no event_id",
                web,
                "{\"visitor_id\":\"v-1\"," + webBody + "}",
                "missing_field",
                "event_id");
        add(
                "empty event_id",
                web,
                "{\"event_id\":\"\",\"visitor_id\":\"v-1\"," + webBody + "}",
                "blank_id",
                "event_id is empty");
        add(
                "blank event_id",
                web,
                "{\"event_id\":\"  \",\"visitor_id\":\"v-1\"," + webBody + "}",
                "blank_id",
                "event_id is blank");
        add(
                "empty visitor_id",
                web,
                "{\"event_id\":\"e1\",\"visitor_id\":\"\"," + webBody + "}",
                "blank_id",
                "visitor_id is empty");
        add(
                "blank visitor_id",
                web,
                "{\"event_id\":\"e2\",\"visitor_id\":\" \\t\"," + webBody + "}",
                "blank_id",
                "visitor_id is blank");
        add(
                "visitor anonymous",
                web,
                "{\"event_id\":\"e3\",\"visitor_id\":\"anonymous\"," + webBody + "}",
                "blocked_id",
                "'anonymous'");
        add(
                "visitor UNDEFINED",
                web,
                "{\"event_id\":\"e4\",\"visitor_id\":\"UNDEFINED\"," + webBody + "}",
                "blocked_id",
                "'undefined'");
        add(
                "visitor null text",
                web,
                "{\"event_id\":\"e5\",\"visitor_id\":\"null\"," + webBody + "}",
                "blocked_id",
                "'null'");
        add(
                "visitor nil UUID",
                web,
                "{\"event_id\":\"e6\",\"visitor_id\":\"00000000-0000-0000-0000-000000000000\","
                        + webBody
                        + "}",
                "blocked_id",
                "/0[0-]*/");
        add(
                "empty session_id",
                web,
                "{\"event_id\":\"e7\",\"visitor_id\":\"v-1\",\"session_id\":\"\",\"event_type\":\"page_view\","
                        + time
                        + "}",
                "blank_id",
                "session_id is empty");
        add(
                "event_id an object",
                web,
                "{\"event_id\":{\"a\":1},\"visitor_id\":\"v-1\"," + webBody + "}",
                "wrong_type",
                "event_id");
        // analytics events: values and times
        String webHead =
                "{\"event_id\":\"t%s\",\"visitor_id\":\"v-1\",\"session_id\":\"s\",\"event_type\":\"page_view\",";
        add(
                "unknown event_type",
                web,
                "{\"event_id\":\"b7\",\"visitor_id\":\"v-1\",\"session_id\":\"s\",\"event_type\":\"click\","
                        + time
                        + "}",
                "invalid_value",
                "unknown event_type 'click'");
        add(
                "event_time no time",
                web,
                String.format(webHead, 1) + "\"event_time\":\"yesterday\"}",
                "wrong_type",
                "event_time");
        add(
                "no event_time",
                web,
                String.format(webHead, 2).replaceAll(",$", "}"),
                "missing_field",
                "event_time");
        add(
                "event_time in 9999",
                web,
                String.format(webHead, 3) + "\"event_time\":\"9999-12-31T23:59:59Z\"}",
                "time_out_of_range",
                "after the record reached Kafka");
        add(
                "event_time in 1901",
                web,
                String.format(webHead, 4) + "\"event_time\":\"1901-01-01T00:00:00Z\"}",
                "time_out_of_range",
                "before the earliest accepted time");
        add(
                "event_time a second before 1970",
                web,
                String.format(webHead, 5) + "\"event_time\":\"1969-12-31T23:59:59Z\"}",
                "time_out_of_range",
                "before the earliest");
        add(
                "event_time in two days",
                web,
                String.format(webHead, 6) + "\"event_time\":\"" + inTwoDays + "\"}",
                "time_out_of_range",
                "more than 24h after");
        // product events
        String productBody = "\"session_id\":\"s\",\"event_type\":\"session_start\"," + time;
        add(
                "empty user_id",
                product,
                "{\"event_id\":\"p1\",\"user_id\":\"\"," + productBody + "}",
                "blank_id",
                "user_id is empty");
        add(
                "user_id 0",
                product,
                "{\"event_id\":\"p2\",\"user_id\":\"0\"," + productBody + "}",
                "blocked_id",
                "user_id '0'");
        add(
                "no user_id",
                product,
                "{\"event_id\":\"b16\",\"session_id\":\"s\",\"event_type\":\"session_start\","
                        + time
                        + "}",
                "missing_field",
                "user_id");
        String end =
                "{\"event_id\":\"%s\",\"user_id\":\"u-1\",\"session_id\":\"s\",\"event_type\":\"session_end\",\"duration_ms\":%s,"
                        + time
                        + "}";
        add(
                "negative duration",
                product,
                String.format(end, "b11", "-5"),
                "invalid_value",
                "negative duration_ms -5");
        add(
                "duration text",
                product,
                String.format(end, "b12", "\"long\""),
                "wrong_type",
                "duration_ms");
        add(
                "duration beyond BIGINT",
                product,
                String.format(end, "b13", "9223372036854775808"),
                "out_of_range",
                "duration_ms");
        add(
                "duration 1e400",
                product,
                String.format(end, "b14", "1e400"),
                "out_of_range",
                "duration_ms");
        add("duration NaN", product, String.format(end, "b15", "NaN"), "malformed_json", "NaN");
        add(
                "duration Infinity",
                product,
                String.format(end, "b17", "Infinity"),
                "malformed_json",
                "Infinity");
        add(
                "duration text NaN",
                product,
                String.format(end, "b18", "\"NaN\""),
                "wrong_type",
                "duration_ms");
        add(
                "feature_used without feature",
                product,
                "{\"event_id\":\"b19\",\"user_id\":\"u-1\",\"session_id\":\"s\",\"event_type\":\"feature_used\","
                        + time
                        + "}",
                "missing_field",
                "feature_used event without feature");
        add(
                "session_end without duration",
                product,
                "{\"event_id\":\"b20\",\"user_id\":\"u-1\",\"session_id\":\"s\",\"event_type\":\"session_end\","
                        + time
                        + "}",
                "missing_field",
                "session_end event without duration_ms");
        add(
                "unknown product event_type",
                product,
                "{\"event_id\":\"b21\",\"user_id\":\"u-1\",\"session_id\":\"s\",\"event_type\":\"logout\","
                        + time
                        + "}",
                "invalid_value",
                "unknown event_type 'logout'");
        // CRM customers (Debezium, without schema envelope)
        String change = "{\"before\":null,\"after\":%s,\"op\":\"%s\",\"ts_ms\":1}";
        add(
                "unknown op",
                crm,
                String.format(change, "{\"customer_id\":90}", "x"),
                "unknown_op",
                "unknown Debezium op 'x'");
        add(
                "no op",
                crm,
                "{\"before\":null,\"after\":{\"customer_id\":95},\"ts_ms\":1}",
                "unknown_op",
                "missing Debezium op");
        add(
                "truncate",
                crm,
                String.format(change, "null", "t"),
                "unsupported_op",
                "'t' (truncate)");
        add(
                "message",
                crm,
                "{\"op\":\"m\",\"ts_ms\":1,\"message\":{\"prefix\":\"p\",\"content\":\"AA==\"}}",
                "unsupported_op",
                "'m' (message)");
        add(
                "customer_id text",
                crm,
                String.format(change, "{\"customer_id\":\"abc\"}", "c"),
                "wrong_type",
                "customer_id");
        add(
                "customer_id beyond BIGINT",
                crm,
                String.format(change, "{\"customer_id\":9223372036854775808}", "c"),
                "out_of_range",
                "customer_id");
        add(
                "customer_id null",
                crm,
                String.format(
                        change, "{\"customer_id\":null,\"email\":\"secret@example.com\"}", "c"),
                "missing_field",
                "customer_id");
        add(
                "cut change",
                crm,
                "{\"before\":null,\"after\":{\"customer_id\":91,\"email\":\"secret@example.com\"",
                "malformed_json",
                "end-of-input");
        add(
                "insert without row",
                crm,
                String.format(change, "null", "c"),
                "invalid_change",
                "\"after\"");
        add(
                "birth_date no date",
                crm,
                String.format(change, "{\"customer_id\":92,\"birth_date\":\"not-a-date\"}", "c"),
                "wrong_type",
                "birth_date");
        add(
                "birth_date in 2090",
                crm,
                String.format(change, "{\"customer_id\":93,\"birth_date\":\"2090-01-01\"}", "c"),
                "time_out_of_range",
                "birth_date 2090-01-01");
        add(
                "birth_date in 1850",
                crm,
                String.format(change, "{\"customer_id\":94,\"birth_date\":\"1850-01-01\"}", "c"),
                "time_out_of_range",
                "birth_date 1850-01-01");
        add(
                "updated_at in 9999",
                crm,
                String.format(
                        change,
                        "{\"customer_id\":96,\"updated_at\":\"9999-01-01T00:00:00Z\"}",
                        "u"),
                "time_out_of_range",
                "updated_at");
        add(
                "NUL in segment_label",
                crm,
                String.format(change, "{\"customer_id\":97,\"segment_label\":\"vip\\u0000\"}", "c"),
                "nul_character",
                "segment_label");
        // CRM identity links
        String link =
                "{\"before\":null,\"after\":{\"system\":%s,\"external_id\":%s,\"customer_id\":%s},\"op\":\"%s\",\"ts_ms\":1}";
        add(
                "link without customer",
                ids,
                String.format(link, "\"web\"", "\"v-9\"", "null", "c"),
                "missing_field",
                "customer_id");
        add(
                "link without external_id",
                ids,
                "{\"before\":null,\"after\":{\"system\":\"web\",\"customer_id\":1},\"op\":\"c\",\"ts_ms\":1}",
                "missing_field",
                "external_id");
        add(
                "link with empty external_id",
                ids,
                String.format(link, "\"web\"", "\"\"", "2", "c"),
                "blank_id",
                "external_id is empty");
        add(
                "link with blank external_id",
                ids,
                String.format(link, "\"product\"", "\"   \"", "2", "c"),
                "blank_id",
                "external_id is blank");
        add(
                "link to anonymous",
                ids,
                String.format(link, "\"web\"", "\"Anonymous\"", "2", "c"),
                "blocked_id",
                "'anonymous'");
        add(
                "link to zeros",
                ids,
                String.format(link, "\"product\"", "\"0000\"", "2", "c"),
                "blocked_id",
                "/0[0-]*/");
        add(
                "link with empty system",
                ids,
                String.format(link, "\"\"", "\"v-2\"", "2", "c"),
                "blank_id",
                "system is empty");
        add(
                "link with unknown op",
                ids,
                String.format(link, "\"web\"", "\"v-3\"", "2", "z"),
                "unknown_op",
                "'z'");
    }

    private static void add(String name, String topic, String value, String code, String part) {
        add(name, topic, value.getBytes(StandardCharsets.UTF_8), code, part);
    }

    private static void add(String name, String topic, byte[] value, String code, String part) {
        assertThat(CASES).noneMatch(c -> c.name().equals(name));
        CASES.add(new Case(name, topic, value, code, part));
    }

    @Test
    void corpusIsLargeEnough() {
        assertThat(CASES).hasSizeGreaterThanOrEqualTo(40);
        assertThat(CASES.stream().map(Case::code).distinct().count()).isGreaterThanOrEqualTo(15);
    }

    @Test
    void everyBadRecordIsADeadLetterWithItsCodeAndReason() throws Exception {
        List<Map<String, Object>> rows = query(settings, "SELECT * FROM dead_letter");
        Map<String, Map<String, Object>> byId = new HashMap<>();
        rows.forEach(row -> byId.put((String) row.get("id"), row));
        for (Map.Entry<String, Case> expected : BY_ID.entrySet()) {
            Case bad = expected.getValue();
            Map<String, Object> row = byId.get(expected.getKey());
            assertThat(row).as("dead letter of case '%s'", bad.name()).isNotNull();
            assertThat((String) row.get("reason"))
                    .as("reason of case '%s'", bad.name())
                    .startsWith(bad.code() + ": ")
                    .contains(bad.reasonPart());
            assertThat(row.get("source_topic")).isEqualTo(bad.topic());
            assertThat(row.get("received_at")).isNotNull();
            if (bad.value() == null) {
                assertThat(row.get("raw_payload")).isNull();
            } else {
                assertThat((String) row.get("raw_payload")).isNotNull().doesNotContain("\0");
            }
        }
        // nothing else: no good record was refused
        assertThat(rows).hasSize(CASES.size());
    }

    @Test
    void deadLetterPayloadsAreReadableAndBounded() throws Exception {
        Map<String, String> payloadByCase = new HashMap<>();
        for (Map<String, Object> row : query(settings, "SELECT id, raw_payload FROM dead_letter")) {
            payloadByCase.put(BY_ID.get(row.get("id")).name(), (String) row.get("raw_payload"));
        }
        // cut to 64 KiB, then kept as its length and digest: a cut payload is no JSON that its
        // personal data could be found and masked in
        assertThat(payloadByCase.get("payload over 1 MiB"))
                .hasSizeLessThan(70_000)
                .contains("unreadable_payload");
        assertThat(payloadByCase.get("NUL byte")).isNotNull().doesNotContain("\0");
        assertThat(payloadByCase.get("invalid UTF-8")).isNotNull().doesNotContain("v-");
    }

    @Test
    void payloadsKeepNoEmailNorRawExternalId() throws Exception {
        List<String> payloads =
                query(settings, "SELECT raw_payload FROM dead_letter").stream()
                        .map(row -> (String) row.get("raw_payload"))
                        .filter(Objects::nonNull)
                        .toList();
        assertThat(payloads)
                .allSatisfy(
                        payload ->
                                assertThat(payload)
                                        .doesNotContain("example.com")
                                        .doesNotContain("\"v-1\"", "\"u-1\"", "\"v-9\""));
        assertThat(payloads)
                .filteredOn(payload -> payload.contains("\"email\""))
                .isNotEmpty()
                .allSatisfy(payload -> assertThat(payload).contains("\"email\":\"<masked>\""));
        // ids stay, as their pseudonyms (32 hex digits)
        assertThat(payloads)
                .anySatisfy(
                        payload ->
                                assertThat(payload)
                                        .containsPattern("\"visitor_id\":\"[0-9a-f]{32}\""));
    }

    @Test
    void goodRecordsAroundThemAreProcessedExactly() throws Exception {
        List<Map<String, Object>> rows =
                query(settings, "SELECT * FROM customer_profile ORDER BY customer_id");
        assertThat(rows).extracting(row -> row.get("customer_id")).containsExactly(1L, 2L, 3L);
        Map<String, Object> first = rows.get(0);
        assertThat(first.get("website_views")).isEqualTo((long) goodWebEvents);
        assertThat(first.get("website_sessions")).isEqualTo(3L);
        assertThat(first.get("videos_viewed")).isEqualTo(0L);
        assertThat((Double) first.get("avg_time_per_session")).isEqualTo(30.0);
        // the re-pointed link took its two events to customer 2, and the empty external id
        // (link and event) fused nothing into it
        Map<String, Object> second = rows.get(1);
        assertThat(second.get("website_views")).isEqualTo(2L);
        assertThat(second.get("videos_viewed")).isEqualTo(1L);
        assertThat(second.get("website_sessions")).isEqualTo(1L);
        Map<String, Object> third = rows.get(2);
        assertThat(third.get("website_views")).isEqualTo(2L);
        assertThat(third.get("blogs_viewed")).isEqualTo(1L);
        assertThat(third.get("customer_age"))
                .isEqualTo(
                        Period.between(LocalDate.of(1950, 6, 1), LocalDate.now(ZoneOffset.UTC))
                                .getYears());
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
        Map<String, String> valueById = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(settings.deadLetterTopic()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (valueById.size() < CASES.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record :
                        consumer.poll(Duration.ofMillis(500))) {
                    assertThat(valueById.put(record.key(), record.value())).isNull();
                }
            }
            // and nothing more: a record written twice would show up now
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(2))) {
                assertThat(valueById.put(record.key(), record.value()))
                        .as("dead letter %s written twice", record.key())
                        .isNull();
            }
        }
        assertThat(valueById.keySet()).containsExactlyInAnyOrderElementsOf(BY_ID.keySet());
        BY_ID.forEach(
                (id, bad) ->
                        assertThat(valueById.get(id))
                                .as("topic record of case '%s'", bad.name())
                                .contains("\"id\":\"" + id + "\"")
                                .contains("\"reason\":\"" + bad.code() + ": "));
    }

    @Test
    void deadLettersAreCountedByTopicAndByCode() {
        Map<String, Metric> counters = metrics.findMetrics(job.getJobID(), "deadLetters");
        long byTopic = 0;
        Map<String, Long> byCode = new TreeMap<>();
        for (Map.Entry<String, Metric> counter : counters.entrySet()) {
            String name = counter.getKey();
            long count = ((Counter) counter.getValue()).getCount();
            if (name.contains(".segflow.topic.") && name.endsWith(".deadLetters")) {
                byTopic += count;
            }
            int reason = name.indexOf(".segflow.reason.");
            if (reason >= 0 && name.endsWith(".deadLetters")) {
                String code =
                        name.substring(
                                reason + ".segflow.reason.".length(),
                                name.length() - ".deadLetters".length());
                byCode.merge(code, count, Long::sum);
            }
        }
        assertThat(byTopic).isEqualTo(CASES.size());
        assertThat(byCode).isEqualTo(expectedByCode(CASES));
    }

    private static Map<String, Long> expectedByCode(Collection<Case> cases) {
        Map<String, Long> expected = new TreeMap<>();
        cases.forEach(bad -> expected.merge(bad.code(), 1L, Long::sum));
        return expected;
    }
}
