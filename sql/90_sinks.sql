-- Where results go. Upserts keyed by natural keys: a replay converges to the same rows.
-- The JDBC sinks write what they buffered when a checkpoint is taken (jdbc.flush-interval 0, the
-- default), so the database always holds a state the job can resume from: a run restarted
-- after a crash rewrites exactly what came after it (see `segflow run --help`).
-- Timestamps in PostgreSQL are UTC wall-clock TIMESTAMPs: the JDBC connector cannot write
-- TIMESTAMP_LTZ, and a TIMESTAMPTZ column would be shifted by the JVM's time zone.
-- The PostgreSQL tables are created from deploy/postgres/schema.sql when missing; a
-- column added here is added to customer_profile by the job.

-- The customer profile in the customer database. A CRM delete deletes the row. Its columns are
-- those of customer_profile_columns: the profile's columns (profile.yml's, in its order, with the
-- types customer_profile gives them), a table segflow defines once 50_features.sql has run; a
-- column added to the profile is added to the PostgreSQL table by the job.
CREATE TABLE customer_profile_sink WITH (
  'connector' = 'jdbc',
  'url' = '${jdbc.url}',
  'table-name' = 'customer_profile',
  'username' = '${jdbc.user}',
  'password' = '${jdbc.password}',
  'sink.buffer-flush.interval' = '${jdbc.flush-interval}',
  'sink.buffer-flush.max-rows' = '${jdbc.flush-max-rows}'
) LIKE customer_profile_columns (EXCLUDING OPTIONS);

-- Rejected input records, for people to read and fix at the source.
CREATE TABLE dead_letter_sink (
  id STRING NOT NULL,
  source_topic STRING,
  source_partition INT,
  source_offset BIGINT,
  raw_payload STRING,
  reason STRING,
  received_at TIMESTAMP(3),
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = '${jdbc.url}',
  'table-name' = 'dead_letter',
  'username' = '${jdbc.user}',
  'password' = '${jdbc.password}',
  'sink.buffer-flush.interval' = '${jdbc.flush-interval}',
  'sink.buffer-flush.max-rows' = '${jdbc.flush-max-rows}'
);

-- Rejected input records on Kafka, keyed by id, for alerting and reprocessing.
-- Written exactly once: in Kafka transactions committed when a checkpoint completes (or when a
-- backfill ends), so a reader with isolation.level=read_committed sees each record once, a
-- checkpoint interval after it was written; a restarted job aborts what it had not committed.
-- The transactional ids start with the consumer group (one job's, apart from any other's).
-- POOLING reuses a few transactional ids instead of one per checkpoint (the connector's default
-- keeps each for the broker's transactional.id.expiration.ms, 7 days); it needs Kafka 3.0+ and
-- read access to the topic. transaction.timeout.ms is the broker's default
-- transaction.max.timeout.ms (15 minutes; Flink's own default of 1 hour is refused by such a
-- broker): a job down longer than that after a checkpoint loses that checkpoint's records here.
CREATE TABLE dead_letter_topic (
  id STRING NOT NULL,
  source_topic STRING,
  source_partition INT,
  source_offset BIGINT,
  raw_payload STRING,
  reason STRING,
  received_at TIMESTAMP_LTZ(3)
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic.dead-letter}',
  'properties.bootstrap.servers' = '${kafka.bootstrap-servers}',
  'sink.delivery-guarantee' = '${kafka.delivery-guarantee}',
  'sink.transactional-id-prefix' = '${kafka.transactional-id-prefix}.dead-letters',
  'sink.transaction-naming-strategy' = 'POOLING',
  'properties.transaction.timeout.ms' = '900000',
  'key.format' = 'raw',
  'key.fields' = 'id',
  'value.format' = 'json',
  'value.json.timestamp-format.standard' = 'ISO-8601'
);

-- The links refused for the identity limit (identity_dead_letters in 40_entities.sql) on the same
-- topic: an upsert, because such a dead letter goes again when the customer's earlier links go
-- (a tombstone for its id then). Transactional like dead_letter_topic, with its own ids.
CREATE TABLE identity_dead_letter_topic (
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = '${topic.dead-letter}',
  'properties.bootstrap.servers' = '${kafka.bootstrap-servers}',
  'sink.delivery-guarantee' = '${kafka.delivery-guarantee}',
  'sink.transactional-id-prefix' = '${kafka.transactional-id-prefix}.identity-dead-letters',
  'sink.transaction-naming-strategy' = 'POOLING',
  'properties.transaction.timeout.ms' = '900000',
  'key.format' = 'raw',
  'value.format' = 'json',
  'value.json.timestamp-format.standard' = 'ISO-8601'
) LIKE dead_letter_topic (EXCLUDING OPTIONS);

