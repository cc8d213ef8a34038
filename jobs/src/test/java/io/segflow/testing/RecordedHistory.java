package io.segflow.testing;

import io.segflow.demo.AnalyticsEvents;
import io.segflow.demo.ContentCatalog;
import io.segflow.demo.DebeziumTable;
import io.segflow.pipeline.JobSettings;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A seeded, finished history of CRM changes, identity links and analytics events, written once to
 * the input topics, so that several runs (streaming, backfill) can read exactly the same records.
 * It holds what real input holds: inserts with and without the Debezium schema envelope, updates,
 * deletes with their tombstones, identity links that arrive after their events, re-pointed links,
 * duplicated events, events out of event-time order, and malformed records. Event times are fixed
 * (not the wall clock), so two histories of the same seed are equal.
 */
public final class RecordedHistory {

    private static final Instant BEGINNING = Instant.parse("2026-03-02T08:00:00Z");
    private static final String[] COUNTRIES = {"DE", "FR", "AT", "NL", "PL", "ES"};
    private static final String[] WEB_TYPES = {
        "page_view", "blog_view", "video_view", "whitepaper_view"
    };

    /**
     * What each persona's web events are about, by {@link ContentCatalog#TOPICS} and then
     * off-topic: persona 0 reads the product and the news, 1 tutorials, 2 pricing (3 has no web
     * events).
     */
    private static final double[][] TOPIC_WEIGHTS = {
        {0.10, 0.35, 0.10, 0.05, 0.30, 0.10},
        {0.05, 0.15, 0.60, 0.05, 0.05, 0.10},
        {0.50, 0.30, 0.05, 0.02, 0.03, 0.10},
        {0.05, 0.10, 0.05, 0.55, 0.15, 0.10}
    };

    /** How much a history holds, by kind, for tests and benchmark reports. */
    public record Counts(long records, long customers, long deletedCustomers, long malformed) {}

    /**
     * A history recorded but not yet written, for tests that feed it in parts (a fault between
     * them).
     */
    public record Recording(List<ProducerRecord<String, String>> records, Counts counts) {

        /**
         * Writes the records from index {@code from} (inclusive) to {@code to} (exclusive) and
         * waits for the broker to acknowledge them.
         */
        public void write(KafkaProducer<String, String> producer, int from, int to) {
            AtomicReference<Exception> failure = new AtomicReference<>();
            for (ProducerRecord<String, String> record : records.subList(from, to)) {
                producer.send(
                        record,
                        (metadata, error) -> {
                            if (error != null) {
                                failure.compareAndSet(null, error);
                            }
                        });
            }
            producer.flush();
            if (failure.get() != null) {
                throw new IllegalStateException("a history record was not written", failure.get());
            }
        }
    }

    private final JobSettings topics;
    private final Random random;
    // drawn apart, so that the content leaves the rest of a seed's history as it was without it
    private final Random contentRandom;
    private final List<ProducerRecord<String, String>> recorded = new ArrayList<>();
    private long lsn = 1_000;
    private long eventSeq;
    private long records;
    private long malformed;

    private RecordedHistory(JobSettings topics, long seed) {
        this.topics = topics;
        this.random = new Random(seed);
        this.contentRandom = new Random(seed ^ 0x636F6E74656E74L);
    }

    /**
     * Writes the history of {@code customers} customers (ids 1..n) to the topics that {@code
     * topics} names and waits for the broker to acknowledge all of it. {@code sessionsPerCustomer}
     * scales the events (a session is 1-6 web events or 3-8 product events).
     */
    public static Counts write(
            KafkaProducer<String, String> producer,
            JobSettings topics,
            int customers,
            int sessionsPerCustomer,
            long seed) {
        Recording recording = record(topics, customers, sessionsPerCustomer, seed);
        recording.write(producer, 0, recording.records().size());
        return recording.counts();
    }

    /** The history {@link #write} writes, in the order it writes it, not yet written. */
    public static Recording record(
            JobSettings topics, int customers, int sessionsPerCustomer, long seed) {
        RecordedHistory history = new RecordedHistory(topics, seed);
        long deleted = history.writeAll(customers, sessionsPerCustomer);
        return new Recording(
                List.copyOf(history.recorded),
                new Counts(history.records, customers, deleted, history.malformed));
    }

