-- Functions the SQL below uses. They live in the segflow-udfs jar (udfs/): in the SQL
-- client, load that jar first (deploy/sql-client/init.sql does).

-- Both decoders take the payload as BYTES (the exact bytes Kafka holds, which must be UTF-8) or
-- STRING, and an optional third argument: the largest payload in bytes ('1048576'). A record they
-- cannot use gets a parse_error that starts with a stable code ('malformed_json: ...').

-- PARSE_DEBEZIUM(payload, 'col TYPE, ...'): one row per Debezium change event, with
-- op (c, r, u, d), the row image (after; before for a delete) and parse_error. Reads what
-- Debezium's PostgreSQL connector emits with its default settings, with or without the
-- schema envelope (Flink's debezium-json format rejects updates without a "before" image).
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS PARSE_DEBEZIUM AS 'io.segflow.udfs.ParseDebezium';

-- PARSE_JSON(payload, 'col TYPE, ...'): one row per JSON object, the declared columns
-- and parse_error. NOT NULL in the column list means the field is required.
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS PARSE_JSON AS 'io.segflow.udfs.ParseJson';

-- JSON_INSTANT(payload, 'field'): a top-level ISO-8601 timestamp field, NULL when absent
-- or unreadable. Cheap enough for a watermark's computed column (see 10_sources.sql).
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS JSON_INSTANT AS 'io.segflow.udfs.JsonInstant';

-- PSEUDONYM(id): the id's pseudonym, HMAC-SHA-256 with the deployment's secret key (its first
-- 128 bits in hex); MASK_PERSONAL_DATA(payload): a rejected payload with its external ids
-- pseudonymised and its e-mail addresses masked, for the dead letters. The job registers both
-- with its key before this file runs (a key never belongs in SQL text), so these two lines only
-- declare them elsewhere (the SQL client), where they read the key from SEGFLOW_PSEUDONYM_KEY or
-- SEGFLOW_PSEUDONYM_KEY_FILE.
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS PSEUDONYM AS 'io.segflow.udfs.Pseudonym';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS MASK_PERSONAL_DATA AS 'io.segflow.udfs.MaskPersonalData';

-- CHECK_ID('visitor_id', value [, 'blocked values']): why a value cannot be an id (blank_id,
-- blocked_id), or NULL.
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS CHECK_ID AS 'io.segflow.udfs.CheckId';

-- CHECK_TIME('event_time', value, kafka_timestamp, 'earliest', 'max ahead'): why a time cannot be
-- true (time_out_of_range), or NULL.
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS CHECK_TIME AS 'io.segflow.udfs.CheckTime';

-- PAYLOAD_TEXT(payload): a payload as text for a dead letter (at most 64 KiB, NUL escaped).
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS PAYLOAD_TEXT AS 'io.segflow.udfs.PayloadText';

-- COUNT_DEAD_LETTER(source_topic, reason): returns reason and counts it in the metrics
-- segflow.topic.<topic>.deadLetters and segflow.reason.<code>.deadLetters (used once, in
-- 90_sinks.sql, so each record counts once).
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS COUNT_DEAD_LETTER AS 'io.segflow.udfs.CountDeadLetter';

-- LATEST_BY(value, order) / EARLIEST_BY(value, order): the value of the row with the greatest /
-- smallest order, for an append-only input (the latest CRM change by Kafka offset).
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS LATEST_BY AS 'io.segflow.udfs.ValueByOrder$Latest';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS EARLIEST_BY AS 'io.segflow.udfs.ValueByOrder$Earliest';

-- ONLY_VALUE(value): the one non-NULL value among a group's rows, over an updating input (the
-- customer's CRM row in customer_profile); it takes a value back when its row is retracted.
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS ONLY_VALUE AS 'io.segflow.udfs.OnlyValue';

-- AGE_IN_YEARS(birth_date, on_date): whole years from one date to another (java.time.Period); the
-- profile's customer_age. Cheaper than TIMESTAMPDIFF(YEAR, ...), which the profile computed for every
-- row it emits.
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS AGE_IN_YEARS AS 'io.segflow.udfs.AgeInYears';

-- MAX_OF_FEW(value): MAX over an updating input, for groups with few distinct values (a customer's
-- newest event time, one per id). Flink's MAX keeps such a group's values in a state of their own
-- and scans it with a RocksDB iterator whenever the greatest is retracted, which each new event
-- does; this keeps them with the group's other aggregates.
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS MAX_OF_FEW AS 'io.segflow.udfs.MaxOfFew';

-- CONTENT_TOPIC(url, title, 'taxonomy file'): the topic of what a web event shows (pricing,
-- tutorials, ...), by the first rule of the taxonomy file that matches the URL's path or the
-- title; 'other' when none does, never NULL. The file is a string literal: the SQL here passes
-- '${sql.dir}/content_topics.csv', the file beside these (${sql.dir} is the SQL's directory, or
-- classpath:segflow/sql for the copy in the jar). It is read and checked when the SQL is planned:
-- a mistake fails the statement naming its line; the planned job carries the rules with it.
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS CONTENT_TOPIC AS 'io.segflow.udfs.ContentTopic';

-- TOPIC_DIVERSITY(count_1, ..., count_k): how evenly views spread over k topics, 0 (one topic, or
-- none) to 1 (the same in each): the entropy of the shares over its largest value, ln k.
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS TOPIC_DIVERSITY AS 'io.segflow.udfs.TopicDiversity';
