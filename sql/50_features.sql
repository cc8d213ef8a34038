-- Features: from events to per-customer figures, ending in customer_profile.
-- Every numeric column of customer_profile that profile.yml does not mark as the key, a
-- target or a label is a model feature; declare each one's source in profile.yml.
-- Days are UTC calendar days (the job runs with table.local-time-zone = UTC).

-- Web activity per visitor, session, day and event type. Events are folded this early so
-- that the identity join below keeps a row per session and day, not per event, in state.
CREATE TEMPORARY VIEW web_activity AS
SELECT
  visitor_id,
  session_id,
  CAST(event_time AS DATE) AS activity_day,
  event_type,
  COUNT(*) AS events,
  MAX(event_time) AS last_event_time
FROM web_events
GROUP BY visitor_id, session_id, CAST(event_time AS DATE), event_type;

-- Web figures per customer, through the identity link ('web', visitor_id). Events whose
-- link has not arrived yet wait in the join and count from the moment it does.
CREATE TEMPORARY VIEW web_features AS
SELECT
  l.customer_id,
  COUNT(DISTINCT a.session_id) AS website_sessions,
  SUM(a.events) AS website_views,
  SUM(CASE WHEN a.event_type = 'blog_view' THEN a.events ELSE 0 END) AS blogs_viewed,
  SUM(CASE WHEN a.event_type = 'video_view' THEN a.events ELSE 0 END) AS videos_viewed,
  SUM(CASE WHEN a.event_type = 'whitepaper_view' THEN a.events ELSE 0 END) AS whitepapers_viewed,
  MAX(a.last_event_time) AS last_event_time
FROM web_activity AS a
JOIN identity_links AS l
  ON l.id_system = 'web' AND l.external_id = a.visitor_id
GROUP BY l.customer_id;

-- Product activity per user, session, day, event type and feature.
CREATE TEMPORARY VIEW product_activity AS
SELECT
  user_id,
  session_id,
  CAST(event_time AS DATE) AS activity_day,
  event_type,
  feature,
  COUNT(*) AS events,
  SUM(duration_ms) AS duration_ms,
  MAX(event_time) AS last_event_time
FROM product_events
GROUP BY user_id, session_id, CAST(event_time AS DATE), event_type, feature;

-- Product figures per customer, through the identity link ('product', user_id).
CREATE TEMPORARY VIEW product_features AS
SELECT
  l.customer_id,
  COUNT(DISTINCT CASE WHEN a.event_type = 'feature_used' THEN a.feature END) AS distinct_features,
  SUM(CASE WHEN a.event_type = 'feature_used' THEN a.events ELSE 0 END) AS feature_uses,
  COUNT(DISTINCT a.activity_day) AS active_days,
  COUNT(DISTINCT a.session_id) AS sessions,
  SUM(CASE WHEN a.event_type = 'session_end' THEN a.events ELSE 0 END) AS ended_sessions,
  SUM(CASE WHEN a.event_type = 'session_end' THEN a.duration_ms ELSE 0 END) AS ended_session_ms,
  MAX(a.last_event_time) AS last_event_time
FROM product_activity AS a
JOIN identity_links AS l
  ON l.id_system = 'product' AND l.external_id = a.user_id
GROUP BY l.customer_id;

-- The customer profile: one row per CRM customer, keyed by customer_id. A customer with
-- no events of a source has 0 for that source's counts and ratios.
CREATE TEMPORARY VIEW customer_profile AS
SELECT
  c.customer_id,
  -- whole years from birth_date to today; NULL when unknown
  CAST(TIMESTAMPDIFF(YEAR, CAST(c.birth_date AS TIMESTAMP(3)), CAST(CURRENT_DATE AS TIMESTAMP(3))) AS INT) AS customer_age,
  -- distinct web session_id
  COALESCE(w.website_sessions, 0) AS website_sessions,
  -- web events of any event_type (each is a page view)
  COALESCE(w.website_views, 0) AS website_views,
  -- website_views / website_sessions
  CASE WHEN COALESCE(w.website_sessions, 0) = 0 THEN 0.0
       ELSE CAST(w.website_views AS DOUBLE) / w.website_sessions END AS pages_per_session,
  -- blog_view events
  COALESCE(w.blogs_viewed, 0) AS blogs_viewed,
  -- video_view events
  COALESCE(w.videos_viewed, 0) AS videos_viewed,
  -- whitepaper_view events
  COALESCE(w.whitepapers_viewed, 0) AS whitepapers_viewed,
  -- distinct feature among feature_used events
  COALESCE(p.distinct_features, 0) AS product_features_used,
  -- feature_used events / days with any product event
  CASE WHEN COALESCE(p.active_days, 0) = 0 THEN 0.0
       ELSE CAST(p.feature_uses AS DOUBLE) / p.active_days END AS product_features_used_per_day,
  -- distinct product session_id / days with any product event
  CASE WHEN COALESCE(p.active_days, 0) = 0 THEN 0.0
       ELSE CAST(p.sessions AS DOUBLE) / p.active_days END AS avg_sessions_per_day,
  -- mean duration_ms of session_end events, in seconds
  CASE WHEN COALESCE(p.ended_sessions, 0) = 0 THEN 0.0
       ELSE CAST(p.ended_session_ms AS DOUBLE) / p.ended_sessions / 1000.0 END AS avg_time_per_session,
  -- the target: did this customer buy
  c.converted_to_sale,
  -- a segment sales already gave this customer, if any
  c.segment_label,
  -- when this customer's data last changed (UTC): the CRM row or their latest event
  CAST(NULLIF(
    GREATEST(
      COALESCE(CAST(c.updated_at AS TIMESTAMP_LTZ(3)), TO_TIMESTAMP_LTZ(0, 3)),
      COALESCE(w.last_event_time, TO_TIMESTAMP_LTZ(0, 3)),
      COALESCE(p.last_event_time, TO_TIMESTAMP_LTZ(0, 3))),
    TO_TIMESTAMP_LTZ(0, 3)) AS TIMESTAMP(3)) AS updated_at
FROM crm_customers AS c
LEFT JOIN web_features AS w ON w.customer_id = c.customer_id
LEFT JOIN product_features AS p ON p.customer_id = c.customer_id;
