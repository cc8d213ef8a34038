package io.segflow.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes change events the way Debezium's PostgreSQL connector does with its default settings
 * (pgoutput, REPLICA IDENTITY DEFAULT, time.precision.mode=adaptive, Kafka Connect's JsonConverter
 * with or without schemas): DATE as days since the epoch, TIMESTAMPTZ as an ISO-8601 string,
 * updates without a "before" image, deletes with only the key in "before". The demo generator and
 * the tests speak to the job through this, as Debezium would.
 */
public final class DebeziumTable {

    /** A column: its name, Connect schema type and Debezium semantic type (or null). */
    public record ColumnSpec(String name, String connectType, String semanticType, boolean key) {}

    public static final DebeziumTable CUSTOMERS =
            new DebeziumTable(
                    "crm",
                    "public",
                    "customers",
                    List.of(
                            new ColumnSpec("customer_id", "int64", null, true),
                            new ColumnSpec("email", "string", null, false),
                            new ColumnSpec("birth_date", "int32", "io.debezium.time.Date", false),
                            new ColumnSpec("country", "string", null, false),
                            new ColumnSpec(
                                    "created_at",
                                    "string",
                                    "io.debezium.time.ZonedTimestamp",
                                    false),
                            new ColumnSpec("converted_to_sale", "boolean", null, false),
                            new ColumnSpec("segment_label", "string", null, false),
                            new ColumnSpec(
                                    "updated_at",
                                    "string",
                                    "io.debezium.time.ZonedTimestamp",
                                    false)));

    public static final DebeziumTable IDENTITIES =
            new DebeziumTable(
                    "crm",
                    "public",
                    "customer_identities",
                    List.of(
                            new ColumnSpec("system", "string", null, true),
                            new ColumnSpec("external_id", "string", null, true),
                            new ColumnSpec("customer_id", "int64", null, false)));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    // Debezium's ZonedTimestamp: ISO offset date-time, fraction only as long as needed
    private static final DateTimeFormatter ZONED_TIMESTAMP = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private final String serverName;
    private final String schemaName;
    private final String table;
    private final List<ColumnSpec> columns;

    public DebeziumTable(
            String serverName, String schemaName, String table, List<ColumnSpec> columns) {
        this.serverName = serverName;
        this.schemaName = schemaName;
        this.table = table;
        this.columns = List.copyOf(columns);
    }

    /** The topic Debezium writes this table to: server.schema.table. */
    public String topic() {
        return serverName + "." + schemaName + "." + table;
    }

    public String insert(Map<String, ?> row, long lsn, boolean withSchema) {
        return message("c", null, row, lsn, withSchema);
    }

    /** A snapshot read, as in the connector's initial snapshot. */
    public String read(Map<String, ?> row, long lsn, boolean withSchema) {
        return message("r", null, row, lsn, withSchema);
    }

    /** An update under REPLICA IDENTITY DEFAULT: no before image. */
    public String update(Map<String, ?> row, long lsn, boolean withSchema) {
        return message("u", null, row, lsn, withSchema);
    }

    /** A delete under REPLICA IDENTITY DEFAULT: the before image holds only the key. */
    public String delete(Map<String, ?> key, long lsn, boolean withSchema) {
        Map<String, Object> before = new LinkedHashMap<>();
        for (ColumnSpec column : columns) {
            before.put(column.name(), column.key() ? key.get(column.name()) : null);
        }
        return message("d", before, null, lsn, withSchema);
    }

