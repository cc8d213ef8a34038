-- Staging: decode each input record, name and type its fields, and say why a record
-- cannot be used. reject_reason is NULL for a usable record; otherwise the record goes
-- to the dead letters (30_dead_letters.sql) and nowhere else. Every reason starts with a
-- stable code (blank_id, time_out_of_range, ...: docs/sql-features.md lists them), which the
-- metric segflow.reason.<code>.deadLetters counts. The guards check the raw values: blank and
-- blocked ids (CHECK_ID), times before the earliest accepted or too far after the record reached
-- Kafka (CHECK_TIME); payload size, UTF-8, NUL characters and nesting are the decoders' checks.
-- External ids (visitor, product user, session and identity-map ids) then leave staging as their
-- PSEUDONYM (00_functions.sql): nothing after this file, state or output, holds the raw ids.

-- CRM customer changes. op is c (insert), r (snapshot read), u (update) or d (delete).
-- crm is the customer's row after the change, every column of the list below as one ROW (NULL
-- for a delete: nothing of an erased row is kept); the profile reads its fields (crm.birth_date).
-- To bring a CRM column into the profile, declare it in this list, then use it in
-- customer_profile (50_features.sql) and describe it in profile.yml: nothing in between names it.
-- Only the columns declared here are read: the e-mail address, which no feature needs, stays out.
CREATE TEMPORARY VIEW stg_customer_changes AS
SELECT
  r.kafka_topic,
  r.kafka_partition,
  r.kafka_offset,
  r.kafka_timestamp,
  PAYLOAD_TEXT(r.payload) AS payload,
  c.op,
  c.customer_id,
  c.`after` AS crm,
  COALESCE(
    c.parse_error,
    CHECK_TIME('created_at', c.created_at, r.kafka_timestamp, '', '${input.max-time-ahead}'),
    CHECK_TIME('updated_at', c.updated_at, r.kafka_timestamp, '', '${input.max-time-ahead}'),
    -- people born before 1970 are customers too; before 1900 or after the change is a typo
    CASE
      WHEN c.birth_date < DATE '1900-01-01' OR c.birth_date > CAST(r.kafka_timestamp AS DATE)
        THEN 'time_out_of_range: birth_date ' || CAST(c.birth_date AS STRING)
          || ' is not between 1900-01-01 and the day of the change'
    END
  ) AS reject_reason
FROM crm_customers_raw AS r,
  LATERAL TABLE(PARSE_DEBEZIUM(r.payload,
    'customer_id BIGINT NOT NULL, birth_date DATE, country STRING, created_at TIMESTAMP_LTZ(6), converted_to_sale BOOLEAN, segment_label STRING, updated_at TIMESTAMP_LTZ(6)',
    '${input.max-payload-bytes}'
  )) AS c
-- a tombstone (null value) only tells Kafka's compaction that the key was deleted
WHERE r.payload IS NOT NULL;

-- CRM identity links: which customer a department's own id belongs to.
CREATE TEMPORARY VIEW stg_identity_changes AS
SELECT
  r.kafka_topic,
  r.kafka_partition,
  r.kafka_offset,
  r.kafka_timestamp,
  PAYLOAD_TEXT(r.payload) AS payload,
  i.op,
  i.`system` AS id_system,
  PSEUDONYM(i.external_id) AS external_id,
  i.customer_id,
  COALESCE(
    i.parse_error,
    CHECK_ID('system', i.`system`),
    CHECK_ID('external_id', i.external_id, '${identity.blocked-ids}'),
    CASE
      WHEN i.op <> 'd' AND i.customer_id IS NULL
        THEN 'missing_field: missing required field customer_id'
    END
  ) AS reject_reason
FROM crm_identities_raw AS r,
  LATERAL TABLE(PARSE_DEBEZIUM(r.payload,
    '`system` STRING NOT NULL, external_id STRING NOT NULL, customer_id BIGINT',
    '${input.max-payload-bytes}'
  )) AS i
