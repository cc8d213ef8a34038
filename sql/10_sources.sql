-- The job's inputs: every Kafka table of this file, and only those, is an input. Their topics
-- (the 'topic' option, placeholders filled in) are created when missing, counted and read to
-- their end by a backfill, copied by `segflow archive`, counted in the demo's lag and listed by
-- `segflow validate` (see pipeline/InputTopics). A source of your own is one more table here with
-- 'topic' = '${topic.NAME}': its topic comes from topic.NAME=... in the --config file or
-- SEGFLOW_TOPIC_NAME, else it is NAME itself (docs/sql-features.md, "A new data source").
-- The four shipped inputs are read as raw bytes. Decoding happens in 20_staging.sql with
-- functions that never fail, so a bad record becomes a dead letter with its reason
-- instead of stopping the job or vanishing (what a JSON format would do). BYTES, not STRING:
-- the raw format would decode text itself and silently replace bytes that are not UTF-8.
-- ${...} placeholders are filled from the job's configuration (see `segflow run --help`).
-- Every Kafka table also gets the configured Kafka client properties (SASL, TLS, ...: the
-- --kafka-properties file and SEGFLOW_KAFKA_PROPERTY_* variables) as its properties.* options.
-- They read with read_committed: a producer that writes in transactions (Debezium with
-- exactly.once.support) is read only once a transaction commits, and never what it aborted.

-- CRM customers: Debezium change events of the PostgreSQL table public.customers.
CREATE TABLE crm_customers_raw (
  payload BYTES,
  kafka_topic STRING METADATA FROM 'topic' VIRTUAL,
  kafka_partition INT METADATA FROM 'partition' VIRTUAL,
  kafka_offset BIGINT METADATA FROM 'offset' VIRTUAL,
  kafka_timestamp TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic.customers}',
  'properties.bootstrap.servers' = '${kafka.bootstrap-servers}',
  'properties.group.id' = '${kafka.group-id}',
  'scan.startup.mode' = '${kafka.startup-mode}',
  'scan.bounded.mode' = '${kafka.bounded-mode}',
  'properties.isolation.level' = 'read_committed',
  'format' = 'raw'
);

-- CRM identity map: Debezium change events of public.customer_identities,
-- (system, external_id) -> customer_id.
CREATE TABLE crm_identities_raw (
  payload BYTES,
  kafka_topic STRING METADATA FROM 'topic' VIRTUAL,
  kafka_partition INT METADATA FROM 'partition' VIRTUAL,
  kafka_offset BIGINT METADATA FROM 'offset' VIRTUAL,
  kafka_timestamp TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic.identities}',
  'properties.bootstrap.servers' = '${kafka.bootstrap-servers}',
  'properties.group.id' = '${kafka.group-id}',
  'scan.startup.mode' = '${kafka.startup-mode}',
  'scan.bounded.mode' = '${kafka.bounded-mode}',
  'properties.isolation.level' = 'read_committed',
  'format' = 'raw'
);

-- Web analytics events, one JSON object a message. No feature needs event-time windows, so these
-- tables declare no watermark (it would read every record's event_time once more). A feature
-- that does adds one, e.g.:
--   rowtime AS COALESCE(JSON_INSTANT(payload, 'event_time'), kafka_timestamp),
--   WATERMARK FOR rowtime AS rowtime - INTERVAL '5' SECOND
CREATE TABLE web_events_raw (
  payload BYTES,
  kafka_topic STRING METADATA FROM 'topic' VIRTUAL,
  kafka_partition INT METADATA FROM 'partition' VIRTUAL,
  kafka_offset BIGINT METADATA FROM 'offset' VIRTUAL,
  kafka_timestamp TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic.web-events}',
  'properties.bootstrap.servers' = '${kafka.bootstrap-servers}',
  'properties.group.id' = '${kafka.group-id}',
  'scan.startup.mode' = '${kafka.startup-mode}',
  'scan.bounded.mode' = '${kafka.bounded-mode}',
  'properties.isolation.level' = 'read_committed',
  'format' = 'raw'
);

-- Product analytics events, one JSON object a message.
CREATE TABLE product_events_raw (
  payload BYTES,
  kafka_topic STRING METADATA FROM 'topic' VIRTUAL,
  kafka_partition INT METADATA FROM 'partition' VIRTUAL,
  kafka_offset BIGINT METADATA FROM 'offset' VIRTUAL,
  kafka_timestamp TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic.product-events}',
  'properties.bootstrap.servers' = '${kafka.bootstrap-servers}',
  'properties.group.id' = '${kafka.group-id}',
  'scan.startup.mode' = '${kafka.startup-mode}',
  'scan.bounded.mode' = '${kafka.bounded-mode}',
  'properties.isolation.level' = 'read_committed',
  'format' = 'raw'
);
