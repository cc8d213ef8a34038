-- Every record that staging rejected, with where it came from and why. The id is the
-- record's Kafka coordinates, so a replay rewrites the same dead letters instead of
-- adding new ones. Payloads keep no personal identifier: MASK_PERSONAL_DATA (00_functions.sql)
-- replaces external ids by their pseudonyms and masks e-mail addresses at any depth, and keeps of
-- a payload that is not readable JSON only its length and a keyed digest.
CREATE TEMPORARY VIEW dead_letters AS
SELECT
  kafka_topic || '/' || CAST(kafka_partition AS STRING) || '/' || CAST(kafka_offset AS STRING) AS id,
  kafka_topic AS source_topic,
  kafka_partition AS source_partition,
  kafka_offset AS source_offset,
  raw_payload,
  reject_reason AS reason,
  kafka_timestamp AS received_at
FROM (
  SELECT kafka_topic, kafka_partition, kafka_offset, kafka_timestamp, reject_reason,
    MASK_PERSONAL_DATA(payload) AS raw_payload
  FROM stg_customer_changes WHERE reject_reason IS NOT NULL
  UNION ALL
  SELECT kafka_topic, kafka_partition, kafka_offset, kafka_timestamp, reject_reason, MASK_PERSONAL_DATA(payload)
  FROM stg_identity_changes WHERE reject_reason IS NOT NULL
  UNION ALL
  SELECT kafka_topic, kafka_partition, kafka_offset, kafka_timestamp, reject_reason, MASK_PERSONAL_DATA(payload)
  FROM stg_web_events WHERE reject_reason IS NOT NULL
  UNION ALL
  SELECT kafka_topic, kafka_partition, kafka_offset, kafka_timestamp, reject_reason, MASK_PERSONAL_DATA(payload)
  FROM stg_product_events WHERE reject_reason IS NOT NULL
);
