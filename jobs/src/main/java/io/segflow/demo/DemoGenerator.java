package io.segflow.demo;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Generates a small CRM and its customers' behaviour: customers drawn from hidden personas, their
 * identity links, and web and product events at a steady rate, with the occasional CRM update,
 * deletion, late identity link, duplicated event and malformed record, as real feeds have them.
 * Everything goes to Kafka in the formats of DESIGN.md (CRM through Debezium's encoding, see {@link
 * DebeziumTable}).
 */
public final class DemoGenerator implements Runnable {

    /** A kind of customer; the job is never told which one a customer is. */
    record Persona(
            String name,
            double webSessionsPerTick,
            double[] webTypeWeights,
            double productSessionsPerTick,
            int featureVariety,
            double sessionSeconds,
            double conversionRate,
            double[] topicWeights) {}

    static final List<Persona> PERSONAS =
            List.of(
                    new Persona(
                            "researcher",
                            0.9,
                            new double[] {0.3, 0.4, 0.05, 0.25},
                            0.05,
                            2,
                            120,
                            0.15,
                            // reads about the product and the news
                            new double[] {0.10, 0.25, 0.15, 0.05, 0.35, 0.10}),
                    new Persona(
                            "video learner",
                            0.7,
                            new double[] {0.3, 0.05, 0.6, 0.05},
                            0.2,
                            4,
                            300,
                            0.25,
                            // a learner: tutorials
                            new double[] {0.05, 0.15, 0.60, 0.05, 0.05, 0.10}),
                    new Persona(
                            "power user",
                            0.2,
                            new double[] {0.8, 0.1, 0.05, 0.05},
                            1.0,
                            12,
                            1500,
                            0.6,
                            // a buyer: pricing and the product
                            new double[] {0.45, 0.30, 0.10, 0.02, 0.03, 0.10}),
                    new Persona(
                            "browser",
                            0.4,
                            new double[] {0.95, 0.03, 0.01, 0.01},
                            0.0,
                            0,
                            0,
                            0.03,
                            // a job seeker: careers
                            new double[] {0.05, 0.10, 0.05, 0.55, 0.15, 0.10}));

    private static final String[] WEB_TYPES = {
        "page_view", "blog_view", "video_view", "whitepaper_view"
    };

    /**
     * The demo runs in fast-forward: a customer makes a visit every 20 seconds or so, a year of
     * behaviour in minutes. Lifetime counts would make even a stationary stream's profiles age that
     * fast, so the base is kept in a steady state: customers leave and new ones arrive at this
     * share of the base a minute (a lifetime of 5 minutes, a few dozen visits), and the base starts
     * with the histories such a churn leaves (exponential ages, {@link #MEAN_HISTORY_VISITS} visits
     * on average), written before the live stream.
     */
    static final double CHURN_PER_MINUTE = 0.2;

    /** Mean visits of a starting customer's history: a lifetime's worth at the live pace. */
    static final double MEAN_HISTORY_VISITS = 15;

    /** Minutes of the live stream before {@link #withDrift}'s drift starts. */
    static final double DRIFT_DELAY_MINUTES = 3;

    /** The persona customers drift to under {@link #withDrift}. */
    static final String DRIFT_TARGET = "power user";

    /** Mixed into the seed of the content's draws. */
    static final long CONTENT_SEED = 0x636F6E74656E74L;

    private static final String[] COUNTRIES = {"DE", "FR", "US", "GB", "NL", "ES", "SE", "PL"};

    public record Topics(
            String customers, String identities, String webEvents, String productEvents) {}