-- Filled by the segmentation operators (jobs/.../segments/SegmentationStage.java) from the
-- profile above: each customer's current segment, upserted; a deleted customer's row goes.
CREATE TABLE customer_segment_sink (
  customer_id BIGINT NOT NULL,
  segment_id INT,
  segment_name STRING,
  distance DOUBLE,
  confidence DOUBLE,
  -- 'provisional' or 'confirmed': how much data stands behind the segment (SegmentChooser)
  status STRING,
  model_version BIGINT,
  assigned_at TIMESTAMP(3),
  PRIMARY KEY (customer_id) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = '${jdbc.url}',
  'table-name' = 'customer_segment',
  'username' = '${jdbc.user}',
  'password' = '${jdbc.password}',
  'sink.buffer-flush.interval' = '${jdbc.flush-interval}',
  'sink.buffer-flush.max-rows' = '${jdbc.flush-max-rows}'
);

-- The same assignments on Kafka for activation tools, keyed by customer_id (a deletion is a
-- tombstone). Exactly once, in transactions, as dead_letter_topic above: read it with
-- isolation.level=read_committed.
CREATE TABLE segment_assignments_topic WITH (
  'connector' = 'upsert-kafka',
  'topic' = '${topic.segments}',
  'properties.bootstrap.servers' = '${kafka.bootstrap-servers}',
  'sink.delivery-guarantee' = '${kafka.delivery-guarantee}',
  'sink.transactional-id-prefix' = '${kafka.transactional-id-prefix}.segments',
  'sink.transaction-naming-strategy' = 'POOLING',
  'properties.transaction.timeout.ms' = '900000',
  'key.format' = 'json',
  'value.format' = 'json'
) LIKE customer_segment_sink (EXCLUDING OPTIONS);

-- Each change of a customer's segment, their first included (from_segment NULL), numbered per
-- customer (seq) by the assigner's state, so a replay upserts the same rows. A new model version
-- that leaves a customer's segment alone writes nothing (ids are matched across versions). An
-- erased customer's rows are deleted. Streaming only: a backfill writes no history. Rows older
-- than the retention (README, 400 days) are deleted when run, insight or retrain starts.
CREATE TABLE segment_history_sink (
  customer_id BIGINT NOT NULL,
  seq INT NOT NULL,
  from_segment INT,
  to_segment INT,
  model_version BIGINT,
  changed_at TIMESTAMP(3),
  PRIMARY KEY (customer_id, seq) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = '${jdbc.url}',
  'table-name' = 'segment_history',
  'username' = '${jdbc.user}',
  'password' = '${jdbc.password}',
  'sink.buffer-flush.interval' = '${jdbc.flush-interval}',
  'sink.buffer-flush.max-rows' = '${jdbc.flush-max-rows}'
);

-- Every model version the streaming trainer publishes (the model registry).
CREATE TABLE segment_model_sink (
  model_version BIGINT NOT NULL,
  created_at TIMESTAMP(3),
  trained_by STRING,
  k INT,
  features STRING,
  scaling STRING,
  centroids STRING,
  counts STRING,
  sizes STRING,
  metrics STRING,
  -- a Gaussian mixture's rotation and components (registry/ModelRecord); NULL: nearest centre
  mixture STRING,
  PRIMARY KEY (model_version) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = '${jdbc.url}',
  'table-name' = 'segment_model',
  'username' = '${jdbc.user}',
  'password' = '${jdbc.password}',
  'sink.buffer-flush.interval' = '${jdbc.flush-interval}',
  'sink.buffer-flush.max-rows' = '${jdbc.flush-max-rows}'
);

-- Drift of the segments (segments/ModelTrainer, model/SegmentDrift): per segment, every 2,000
-- profile updates, the share of recent updates and their mean distance against the baseline of
-- the last batch-trained model (baseline_version); keyed by the updates measured since that
-- baseline, so a replay from a checkpoint writes the same rows again.
CREATE TABLE segment_drift_sink (
  baseline_version BIGINT NOT NULL,
  segment_id INT NOT NULL,
  updates BIGINT NOT NULL,
  model_version BIGINT,
  detected_at TIMESTAMP(3),
  share DOUBLE,
  baseline_share DOUBLE,
  mean_distance DOUBLE,
  baseline_mean_distance DOUBLE,
  stability_index DOUBLE,
  drifted BOOLEAN,
  action STRING,
  PRIMARY KEY (baseline_version, segment_id, updates) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = '${jdbc.url}',
  'table-name' = 'segment_drift',
  'username' = '${jdbc.user}',
  'password' = '${jdbc.password}',
  'sink.buffer-flush.interval' = '${jdbc.flush-interval}',
  'sink.buffer-flush.max-rows' = '${jdbc.flush-max-rows}'
);

