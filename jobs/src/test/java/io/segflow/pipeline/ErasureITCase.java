package io.segflow.pipeline;

import static io.segflow.testing.Feeds.customer;
import static org.assertj.core.api.Assertions.assertThat;

import io.segflow.testing.CheckpointStats;
import io.segflow.testing.Feeds;
import io.segflow.testing.RecordedHistory;
import io.segflow.testing.SegflowITCaseBase;
import io.segflow.udfs.Pseudonymiser;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Personal data end to end, with every option at its default and a pseudonym key, as a deployment
 * runs: no raw external id and no e-mail address anywhere the job writes (every table, every output
 * topic, every dead letter, the files of its checkpoints), and a customer the CRM deletes is gone
 * from every table, tombstoned on the assignments topic, their dead letters without payload.
 */
class ErasureITCase extends SegflowITCaseBase {

    /**
     * Ids whose every form in the state is distinctive, so that finding one is no chance: its
     * decimal digits, and its eight bytes in either order (Flink's row keys and values hold a
     * BIGINT little-endian, Java serializers big-endian).
     */
    private static final long ERASED = 0x5A17_3C9E_B2D4_6F81L;

    private static final long KEPT = 0x4B28_4DAF_C3E5_7092L;
    private static final String ERASED_EMAIL = "erase.me.7qx@example.net";
    private static final String KEPT_EMAIL = "keep.me.7qx@example.net";

    /** Raw external ids of the history (visitor-N, user-N) and of the two customers here. */
    private static final Pattern RAW_ID =
            Pattern.compile("visitor-\\d|user-\\d|erase-me-|keep-me-");

    private static final Pattern EMAIL = Pattern.compile("@example\\.(com|net)");

    private static final Pseudonymiser PSEUDONYMS = Pseudonymiser.withKey(TEST_PSEUDONYM_KEY);

    private static JobSettings settings;
    private static Map<String, List<ConsumerRecord<String, String>>> topics;
    private static List<String> checkpointFiles;
    private static List<Path> savepointFiles;
    private static Path stateOfThisRun;

    /** Runs once for the class, inside the first test's setup (where the MiniCluster is ready). */
    @BeforeEach
    void runEraseAndStop() throws Exception {
        if (settings != null) {
            return;
        }
        JobSettings settings = defaultSettings();
        ErasureITCase.settings = settings;
        createTopics(settings);
        try (var producer = kafka().newProducer()) {
            RecordedHistory.write(producer, settings, 60, 2, 18);
        }
        try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
            for (long id : List.of(ERASED, KEPT)) {
                String who = id == ERASED ? "erase-me-" : "keep-me-";
                Map<String, Object> row =
                        customer(
                                id,
                                LocalDate.of(1980, 5, 17),
                                "DE",
                                id == KEPT,
                                null,
                                Instant.parse("2026-11-19T00:00:00Z"));
                row.put("email", id == ERASED ? ERASED_EMAIL : KEPT_EMAIL);
                feeds.customerInsert(row, id == KEPT);
                feeds.link("web", who + "visitor", id, false);
                feeds.link("product", who + "user", id, true);
                for (int i = 0; i < 6; i++) {
                    feeds.web(
                            "ev-" + who.charAt(0) + "-w" + i,
                            who + "visitor",
                            who + "session-" + (i % 2),
                            i % 2 == 0 ? "blog_view" : "page_view",
                            "2026-11-20T10:0" + i + ":00Z");
                }
                feeds.product(
                        "ev-" + who.charAt(0) + "-p1",
                        who + "user",
                        who + "psession",
                        "feature_used",
                        "reports",
                        null,
                        "2026-11-20T11:00:00Z");
                // dead letters about them: a CRM change, an identity link, an event, each with
                // their ids or e-mail in it
                feeds.raw(
                        settings.customersTopic(),
                        null,
                        "{\"before\":null,\"after\":{\"customer_id\":"
                                + id
                                + ",\"email\":\""
                                + row.get("email")
                                + "\",\"birth_date\":\"not-a-date\"},\"op\":\"u\",\"ts_ms\":1}");
                feeds.raw(
                        settings.identitiesTopic(),
                        null,
                        "{\"before\":null,\"after\":{\"system\":\"web\",\"customer_id\":"
                                + id
                                + "},\"op\":\"c\",\"ts_ms\":1}");
                feeds.raw(
                        settings.webEventsTopic(),
                        null,
                        "{\"event_id\":\"ev-"
                                + who.charAt(0)
                                + "-bad\",\"visitor_id\":\""
                                + who
                                + "visitor\",\"session_id\":\"s\",\"event_type\":\"click\","
                                + "\"url\":\"https://shop.test/?mail="
                                + row.get("email")
                                + "\",\"event_time\":\"2026-11-20T10:00:00Z\"}");
                // a payload that is no JSON: kept only as its length and a digest
                feeds.raw(
                        settings.productEventsTopic(),
                        null,
                        "user_id=" + who + "user email=" + row.get("email"));
            }
        }

