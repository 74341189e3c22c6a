-- shoal schema for PostgreSQL, migration 0006: the configuration
-- database (docs/config-database.md).
-- version: 2.4
-- Format: see 0001_initial.sql. Stored programs and triggers are compound
-- statements: they run from a line "-- compound statement begin" to a line
-- "-- compound statement end" (psql takes them as they are).
--
-- What the nodes take from here, by server tag: global parameters, option
-- definitions and global options (each bound to exactly one tag, or 'all'),
-- client classes, shared networks and subnets (bound to any number of tags;
-- none = unassigned, used by no node). Each object's Kea-syntax JSON lives in
-- one `definition` column beside the columns that identify it, so an operator
-- can write a whole subnet with one INSERT.
--
-- The change feed: every insert, update or delete of a configuration row runs
-- a trigger that takes the next revision from config4_head (the UPDATE locks
-- that one row until commit, so writers are serialised and revisions become
-- visible in commit order) and records which object changed in
-- config4_change. Plain SQL is therefore never missed, and no timestamp is
-- ever a cursor. All changes of one transaction share one revision (the head
-- row remembers the transaction that took it), and the transaction raises
-- NOTIFY shoal_config4 with it, which PostgreSQL delivers at commit. Nodes prune history they have all applied.
-- Not Kea tables; Kea ignores them. Programs built for 2.3 work unchanged.

CREATE TABLE config4_server (
  tag VARCHAR(64) NOT NULL PRIMARY KEY,
  description TEXT NOT NULL,
  CONSTRAINT config4_server_tag_lowercase CHECK (tag = LOWER(tag) AND tag <> '')
);

CREATE TABLE config4_global_parameter (
  name VARCHAR(128) NOT NULL,
  server_tag VARCHAR(64) NOT NULL,
  value TEXT NOT NULL,
  modified TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (name, server_tag)
);

CREATE TABLE config4_option_def (
  code BIGINT NOT NULL,
  space VARCHAR(128) NOT NULL,
  server_tag VARCHAR(64) NOT NULL,
  definition TEXT NOT NULL,
  modified TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (code, space, server_tag)
);

CREATE TABLE config4_option (
  code BIGINT NOT NULL,
  space VARCHAR(128) NOT NULL,
  server_tag VARCHAR(64) NOT NULL,
  definition TEXT NOT NULL,
  modified TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (code, space, server_tag)
);

