-- Features: from events to per-customer figures, ending in customer_profile.
-- Every numeric column of customer_profile that profile.yml does not mark as the key, a
-- target or a label is a model feature; declare each one's source in profile.yml.
-- Days are UTC calendar days (the job runs with table.local-time-zone = UTC).
--
-- The shape: each source's events are folded per external id (visitor, product user) into a few
-- rows, those rows find their customer through the identity links, and one aggregation per
-- customer turns them into the profile. Folding first keeps state per session, day or feature,
-- never per event; one aggregation at the end means a customer's row is updated in place.

-- What a customer's figures are made of, per external id: 'counts' rows (counts of
-- deduplicated events), 'latest' rows (the newest event time), and one row per distinct
-- 'session', 'day' or 'feature' (distinct values need no deduplication: a copy adds nothing).
CREATE TEMPORARY VIEW activity AS
SELECT 'web' AS id_system, visitor_id AS external_id, 'counts' AS kind, CAST(NULL AS STRING) AS item,
  COUNT(*) AS page_views,
  SUM(CASE WHEN event_type = 'blog_view' THEN 1 ELSE 0 END) AS blog_views,
  SUM(CASE WHEN event_type = 'video_view' THEN 1 ELSE 0 END) AS video_views,
  SUM(CASE WHEN event_type = 'whitepaper_view' THEN 1 ELSE 0 END) AS whitepaper_views,
  CAST(0 AS BIGINT) AS feature_uses, CAST(0 AS BIGINT) AS ended_sessions, CAST(0 AS BIGINT) AS ended_session_ms,
  CAST(NULL AS TIMESTAMP_LTZ(3)) AS last_event_time
FROM web_events
GROUP BY visitor_id
UNION ALL
SELECT 'web', visitor_id, 'latest', CAST(NULL AS STRING), 0, 0, 0, 0, 0, 0, 0, MAX(event_time)
FROM stg_web_events WHERE reject_reason IS NULL
GROUP BY visitor_id
UNION ALL
SELECT DISTINCT 'web', visitor_id, 'session', session_id, 0, 0, 0, 0, 0, 0, 0, CAST(NULL AS TIMESTAMP_LTZ(3))
FROM stg_web_events WHERE reject_reason IS NULL
UNION ALL
SELECT 'product', user_id, 'counts', CAST(NULL AS STRING), 0, 0, 0, 0,
  SUM(CASE WHEN event_type = 'feature_used' THEN 1 ELSE 0 END),
  SUM(CASE WHEN event_type = 'session_end' THEN 1 ELSE 0 END),
  SUM(CASE WHEN event_type = 'session_end' THEN duration_ms ELSE 0 END),
  CAST(NULL AS TIMESTAMP_LTZ(3))
FROM product_events
GROUP BY user_id
UNION ALL
SELECT 'product', user_id, 'latest', CAST(NULL AS STRING), 0, 0, 0, 0, 0, 0, 0, MAX(event_time)
FROM stg_product_events WHERE reject_reason IS NULL
GROUP BY user_id
UNION ALL
SELECT DISTINCT 'product', user_id, 'session', session_id, 0, 0, 0, 0, 0, 0, 0, CAST(NULL AS TIMESTAMP_LTZ(3))
FROM stg_product_events WHERE reject_reason IS NULL
UNION ALL
SELECT DISTINCT 'product', user_id, 'day', CAST(CAST(event_time AS DATE) AS STRING), 0, 0, 0, 0, 0, 0, 0, CAST(NULL AS TIMESTAMP_LTZ(3))
FROM stg_product_events WHERE reject_reason IS NULL
UNION ALL
SELECT DISTINCT 'product', user_id, 'feature', feature, 0, 0, 0, 0, 0, 0, 0, CAST(NULL AS TIMESTAMP_LTZ(3))
FROM stg_product_events WHERE reject_reason IS NULL AND event_type = 'feature_used';