        JobClient job = startStreaming(settings);
        CheckpointStats checkpoints = new CheckpointStats(restAddress(), job.getJobID());
        try {
            awaitRows(
                    settings,
                    "SELECT customer_id FROM customer_segment WHERE customer_id IN ("
                            + ERASED
                            + ", "
                            + KEPT
                            + ")",
                    rows -> rows.size() == 2);
            for (long id : List.of(ERASED, KEPT)) {
                // the CRM change and the identity link about them, named by pseudonym
                awaitRows(
                        settings,
                        "SELECT id FROM dead_letter WHERE raw_payload LIKE '%"
                                + PSEUDONYMS.pseudonym(Long.toString(id))
                                + "%'",
                        rows -> rows.size() == 2);
            }
            // what an insight run leaves: a score of each (the stream has no propensity model)
            for (long id : List.of(ERASED, KEPT)) {
                execute(
                        "INSERT INTO customer_score (customer_id, potential_score, model_version,"
                                + " percentile, control_group, scored_by) VALUES ("
                                + id
                                + ", 0.4, 1, 50, false, 'insight')");
            }
            assertThat(query(settings, "SELECT * FROM target_list")).hasSizeGreaterThan(1);

            try (Feeds feeds = new Feeds(kafka().newProducer(), settings)) {
                feeds.unlink("web", "erase-me-visitor", false);
                feeds.unlink("product", "erase-me-user", true);
                feeds.customerDelete(ERASED, false);
            }
            String erased = "customer_id = " + ERASED;
            awaitRows(
                    settings,
                    "SELECT customer_id FROM customer_profile WHERE " + erased,
                    List::isEmpty);
            awaitRows(
                    settings,
                    "SELECT customer_id FROM customer_score WHERE " + erased,
                    List::isEmpty);
            awaitRows(
                    settings,
                    "SELECT id FROM dead_letter WHERE raw_payload LIKE '%"
                            + PSEUDONYMS.pseudonym(Long.toString(ERASED))
                            + "%'",
                    List::isEmpty);
            // the state of a checkpoint taken after the erasure reached every table
            long completed = checkpoints.read().orElseThrow().completed();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (checkpoints.read().orElseThrow().completed() < completed + 2
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(checkpoints.read().orElseThrow().completed())
                    .isGreaterThanOrEqualTo(completed + 2);
            // the live state as of now, without the bytes of removed state that RocksDB's files
            // keep until it compacts them (README, Erasure): a canonical savepoint writes each
            // live key and value once
            Path savepoint = STATE_DIRECTORY.resolve("savepoint-" + settings.consumerGroup());
            String written =
                    job.triggerSavepoint(
                                    savepoint.toUri().toString(), SavepointFormatType.CANONICAL)
                            .get(5, TimeUnit.MINUTES);
            try (Stream<Path> files =
                    Files.walk(
                            written.startsWith("file:")
                                    ? Path.of(URI.create(written))
                                    : Path.of(written))) {
                savepointFiles = files.filter(Files::isRegularFile).toList();
            }
        } finally {
            cancel(job);
        }
        topics =
                readAll(
                        List.of(
                                settings.deadLetterTopic(),
                                settings.segmentsTopic(),
                                settings.modelsTopic()));
        stateOfThisRun = STATE_DIRECTORY.resolve(settings.consumerGroup());
        checkpointFiles = new ArrayList<>();
        try (Stream<Path> files = Files.walk(stateOfThisRun)) {
            files.filter(Files::isRegularFile).forEach(f -> checkpointFiles.add(f.toString()));
        }
    }