    private final KafkaProducer<String, String> producer;
    private final Topics topics;
    private final int customers;
    private final double eventsPerSecond;
    private final Random random;
    // what each web event shows is drawn apart from everything else, so that the content leaves
    // the rest of a seed's history (events, counts, CRM changes) as it was without it
    private final Random contentRandom;
    private final boolean withSchema;
    private final AtomicLong eventsSent = new AtomicLong();
    private final AtomicLong changesSent = new AtomicLong();
    private final AtomicLong malformedSent = new AtomicLong();
    private final AtomicLong personaSwitches = new AtomicLong();
    private double driftPerMinute;
    private final AtomicLong historyEventsSent = new AtomicLong();
    private final AtomicLong customersReplaced = new AtomicLong();
    private volatile boolean running = true;
    private long lsn = 1_000;
    private long eventSeq;
    private final List<Long> liveCustomers = new ArrayList<>();
    private final Map<Long, Persona> personaOf = new LinkedHashMap<>();

    public DemoGenerator(
            KafkaProducer<String, String> producer,
            Topics topics,
            int customers,
            double eventsPerSecond,
            long seed,
            boolean withSchema) {
        this.producer = producer;
        this.topics = topics;
        this.customers = customers;
        this.eventsPerSecond = eventsPerSecond;
        this.random = new Random(seed);
        this.contentRandom = new Random(seed ^ CONTENT_SEED);
        this.withSchema = withSchema;
    }

    /**
     * Drift: this share of the customers per minute become power users (their behaviour, hence
     * their features, move towards that segment), and new customers arrive in the mix of the
     * moment, so the base keeps moving towards power users until it is all of them.
     */
    public DemoGenerator withDrift(double shareOfCustomersPerMinute) {
        if (shareOfCustomersPerMinute < 0 || shareOfCustomersPerMinute > 1) {
            throw new IllegalArgumentException(
                    "drift must be a share between 0 and 1 of the customers per minute, not "
                            + shareOfCustomersPerMinute);
        }
        this.driftPerMinute = shareOfCustomersPerMinute;
        return this;
    }

