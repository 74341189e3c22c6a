-- shoal schema for PostgreSQL, migration 0008: a transaction updates the
-- configuration feed's head row once, not once per changed row.
-- version: 2.6
-- Format: see 0006_config_database.sql.
--
-- Every UPDATE of a row leaves a new row version that later UPDATEs of the
-- same transaction reach through the chain of earlier ones, so a transaction
-- that changed n objects cost O(n^2): importing 10,000 subnets took 10 s.
-- The head is now read first and updated only by a transaction's first
-- change; revisions, ordering and NOTIFY are as in 2.5.

-- compound statement begin
CREATE OR REPLACE FUNCTION config4_record_change(p_type TEXT, p_key TEXT, p_tag TEXT) RETURNS VOID AS $$
DECLARE
  trx BIGINT := txid_current();
  rev BIGINT;
  head_txn BIGINT;
BEGIN
  SELECT revision, txn INTO rev, head_txn FROM config4_head WHERE id = 1;
  IF head_txn IS DISTINCT FROM trx THEN
    UPDATE config4_head SET revision = revision + 1, txn = trx
      WHERE id = 1 RETURNING revision INTO rev;
    INSERT INTO config4_revision (revision, actor, command)
      VALUES (rev, COALESCE(NULLIF(current_setting('shoal.actor', true), ''), session_user),
              COALESCE(current_setting('shoal.command', true), ''));
    PERFORM pg_notify('shoal_config4', rev::text);
  END IF;
  INSERT INTO config4_change (revision, object_type, object_key, server_tag)
    VALUES (rev, p_type, p_key, p_tag);
END
$$ LANGUAGE plpgsql;
-- compound statement end

UPDATE schema_version SET version = 2, minor = 6;