    @Test
    void theErasedCustomerIsInNoTable() throws Exception {
        for (String table : tablesWithCustomerId()) {
            assertThat(query(settings, "SELECT * FROM " + table + " WHERE customer_id = " + ERASED))
                    .as(table)
                    .isEmpty();
            if (!table.equals("target_list")) {
                assertThat(
                                query(
                                        settings,
                                        "SELECT * FROM " + table + " WHERE customer_id = " + KEPT))
                        .as("the customer who stays, in " + table)
                        .isNotEmpty();
            }
        }
        // of either origin: the insight run's row went with the stream's deletion
        assertThat(
                        query(
                                settings,
                                "SELECT scored_by FROM customer_score WHERE customer_id = " + KEPT))
                .extracting(row -> row.get("scored_by"))
                .containsExactly("insight");
        String erasedPseudonym = PSEUDONYMS.pseudonym(Long.toString(ERASED));
        for (String row : everyRowOfEveryTable()) {
            assertThat(row).doesNotContain(erasedPseudonym).doesNotContain(Long.toString(ERASED));
        }
        // their dead letters are there, without payload; the other customer's keep theirs
        assertThat(
                        query(
                                        settings,
                                        "SELECT count(*) AS n FROM dead_letter WHERE raw_payload IS"
                                                + " NULL AND source_topic IN ('"
                                                + settings.customersTopic()
                                                + "', '"
                                                + settings.identitiesTopic()
                                                + "')")
                                .get(0)
                                .get("n"))
                .isEqualTo(2L);
        assertThat(
                        query(
                                settings,
                                "SELECT id FROM dead_letter WHERE raw_payload LIKE '%"
                                        + PSEUDONYMS.pseudonym(Long.toString(KEPT))
                                        + "%'"))
                .hasSize(2);
    }

    @Test
    void noTableHoldsARawExternalIdOrAnEmail() throws Exception {
        List<String> rows = everyRowOfEveryTable();
        assertThat(rows).hasSizeGreaterThan(100);
        for (String row : rows) {
            assertThat(RAW_ID.matcher(row).find()).as(row).isFalse();
            assertThat(EMAIL.matcher(row).find()).as(row).isFalse();
        }
        // the pseudonyms are what the dead letters name instead
        assertThat(String.join("\n", rows))
                .contains(PSEUDONYMS.pseudonym("keep-me-visitor"))
                .contains("\"unreadable_payload\"");
    }

    @Test
    void noOutputTopicHoldsARawIdOrAnEmailAndTheAssignmentIsTombstoned() {
        assertThat(topics.get(settings.deadLetterTopic())).hasSizeGreaterThanOrEqualTo(8);
        for (List<ConsumerRecord<String, String>> records : topics.values()) {
            for (ConsumerRecord<String, String> record : records) {
                String text = record.key() + " " + record.value();
                assertThat(RAW_ID.matcher(text).find()).as(text).isFalse();
                assertThat(EMAIL.matcher(text).find()).as(text).isFalse();
                // the dead-letter log names customers by pseudonym only
                if (record.topic().equals(settings.deadLetterTopic())) {
                    assertThat(text).doesNotContain(Long.toString(ERASED));
                }
            }
        }
        List<ConsumerRecord<String, String>> erasedAssignments =
                topics.get(settings.segmentsTopic()).stream()
                        .filter(r -> r.key() != null && r.key().contains(Long.toString(ERASED)))
                        .toList();
        assertThat(erasedAssignments).isNotEmpty();
        assertThat(erasedAssignments.get(erasedAssignments.size() - 1).value())
                .as("the last record of the erased customer's key")
                .isNull();
    }

    @Test
    void theCheckpointHoldsNoRawIdNorEmail() throws Exception {
        assertThat(checkpointFiles).isNotEmpty();
        List<byte[]> raw =
                Stream.of(
                                "erase-me-visitor",
                                "erase-me-user",
                                "erase-me-session",
                                "keep-me-visitor",
                                "visitor-1",
                                "user-1",
                                ERASED_EMAIL,
                                KEPT_EMAIL,
                                "@example.com")
                        .map(s -> s.getBytes(StandardCharsets.UTF_8))
                        .toList();
        // what the scan would find: the pseudonym of an id is in the state, as bytes as written
        byte[] control = PSEUDONYMS.pseudonym("keep-me-visitor").getBytes(StandardCharsets.UTF_8);
        boolean controlFound = false;
        for (String file : checkpointFiles) {
            byte[] bytes = Files.readAllBytes(Path.of(file));
            for (byte[] needle : raw) {
                assertThat(indexOf(bytes, needle))
                        .as(new String(needle, StandardCharsets.UTF_8) + " in " + file)
                        .isNegative();
            }
            controlFound |= indexOf(bytes, control) >= 0;
        }
        assertThat(controlFound)
                .as("a pseudonym found in the checkpoint files (the scan reads what is stored)")
                .isTrue();
    }