-- The channel that models trained elsewhere (segflow retrain) reach the running job by: the
-- job reads every version published here, re-scores its customers with it and its trainer
-- continues from it. segment_model stays the registry; this topic only carries the news.
-- Written by retrain and insight, one message a version, at least once (the producer is
-- idempotent, so a retried send is not doubled): a version read twice is the same version, which
-- the job already uses, so a replay converges. Not in transactions: a retrain has no checkpoint to
-- bind one to, and its message must reach running jobs at once.
CREATE TABLE segment_model_topic (
  -- one model version as JSON, the columns of segment_model by name; read as text so that a
  -- message the job cannot use is logged and skipped instead of failing the job
  model_json STRING
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic.models}',
  'properties.bootstrap.servers' = '${kafka.bootstrap-servers}',
  'properties.group.id' = '${kafka.group-id}',
  -- always from the start: a job started after a retrain picks up the newest model
  'scan.startup.mode' = 'earliest-offset',
  'properties.isolation.level' = 'read_committed',
  'scan.bounded.mode' = '${kafka.bounded-mode}',
  'format' = 'raw'
);

-- What `segflow insight` writes (jobs/.../pipeline/InsightJob.java); JSON in the STRING columns.
-- Each customer's potential and its drivers; target_list in PostgreSQL ranks these rows. The
-- streaming job updates them on every profile update once a propensity version is published
-- (customer_score_live_sink below: scored_by 'stream'; an insight run's rows say 'insight').
CREATE TABLE customer_score_sink (
  customer_id BIGINT NOT NULL,
  potential_score DOUBLE,
  percentile DOUBLE,
  model_version BIGINT,
  base_value DOUBLE,
  top_drivers STRING,
  segment_id INT,
  segment_model_version BIGINT,
  segment_drivers STRING,
  predicted_label STRING,
  label_probability DOUBLE,
  label_drivers STRING,
  control_group BOOLEAN,
  scored_at TIMESTAMP(3),
  scored_by STRING,
  -- converted_to_sale as the run read it: true = a known buyer (left out of target_list by
  -- default), false = known not converted, NULL = unknown (a prospect)
  converted BOOLEAN,
  PRIMARY KEY (customer_id) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = '${jdbc.url}',
  'table-name' = 'customer_score',
  'username' = '${jdbc.user}',
  'password' = '${jdbc.password}',
  'sink.buffer-flush.interval' = '${jdbc.flush-interval}',
  'sink.buffer-flush.max-rows' = '${jdbc.flush-max-rows}'
);

-- What the streaming job upserts into customer_score on every profile update
-- (jobs/.../scores/LiveScorer.java): the potential, its percentile and drivers, the segment and its
-- drivers. The predicted segment_label is left as the last insight run wrote it: the upsert sets
-- only the columns declared here, and explaining a label costs a hundred times a potential. So is
-- `converted` (the stream does not read outcomes).
CREATE TABLE customer_score_live_sink (
  customer_id BIGINT NOT NULL,
  potential_score DOUBLE,
  percentile DOUBLE,
  model_version BIGINT,
  base_value DOUBLE,
  top_drivers STRING,
  segment_id INT,
  segment_model_version BIGINT,
  segment_drivers STRING,
  control_group BOOLEAN,
  scored_at TIMESTAMP(3),
  scored_by STRING,
  PRIMARY KEY (customer_id) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = '${jdbc.url}',
  'table-name' = 'customer_score',
  'username' = '${jdbc.user}',
  'password' = '${jdbc.password}',
  'sink.buffer-flush.interval' = '${jdbc.flush-interval}',
  'sink.buffer-flush.max-rows' = '${jdbc.flush-max-rows}'
);

-- What each segment of a model version is.
CREATE TABLE segment_profile_sink (
  model_version BIGINT NOT NULL,
  segment_id INT NOT NULL,
  segment_name STRING,
  size BIGINT,
  share DOUBLE,
  centroid STRING,
  distinguishing_features STRING,
  conversion_rate DOUBLE,
  lift DOUBLE,
  mean_potential DOUBLE,
  membership_drivers STRING,
  propensity_version BIGINT,
  profiled_at TIMESTAMP(3),
  PRIMARY KEY (model_version, segment_id) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = '${jdbc.url}',
  'table-name' = 'segment_profile',
  'username' = '${jdbc.user}',
  'password' = '${jdbc.password}',
  'sink.buffer-flush.interval' = '${jdbc.flush-interval}',
  'sink.buffer-flush.max-rows' = '${jdbc.flush-max-rows}'
);

-- How good a segment model version is.
CREATE TABLE segmentation_quality_sink (
  model_version BIGINT NOT NULL,
  customers BIGINT,
  k INT,
  inertia_per_customer DOUBLE,
  silhouette DOUBLE,
  davies_bouldin DOUBLE,
  stability_ari DOUBLE,
  stability_against_version BIGINT,
  conversion_lift DOUBLE,
  conversion_variance_explained DOUBLE,
  base_conversion_rate DOUBLE,
  propensity_version BIGINT,
  measured_at TIMESTAMP(3),
  PRIMARY KEY (model_version) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = '${jdbc.url}',
  'table-name' = 'segmentation_quality',
  'username' = '${jdbc.user}',
  'password' = '${jdbc.password}',
  'sink.buffer-flush.interval' = '${jdbc.flush-interval}',
  'sink.buffer-flush.max-rows' = '${jdbc.flush-max-rows}'
);

-- Every propensity model an insight run fitted, and how well each candidate did.
CREATE TABLE propensity_model_sink (
  model_version BIGINT NOT NULL,
  created_at TIMESTAMP(3),
  segment_model_version BIGINT,
  outcome STRING,
  status STRING,
  chosen STRING,
  auc DOUBLE,
  log_loss DOUBLE,
  lift_top_decile DOUBLE,
  calibration_error DOUBLE,
  positives BIGINT,
  negatives BIGINT,
  customers BIGINT,
  fitted_on BIGINT,
  unknown_outcomes BIGINT,
  target_list_includes_converted BOOLEAN,
  candidates STRING,
  calibration_curve STRING,
  global_drivers STRING,
  label_evaluation STRING,
  holdout_share DOUBLE,
  holdout_seed BIGINT,
  roc_curve STRING,
  lift_curve STRING,
  features STRING,
  scorer BYTES,
  step_failures STRING,
  PRIMARY KEY (model_version) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = '${jdbc.url}',
  'table-name' = 'propensity_model',
  'username' = '${jdbc.user}',
  'password' = '${jdbc.password}',
  'sink.buffer-flush.interval' = '${jdbc.flush-interval}',
  'sink.buffer-flush.max-rows' = '${jdbc.flush-max-rows}'
);

-- What each data source of sql/profile.yml adds to the propensity and to the segmentation.
CREATE TABLE data_source_value_sink (
  model_version BIGINT NOT NULL,
  source STRING NOT NULL,
  features STRING,
  auc DOUBLE,
  auc_without DOUBLE,
  propensity_auc_loss DOUBLE,
  segmentation_ari DOUBLE,
  silhouette DOUBLE,
  silhouette_without DOUBLE,
  segmentation_quality_loss DOUBLE,
  segment_model_version BIGINT,
  PRIMARY KEY (model_version, source) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = '${jdbc.url}',
  'table-name' = 'data_source_value',
  'username' = '${jdbc.user}',
  'password' = '${jdbc.password}',
  'sink.buffer-flush.interval' = '${jdbc.flush-interval}',
  'sink.buffer-flush.max-rows' = '${jdbc.flush-max-rows}'
);

INSERT INTO customer_profile_sink SELECT * FROM customer_profile;

-- Dead letters are counted here, once per record, in the metric segflow.topic.<topic>.deadLetters.
INSERT INTO dead_letter_sink
SELECT id, source_topic, source_partition, source_offset, raw_payload,
  COUNT_DEAD_LETTER(source_topic, reason), CAST(received_at AS TIMESTAMP(3))
FROM dead_letters;

INSERT INTO dead_letter_topic SELECT * FROM dead_letters;

-- Not counted in the metrics: a SQL function cannot tell the deletion of a lifted refusal from
-- a new one. The table holds the refusals in force.
INSERT INTO dead_letter_sink
SELECT id, source_topic, source_partition, source_offset, raw_payload, reason,
  CAST(received_at AS TIMESTAMP(3))
FROM identity_dead_letters;

INSERT INTO identity_dead_letter_topic SELECT * FROM identity_dead_letters;
