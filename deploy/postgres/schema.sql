-- segflow's tables in the customer database (PostgreSQL 12+).
-- The job applies this file at start (every statement is IF NOT EXISTS), or apply it by hand:
--   psql "$DATABASE_URL" -f deploy/postgres/schema.sql
-- Every timestamp is UTC (TIMESTAMP WITHOUT TIME ZONE holding UTC wall-clock time).
-- Feature columns that sql/90_sinks.sql adds to customer_profile_sink are added to
-- customer_profile by the job as well.

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

-- What each segment of a model version is.
CREATE TABLE IF NOT EXISTS segment_profile (
  model_version            BIGINT NOT NULL,
  segment_id               INTEGER NOT NULL,
  segment_name             TEXT,
  size                     BIGINT,
  centroid                 TEXT,
  distinguishing_features  TEXT,
  conversion_rate          DOUBLE PRECISION,
  PRIMARY KEY (model_version, segment_id)
);

-- Each customer's potential: the propensity to convert, and what drives it.
CREATE TABLE IF NOT EXISTS customer_score (
  customer_id     BIGINT PRIMARY KEY,
  potential_score DOUBLE PRECISION NOT NULL,
  model_version   BIGINT NOT NULL,
  top_drivers     TEXT
);

-- What each data source adds: the loss without its features.
CREATE TABLE IF NOT EXISTS data_source_value (
  model_version          BIGINT NOT NULL,
  source                 TEXT NOT NULL,
  propensity_auc_loss    DOUBLE PRECISION,
  segmentation_quality_loss DOUBLE PRECISION,
  PRIMARY KEY (model_version, source)
);

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