    @Test
    void theStateHoldsNoRawIdOfTheErasedCustomer() throws Exception {
        assertThat(savepointFiles).isNotEmpty();
        Map<String, Integer> erased = occurrences(ERASED);
        Map<String, Integer> kept = occurrences(KEPT);
        System.out.println(
                "State of the erasure run, in "
                        + savepointFiles.size()
                        + " savepoint files: the erased customer's id "
                        + erased
                        + ", the kept customer's id "
                        + kept);
        // the scan finds an id the state holds, in the forms Flink stores it in: the kept
        // customer's, little-endian in the SQL operators' rows, big-endian as the key of the
        // segment assigner and live scorer
        assertThat(kept.get("little-endian")).as("the kept customer's id, " + kept).isPositive();
        assertThat(kept.get("big-endian")).as("the kept customer's id, " + kept).isPositive();
        assertThat(erased)
                .as("the erased customer's id in the state")
                .containsOnly(
                        Map.entry("decimal", 0),
                        Map.entry("big-endian", 0),
                        Map.entry("little-endian", 0));
    }

    /** How often each serialized form of a customer id occurs in the savepoint's files. */
    private static Map<String, Integer> occurrences(long customerId) throws Exception {
        Map<String, byte[]> forms = new LinkedHashMap<>();
        forms.put("decimal", Long.toString(customerId).getBytes(StandardCharsets.UTF_8));
        forms.put(
                "big-endian",
                ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(customerId).array());
        forms.put(
                "little-endian",
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(customerId).array());
        Map<String, Integer> found = new LinkedHashMap<>();
        for (Path file : savepointFiles) {
            byte[] bytes = Files.readAllBytes(file);
            forms.forEach((form, needle) -> found.merge(form, count(bytes, needle), Integer::sum));
        }
        return found;
    }

    // ---- helpers -------------------------------------------------------------------------

    private static void execute(String sql) throws Exception {
        String database = settings.jdbcUrl().substring(settings.jdbcUrl().lastIndexOf('/') + 1);
        try (var connection = postgres().connect(database);
                var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static List<String> tablesWithCustomerId() throws Exception {
        return query(
                        settings,
                        "SELECT table_name FROM information_schema.columns WHERE table_schema ="
                                + " 'public' AND column_name = 'customer_id' ORDER BY table_name")
                .stream()
                .map(row -> (String) row.get("table_name"))
                .toList();
    }

    /** Every row of every table and view of the database, as PostgreSQL prints it. */
    private static List<String> everyRowOfEveryTable() throws Exception {
        List<String> rows = new ArrayList<>();
        List<Map<String, Object>> tables =
                query(
                        settings,
                        "SELECT table_name FROM information_schema.tables WHERE table_schema ="
                                + " 'public'");
        assertThat(tables)
                .extracting(t -> t.get("table_name"))
                .contains("dead_letter", "target_list");
        for (Map<String, Object> table : tables) {
            for (Map<String, Object> row :
                    query(
                            settings,
                            "SELECT t::text AS r FROM \"" + table.get("table_name") + "\" t")) {
                rows.add(table.get("table_name") + ": " + row.get("r"));
            }
        }
        return rows;
    }

    /** Every record of the topics, aborted transactions included: all that a reader could see. */
    private static Map<String, List<ConsumerRecord<String, String>>> readAll(List<String> names) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "erasure-check-" + UUID.randomUUID());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Map<String, List<ConsumerRecord<String, String>>> byTopic = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String name : names) {
                byTopic.put(name, new ArrayList<>());
                consumer.partitionsFor(name)
                        .forEach(p -> partitions.add(new TopicPartition(name, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> byTopic.get(r.topic()).add(r));
            }
        }
        return byTopic;
    }

    private static int count(byte[] haystack, byte[] needle) {
        int found = 0;
        for (int from = 0; ; ) {
            int at = indexOf(haystack, needle, from);
            if (at < 0) {
                return found;
            }
            found++;
            from = at + 1;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        return indexOf(haystack, needle, 0);
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