WHERE r.payload IS NOT NULL;

-- Web analytics events. Every event_type is a page view of some kind. (A time attribute declared
-- on a source could not be carried on here: Flink's batch planner cannot pass one through
-- LATERAL TABLE, and a backfill would not plan.)
CREATE TEMPORARY VIEW stg_web_events AS
SELECT
  r.kafka_topic,
  r.kafka_partition,
  r.kafka_offset,
  r.kafka_timestamp,
  PAYLOAD_TEXT(r.payload) AS payload,
  e.event_id,
  PSEUDONYM(e.visitor_id) AS visitor_id,
  PSEUDONYM(e.session_id) AS session_id,
  e.event_type,
  e.url,
  e.title,
  e.event_time,
  COALESCE(
    e.parse_error,
    CHECK_ID('event_id', e.event_id),
    CHECK_ID('visitor_id', e.visitor_id, '${identity.blocked-ids}'),
    CHECK_ID('session_id', e.session_id),
    CHECK_TIME('event_time', e.event_time, r.kafka_timestamp, '${events.earliest-time}', '${input.max-time-ahead}'),
    CASE
      WHEN e.event_type NOT IN ('page_view', 'blog_view', 'video_view', 'whitepaper_view')
        THEN 'invalid_value: unknown event_type ''' || SUBSTRING(e.event_type FROM 1 FOR 60) || ''''
    END
  ) AS reject_reason
FROM web_events_raw AS r,
  LATERAL TABLE(PARSE_JSON(r.payload,
    'event_id STRING NOT NULL, visitor_id STRING NOT NULL, session_id STRING NOT NULL, event_type STRING NOT NULL, url STRING, title STRING, event_time TIMESTAMP_LTZ(3) NOT NULL',
    '${input.max-payload-bytes}'
  )) AS e;

-- Product analytics events. duration_ms belongs to session_end, feature to feature_used.
CREATE TEMPORARY VIEW stg_product_events AS
SELECT
  r.kafka_topic,
  r.kafka_partition,
  r.kafka_offset,
  r.kafka_timestamp,
  PAYLOAD_TEXT(r.payload) AS payload,
  e.event_id,
  PSEUDONYM(e.user_id) AS user_id,
  PSEUDONYM(e.session_id) AS session_id,
  e.event_type,
  e.feature,
  e.duration_ms,
  e.event_time,
  COALESCE(
    e.parse_error,
    CHECK_ID('event_id', e.event_id),
    CHECK_ID('user_id', e.user_id, '${identity.blocked-ids}'),
    CHECK_ID('session_id', e.session_id),
    CHECK_TIME('event_time', e.event_time, r.kafka_timestamp, '${events.earliest-time}', '${input.max-time-ahead}'),
    CASE
      WHEN e.event_type NOT IN ('session_start', 'session_end', 'feature_used')
        THEN 'invalid_value: unknown event_type ''' || SUBSTRING(e.event_type FROM 1 FOR 60) || ''''
      WHEN e.event_type = 'feature_used' AND (e.feature IS NULL OR TRIM(e.feature) = '')
        THEN 'missing_field: feature_used event without feature'
      WHEN e.event_type = 'session_end' AND e.duration_ms IS NULL
        THEN 'missing_field: session_end event without duration_ms'
      WHEN e.duration_ms < 0
        THEN 'invalid_value: negative duration_ms ' || CAST(e.duration_ms AS STRING)
    END
  ) AS reject_reason
FROM product_events_raw AS r,
  LATERAL TABLE(PARSE_JSON(r.payload,
    'event_id STRING NOT NULL, user_id STRING NOT NULL, session_id STRING NOT NULL, event_type STRING NOT NULL, feature STRING, duration_ms BIGINT, event_time TIMESTAMP_LTZ(3) NOT NULL',
    '${input.max-payload-bytes}'
  )) AS e;
