-- segflow's tables in the customer database (PostgreSQL 12+).
-- The job applies this file at start (every statement is IF NOT EXISTS), or apply it by hand:
--   psql "$DATABASE_URL" -f deploy/postgres/schema.sql
-- Every timestamp is UTC (TIMESTAMP WITHOUT TIME ZONE holding UTC wall-clock time).
-- Profile columns that sql/profile.yml adds (the sink takes its columns from there) are added
-- to customer_profile by the job as well, and so are the columns a newer segflow declares below
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
  topic_share_pricing           DOUBLE PRECISION,
  topic_share_product           DOUBLE PRECISION,
  topic_share_tutorials         DOUBLE PRECISION,
  topic_share_careers           DOUBLE PRECISION,
  topic_share_news              DOUBLE PRECISION,
  topic_diversity               DOUBLE PRECISION,
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
  assigned_at   TIMESTAMP NOT NULL,
  -- 'provisional' or 'confirmed' (README, "Segments")
  status        TEXT
);

-- Each change of a customer's segment (their first: from_segment NULL), numbered per customer.
-- Kept for the retention the README states (400 days): older rows are deleted when run,
-- insight or retrain starts.
CREATE TABLE IF NOT EXISTS segment_history (
  customer_id   BIGINT NOT NULL,
  seq           INTEGER NOT NULL,
  from_segment  INTEGER,
  to_segment    INTEGER NOT NULL,
  model_version BIGINT NOT NULL,
  changed_at    TIMESTAMP NOT NULL,
  PRIMARY KEY (customer_id, seq)
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
  metrics       TEXT,
  -- a Gaussian mixture's rotation and components (JSON, registry/ModelRecord); NULL for a model
  -- that assigns by nearest centre
  mixture       TEXT
);

-- Drift of the segments, written by the streaming job's trainer at every check (every 2,000 profile
-- updates by default) once it can judge: per segment, its share of recent updates and their mean
-- distance to its centre in model_version (standardised units), against the baseline measured
-- after the last batch-trained model (baseline_version); drifted when the population stability
-- index of all shares (stability_index) passed its bound (0.1) two checks in a row, or the
-- segment's distance rose by more than its bound (50%) three checks in a row (docs/drift.md),
-- with the suggested action. updates: profile updates measured since the baseline, so that a
-- replay writes the same rows again.
CREATE TABLE IF NOT EXISTS segment_drift (
  baseline_version       BIGINT NOT NULL,
  segment_id             INTEGER NOT NULL,
  updates                BIGINT NOT NULL,
  model_version          BIGINT NOT NULL,
  detected_at            TIMESTAMP NOT NULL,
  share                  DOUBLE PRECISION,
  baseline_share         DOUBLE PRECISION,
  mean_distance          DOUBLE PRECISION,
  baseline_mean_distance DOUBLE PRECISION,
  stability_index        DOUBLE PRECISION,
  drifted                BOOLEAN NOT NULL,
  action                 TEXT,
  PRIMARY KEY (baseline_version, segment_id, updates)
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
-- roc_curve ([{false_positive_rate, true_positive_rate}]) and lift_curve ([{share,
-- captured_positives, lift}], the cumulative gains of the list from the top) are the chosen
-- candidate's, on its out-of-fold scores.
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
  -- customers whose converted_to_sale was true / false / NULL (unknown: left out of the fit and
  -- of every figure, still scored); fitted_on: the customers of known outcome the model was
  -- fitted on (a sample of --fit-sample when there are more)
  positives              BIGINT,
  negatives              BIGINT,
  customers              BIGINT,
  fitted_on              BIGINT,
  candidates             TEXT,
  calibration_curve      TEXT,
  global_drivers         TEXT,
  label_evaluation       TEXT,
  holdout_share          DOUBLE PRECISION,
  holdout_seed           BIGINT,
  roc_curve              TEXT,
  lift_curve             TEXT,
  -- the published model: the features it reads (JSON) and the fitted scorer that the running
  -- job loads when the models topic announces this version (gzip-compressed Java serialization)
  features               TEXT,
  scorer                 BYTEA,
  unknown_outcomes       BIGINT,
  -- insight --include-converted: this run's target list ranks known buyers too
  target_list_includes_converted BOOLEAN,
  -- the steps of the run that failed and were left out, with their reasons (JSON list of
  -- {"step", "reason"}; [] when none): the source value of a source, the labels, a candidate
  step_failures          TEXT
);

