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

-- Everything a customer's profile is made of, one row per piece: the customer's own row (there
-- while the CRM has the customer, whatever changes, so that a customer without events has
-- zeros), their current CRM row, and the activity rows of their identity links (which wait in
-- the join for a link that has not arrived yet). When the CRM deletes a customer, their rows
-- and their links go, and with them every row of this customer.
CREATE TEMPORARY VIEW customer_rows AS
SELECT customer_id, 'crm' AS id_system, 'customer' AS kind, CAST(NULL AS STRING) AS item,
  CAST(0 AS BIGINT) AS page_views, CAST(0 AS BIGINT) AS blog_views, CAST(0 AS BIGINT) AS video_views,
  CAST(0 AS BIGINT) AS whitepaper_views, CAST(0 AS BIGINT) AS feature_uses, CAST(0 AS BIGINT) AS ended_sessions,
  CAST(0 AS BIGINT) AS ended_session_ms, CAST(NULL AS TIMESTAMP_LTZ(3)) AS last_event_time,
  CAST(NULL AS DATE) AS birth_date, CAST(NULL AS BOOLEAN) AS converted_to_sale, CAST(NULL AS STRING) AS segment_label,
  CAST(NULL AS TIMESTAMP_LTZ(6)) AS crm_updated_at
FROM live_customers
UNION ALL
SELECT customer_id, 'crm', 'crm row', CAST(NULL AS STRING), 0, 0, 0, 0, 0, 0, 0, CAST(NULL AS TIMESTAMP_LTZ(3)),
  birth_date, converted_to_sale, segment_label, updated_at
FROM crm_customers
WHERE is_live
UNION ALL
SELECT l.customer_id, a.id_system, a.kind, a.item, a.page_views, a.blog_views, a.video_views, a.whitepaper_views,
  a.feature_uses, a.ended_sessions, a.ended_session_ms, a.last_event_time,
  CAST(NULL AS DATE), CAST(NULL AS BOOLEAN), CAST(NULL AS STRING), CAST(NULL AS TIMESTAMP_LTZ(6))
FROM activity AS a
JOIN identity_links AS l ON l.id_system = a.id_system AND l.external_id = a.external_id;

-- The customer profile: one row per CRM customer, keyed by customer_id, one aggregation over
-- the customer's rows, so that a customer's row is only ever updated until the CRM deletes the
-- customer. A customer with no events of a source has 0 for that source's counts and ratios.
CREATE TEMPORARY VIEW customer_profile AS
SELECT
  customer_id,
  -- whole years from birth_date to today; NULL when unknown
  CAST(TIMESTAMPDIFF(YEAR, CAST(birth_date AS TIMESTAMP(3)), CAST(CURRENT_DATE AS TIMESTAMP(3))) AS INT) AS customer_age,
  -- distinct web session_id
  website_sessions,
  -- web events of any event_type (each is a page view)
  website_views,
  -- website_views / website_sessions
  CASE WHEN website_sessions = 0 THEN 0.0 ELSE CAST(website_views AS DOUBLE) / website_sessions END AS pages_per_session,
  -- blog_view events
  blogs_viewed,
  -- video_view events
  videos_viewed,
  -- whitepaper_view events
  whitepapers_viewed,
  -- distinct feature among feature_used events
  product_features_used,
  -- feature_used events / days with any product event
  CASE WHEN product_days = 0 THEN 0.0 ELSE CAST(feature_uses AS DOUBLE) / product_days END AS product_features_used_per_day,
  -- distinct product session_id / days with any product event
  CASE WHEN product_days = 0 THEN 0.0 ELSE CAST(product_sessions AS DOUBLE) / product_days END AS avg_sessions_per_day,
  -- mean duration_ms of session_end events, in seconds
  CASE WHEN ended_sessions = 0 THEN 0.0 ELSE CAST(ended_session_ms AS DOUBLE) / ended_sessions / 1000.0 END AS avg_time_per_session,
  -- the target: did this customer buy
  converted_to_sale,
  -- a segment sales already gave this customer, if any
  segment_label,
  -- when this customer's data last changed (UTC): the CRM row or their latest event
  CAST(NULLIF(
    GREATEST(
      COALESCE(CAST(crm_updated_at AS TIMESTAMP_LTZ(3)), TO_TIMESTAMP_LTZ(0, 3)),
      COALESCE(last_event_time, TO_TIMESTAMP_LTZ(0, 3))),
    TO_TIMESTAMP_LTZ(0, 3)) AS TIMESTAMP(3)) AS updated_at
FROM (
  SELECT
    customer_id,
    -- the CRM row is the customer's only row with these
    MAX(birth_date) AS birth_date,
    MAX(converted_to_sale) AS converted_to_sale,
    MAX(segment_label) AS segment_label,
    MAX(crm_updated_at) AS crm_updated_at,
    COUNT(DISTINCT CASE WHEN id_system = 'web' AND kind = 'session' THEN item END) AS website_sessions,
    SUM(page_views) AS website_views,
    SUM(blog_views) AS blogs_viewed,
    SUM(video_views) AS videos_viewed,
    SUM(whitepaper_views) AS whitepapers_viewed,
    COUNT(DISTINCT CASE WHEN kind = 'feature' THEN item END) AS product_features_used,
    SUM(feature_uses) AS feature_uses,
    COUNT(DISTINCT CASE WHEN kind = 'day' THEN item END) AS product_days,
    COUNT(DISTINCT CASE WHEN id_system = 'product' AND kind = 'session' THEN item END) AS product_sessions,
    SUM(ended_sessions) AS ended_sessions,
    SUM(ended_session_ms) AS ended_session_ms,
    MAX(last_event_time) AS last_event_time
  FROM customer_rows
  GROUP BY customer_id
);