    @Override
    public void run() {
        for (long id = 1; id <= customers && running; id++) {
            createCustomer(id, PERSONAS.get(random.nextInt(PERSONAS.size())));
        }
        writeHistories();
        long nextId = customers + 1;
        long started = System.nanoTime();
        long emitted = 0;
        while (running) {
            emitted += tick();
            if (random.nextDouble() < 0.02) {
                updateCustomer();
            }
            double churnMinutes = (System.nanoTime() - started) / 60e9;
            while (customersReplaced.get() < (long) (churnMinutes * CHURN_PER_MINUTE * customers)
                    && liveCustomers.size() > 10) {
                // the newcomer comes in the mix of the moment (drift persists)
                Persona mix =
                        personaOf.get(liveCustomers.get(random.nextInt(liveCustomers.size())));
                deleteCustomer();
                createCustomer(nextId++, mix);
                customersReplaced.incrementAndGet();
            }
            if (random.nextDouble() < 0.001) {
                sendMalformed();
            }
            // drift starts once the stream's own model has settled: a drift after a training
            double minutes =
                    Math.max(0, (System.nanoTime() - started) / 60e9 - DRIFT_DELAY_MINUTES);
            while (personaSwitches.get()
                    < (long) (minutes * driftPerMinute * liveCustomers.size())) {
                switchPersona();
            }
            long due = started + (long) (emitted / eventsPerSecond * 1e9);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    public void stop() {
        running = false;
    }

    public long eventsSent() {
        return eventsSent.get();
    }

    public long changesSent() {
        return changesSent.get();
    }

    public long personaSwitches() {
        return personaSwitches.get();
    }

    private void switchPersona() {
        Persona target = persona(DRIFT_TARGET);
        long id = liveCustomers.get(random.nextInt(liveCustomers.size()));
        personaOf.put(id, target);
        personaSwitches.incrementAndGet();
    }

    static Persona persona(String name) {
        return PERSONAS.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    /**
     * Every starting customer's history, visits at the live pace back from now, their number drawn
     * from the steady state's exponential ages; interleaved across customers in time order, as the
     * feeds would have delivered them.
     */
    private void writeHistories() {
        double visitSeconds = customers / (eventsPerSecond / 5.0); // a visit sends about 5 events
        List<long[]> visits = new ArrayList<>(); // {customer, seconds before now}
        for (long id : liveCustomers) {
            long count = Math.round(-Math.log(1 - random.nextDouble()) * MEAN_HISTORY_VISITS);
            for (long v = 1; v <= count && running; v++) {
                visits.add(new long[] {id, (long) (v * visitSeconds)});
            }
        }
        visits.sort((a, b) -> Long.compare(b[1], a[1]));
        Instant now = Instant.now();
        for (long[] visit : visits) {
            if (!running) {
                return;
            }
            historyEventsSent.addAndGet(
                    emitFor(visit[0], personaOf.get(visit[0]), now.minusSeconds(visit[1])));
        }
        producer.flush();
    }

    /** Events of the starting customers' histories, written before the live stream. */
    public long historyEventsSent() {
        return historyEventsSent.get();
    }

    /** Customers who left and were replaced by a new one so far. */
    public long customersReplaced() {
        return customersReplaced.get();
    }

    public long malformedSent() {
        return malformedSent.get();
    }

    private void createCustomer(long id, Persona persona) {
        personaOf.put(id, persona);
        liveCustomers.add(id);
        Map<String, Object> row = customerRow(id, persona);
        sendChange(
                topics.customers(),
                DebeziumTable.CUSTOMERS,
                row,
                DebeziumTable.CUSTOMERS.insert(row, lsn += 8, withSchema));
        // one in ten customers' identity links arrive after their first events
        if (random.nextInt(10) != 0) {
            link(id);
        } else {
            emitFor(id, persona, Instant.now());
            link(id);
        }
    }

    private void link(long id) {
        for (String system : List.of("web", "product")) {
            Map<String, Object> identity = new LinkedHashMap<>();
            identity.put("system", system);
            identity.put("external_id", externalId(system, id));
            identity.put("customer_id", id);
            sendChange(
                    topics.identities(),
                    DebeziumTable.IDENTITIES,
                    identity,
                    DebeziumTable.IDENTITIES.insert(identity, lsn += 8, withSchema));
        }
    }

    private void updateCustomer() {
        long id = liveCustomers.get(random.nextInt(liveCustomers.size()));
        Map<String, Object> row = customerRow(id, personaOf.get(id));
        sendChange(
                topics.customers(),
                DebeziumTable.CUSTOMERS,
                row,
                DebeziumTable.CUSTOMERS.update(row, lsn += 8, withSchema));
    }

    private void deleteCustomer() {
        // swap with the last: a replacement a second in a large base must not shift the list
        int index = random.nextInt(liveCustomers.size());
        long id = liveCustomers.get(index);
        liveCustomers.set(index, liveCustomers.get(liveCustomers.size() - 1));
        liveCustomers.remove(liveCustomers.size() - 1);
        personaOf.remove(id);
        Map<String, Object> key = Map.of("customer_id", id);
        String kafkaKey = DebeziumTable.CUSTOMERS.key(key, withSchema);
        producer.send(
                new ProducerRecord<>(
                        topics.customers(),
                        kafkaKey,
                        DebeziumTable.CUSTOMERS.delete(key, lsn += 8, withSchema)));
        // Debezium follows a delete with a tombstone so that compaction can drop the key
        producer.send(new ProducerRecord<>(topics.customers(), kafkaKey, null));
        changesSent.incrementAndGet();
    }

    private Map<String, Object> customerRow(long id, Persona persona) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("customer_id", id);
        row.put("email", "customer" + id + "@example.com");
        row.put(
                "birth_date",
                random.nextInt(12) == 0
                        ? null
                        : LocalDate.of(
                                1950 + random.nextInt(55),
                                1 + random.nextInt(12),
                                1 + random.nextInt(28)));
        row.put("country", COUNTRIES[random.nextInt(COUNTRIES.length)]);
        row.put("created_at", Instant.now().minusSeconds(86_400L * random.nextInt(900)));
        // the CRM knows who bought already; each change draws it again, at the persona's rate
        row.put("converted_to_sale", random.nextDouble() < persona.conversionRate());
        row.put("segment_label", random.nextInt(5) == 0 ? persona.name() : null);
        row.put("updated_at", Instant.now());
        return row;
    }

    private void sendChange(
            String topic, DebeziumTable table, Map<String, Object> row, String message) {
        producer.send(new ProducerRecord<>(topic, table.key(row, withSchema), message));
        changesSent.incrementAndGet();
    }

    private int tick() {
        long id = liveCustomers.get(random.nextInt(liveCustomers.size()));
        return emitFor(id, personaOf.get(id), Instant.now());
    }

    private int emitFor(long id, Persona persona, Instant now) {
        int sent = 0;
        if (random.nextDouble() < persona.webSessionsPerTick()) {
            String session = "ws-" + id + "-" + (eventSeq++);
            int views = 1 + random.nextInt(6);
            for (int v = 0; v < views; v++) {
                String type = WEB_TYPES[pick(persona.webTypeWeights())];
                ContentCatalog.Page page =
                        ContentCatalog.page(
                                ContentCatalog.topic(
                                        persona.topicWeights(), contentRandom.nextDouble()),
                                type,
                                random.nextInt(50));
                String event =
                        AnalyticsEvents.web(
                                "w" + (eventSeq++),
                                externalId("web", id),
                                session,
                                type,
                                page.url(),
                                page.title(),
                                now.plusMillis(v * 1000L));
                producer.send(
                        new ProducerRecord<>(topics.webEvents(), externalId("web", id), event));
                sent++;
                // at-least-once producers upstream: now and then the same event twice
                if (random.nextInt(200) == 0) {
                    producer.send(
                            new ProducerRecord<>(topics.webEvents(), externalId("web", id), event));
                }
            }
        }
        if (random.nextDouble() < persona.productSessionsPerTick()) {
            String session = "ps-" + id + "-" + (eventSeq++);
            String user = externalId("product", id);
            sent += sendProduct(user, session, "session_start", null, null, now);
            int uses = 1 + random.nextInt(1 + persona.featureVariety());
            for (int u = 0; u < uses; u++) {
                sent +=
                        sendProduct(
                                user,
                                session,
                                "feature_used",
                                "feature-" + random.nextInt(Math.max(1, persona.featureVariety())),
                                null,
                                now.plusSeconds(u + 1));
            }
            long duration = (long) (persona.sessionSeconds() * 1000 * (0.5 + random.nextDouble()));
            sent +=
                    sendProduct(
                            user, session, "session_end", null, duration, now.plusMillis(duration));
        }
        eventsSent.addAndGet(sent);
        return Math.max(sent, 1);
    }

    private int sendProduct(
            String user,
            String session,
            String type,
            String feature,
            Long durationMs,
            Instant time) {
        String event =
                AnalyticsEvents.product(
                        "p" + eventSeq++, user, session, type, feature, durationMs, time);
        producer.send(new ProducerRecord<>(topics.productEvents(), user, event));
        return 1;
    }

    private void sendMalformed() {
        String[] broken = {
            "{\"event_id\":\"broken-" + eventSeq++ + "\",\"visitor_id\":",
            "{\"event_id\":\"x"
                    + eventSeq++
                    + "\",\"visitor_id\":\"v\",\"session_id\":\"s\",\"event_type\":\"click\",\"event_time\":\""
                    + Instant.now()
                    + "\"}",
        };
        producer.send(
                new ProducerRecord<>(
                        topics.webEvents(), null, broken[random.nextInt(broken.length)]));
        malformedSent.incrementAndGet();
    }

    private int pick(double[] weights) {
        double r = random.nextDouble();
        for (int i = 0; i < weights.length; i++) {
            r -= weights[i];
            if (r <= 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    static String externalId(String system, long customerId) {
        // department ids that are not the CRM id: a cookie-like and an app-user-like id
        return system.equals("web")
                ? "v-" + Long.toHexString(customerId * 0x9E3779B97F4A7C15L)
                : "u" + (100_000 + customerId * 7);
    }
}