    /** The message key: the primary key columns, as Debezium keys its messages. */
    public String key(Map<String, ?> row, boolean withSchema) {
        ObjectNode payload = NODES.objectNode();
        ArrayNode fields = NODES.arrayNode();
        for (ColumnSpec column : columns) {
            if (column.key()) {
                payload.set(column.name(), encode(column, row.get(column.name())));
                fields.add(fieldSchema(column, column.name(), false));
            }
        }
        if (!withSchema) {
            return payload.toString();
        }
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "struct");
        schema.set("fields", fields);
        schema.put("optional", false);
        schema.put("name", topic() + ".Key");
        ObjectNode envelope = NODES.objectNode();
        envelope.set("schema", schema);
        envelope.set("payload", payload);
        return envelope.toString();
    }

    public String message(
            String op, Map<String, ?> before, Map<String, ?> after, long lsn, boolean withSchema) {
        long tsMs = System.currentTimeMillis();
        ObjectNode payload = NODES.objectNode();
        payload.set("before", before == null ? NODES.nullNode() : row(before));
        payload.set("after", after == null ? NODES.nullNode() : row(after));
        ObjectNode source = payload.putObject("source");
        source.put("version", "2.7.3.Final");
        source.put("connector", "postgresql");
        source.put("name", serverName);
        source.put("ts_ms", tsMs);
        source.put("snapshot", op.equals("r") ? "true" : "false");
        source.put("db", serverName);
        source.put("sequence", "[null,\"" + lsn + "\"]");
        source.put("ts_us", tsMs * 1000);
        source.put("ts_ns", tsMs * 1_000_000);
        source.put("schema", schemaName);
        source.put("table", table);
        source.put("txId", 700 + lsn / 8);
        source.put("lsn", lsn);
        source.putNull("xmin");
        payload.putNull("transaction");
        payload.put("op", op);
        payload.put("ts_ms", tsMs);
        payload.put("ts_us", tsMs * 1000);
        payload.put("ts_ns", tsMs * 1_000_000);
        if (!withSchema) {
            return payload.toString();
        }
        ObjectNode envelope = NODES.objectNode();
        envelope.set("schema", envelopeSchema());
        envelope.set("payload", payload);
        return envelope.toString();
    }

    private ObjectNode row(Map<String, ?> values) {
        ObjectNode row = NODES.objectNode();
        for (ColumnSpec column : columns) {
            row.set(column.name(), encode(column, values.get(column.name())));
        }
        return row;
    }

    private static JsonNode encode(ColumnSpec column, Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof LocalDate date) {
            return NODES.numberNode((int) date.toEpochDay());
        }
        if (value instanceof Instant instant) {
            return NODES.textNode(ZONED_TIMESTAMP.format(instant.atOffset(ZoneOffset.UTC)));
        }
        return JSON.valueToTree(value);
    }

    private ObjectNode envelopeSchema() {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "struct");
        ArrayNode fields = schema.putArray("fields");
        fields.add(rowSchema("before"));
        fields.add(rowSchema("after"));
        fields.add(sourceSchema());
        ObjectNode transaction = NODES.objectNode();
        transaction.put("type", "struct");
        ArrayNode txFields = transaction.putArray("fields");
        txFields.add(plain("string", "id", false));
        txFields.add(plain("int64", "total_order", false));
        txFields.add(plain("int64", "data_collection_order", false));
        transaction.put("optional", true);
        transaction.put("name", "event.block");
        transaction.put("version", 1);
        transaction.put("field", "transaction");
        fields.add(transaction);
        fields.add(plain("string", "op", false));
        fields.add(plain("int64", "ts_ms", true));
        fields.add(plain("int64", "ts_us", true));
        fields.add(plain("int64", "ts_ns", true));
        schema.put("optional", false);
        schema.put("name", topic() + ".Envelope");
        schema.put("version", 2);
        return schema;
    }

    private ObjectNode rowSchema(String field) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "struct");
        ArrayNode fields = schema.putArray("fields");
        for (ColumnSpec column : columns) {
            fields.add(fieldSchema(column, column.name(), !column.key()));
        }
        schema.put("optional", true);
        schema.put("name", topic() + ".Value");
        schema.put("field", field);
        return schema;
    }

    private static ObjectNode fieldSchema(ColumnSpec column, String field, boolean optional) {
        ObjectNode schema = plain(column.connectType(), field, optional);
        if (column.semanticType() != null) {
            schema.put("name", column.semanticType());
            schema.put("version", 1);
        }
        return schema;
    }

    private static ObjectNode sourceSchema() {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "struct");
        ArrayNode fields = schema.putArray("fields");
        fields.add(plain("string", "version", false));
        fields.add(plain("string", "connector", false));
        fields.add(plain("string", "name", false));
        fields.add(plain("int64", "ts_ms", false));
        ObjectNode snapshot = plain("string", "snapshot", true);
        snapshot.put("name", "io.debezium.data.Enum");
        snapshot.put("version", 1);
        snapshot.putObject("parameters").put("allowed", "true,last,false,incremental");
        snapshot.put("default", "false");
        fields.add(snapshot);
        fields.add(plain("string", "db", false));
        fields.add(plain("string", "sequence", true));
        fields.add(plain("int64", "ts_us", true));
        fields.add(plain("int64", "ts_ns", true));
        fields.add(plain("string", "schema", false));
        fields.add(plain("string", "table", false));
        fields.add(plain("int64", "txId", true));
        fields.add(plain("int64", "lsn", true));
        fields.add(plain("int64", "xmin", true));
        schema.put("optional", false);
        schema.put("name", "io.debezium.connector.postgresql.Source");
        schema.put("field", "source");
        return schema;
    }

    private static ObjectNode plain(String type, String field, boolean optional) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", type);
        schema.put("optional", optional);
        schema.put("field", field);
        return schema;
    }
}