CREATE TABLE config4_client_class (
  name VARCHAR(128) NOT NULL PRIMARY KEY,
  position INT NOT NULL,
  definition TEXT NOT NULL,
  modified TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE config4_client_class_server (
  name VARCHAR(128) NOT NULL,
  server_tag VARCHAR(64) NOT NULL,
  PRIMARY KEY (name, server_tag)
);

CREATE TABLE config4_shared_network (
  name VARCHAR(128) NOT NULL PRIMARY KEY,
  definition TEXT NOT NULL,
  modified TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE config4_shared_network_server (
  name VARCHAR(128) NOT NULL,
  server_tag VARCHAR(64) NOT NULL,
  PRIMARY KEY (name, server_tag)
);

-- subnet_id: chosen by the writer, or allocated by the database when left
-- out (the next after the highest, by trigger); never renumbered.
CREATE TABLE config4_subnet (
  subnet_id BIGINT NOT NULL PRIMARY KEY CHECK (subnet_id BETWEEN 1 AND 4294967294),
  prefix VARCHAR(64) NOT NULL,
  shared_network VARCHAR(128) NULL,
  definition TEXT NOT NULL,
  modified TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT config4_subnet_prefix UNIQUE (prefix)
);

CREATE INDEX config4_subnet_network ON config4_subnet (shared_network);

CREATE TABLE config4_subnet_server (
  subnet_id BIGINT NOT NULL,
  server_tag VARCHAR(64) NOT NULL,
  PRIMARY KEY (subnet_id, server_tag)
);

CREATE INDEX config4_subnet_server_tag ON config4_subnet_server (server_tag);

-- The one counter row: the newest revision, and the newest revision whose
-- history was pruned (a node that applied less reloads in full).
CREATE TABLE config4_head (
  id INT NOT NULL PRIMARY KEY,
  revision BIGINT NOT NULL,
  txn BIGINT NOT NULL DEFAULT 0,
  pruned_through BIGINT NOT NULL,
  CONSTRAINT config4_head_one_row CHECK (id = 1)
);

INSERT INTO config4_head (id, revision, pruned_through) VALUES (1, 0, 0);

CREATE TABLE config4_revision (
  revision BIGINT NOT NULL PRIMARY KEY,
  committed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  actor VARCHAR(255) NOT NULL
);

CREATE TABLE config4_change (
  id BIGSERIAL PRIMARY KEY,
  revision BIGINT NOT NULL,
  object_type VARCHAR(32) NOT NULL,
  object_key VARCHAR(255) NOT NULL,
  server_tag VARCHAR(64) NULL
);

CREATE INDEX config4_change_revision ON config4_change (revision);

-- One row per running node (docs/config-database.md, "Seeing the cluster").
CREATE TABLE config4_node (
  node_id VARCHAR(64) NOT NULL PRIMARY KEY,
  server_tag VARCHAR(64) NOT NULL,
  hostname VARCHAR(255) NOT NULL,
  version VARCHAR(64) NOT NULL,
  applied_revision BIGINT NOT NULL,
  config_state TEXT NOT NULL,
  lease_database_state TEXT NOT NULL,
  hosts_database_state TEXT NOT NULL,
  started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Allocates a subnet id when the writer leaves it out.
-- compound statement begin
CREATE FUNCTION config4_subnet_allocate_id() RETURNS TRIGGER AS $$
BEGIN
  IF NEW.subnet_id IS NULL THEN
    SELECT COALESCE(MAX(subnet_id), 0) + 1 INTO NEW.subnet_id FROM config4_subnet;
  END IF;
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
-- compound statement end

CREATE TRIGGER config4_subnet_allocate_id BEFORE INSERT ON config4_subnet
  FOR EACH ROW EXECUTE FUNCTION config4_subnet_allocate_id();

-- Records one changed object under the transaction's revision (the first
-- change of a transaction takes the next one) and raises NOTIFY. Writers
-- may name themselves with SET LOCAL shoal.actor = '...'; otherwise the
-- database user is recorded.
-- compound statement begin
CREATE FUNCTION config4_record_change(p_type TEXT, p_key TEXT, p_tag TEXT) RETURNS VOID AS $$
DECLARE
  trx BIGINT := txid_current();
  rev BIGINT;
BEGIN
  UPDATE config4_head SET revision = revision + CASE WHEN txn = trx THEN 0 ELSE 1 END, txn = trx
    WHERE id = 1 RETURNING revision INTO rev;
  INSERT INTO config4_revision (revision, actor)
    VALUES (rev, COALESCE(NULLIF(current_setting('shoal.actor', true), ''), session_user))
    ON CONFLICT (revision) DO NOTHING;
  INSERT INTO config4_change (revision, object_type, object_key, server_tag)
    VALUES (rev, p_type, p_key, p_tag);
  PERFORM pg_notify('shoal_config4', rev::text);
END
$$ LANGUAGE plpgsql;
-- compound statement end

INSERT INTO config4_server (tag, description) VALUES ('all', 'every server');

-- compound statement begin
CREATE FUNCTION config4_server_changed() RETURNS TRIGGER AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM config4_record_change('server', OLD.tag, OLD.tag);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.tag, NEW.tag) IS DISTINCT FROM (OLD.tag, OLD.tag)) THEN
    PERFORM config4_record_change('server', NEW.tag, NEW.tag);
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
-- compound statement end

CREATE TRIGGER config4_server_changed AFTER INSERT OR UPDATE OR DELETE ON config4_server
  FOR EACH ROW EXECUTE FUNCTION config4_server_changed();

-- compound statement begin
CREATE FUNCTION config4_global_parameter_changed() RETURNS TRIGGER AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM config4_record_change('global-parameter', OLD.name, OLD.server_tag);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.name, NEW.server_tag) IS DISTINCT FROM (OLD.name, OLD.server_tag)) THEN
    PERFORM config4_record_change('global-parameter', NEW.name, NEW.server_tag);
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
-- compound statement end

CREATE TRIGGER config4_global_parameter_changed AFTER INSERT OR UPDATE OR DELETE ON config4_global_parameter
  FOR EACH ROW EXECUTE FUNCTION config4_global_parameter_changed();

-- compound statement begin
CREATE FUNCTION config4_option_def_changed() RETURNS TRIGGER AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM config4_record_change('option-def', OLD.code || '/' || OLD.space, OLD.server_tag);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.code || '/' || NEW.space, NEW.server_tag) IS DISTINCT FROM (OLD.code || '/' || OLD.space, OLD.server_tag)) THEN
    PERFORM config4_record_change('option-def', NEW.code || '/' || NEW.space, NEW.server_tag);
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
-- compound statement end

