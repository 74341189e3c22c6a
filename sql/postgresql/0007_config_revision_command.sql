-- shoal schema for PostgreSQL, migration 0007: the configuration history
-- names the command behind each revision, and subnets carry their address
-- range so overlap checks use an index.
-- version: 2.5
-- Format: see 0006_config_database.sql.
--
-- Writers may name the command with SET LOCAL shoal.command = '...' (empty
-- for plain SQL). One revision per transaction, as in 2.4.

ALTER TABLE config4_revision ADD COLUMN command VARCHAR(64) NOT NULL DEFAULT '';

-- compound statement begin
CREATE OR REPLACE FUNCTION config4_record_change(p_type TEXT, p_key TEXT, p_tag TEXT) RETURNS VOID AS $$
DECLARE
  trx BIGINT := txid_current();
  rev BIGINT;
BEGIN
  UPDATE config4_head SET revision = revision + CASE WHEN txn = trx THEN 0 ELSE 1 END, txn = trx
    WHERE id = 1 RETURNING revision INTO rev;
  INSERT INTO config4_revision (revision, actor, command)
    VALUES (rev, COALESCE(NULLIF(current_setting('shoal.actor', true), ''), session_user),
            COALESCE(current_setting('shoal.command', true), ''))
    ON CONFLICT (revision) DO NOTHING;
  INSERT INTO config4_change (revision, object_type, object_key, server_tag)
    VALUES (rev, p_type, p_key, p_tag);
  PERFORM pg_notify('shoal_config4', rev::text);
END
$$ LANGUAGE plpgsql;
-- compound statement end

-- The first and last address of a subnet's prefix, kept by a trigger from
-- `prefix` (NULL when the prefix is not an IPv4 prefix). The remote-*
-- conflict checks find overlapping subnets with them.
ALTER TABLE config4_subnet ADD COLUMN first_address BIGINT NULL,
                           ADD COLUMN last_address BIGINT NULL;
CREATE INDEX config4_subnet_first_address ON config4_subnet (first_address);

-- compound statement begin
CREATE FUNCTION config4_subnet_range() RETURNS TRIGGER AS $$
BEGIN
  NEW.first_address := NULL;
  NEW.last_address := NULL;
  IF NEW.prefix ~ '^[0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}/[0-9]{1,2}$' THEN
    BEGIN
      NEW.first_address := network(NEW.prefix::inet) - '0.0.0.0'::inet;
      NEW.last_address := broadcast(NEW.prefix::inet) - '0.0.0.0'::inet;
    EXCEPTION WHEN others THEN
      NEW.first_address := NULL;
      NEW.last_address := NULL;
    END;
  END IF;
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
-- compound statement end

CREATE TRIGGER config4_subnet_range BEFORE INSERT OR UPDATE ON config4_subnet
  FOR EACH ROW EXECUTE FUNCTION config4_subnet_range();

UPDATE config4_subnet SET prefix = prefix;

UPDATE schema_version SET version = 2, minor = 5;