    /** Whether the history deletes this customer in the CRM (every 40th, from 3). */
    public static boolean deletes(long customerId) {
        return customerId >= 3 && (customerId - 3) % 40 == 0;
    }

    private long writeAll(int customers, int sessionsPerCustomer) {
        List<Long> late = new ArrayList<>();
        for (long id = 1; id <= customers; id++) {
            int persona = (int) (id % 4);
            insert(id, persona);
            // one in eight customers' links arrive after their first events
            boolean linkLate = random.nextInt(8) == 0;
            if (!linkLate) {
                link(id, false);
            }
            for (int s = 0; s < sessionsPerCustomer; s++) {
                session(id, persona, s);
            }
            if (linkLate) {
                late.add(id);
            }
            if (random.nextInt(5) == 0) {
                update(id, persona);
            }
            if (random.nextInt(100) == 0) {
                malformed(id);
            }
            // links that were late arrive a few customers later, between other customers' records
            if (late.size() > 3) {
                link(late.remove(0), false);
            }
        }
        late.forEach(id -> link(id, false));
        // a visitor found to be another customer: that history moves over
        for (long id = 7; id + 1 <= customers; id += 50) {
            link(id, true);
        }
        long deleted = 0;
        for (long id = 3; id <= customers; id += 40) {
            assert deletes(id);
            delete(id);
            deleted++;
        }
        return deleted;
    }

    private void insert(long id, int persona) {
        boolean withSchema = id % 2 == 0;
        Map<String, Object> row = customerRow(id, persona, false);
        send(
                topics.customersTopic(),
                DebeziumTable.CUSTOMERS.key(row, withSchema),
                DebeziumTable.CUSTOMERS.insert(row, lsn += 8, withSchema));
    }

    private void update(long id, int persona) {
        boolean withSchema = id % 2 == 0;
        Map<String, Object> row = customerRow(id, persona, true);
        send(
                topics.customersTopic(),
                DebeziumTable.CUSTOMERS.key(row, withSchema),
                DebeziumTable.CUSTOMERS.update(row, lsn += 8, withSchema));
    }

    private void delete(long id) {
        boolean withSchema = id % 2 == 0;
        Map<String, Object> key = Map.of("customer_id", id);
        String kafkaKey = DebeziumTable.CUSTOMERS.key(key, withSchema);
        send(
                topics.customersTopic(),
                kafkaKey,
                DebeziumTable.CUSTOMERS.delete(key, lsn += 8, withSchema));
        send(topics.customersTopic(), kafkaKey, null);
    }