CREATE TRIGGER config4_option_def_changed AFTER INSERT OR UPDATE OR DELETE ON config4_option_def
  FOR EACH ROW EXECUTE FUNCTION config4_option_def_changed();

-- compound statement begin
CREATE FUNCTION config4_option_changed() RETURNS TRIGGER AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM config4_record_change('option', OLD.code || '/' || OLD.space, OLD.server_tag);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.code || '/' || NEW.space, NEW.server_tag) IS DISTINCT FROM (OLD.code || '/' || OLD.space, OLD.server_tag)) THEN
    PERFORM config4_record_change('option', NEW.code || '/' || NEW.space, NEW.server_tag);
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
-- compound statement end

CREATE TRIGGER config4_option_changed AFTER INSERT OR UPDATE OR DELETE ON config4_option
  FOR EACH ROW EXECUTE FUNCTION config4_option_changed();

-- compound statement begin
CREATE FUNCTION config4_client_class_changed() RETURNS TRIGGER AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM config4_record_change('client-class', OLD.name, NULL);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.name, NULL) IS DISTINCT FROM (OLD.name, NULL)) THEN
    PERFORM config4_record_change('client-class', NEW.name, NULL);
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
-- compound statement end

CREATE TRIGGER config4_client_class_changed AFTER INSERT OR UPDATE OR DELETE ON config4_client_class
  FOR EACH ROW EXECUTE FUNCTION config4_client_class_changed();

-- compound statement begin
CREATE FUNCTION config4_client_class_server_changed() RETURNS TRIGGER AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM config4_record_change('client-class', OLD.name, OLD.server_tag);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.name, NEW.server_tag) IS DISTINCT FROM (OLD.name, OLD.server_tag)) THEN
    PERFORM config4_record_change('client-class', NEW.name, NEW.server_tag);
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
-- compound statement end

CREATE TRIGGER config4_client_class_server_changed AFTER INSERT OR UPDATE OR DELETE ON config4_client_class_server
  FOR EACH ROW EXECUTE FUNCTION config4_client_class_server_changed();

-- compound statement begin
CREATE FUNCTION config4_shared_network_changed() RETURNS TRIGGER AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM config4_record_change('shared-network', OLD.name, NULL);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.name, NULL) IS DISTINCT FROM (OLD.name, NULL)) THEN
    PERFORM config4_record_change('shared-network', NEW.name, NULL);
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
-- compound statement end

CREATE TRIGGER config4_shared_network_changed AFTER INSERT OR UPDATE OR DELETE ON config4_shared_network
  FOR EACH ROW EXECUTE FUNCTION config4_shared_network_changed();

-- compound statement begin
CREATE FUNCTION config4_shared_network_server_changed() RETURNS TRIGGER AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM config4_record_change('shared-network', OLD.name, OLD.server_tag);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.name, NEW.server_tag) IS DISTINCT FROM (OLD.name, OLD.server_tag)) THEN
    PERFORM config4_record_change('shared-network', NEW.name, NEW.server_tag);
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
-- compound statement end

CREATE TRIGGER config4_shared_network_server_changed AFTER INSERT OR UPDATE OR DELETE ON config4_shared_network_server
  FOR EACH ROW EXECUTE FUNCTION config4_shared_network_server_changed();

-- compound statement begin
CREATE FUNCTION config4_subnet_changed() RETURNS TRIGGER AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM config4_record_change('subnet', OLD.subnet_id::text, NULL);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.subnet_id::text, NULL) IS DISTINCT FROM (OLD.subnet_id::text, NULL)) THEN
    PERFORM config4_record_change('subnet', NEW.subnet_id::text, NULL);
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
-- compound statement end

CREATE TRIGGER config4_subnet_changed AFTER INSERT OR UPDATE OR DELETE ON config4_subnet
  FOR EACH ROW EXECUTE FUNCTION config4_subnet_changed();

-- compound statement begin
CREATE FUNCTION config4_subnet_server_changed() RETURNS TRIGGER AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM config4_record_change('subnet', OLD.subnet_id::text, OLD.server_tag);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (NEW.subnet_id::text, NEW.server_tag) IS DISTINCT FROM (OLD.subnet_id::text, OLD.server_tag)) THEN
    PERFORM config4_record_change('subnet', NEW.subnet_id::text, NEW.server_tag);
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
-- compound statement end

CREATE TRIGGER config4_subnet_server_changed AFTER INSERT OR UPDATE OR DELETE ON config4_subnet_server
  FOR EACH ROW EXECUTE FUNCTION config4_subnet_server_changed();


UPDATE schema_version SET version = 2, minor = 4;
