-- Segments in plain SQL: every customer of customer_profile scored with a model version that
-- the segflow job published in segment_model. Not part of the pipeline (that is sql/).
--
-- Flink SQL client 2.2, with segflow-cluster.jar on the class path (it brings the JDBC
-- connector, the PostgreSQL driver and the segflow-kmeans model provider):
--   sql-client.sh -j jobs/target/segflow-cluster.jar -f deploy/sql-client/predict_segments.sql
-- or run `ADD JAR '/path/to/segflow-cluster.jar';` first in an open session.
--
-- Replace the JDBC URL, user and password (three places each) with your database's.
-- SqlModelITCase runs this very file against a real PostgreSQL, so it stays correct.

-- The profiles as the job keeps them in PostgreSQL.
CREATE TEMPORARY TABLE customer_profile (
  customer_id                   BIGINT,
  customer_age                  INT,
  website_sessions              BIGINT,
  website_views                 BIGINT,
  pages_per_session             DOUBLE,
  blogs_viewed                  BIGINT,
  videos_viewed                 BIGINT,
  whitepapers_viewed            BIGINT,
  topic_share_pricing           DOUBLE,
  topic_share_product           DOUBLE,
  topic_share_tutorials         DOUBLE,
  topic_share_careers           DOUBLE,
  topic_share_news              DOUBLE,
  topic_diversity               DOUBLE,
  product_features_used         BIGINT,
  product_features_used_per_day DOUBLE,
  avg_sessions_per_day          DOUBLE,
  avg_time_per_session          DOUBLE,
  PRIMARY KEY (customer_id) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = 'jdbc:postgresql://db:5432/crm',
  'table-name' = 'customer_profile',
  'username' = 'segflow',
  'password' = 'change-me'
);

-- INPUT: the model's features, by name and in the model's order (segment_model.features).
-- OUTPUT: any of segment_id INT, segment_name STRING, distance DOUBLE, confidence DOUBLE,
-- status STRING (provisional or confirmed), model_version BIGINT, matched by name.
-- Without 'version' the newest model_version is read when the query starts;
-- 'version' = '1764000000000' pins one.
CREATE TEMPORARY MODEL segments
INPUT (
  customer_age                  DOUBLE,
  website_sessions              DOUBLE,
  website_views                 DOUBLE,
  pages_per_session             DOUBLE,
  blogs_viewed                  DOUBLE,
  videos_viewed                 DOUBLE,
  whitepapers_viewed            DOUBLE,
  topic_share_pricing           DOUBLE,
  topic_share_product           DOUBLE,
  topic_share_tutorials         DOUBLE,
  topic_share_careers           DOUBLE,
  topic_share_news              DOUBLE,
  topic_diversity               DOUBLE,
  product_features_used         DOUBLE,
  product_features_used_per_day DOUBLE,
  avg_sessions_per_day          DOUBLE,
  avg_time_per_session          DOUBLE
)
OUTPUT (
  segment_id    INT,
  segment_name  STRING,
  distance      DOUBLE,
  confidence    DOUBLE,
  model_version BIGINT
)
WITH (
  'provider' = 'segflow-kmeans',
  'jdbc-url' = 'jdbc:postgresql://db:5432/crm',
  'username' = 'segflow',
  'password' = 'change-me'
);

-- ML_PREDICT passes the columns as the table has them, not cast to the INPUT types: cast here.
CREATE TEMPORARY VIEW profile_features AS
SELECT
  customer_id,
  CAST(customer_age AS DOUBLE)                  AS customer_age,
  CAST(website_sessions AS DOUBLE)              AS website_sessions,
  CAST(website_views AS DOUBLE)                 AS website_views,
  CAST(pages_per_session AS DOUBLE)             AS pages_per_session,
  CAST(blogs_viewed AS DOUBLE)                  AS blogs_viewed,
  CAST(videos_viewed AS DOUBLE)                 AS videos_viewed,
  CAST(whitepapers_viewed AS DOUBLE)            AS whitepapers_viewed,
  topic_share_pricing,
  topic_share_product,
  topic_share_tutorials,
  topic_share_careers,
  topic_share_news,
  topic_diversity,
  CAST(product_features_used AS DOUBLE)         AS product_features_used,
  CAST(product_features_used_per_day AS DOUBLE) AS product_features_used_per_day,
  CAST(avg_sessions_per_day AS DOUBLE)          AS avg_sessions_per_day,
  CAST(avg_time_per_session AS DOUBLE)          AS avg_time_per_session
FROM customer_profile;

SELECT customer_id, segment_id, segment_name, distance, confidence, model_version
FROM ML_PREDICT(
  TABLE profile_features,
  MODEL segments,
  DESCRIPTOR(customer_age, website_sessions, website_views, pages_per_session, blogs_viewed,
             videos_viewed, whitepapers_viewed, topic_share_pricing, topic_share_product,
             topic_share_tutorials, topic_share_careers, topic_share_news, topic_diversity,
             product_features_used,
             product_features_used_per_day, avg_sessions_per_day, avg_time_per_session));
