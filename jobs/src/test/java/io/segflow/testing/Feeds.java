package io.segflow.testing;

import io.segflow.demo.DebeziumTable;
import io.segflow.pipeline.JobSettings;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes test input to the job's topics as its producers would: CRM changes as Debezium (with or
 * without the schema envelope), analytics events as JSON. {@link #flush()} (and close) wait for the
 * broker's acknowledgement, so a run started afterwards sees all of it.
 */
public final class Feeds implements AutoCloseable {

    private final KafkaProducer<String, String> producer;
    private final JobSettings settings;
    private long lsn = 100;

    public Feeds(KafkaProducer<String, String> producer, JobSettings settings) {
        this.producer = producer;
        this.settings = settings;
    }

    public static Map<String, Object> customer(
            long id,
            LocalDate birthDate,
            String country,
            boolean converted,
            String label,
            Instant updatedAt) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("customer_id", id);
        row.put("email", "person" + id + "@example.com");
        row.put("birth_date", birthDate);
        row.put("country", country);
        row.put("created_at", Instant.parse("2025-01-01T00:00:00Z"));
        row.put("converted_to_sale", converted);
        row.put("segment_label", label);
        row.put("updated_at", updatedAt);
        return row;
    }

    public void customerInsert(Map<String, Object> row, boolean withSchema) {
        send(
                settings.customersTopic(),
                DebeziumTable.CUSTOMERS.key(row, withSchema),
                DebeziumTable.CUSTOMERS.insert(row, lsn += 8, withSchema));
    }

    public void customerSnapshot(Map<String, Object> row, boolean withSchema) {
        send(
                settings.customersTopic(),
                DebeziumTable.CUSTOMERS.key(row, withSchema),
                DebeziumTable.CUSTOMERS.read(row, lsn += 8, withSchema));
    }

    public void customerUpdate(Map<String, Object> row, boolean withSchema) {
        send(
                settings.customersTopic(),
                DebeziumTable.CUSTOMERS.key(row, withSchema),
                DebeziumTable.CUSTOMERS.update(row, lsn += 8, withSchema));
    }

    /** A delete and the tombstone Debezium sends after it. */
    public void customerDelete(long id, boolean withSchema) {
        Map<String, Object> key = Map.of("customer_id", id);
        String kafkaKey = DebeziumTable.CUSTOMERS.key(key, withSchema);
        send(
                settings.customersTopic(),
                kafkaKey,
                DebeziumTable.CUSTOMERS.delete(key, lsn += 8, withSchema));
        send(settings.customersTopic(), kafkaKey, null);
    }

    public void link(String system, String externalId, long customerId, boolean withSchema) {
        Map<String, Object> row = identity(system, externalId, customerId);
        send(
                settings.identitiesTopic(),
                DebeziumTable.IDENTITIES.key(row, withSchema),
                DebeziumTable.IDENTITIES.insert(row, lsn += 8, withSchema));
    }

    public void relink(String system, String externalId, long customerId, boolean withSchema) {
        Map<String, Object> row = identity(system, externalId, customerId);
        send(
                settings.identitiesTopic(),
                DebeziumTable.IDENTITIES.key(row, withSchema),
                DebeziumTable.IDENTITIES.update(row, lsn += 8, withSchema));
    }

    /** The CRM deletes a link (and Debezium sends its tombstone). */
    public void unlink(String system, String externalId, boolean withSchema) {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("system", system);
        key.put("external_id", externalId);
        String kafkaKey = DebeziumTable.IDENTITIES.key(key, withSchema);
        send(
                settings.identitiesTopic(),
                kafkaKey,
                DebeziumTable.IDENTITIES.delete(key, lsn += 8, withSchema));
        send(settings.identitiesTopic(), kafkaKey, null);
    }

    private static Map<String, Object> identity(String system, String externalId, long customerId) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("system", system);
        row.put("external_id", externalId);
        row.put("customer_id", customerId);
        return row;
    }

    public void web(String eventId, String visitorId, String sessionId, String type, String time) {
        send(
                settings.webEventsTopic(),
                visitorId,
                "{\"event_id\":\""
                        + eventId
                        + "\",\"visitor_id\":\""
                        + visitorId
                        + "\",\"session_id\":\""
                        + sessionId
                        + "\",\"event_type\":\""
                        + type
                        + "\",\"url\":\"https://example.com/"
                        + type
                        + "\",\"event_time\":\""
                        + time
                        + "\"}");
    }

    public void product(
            String eventId,
            String userId,
            String sessionId,
            String type,
            String feature,
            Long durationMs,
            String time) {
        StringBuilder json =
                new StringBuilder(
                        "{\"event_id\":\""
                                + eventId
                                + "\",\"user_id\":\""
                                + userId
                                + "\",\"session_id\":\""
                                + sessionId
                                + "\",\"event_type\":\""
                                + type
                                + "\"");
        if (feature != null) {
            json.append(",\"feature\":\"").append(feature).append('"');
        }
        if (durationMs != null) {
            json.append(",\"duration_ms\":").append(durationMs);
        }
        json.append(",\"event_time\":\"").append(time).append("\"}");
        send(settings.productEventsTopic(), userId, json.toString());
    }

    /** Any bytes-as-text to any topic: for malformed input. */
    public void raw(String topic, String key, String value) {
        send(topic, key, value);
    }

    private final AtomicReference<Exception> failure = new AtomicReference<>();

    private void send(String topic, String key, String value) {
        // one producer keeps per-partition order; the broker acknowledges everything by close()
        producer.send(
                new ProducerRecord<>(topic, key, value),
                (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                });
    }

    /** Waits until the broker has everything sent so far. */
    public void flush() {
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("a test record was not written", failure.get());
        }
    }

    @Override
    public void close() {
        flush();
        producer.close();
    }
}
