-- shoal schema for PostgreSQL, migration 0009: the host reservations'
-- change feed, so every node follows reservations written by anyone
-- (reservation-* commands, or an operator's plain SQL) within milliseconds.
-- version: 2.7
-- Format: see 0006_config_database.sql.
--
-- Triggers on hosts and on host options (dhcp4_options rows with host_id)
-- record the changed host_id under a revision taken from hosts4_head in the
-- writing transaction (the UPDATE locks that row until commit, so revisions
-- become visible in commit order; one revision per transaction) and raise
-- NOTIFY shoal_hosts4, delivered at commit. Nodes keep every reservation in
-- memory, re-read the hosts a revision names, and prune old feed rows
-- (docs/hosts-sql.md). Not Kea tables; Kea ignores them.

CREATE TABLE hosts4_head (
  id INT NOT NULL PRIMARY KEY,
  revision BIGINT NOT NULL,
  txn BIGINT NOT NULL DEFAULT 0,
  pruned_through BIGINT NOT NULL,
  CONSTRAINT hosts4_head_one_row CHECK (id = 1)
);

INSERT INTO hosts4_head (id, revision, pruned_through) VALUES (1, 0, 0);

CREATE TABLE hosts4_change (
  id BIGSERIAL PRIMARY KEY,
  revision BIGINT NOT NULL,
  host_id BIGINT NOT NULL,
  committed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX hosts4_change_revision ON hosts4_change (revision);

-- compound statement begin
CREATE FUNCTION hosts4_record_change(p_host BIGINT) RETURNS VOID AS $$
DECLARE
  trx BIGINT := txid_current();
  rev BIGINT;
  head_txn BIGINT;
BEGIN
  SELECT revision, txn INTO rev, head_txn FROM hosts4_head WHERE id = 1;
  IF head_txn IS DISTINCT FROM trx THEN
    UPDATE hosts4_head SET revision = revision + 1, txn = trx
      WHERE id = 1 RETURNING revision INTO rev;
    PERFORM pg_notify('shoal_hosts4', rev::text);
  END IF;
  INSERT INTO hosts4_change (revision, host_id) VALUES (rev, p_host);
END
$$ LANGUAGE plpgsql;
-- compound statement end

-- compound statement begin
CREATE FUNCTION hosts4_host_changed() RETURNS TRIGGER AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM hosts4_record_change(OLD.host_id);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.host_id <> OLD.host_id) THEN
    PERFORM hosts4_record_change(NEW.host_id);
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
-- compound statement end

CREATE TRIGGER hosts4_host_changed AFTER INSERT OR UPDATE OR DELETE ON hosts
  FOR EACH ROW EXECUTE FUNCTION hosts4_host_changed();

-- compound statement begin
CREATE FUNCTION hosts4_option_changed() RETURNS TRIGGER AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.host_id IS NOT NULL THEN
    PERFORM hosts4_record_change(OLD.host_id);
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.host_id IS NOT NULL
     AND (TG_OP = 'INSERT' OR NEW.host_id IS DISTINCT FROM OLD.host_id) THEN
    PERFORM hosts4_record_change(NEW.host_id);
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
-- compound statement end

CREATE TRIGGER hosts4_option_changed AFTER INSERT OR UPDATE OR DELETE ON dhcp4_options
  FOR EACH ROW EXECUTE FUNCTION hosts4_option_changed();

UPDATE schema_version SET version = 2, minor = 7;
