-- segflow's tables in the customer database (PostgreSQL 12+).
-- The job applies this file at start (every statement is IF NOT EXISTS), or apply it by hand:
--   psql "$DATABASE_URL" -f deploy/postgres/schema.sql
-- Every timestamp is UTC (TIMESTAMP WITHOUT TIME ZONE holding UTC wall-clock time).
-- Feature columns that sql/90_sinks.sql adds to customer_profile_sink are added to
-- customer_profile by the job as well, and so are the columns a newer segflow declares below
-- for a table an older one created (ADD COLUMN, never NOT NULL: the rows are already there).

-- One row per CRM customer: the features of sql/50_features.sql.
CREATE TABLE IF NOT EXISTS customer_profile (
  customer_id                   BIGINT PRIMARY KEY,
  customer_age                  INTEGER,
  website_sessions              BIGINT,
  website_views                 BIGINT,
  pages_per_session             DOUBLE PRECISION,
  blogs_viewed                  BIGINT,
  videos_viewed                 BIGINT,
  whitepapers_viewed            BIGINT,
  product_features_used         BIGINT,
  product_features_used_per_day DOUBLE PRECISION,
  avg_sessions_per_day          DOUBLE PRECISION,
  avg_time_per_session          DOUBLE PRECISION,
  converted_to_sale             BOOLEAN,
  segment_label                 TEXT,
  updated_at                    TIMESTAMP
);

-- Each customer's current segment.
CREATE TABLE IF NOT EXISTS customer_segment (
  customer_id   BIGINT PRIMARY KEY,
  segment_id    INTEGER NOT NULL,
  segment_name  TEXT,
  distance      DOUBLE PRECISION,
  confidence    DOUBLE PRECISION,
  model_version BIGINT NOT NULL,
  assigned_at   TIMESTAMP NOT NULL
);

-- Every model version, streaming or batch, with what it was trained on and how good it is.
CREATE TABLE IF NOT EXISTS segment_model (
  model_version BIGINT PRIMARY KEY,
  created_at    TIMESTAMP NOT NULL,
  trained_by    TEXT NOT NULL,
  k             INTEGER NOT NULL,
  features      TEXT NOT NULL,
  scaling       TEXT NOT NULL,
  centroids     TEXT NOT NULL,
  counts        TEXT,
  sizes         TEXT,
  metrics       TEXT
);

-- What each segment of a model version is (written by `segflow insight`). JSON columns hold
-- feature -> value objects or [{"feature": .., "contribution": ..}] lists, largest first.
CREATE TABLE IF NOT EXISTS segment_profile (
  model_version            BIGINT NOT NULL,
  segment_id               INTEGER NOT NULL,
  segment_name             TEXT,
  size                     BIGINT,
  centroid                 TEXT,
  distinguishing_features  TEXT,
  conversion_rate          DOUBLE PRECISION,
  share                    DOUBLE PRECISION,
  lift                     DOUBLE PRECISION,
  mean_potential           DOUBLE PRECISION,
  membership_drivers       TEXT,
  propensity_version       BIGINT,
  profiled_at              TIMESTAMP,
  PRIMARY KEY (model_version, segment_id)
);

-- How good each segment model version is on the customers of the insight run that measured it.
CREATE TABLE IF NOT EXISTS segmentation_quality (
  model_version                 BIGINT PRIMARY KEY,
  customers                     BIGINT,
  k                             INTEGER,
  inertia_per_customer          DOUBLE PRECISION,
  silhouette                    DOUBLE PRECISION,
  davies_bouldin                DOUBLE PRECISION,
  stability_ari                 DOUBLE PRECISION,
  stability_against_version     BIGINT,
  conversion_lift               DOUBLE PRECISION,
  conversion_variance_explained DOUBLE PRECISION,
  base_conversion_rate          DOUBLE PRECISION,
  propensity_version            BIGINT,
  measured_at                   TIMESTAMP
);