-- Event figures per existing customer. Every customer has a 'customer' row, so that a customer
-- without events has zeros; the others come through the identity links, and wait there for a
-- link that has not arrived yet. When the CRM deletes a customer, their row and their links go,
-- and with them every row of this customer.
CREATE TEMPORARY VIEW customer_activity AS
SELECT
  customer_id,
  COUNT(DISTINCT CASE WHEN id_system = 'web' AND kind = 'session' THEN item END) AS website_sessions,
  SUM(page_views) AS website_views,
  SUM(blog_views) AS blogs_viewed,
  SUM(video_views) AS videos_viewed,
  SUM(whitepaper_views) AS whitepapers_viewed,
  MAX(CASE WHEN id_system = 'web' THEN last_event_time END) AS web_last_event_time,
  COUNT(DISTINCT CASE WHEN kind = 'feature' THEN item END) AS distinct_features,
  SUM(feature_uses) AS feature_uses,
  COUNT(DISTINCT CASE WHEN kind = 'day' THEN item END) AS active_days,
  COUNT(DISTINCT CASE WHEN id_system = 'product' AND kind = 'session' THEN item END) AS product_sessions,
  SUM(ended_sessions) AS ended_sessions,
  SUM(ended_session_ms) AS ended_session_ms,
  MAX(CASE WHEN id_system = 'product' THEN last_event_time END) AS product_last_event_time
FROM (
  SELECT customer_id, 'crm' AS id_system, 'customer' AS kind, CAST(NULL AS STRING) AS item,
    CAST(0 AS BIGINT) AS page_views, CAST(0 AS BIGINT) AS blog_views, CAST(0 AS BIGINT) AS video_views, CAST(0 AS BIGINT) AS whitepaper_views,
    CAST(0 AS BIGINT) AS feature_uses, CAST(0 AS BIGINT) AS ended_sessions, CAST(0 AS BIGINT) AS ended_session_ms,
    CAST(NULL AS TIMESTAMP_LTZ(3)) AS last_event_time
  FROM live_customers
  UNION ALL
  SELECT l.customer_id, a.id_system, a.kind, a.item, a.page_views, a.blog_views, a.video_views, a.whitepaper_views,
    a.feature_uses, a.ended_sessions, a.ended_session_ms, a.last_event_time
  FROM activity AS a
  JOIN identity_links AS l ON l.id_system = a.id_system AND l.external_id = a.external_id
)
GROUP BY customer_id;

-- The customer profile: one row per CRM customer, keyed by customer_id. A customer with
-- no events of a source has 0 for that source's counts and ratios.
CREATE TEMPORARY VIEW customer_profile AS
SELECT
  c.customer_id,
  -- whole years from birth_date to today; NULL when unknown
  CAST(TIMESTAMPDIFF(YEAR, CAST(c.birth_date AS TIMESTAMP(3)), CAST(CURRENT_DATE AS TIMESTAMP(3))) AS INT) AS customer_age,
  -- distinct web session_id
  a.website_sessions,
  -- web events of any event_type (each is a page view)
  a.website_views,
  -- website_views / website_sessions
  CASE WHEN a.website_sessions = 0 THEN 0.0
       ELSE CAST(a.website_views AS DOUBLE) / a.website_sessions END AS pages_per_session,
  -- blog_view events
  a.blogs_viewed,
  -- video_view events
  a.videos_viewed,
  -- whitepaper_view events
  a.whitepapers_viewed,
  -- distinct feature among feature_used events
  a.distinct_features AS product_features_used,
  -- feature_used events / days with any product event
  CASE WHEN a.active_days = 0 THEN 0.0
       ELSE CAST(a.feature_uses AS DOUBLE) / a.active_days END AS product_features_used_per_day,
  -- distinct product session_id / days with any product event
  CASE WHEN a.active_days = 0 THEN 0.0
       ELSE CAST(a.product_sessions AS DOUBLE) / a.active_days END AS avg_sessions_per_day,
  -- mean duration_ms of session_end events, in seconds
  CASE WHEN a.ended_sessions = 0 THEN 0.0
       ELSE CAST(a.ended_session_ms AS DOUBLE) / a.ended_sessions / 1000.0 END AS avg_time_per_session,
  -- the target: did this customer buy
  c.converted_to_sale,
  -- a segment sales already gave this customer, if any
  c.segment_label,
  -- when this customer's data last changed (UTC): the CRM row or their latest event
  CAST(NULLIF(
    GREATEST(
      COALESCE(CAST(c.updated_at AS TIMESTAMP_LTZ(3)), TO_TIMESTAMP_LTZ(0, 3)),
      COALESCE(a.web_last_event_time, TO_TIMESTAMP_LTZ(0, 3)),
      COALESCE(a.product_last_event_time, TO_TIMESTAMP_LTZ(0, 3))),
    TO_TIMESTAMP_LTZ(0, 3)) AS TIMESTAMP(3)) AS updated_at
FROM crm_customers AS c
JOIN customer_activity AS a ON a.customer_id = c.customer_id;
