-- Entities as they stand now: the current CRM rows, the current identity links, and each
-- analytics event once. Each is one aggregation over the append-only staged records, so every
-- row here is only ever updated in place (a ROW_NUMBER deduplication would retract and re-add it).

-- Customers as the CRM has them now: the row of the latest change by Kafka offset (Kafka keeps a
-- customer's changes in order on one partition). A delete's row is NULL, even when Debezium sends
-- the whole old row (REPLICA IDENTITY FULL): what the CRM erased is erased here too.
-- The group is keyed by the PSEUDONYM of customer_id, not by customer_id itself, and the id is a
-- value that a delete sets to NULL. Flink keeps the state of such a group after a delete (the
-- changes are append-only: nothing retracts them, docs/streaming-at-scale.md says why), so what
-- stays of an erased customer is a pseudonym linked to nobody, not their id. The same way a
-- deleted identity link forgets its customer below.
CREATE TEMPORARY VIEW crm_customers AS
SELECT
  LATEST_BY(CASE WHEN op <> 'd' THEN customer_id END, kafka_offset) AS customer_id,
  LATEST_BY(op <> 'd', kafka_offset) AS is_live,
  LATEST_BY(crm, kafka_offset) AS crm
FROM stg_customer_changes
WHERE reject_reason IS NULL
GROUP BY PSEUDONYM(CAST(customer_id AS STRING));

-- The customers that exist now. Its row changes only when a customer is created or deleted, not
-- with every update of their CRM row. Keyed by pseudonym like crm_customers, for the same reason;
-- the links below find it by that key, which Flink knows is unique (so their join keeps one row
-- per customer, not a list).
CREATE TEMPORARY VIEW live_customers AS
SELECT customer_key, customer_id
FROM (
  SELECT
    PSEUDONYM(CAST(customer_id AS STRING)) AS customer_key,
    LATEST_BY(CASE WHEN op <> 'd' THEN customer_id END, kafka_offset) AS customer_id,
    LATEST_BY(op <> 'd', kafka_offset) AS is_live
  FROM stg_customer_changes
  WHERE reject_reason IS NULL
  GROUP BY PSEUDONYM(CAST(customer_id AS STRING))
)
WHERE is_live;

-- Identity links as the CRM has them now, of customers that exist, each with where its latest
-- change came from. One external id belongs to one customer at a time by construction (the key is
-- system and external id), so no external id can fuse two customers. Re-pointing a link moves
-- every event of that external id to the new customer; deleting the link, or the customer,
-- detaches them.
CREATE TEMPORARY VIEW identity_links_current AS
SELECT l.id_system, l.external_id, l.customer_id, l.kafka_topic, l.kafka_partition,
  l.kafka_offset, l.kafka_timestamp
FROM (
  SELECT
    id_system,
    external_id,
    LATEST_BY(op <> 'd', kafka_offset) AS is_live,
    -- a deleted link forgets its customer, even when Debezium sends the whole old row
    LATEST_BY(CASE WHEN op <> 'd' THEN customer_id END, kafka_offset) AS customer_id,
    LATEST_BY(kafka_topic, kafka_offset) AS kafka_topic,
    LATEST_BY(kafka_partition, kafka_offset) AS kafka_partition,
    MAX(kafka_offset) AS kafka_offset,
    LATEST_BY(kafka_timestamp, kafka_offset) AS kafka_timestamp
  FROM stg_identity_changes
  WHERE reject_reason IS NULL
  GROUP BY id_system, external_id
) AS l
JOIN live_customers AS c ON c.customer_key = PSEUDONYM(CAST(l.customer_id AS STRING))
WHERE l.is_live;

-- Each customer's links of one system in the order they were made, the earliest first. A link's
-- place is its latest change: Debezium sends a link's row again only when it changes, which for a
-- link means a new customer (or a new snapshot). One ranking feeds both the links that count and
-- the refused ones below, so that a link is never refused for a moment while its rank is on its
-- way (as a join of the two would). The ranking is partitioned by the customer's pseudonym, not
-- their id: Flink keeps a partition's state, empty, after its last link went, so an erased
-- customer leaves a pseudonym linked to nobody there instead of their customer_id.
CREATE TEMPORARY VIEW identity_links_ranked AS
SELECT *
FROM (
  SELECT id_system, external_id, customer_id, kafka_topic, kafka_partition, kafka_offset,
    kafka_timestamp,
    ROW_NUMBER() OVER (
      PARTITION BY id_system, customer_key
      ORDER BY kafka_timestamp, kafka_partition, kafka_offset) AS link_rank
  FROM (
    SELECT *, PSEUDONYM(CAST(customer_id AS STRING)) AS customer_key
    FROM identity_links_current
  )
)
-- Flink ranks up to a bound; no customer gets near it
WHERE link_rank <= 1000000;

-- The links that count: at most ${identity.max-ids-per-system} external ids of one system per
-- customer (--max-ids-per-system). A customer with hundreds of web ids is a shared device, a test
-- account or an integration bug that would pour strangers' activity into one profile; the links
-- beyond the limit are dead letters (identity_dead_letters below) instead.
CREATE TEMPORARY VIEW identity_links AS
SELECT id_system, external_id, customer_id, kafka_offset
FROM identity_links_ranked
WHERE link_rank <= ${identity.max-ids-per-system};

-- The links of each system keyed by external id alone: what 50_features.sql finds customers by.
-- The links above are ranked per customer, so Flink cannot tell that an external id is there
-- once, and a join on them keeps every row of an id in a list and scans it for each event. Keyed
-- here, the joins keep and read one row per id: at 100,000 customers and 2,000 events/s the one
-- join over all activity was busy 94% of the time and held back every fold before it; each keyed
-- join is busy 15 to 22% (docs/benchmarks.md). While a re-pointed link's old and new rows cross
-- on their way (they come from two customers' partitions), the newer change wins. One view per
-- system, not one keyed by system and external id: a join that picks the system by a constant
-- turns it into a filter, and the key no longer holds for Flink (checked in the plan).
CREATE TEMPORARY VIEW web_links AS
SELECT external_id, customer_id
FROM (
  SELECT external_id, customer_id,
    ROW_NUMBER() OVER (PARTITION BY external_id ORDER BY kafka_offset DESC) AS row_num
  FROM identity_links
  WHERE id_system = 'web')
WHERE row_num = 1;

CREATE TEMPORARY VIEW product_links AS
SELECT external_id, customer_id
FROM (
  SELECT external_id, customer_id,
    ROW_NUMBER() OVER (PARTITION BY external_id ORDER BY kafka_offset DESC) AS row_num
  FROM identity_links
  WHERE id_system = 'product')
WHERE row_num = 1;

-- The links refused for the limit above, as dead letters keyed by the Kafka coordinates of the
-- change that made them. Unlike a bad record's, such a dead letter can go again: when an earlier
-- link of the customer goes (deleted, re-pointed, or the customer erased), the next one counts and
-- its dead letter is deleted from the table and tombstoned on the topic. Its payload is the link
-- as staging left it, ids pseudonymised, not the raw change.
CREATE TEMPORARY VIEW identity_dead_letters AS
SELECT
  kafka_topic || '/' || CAST(kafka_partition AS STRING) || '/' || CAST(kafka_offset AS STRING) AS id,
  kafka_topic AS source_topic,
  kafka_partition AS source_partition,
  kafka_offset AS source_offset,
  -- the customer named by pseudonym, as in every dead letter (the topic is a log nobody erases)
  JSON_OBJECT('system' VALUE id_system, 'external_id' VALUE external_id,
    'customer_id' VALUE PSEUDONYM(CAST(customer_id AS STRING))) AS raw_payload,
  'too_many_ids: the customer has more than ${identity.max-ids-per-system} ' || id_system
    || ' ids linked; the links made after those are refused' AS reason,
  kafka_timestamp AS received_at
FROM identity_links_ranked
WHERE link_rank > ${identity.max-ids-per-system};

-- Web events, each event_id once: the first occurrence by event time. An id is remembered for the
-- deduplication window after its event was last seen (state TTL, `--dedup-window`, 1 hour by
-- default): a copy that arrives later than that counts again. A backfill (BATCH) has no TTL and
-- deduplicates over the whole history, so it repairs such a count. The fields a count of events
-- can filter on are carried here (a feature on another staged field adds it here too).
CREATE TEMPORARY VIEW web_events AS
SELECT /*+ STATE_TTL('e' = '${events.dedup-window}') */
  event_id,
  EARLIEST_BY(visitor_id, event_time) AS visitor_id,
  EARLIEST_BY(event_type, event_time) AS event_type,
  EARLIEST_BY(url, event_time) AS url,
  -- what the event showed, by the taxonomy beside this file (content_topics.csv)
  EARLIEST_BY(CONTENT_TOPIC(url, title, '${sql.dir}/content_topics.csv'), event_time) AS content_topic
FROM stg_web_events AS e
WHERE reject_reason IS NULL
GROUP BY event_id;

-- Product events, each event_id once.
CREATE TEMPORARY VIEW product_events AS
SELECT /*+ STATE_TTL('e' = '${events.dedup-window}') */
  event_id,
  EARLIEST_BY(user_id, event_time) AS user_id,
  EARLIEST_BY(event_type, event_time) AS event_type,
  EARLIEST_BY(duration_ms, event_time) AS duration_ms
FROM stg_product_events AS e
WHERE reject_reason IS NULL
GROUP BY event_id;