-- Every propensity model an insight run fitted: which candidate won, how well each did on the
-- held-out folds, its calibration and its global drivers. NULL figures where it refused (status).
CREATE TABLE IF NOT EXISTS propensity_model (
  model_version          BIGINT PRIMARY KEY,
  created_at             TIMESTAMP NOT NULL,
  segment_model_version  BIGINT,
  outcome                TEXT,
  status                 TEXT,
  chosen                 TEXT,
  auc                    DOUBLE PRECISION,
  log_loss               DOUBLE PRECISION,
  lift_top_decile        DOUBLE PRECISION,
  calibration_error      DOUBLE PRECISION,
  positives              BIGINT,
  negatives              BIGINT,
  customers              BIGINT,
  fitted_on              BIGINT,
  candidates             TEXT,
  calibration_curve      TEXT,
  global_drivers         TEXT,
  label_evaluation       TEXT
);

-- Each customer's potential: the calibrated probability of converted_to_sale, its percentile
-- among all customers (100 = highest) and what drives it (signed contributions to the log-odds);
-- the drivers of the customer's segment; and for unlabelled customers the predicted segment_label.
CREATE TABLE IF NOT EXISTS customer_score (
  customer_id     BIGINT PRIMARY KEY,
  potential_score DOUBLE PRECISION NOT NULL,
  model_version   BIGINT NOT NULL,
  top_drivers     TEXT,
  percentile      DOUBLE PRECISION,
  base_value      DOUBLE PRECISION,
  segment_id      INTEGER,
  segment_model_version BIGINT,
  segment_drivers TEXT,
  predicted_label TEXT,
  label_probability DOUBLE PRECISION,
  label_drivers   TEXT,
  scored_at       TIMESTAMP
);

-- Customers ranked by potential, per propensity version: within their segment and overall, with
-- the conversions expected from the top down to them. control = held out of the campaign at
-- random within the segment (segflow insight --holdout), so the lift can be measured later.
CREATE TABLE IF NOT EXISTS target_list (
  model_version                 BIGINT NOT NULL,
  customer_id                   BIGINT NOT NULL,
  segment_id                    INTEGER,
  segment_name                  TEXT,
  potential_score               DOUBLE PRECISION,
  rank_in_segment               INTEGER,
  rank_overall                  INTEGER,
  expected_conversions_in_segment DOUBLE PRECISION,
  expected_conversions_overall  DOUBLE PRECISION,
  control_group                 BOOLEAN,
  holdout_share                 DOUBLE PRECISION,
  holdout_seed                  BIGINT,
  PRIMARY KEY (model_version, customer_id)
);

-- What each data source (sql/profile.yml) adds: the same fits without that source's features.
-- propensity_auc_loss = auc - auc_without; segmentation_ari = agreement of the segments without
-- the source with those with it (1 = the source changes nothing); segmentation_quality_loss =
-- silhouette - silhouette_without (each in its own features).
CREATE TABLE IF NOT EXISTS data_source_value (
  model_version          BIGINT NOT NULL,
  source                 TEXT NOT NULL,
  propensity_auc_loss    DOUBLE PRECISION,
  segmentation_quality_loss DOUBLE PRECISION,
  features               TEXT,
  auc                    DOUBLE PRECISION,
  auc_without            DOUBLE PRECISION,
  segmentation_ari       DOUBLE PRECISION,
  silhouette             DOUBLE PRECISION,
  silhouette_without     DOUBLE PRECISION,
  segment_model_version  BIGINT,
  PRIMARY KEY (model_version, source)
);

-- The latest insight run's target list, for marketers: SELECT * FROM current_target_list
-- WHERE segment_id = 3 AND NOT control_group ORDER BY rank_in_segment LIMIT 100.
CREATE OR REPLACE VIEW current_target_list AS
SELECT * FROM target_list
WHERE model_version = (SELECT max(model_version) FROM target_list);

-- Input records the job could not use, and why. id is topic/partition/offset.
CREATE TABLE IF NOT EXISTS dead_letter (
  id               TEXT PRIMARY KEY,
  source_topic     TEXT NOT NULL,
  source_partition INTEGER,
  source_offset    BIGINT,
  raw_payload      TEXT,
  reason           TEXT NOT NULL,
  received_at      TIMESTAMP
);