    private Map<String, Object> customerRow(long id, int persona, boolean updated) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("customer_id", id);
        row.put("email", "customer" + id + "@example.com");
        row.put(
                "birth_date",
                id % 11 == 0
                        ? null
                        : LocalDate.of(
                                1950 + (int) (id % 55), 1 + (int) (id % 12), 1 + (int) (id % 28)));
        row.put("country", COUNTRIES[(int) (id % COUNTRIES.length)]);
        row.put("created_at", BEGINNING.minusSeconds(86_400L * (id % 700)));
        // about a quarter bought, most of them power users (persona 2), some when their row changed
        row.put(
                "converted_to_sale",
                persona == 2 && (updated || id % 3 != 0)
                        || persona == 1 && id % 5 == 1
                        || persona == 0 && id % 13 == 0);
        row.put("segment_label", id % 5 == 0 ? "persona-" + persona : null);
        row.put("updated_at", BEGINNING.plusSeconds(id * 60 + (updated ? 86_400 : 0)));
        return row;
    }

    /**
     * Web and product identities of a customer; re-pointed: customer id's web visitor goes to id +
     * 1.
     */
    private void link(long id, boolean repoint) {
        boolean withSchema = id % 3 == 0;
        for (String system : repoint ? List.of("web") : List.of("web", "product")) {
            Map<String, Object> identity = new LinkedHashMap<>();
            identity.put("system", system);
            identity.put("external_id", externalId(system, id));
            identity.put("customer_id", repoint ? id + 1 : id);
            String message =
                    repoint
                            ? DebeziumTable.IDENTITIES.update(identity, lsn += 8, withSchema)
                            : DebeziumTable.IDENTITIES.insert(identity, lsn += 8, withSchema);
            send(
                    topics.identitiesTopic(),
                    DebeziumTable.IDENTITIES.key(identity, withSchema),
                    message);
        }
    }

    private static String externalId(String system, long id) {
        return (system.equals("web") ? "visitor-" : "user-") + id;
    }

    private void session(long id, int persona, int number) {
        // sessions a day apart; every fifth one is sent after a later one (late in event time)
        Instant start =
                BEGINNING.plusSeconds(
                        86_400L * (number % 5 == 4 ? number - 3 : number) + id % 3_600);
        if (persona != 3 && (persona != 2 || random.nextBoolean())) {
            web(id, persona, start);
        }
        if (persona >= 2) {
            product(id, persona, start.plusSeconds(1_800));
        }
    }

    private void web(long id, int persona, Instant start) {
        String visitor = externalId("web", id);
        String session = "ws-" + id + "-" + eventSeq++;
        int views = 1 + random.nextInt(6);
        for (int v = 0; v < views; v++) {
            String type =
                    persona == 0 ? WEB_TYPES[random.nextInt(2)] : WEB_TYPES[random.nextInt(4)];
            ContentCatalog.Page page =
                    ContentCatalog.page(
                            ContentCatalog.topic(
                                    TOPIC_WEIGHTS[persona], contentRandom.nextDouble()),
                            type,
                            random.nextInt(50));
            String event =
                    AnalyticsEvents.web(
                            "w" + eventSeq++,
                            visitor,
                            session,
                            type,
                            page.url(),
                            page.title(),
                            start.plusSeconds(v * 20L));
            send(topics.webEventsTopic(), visitor, event);
            // at-least-once producers upstream: now and then the same event twice
            if (random.nextInt(50) == 0) {
                send(topics.webEventsTopic(), visitor, event);
            }
        }
    }

    private void product(long id, int persona, Instant start) {
        String user = externalId("product", id);
        String session = "ps-" + id + "-" + eventSeq++;
        productEvent(user, session, "session_start", null, null, start);
        int uses = 1 + random.nextInt(persona == 2 ? 6 : 2);
        for (int u = 0; u < uses; u++) {
            productEvent(
                    user,
                    session,
                    "feature_used",
                    "feature-" + random.nextInt(persona == 2 ? 12 : 3),
                    null,
                    start.plusSeconds(u + 1));
        }
        long duration = 60_000L + random.nextInt(persona == 2 ? 1_800_000 : 300_000);
        productEvent(user, session, "session_end", null, duration, start.plusMillis(duration));
    }

    private void productEvent(
            String user,
            String session,
            String type,
            String feature,
            Long durationMs,
            Instant time) {
        String event =
                AnalyticsEvents.product(
                        "p" + eventSeq++, user, session, type, feature, durationMs, time);
        String message = event;
        send(topics.productEventsTopic(), user, message);
        if (random.nextInt(50) == 0) {
            send(topics.productEventsTopic(), user, message);
        }
    }

    private void malformed(long id) {
        malformed++;
        switch ((int) (id / 100 % 4)) {
            case 0 ->
                    send(
                            topics.webEventsTopic(),
                            null,
                            "{\"event_id\":\"broken-" + eventSeq++ + "\",\"visitor_id\":");
            case 1 ->
                    send(
                            topics.webEventsTopic(),
                            null,
                            "{\"event_id\":\"x"
                                    + eventSeq++
                                    + "\",\"visitor_id\":\"v\",\"session_id\":\"s\",\"event_type\":\"click\",\"event_time\":\""
                                    + BEGINNING
                                    + "\"}");
            case 2 ->
                    send(
                            topics.productEventsTopic(),
                            null,
                            "{\"event_id\":\"n"
                                    + eventSeq++
                                    + "\",\"user_id\":\"user-"
                                    + id
                                    + "\",\"session_id\":\"s\",\"event_type\":\"session_end\",\"duration_ms\":-5,\"event_time\":\""
                                    + BEGINNING
                                    + "\"}");
            default ->
                    send(
                            topics.customersTopic(),
                            "{\"customer_id\":" + id + "}",
                            "{\"payload\":{\"op\":\"x\"}}");
        }
    }

    private void send(String topic, String key, String value) {
        records++;
        recorded.add(new ProducerRecord<>(topic, key, value));
    }
}
