-- Features: from events to per-customer figures, ending in customer_profile.
-- Every numeric column of customer_profile that profile.yml does not mark as the key, a
-- target or a label is a model feature; declare each one's source in profile.yml.
-- Days are UTC calendar days (the job runs with table.local-time-zone = UTC).
--
-- The shape: each source's events are folded per external id (visitor, product user) into a few
-- rows, those rows find their customer through the identity links, and one aggregation per
-- customer turns them into the profile. Folding first keeps state per session, day or feature,
-- never per event; one aggregation at the end means a customer's row is updated in place.
--
-- UNION ALL BY NAME (segflow reads it; Flink's SQL has no such clause) stacks its branches by
-- column name: a branch names only the columns it has, and segflow fills in the others as typed
-- NULLs. So a new figure is named once, in the branch that computes it. See
-- docs/sql-features.md for the edit that adds a CRM column, an event feature or a new source.

-- What a customer's figures are made of: each source's events folded per external id, into
-- 'counts' rows (counts of deduplicated events), 'latest' rows (the newest event time) and one row
-- per distinct 'session', 'day' or 'feature' (distinct values need no deduplication: a copy adds
-- nothing); each fold finds its customer through its system's links (web_links, product_links in
-- 40_entities.sql). A row waits in the join for a link that has not arrived yet; a re-pointed
-- link moves it to the new customer. Each fold has a join of its own rather than one join under
-- a UNION of them all: a fold is keyed by external id, so its join keeps and reads one row per id
-- (a UNION hides that key from Flink). A source of your own adds its folds here the same way
-- (docs/sql-features.md#a-new-data-source).
CREATE TEMPORARY VIEW customer_activity AS
SELECT l.customer_id, 'web' AS id_system, 'counts' AS kind, a.*
FROM (
  SELECT visitor_id AS external_id,
    COUNT(*) AS website_views,
    COUNT(*) FILTER (WHERE event_type = 'blog_view') AS blogs_viewed,
    COUNT(*) FILTER (WHERE event_type = 'video_view') AS videos_viewed,
    COUNT(*) FILTER (WHERE event_type = 'whitepaper_view') AS whitepapers_viewed,
    -- views by what they showed (CONTENT_TOPIC); 'other' content counts in website_views only
    COUNT(*) FILTER (WHERE content_topic = 'pricing') AS pricing_topic_views,
    COUNT(*) FILTER (WHERE content_topic = 'product') AS product_topic_views,
    COUNT(*) FILTER (WHERE content_topic = 'tutorials') AS tutorials_topic_views,
    COUNT(*) FILTER (WHERE content_topic = 'careers') AS careers_topic_views,
    COUNT(*) FILTER (WHERE content_topic = 'news') AS news_topic_views
  FROM web_events
  GROUP BY visitor_id
) AS a
JOIN web_links AS l ON l.external_id = a.external_id
UNION ALL BY NAME
SELECT l.customer_id, 'web' AS id_system, 'latest' AS kind, a.*
FROM (
  SELECT visitor_id AS external_id, MAX(event_time) AS last_event_time
  FROM stg_web_events WHERE reject_reason IS NULL
  GROUP BY visitor_id
) AS a
JOIN web_links AS l ON l.external_id = a.external_id
UNION ALL BY NAME
SELECT l.customer_id, 'web' AS id_system, 'session' AS kind, a.*
FROM (
  SELECT DISTINCT visitor_id AS external_id, session_id AS item
  FROM stg_web_events WHERE reject_reason IS NULL
) AS a
JOIN web_links AS l ON l.external_id = a.external_id
UNION ALL BY NAME
SELECT l.customer_id, 'product' AS id_system, 'counts' AS kind, a.*
FROM (
  SELECT user_id AS external_id,
    COUNT(*) FILTER (WHERE event_type = 'feature_used') AS feature_uses,
    COUNT(*) FILTER (WHERE event_type = 'session_end') AS ended_sessions,
    COALESCE(SUM(duration_ms) FILTER (WHERE event_type = 'session_end'), 0) AS ended_session_ms
  FROM product_events
  GROUP BY user_id
) AS a
JOIN product_links AS l ON l.external_id = a.external_id
UNION ALL BY NAME
SELECT l.customer_id, 'product' AS id_system, 'latest' AS kind, a.*
FROM (
  SELECT user_id AS external_id, MAX(event_time) AS last_event_time
  FROM stg_product_events WHERE reject_reason IS NULL
  GROUP BY user_id
) AS a
JOIN product_links AS l ON l.external_id = a.external_id
UNION ALL BY NAME
SELECT l.customer_id, 'product' AS id_system, 'session' AS kind, a.*
FROM (
  SELECT DISTINCT user_id AS external_id, session_id AS item
  FROM stg_product_events WHERE reject_reason IS NULL
) AS a
JOIN product_links AS l ON l.external_id = a.external_id
UNION ALL BY NAME
SELECT l.customer_id, 'product' AS id_system, 'day' AS kind, a.*
FROM (
  SELECT DISTINCT user_id AS external_id, CAST(CAST(event_time AS DATE) AS STRING) AS item
  FROM stg_product_events WHERE reject_reason IS NULL
) AS a
JOIN product_links AS l ON l.external_id = a.external_id
UNION ALL BY NAME
SELECT l.customer_id, 'product' AS id_system, 'feature' AS kind, a.*
FROM (
  SELECT DISTINCT user_id AS external_id, feature AS item
  FROM stg_product_events WHERE reject_reason IS NULL AND event_type = 'feature_used'
) AS a
JOIN product_links AS l ON l.external_id = a.external_id;

-- Everything a customer's profile is made of, one row per piece: the customer's own row (there
-- while the CRM has the customer, whatever changes, so that a customer without events has
-- zeros), their current CRM row, the counts and latest rows of their identity links, and each of
-- their distinct sessions, days and features once, however many of their ids share it (so the
-- profile counts them with COUNT, not COUNT(DISTINCT), which a BATCH backfill would plan into
-- MIN aggregates that cannot carry the CRM row). When the CRM deletes a customer, their rows and
-- their links go, and with them every row of this customer.
CREATE TEMPORARY VIEW customer_rows AS
SELECT customer_id, 'crm' AS id_system, 'customer' AS kind
FROM live_customers
UNION ALL BY NAME
SELECT customer_id, 'crm' AS id_system, 'crm row' AS kind, crm
FROM crm_customers
WHERE is_live
UNION ALL BY NAME
SELECT * FROM customer_activity WHERE item IS NULL
UNION ALL BY NAME
SELECT customer_id, id_system, kind, item
FROM customer_activity
WHERE item IS NOT NULL
GROUP BY customer_id, id_system, kind, item;

-- The customer profile: one row per CRM customer, keyed by customer_id, one aggregation over
-- the customer's rows, so that a customer's row is only ever updated until the CRM deletes the
-- customer. A customer with no events of a source has 0 for that source's counts and ratios.
-- profile.yml says which columns are the profile, in its order; a column whose name starts with
-- an underscore is a working figure, kept out of the profile (and out of profile.yml).
CREATE TEMPORARY VIEW customer_profile AS
SELECT
  f.*,
  -- whole years from birth_date to today; NULL when unknown
  AGE_IN_YEARS(f._crm.birth_date, CURRENT_DATE) AS customer_age,
  -- website_views / website_sessions
  CASE WHEN website_sessions = 0 THEN 0.0 ELSE CAST(website_views AS DOUBLE) / website_sessions END AS pages_per_session,
  -- share of web views per topic of what they showed (sql/content_topics.csv)
  CASE WHEN website_views = 0 THEN 0.0 ELSE CAST(_pricing_views AS DOUBLE) / website_views END AS topic_share_pricing,
  CASE WHEN website_views = 0 THEN 0.0 ELSE CAST(_product_views AS DOUBLE) / website_views END AS topic_share_product,
  CASE WHEN website_views = 0 THEN 0.0 ELSE CAST(_tutorials_views AS DOUBLE) / website_views END AS topic_share_tutorials,
  CASE WHEN website_views = 0 THEN 0.0 ELSE CAST(_careers_views AS DOUBLE) / website_views END AS topic_share_careers,
  CASE WHEN website_views = 0 THEN 0.0 ELSE CAST(_news_views AS DOUBLE) / website_views END AS topic_share_news,
  -- how evenly those views spread over the topics: 0 one topic (or none), 1 all alike
  TOPIC_DIVERSITY(_pricing_views, _product_views, _tutorials_views, _careers_views, _news_views) AS topic_diversity,
  -- feature_used events / days with any product event
  CASE WHEN _product_days = 0 THEN 0.0 ELSE CAST(_feature_uses AS DOUBLE) / _product_days END AS product_features_used_per_day,
  -- distinct product session_id / days with any product event
  CASE WHEN _product_days = 0 THEN 0.0 ELSE CAST(_product_sessions AS DOUBLE) / _product_days END AS avg_sessions_per_day,
  -- mean duration_ms of session_end events, in seconds
  CASE WHEN _ended_sessions = 0 THEN 0.0 ELSE CAST(_ended_session_ms AS DOUBLE) / _ended_sessions / 1000.0 END AS avg_time_per_session,
  -- the target: did this customer buy
  f._crm.converted_to_sale AS converted_to_sale,
  -- a segment sales already gave this customer, if any
  f._crm.segment_label AS segment_label,
  -- when this customer's data last changed (UTC): the CRM row or their latest event
  CAST(NULLIF(
    GREATEST(
      COALESCE(CAST(f._crm.updated_at AS TIMESTAMP_LTZ(3)), TO_TIMESTAMP_LTZ(0, 3)),
      COALESCE(_last_event_time, TO_TIMESTAMP_LTZ(0, 3))),
    TO_TIMESTAMP_LTZ(0, 3)) AS TIMESTAMP(3)) AS updated_at
FROM (
  SELECT
    customer_id,
    -- the CRM row: the customer's only row with one
    ONLY_VALUE(crm) AS _crm,
    -- distinct web session_id (each is one row)
    COUNT(*) FILTER (WHERE id_system = 'web' AND kind = 'session') AS website_sessions,
    -- web events of any event_type (each is a page view)
    COALESCE(SUM(website_views), 0) AS website_views,
    COALESCE(SUM(blogs_viewed), 0) AS blogs_viewed,
    COALESCE(SUM(videos_viewed), 0) AS videos_viewed,
    COALESCE(SUM(whitepapers_viewed), 0) AS whitepapers_viewed,
    COALESCE(SUM(pricing_topic_views), 0) AS _pricing_views,
    COALESCE(SUM(product_topic_views), 0) AS _product_views,
    COALESCE(SUM(tutorials_topic_views), 0) AS _tutorials_views,
    COALESCE(SUM(careers_topic_views), 0) AS _careers_views,
    COALESCE(SUM(news_topic_views), 0) AS _news_views,
    -- distinct feature among feature_used events
    COUNT(*) FILTER (WHERE kind = 'feature') AS product_features_used,
    COALESCE(SUM(feature_uses), 0) AS _feature_uses,
    COUNT(*) FILTER (WHERE kind = 'day') AS _product_days,
    COUNT(*) FILTER (WHERE id_system = 'product' AND kind = 'session') AS _product_sessions,
    COALESCE(SUM(ended_sessions), 0) AS _ended_sessions,
    COALESCE(SUM(ended_session_ms), 0) AS _ended_session_ms,
    -- the newest event of any of their ids (MAX_OF_FEW: see 00_functions.sql)
    MAX_OF_FEW(last_event_time) AS _last_event_time
  FROM customer_rows
  GROUP BY customer_id
) AS f;