-- Each customer's potential: the calibrated probability of converted_to_sale, its percentile
-- among all customers (100 = highest) and what drives it (signed contributions to the log-odds);
-- the drivers of the customer's segment; for unlabelled customers the predicted segment_label;
-- and whether they are held out of campaigns (the target_list view ranks the others).
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
  control_group   BOOLEAN,
  scored_at       TIMESTAMP,
  -- 'insight' (a bounded run scored everyone) or 'stream' (the running job, on a profile update)
  scored_by       TEXT,
  -- converted_to_sale as the last insight run read it: true = a known buyer, false = known not
  -- converted, NULL = unknown (a prospect; also a customer the stream scored before any run)
  converted       BOOLEAN
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

-- The target list: customers ranked by potential within their segment and overall, with the
-- conversions expected from the top of the list down to them. Customers known to have converted
-- (customer_score.converted) are not listed: the list is of prospects and known non-converters.
-- They are, ranked with the others, when the run that scored them was `segflow insight
-- --include-converted`, or in a session that sets segflow.include_converted (what `segflow targets
-- --include-converted` does):
--   SET segflow.include_converted = on;
-- The control group (segflow insight --holdout) is listed with no rank: leave it out of the
-- campaign, and compare its conversion with that of the targeted customers afterwards. For example:
--   SELECT * FROM target_list WHERE segment_id = 3 AND NOT control_group
--   ORDER BY rank_in_segment LIMIT 100;
CREATE OR REPLACE VIEW target_list AS
SELECT
  s.customer_id,
  s.segment_id,
  p.segment_name,
  s.potential_score,
  s.percentile,
  CASE WHEN NOT s.control_group THEN row_number() OVER in_segment END AS rank_in_segment,
  CASE WHEN NOT s.control_group THEN row_number() OVER overall END AS rank_overall,
  CASE WHEN NOT s.control_group THEN sum(s.potential_score) OVER in_segment END
    AS expected_conversions_in_segment,
  CASE WHEN NOT s.control_group THEN sum(s.potential_score) OVER overall END
    AS expected_conversions_overall,
  s.control_group,
  s.top_drivers,
  s.model_version,
  s.segment_model_version,
  s.converted
FROM customer_score s
-- customers deleted in the CRM since they were scored are no targets
JOIN customer_profile c ON c.customer_id = s.customer_id
LEFT JOIN segment_profile p
  ON p.model_version = s.segment_model_version AND p.segment_id = s.segment_id
LEFT JOIN propensity_model m ON m.model_version = s.model_version
-- before the ranks: the expected conversions add up the potentials of the customers listed
WHERE s.converted IS NOT TRUE
   OR m.target_list_includes_converted
   OR coalesce(nullif(current_setting('segflow.include_converted', true), ''), 'off')::boolean
WINDOW
  in_segment AS (PARTITION BY s.segment_id, s.control_group
                 ORDER BY s.potential_score DESC, s.customer_id ROWS UNBOUNDED PRECEDING),
  overall AS (PARTITION BY s.control_group
              ORDER BY s.potential_score DESC, s.customer_id ROWS UNBOUNDED PRECEDING);

-- What the sinks overwrote since the last checkpoint (infra/UndoLog): a job resumed from a
-- checkpoint puts each table back where that checkpoint left it before it writes again, so that
-- rows written every second stay exact after a crash. Rows of a completed checkpoint are deleted;
-- it holds the keys of about one checkpoint interval.
CREATE TABLE IF NOT EXISTS segflow_undo (
  seq        BIGSERIAL PRIMARY KEY,
  attempt    TEXT NOT NULL,
  epoch      BIGINT NOT NULL,
  table_name TEXT NOT NULL,
  key        JSONB NOT NULL,
  old_row    JSONB,
  UNIQUE (table_name, key, epoch)
);
