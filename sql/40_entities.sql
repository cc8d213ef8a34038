-- Entities as they stand now: the current CRM rows, the current identity links, and each
-- analytics event once.

-- Customers as the CRM has them now: the latest change per customer wins (Kafka keeps a
-- customer's changes in order on one partition), and a delete removes the customer.
CREATE TEMPORARY VIEW crm_customers AS
SELECT customer_id, birth_date, country, created_at, converted_to_sale, segment_label, updated_at
FROM (
  SELECT *
  FROM (
    SELECT *,
      ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY kafka_offset DESC) AS change_rank
    FROM stg_customer_changes
    WHERE reject_reason IS NULL
  )
  WHERE change_rank = 1
)
WHERE op <> 'd';

-- Identity links as the CRM has them now. Re-pointing a link moves every event of that
-- external id to the new customer; deleting it detaches them.
CREATE TEMPORARY VIEW identity_links AS
SELECT id_system, external_id, customer_id
FROM (
  SELECT *
  FROM (
    SELECT *,
      ROW_NUMBER() OVER (PARTITION BY id_system, external_id ORDER BY kafka_offset DESC) AS change_rank
    FROM stg_identity_changes
    WHERE reject_reason IS NULL
  )
  WHERE change_rank = 1
)
WHERE op <> 'd';

-- Web events, each event_id once: the first occurrence by event time wins. Ordered by the
-- event's own time column, not the rowtime attribute: a rowtime deduplication would drop
-- events that arrive behind the watermark, and late events must still count.
CREATE TEMPORARY VIEW web_events AS
SELECT event_id, visitor_id, session_id, event_type, event_time
FROM (
  SELECT *,
    ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY event_time ASC) AS occurrence
  FROM stg_web_events
  WHERE reject_reason IS NULL
)
WHERE occurrence = 1;

-- Product events, each event_id once.
CREATE TEMPORARY VIEW product_events AS
SELECT event_id, user_id, session_id, event_type, feature, duration_ms, event_time
FROM (
  SELECT *,
    ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY event_time ASC) AS occurrence
  FROM stg_product_events
  WHERE reject_reason IS NULL
)
WHERE occurrence = 1;
