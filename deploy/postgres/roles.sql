-- Least-privilege access to segflow's tables. Run once per database, as the owner of the
-- tables, after schema.sql:
--   psql "$DATABASE_URL" -f deploy/postgres/schema.sql
--   psql "$DATABASE_URL" -f deploy/postgres/roles.sql
--   psql "$DATABASE_URL" -c "ALTER ROLE segflow_writer PASSWORD '...'"   -- from your secret store
-- The job then runs as segflow_writer (SEGFLOW_JDBC_USER=segflow_writer, SEGFLOW_JDBC_PASSWORD from
-- the same secret): it reads and writes rows of its own tables and can neither create, alter nor
-- drop anything. A new feature column in sql/90_sinks.sql therefore needs the owner to run the
-- ALTER TABLE the job names when it stops. Marketers and BI tools read as segflow_reader.
-- Safe to run again: roles are created only when missing, grants are idempotent.

DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'segflow_writer') THEN
    CREATE ROLE segflow_writer LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'segflow_reader') THEN
    CREATE ROLE segflow_reader NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
  END IF;
  -- CONNECT on this database only (the name is not known when this file is written)
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO segflow_writer, segflow_reader', current_database());
END
$$;

-- Before PostgreSQL 15 every role may create tables in the public schema; the writer must not.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO segflow_writer, segflow_reader;

-- The JDBC sinks upsert (INSERT ... ON CONFLICT DO UPDATE) and delete on erasure; a warm start
-- and the model provider read segment_model.
GRANT SELECT, INSERT, UPDATE, DELETE ON
  customer_profile, customer_segment, segment_history, segment_model, segment_profile,
  customer_score, data_source_value, dead_letter, segmentation_quality, propensity_model,
  segment_drift, segflow_undo
  TO segflow_writer;
GRANT USAGE ON SEQUENCE segflow_undo_seq_seq TO segflow_writer;
GRANT SELECT ON target_list TO segflow_writer;

-- Marketers read the results (a role to grant to people: GRANT segflow_reader TO alice).
GRANT SELECT ON
  customer_profile, customer_segment, segment_history, segment_model, segment_profile,
  customer_score, data_source_value, segmentation_quality, propensity_model, segment_drift,
  target_list
  TO segflow_reader;
-- Not the dead letters: rejected input records are for the people who run the pipeline and fix
-- its sources (grant them SELECT on dead_letter by name). Their payloads hold pseudonyms, not raw
-- ids or e-mail addresses, but still whatever else a broken record carried. Revoked explicitly,
-- since an earlier version of this file granted it.
REVOKE ALL ON dead_letter FROM segflow_reader;
