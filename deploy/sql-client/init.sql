-- Init script for the Flink SQL client: the functions segflow's SQL uses, ready in every session.
--   ./bin/sql-client.sh -i deploy/sql-client/init.sql
-- The path below is where deploy/k8s/Dockerfile puts the jar; elsewhere, point it at
-- udfs/target/segflow-udfs-<version>.jar of a build (mvn -B package -DskipTests).
-- The functions are the same as sql/00_functions.sql declares: keep the two lists together.

ADD JAR '/opt/segflow/lib/segflow-udfs.jar';

CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS PARSE_DEBEZIUM AS 'io.segflow.udfs.ParseDebezium';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS PARSE_JSON AS 'io.segflow.udfs.ParseJson';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS JSON_INSTANT AS 'io.segflow.udfs.JsonInstant';
-- These two read the pseudonym key from SEGFLOW_PSEUDONYM_KEY or SEGFLOW_PSEUDONYM_KEY_FILE in the
-- environment of the process that runs them (the job's own key gives the job's pseudonyms).
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS PSEUDONYM AS 'io.segflow.udfs.Pseudonym';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS MASK_PERSONAL_DATA AS 'io.segflow.udfs.MaskPersonalData';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS CHECK_ID AS 'io.segflow.udfs.CheckId';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS CHECK_TIME AS 'io.segflow.udfs.CheckTime';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS PAYLOAD_TEXT AS 'io.segflow.udfs.PayloadText';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS COUNT_DEAD_LETTER AS 'io.segflow.udfs.CountDeadLetter';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS LATEST_BY AS 'io.segflow.udfs.ValueByOrder$Latest';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS EARLIEST_BY AS 'io.segflow.udfs.ValueByOrder$Earliest';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS ONLY_VALUE AS 'io.segflow.udfs.OnlyValue';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS MAX_OF_FEW AS 'io.segflow.udfs.MaxOfFew';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS AGE_IN_YEARS AS 'io.segflow.udfs.AgeInYears';
-- CONTENT_TOPIC(url, title, '/opt/segflow/sql/content_topics.csv'): the taxonomy file is read where
-- the query is planned; the image has the repository's sql/content_topics.csv at that path.
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS CONTENT_TOPIC AS 'io.segflow.udfs.ContentTopic';
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS TOPIC_DIVERSITY AS 'io.segflow.udfs.TopicDiversity';

-- Results a SQL user explores interactively read best as a table that updates in place.
SET 'sql-client.execution.result-mode' = 'table';
