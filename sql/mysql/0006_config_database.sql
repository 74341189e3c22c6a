-- shoal schema for MySQL / MariaDB, migration 0006: the configuration
-- database (docs/config-database.md).
-- version: 2.4
-- Format: see 0001_initial.sql. Stored programs and triggers are compound
-- statements: they run from a line "-- compound statement begin" to a line
-- "-- compound statement end" (with the mysql client, wrap them in DELIMITER).
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
-- ever a cursor. On MySQL every changed row gets a revision of its own (the
-- server gives a trigger no way to tell transactions apart); PostgreSQL gives
-- one revision per transaction. Nodes prune history they have all applied.
-- Not Kea tables; Kea ignores them. Programs built for 2.3 work unchanged.

CREATE TABLE config4_server (
  tag VARCHAR(64) NOT NULL PRIMARY KEY,
  description TEXT NOT NULL,
  CONSTRAINT config4_server_tag_lowercase CHECK (tag = LOWER(tag) AND tag <> '')
) ENGINE = InnoDB;

CREATE TABLE config4_global_parameter (
  name VARCHAR(128) NOT NULL,
  server_tag VARCHAR(64) NOT NULL,
  value TEXT NOT NULL,
  modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (name, server_tag)
) ENGINE = InnoDB;

CREATE TABLE config4_option_def (
  code INT UNSIGNED NOT NULL,
  space VARCHAR(128) NOT NULL,
  server_tag VARCHAR(64) NOT NULL,
  definition TEXT NOT NULL,
  modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (code, space, server_tag)
) ENGINE = InnoDB;

CREATE TABLE config4_option (
  code INT UNSIGNED NOT NULL,
  space VARCHAR(128) NOT NULL,
  server_tag VARCHAR(64) NOT NULL,
  definition TEXT NOT NULL,
  modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (code, space, server_tag)
) ENGINE = InnoDB;

CREATE TABLE config4_client_class (
  name VARCHAR(128) NOT NULL PRIMARY KEY,
  position INT NOT NULL,
  definition TEXT NOT NULL,
  modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB;

CREATE TABLE config4_client_class_server (
  name VARCHAR(128) NOT NULL,
  server_tag VARCHAR(64) NOT NULL,
  PRIMARY KEY (name, server_tag)
) ENGINE = InnoDB;

CREATE TABLE config4_shared_network (
  name VARCHAR(128) NOT NULL PRIMARY KEY,
  definition TEXT NOT NULL,
  modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB;

CREATE TABLE config4_shared_network_server (
  name VARCHAR(128) NOT NULL,
  server_tag VARCHAR(64) NOT NULL,
  PRIMARY KEY (name, server_tag)
) ENGINE = InnoDB;

-- subnet_id: chosen by the writer, or allocated by the database when left
-- out; never renumbered.
CREATE TABLE config4_subnet (
  subnet_id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  prefix VARCHAR(64) NOT NULL,
  shared_network VARCHAR(128) NULL,
  definition TEXT NOT NULL,
  modified TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  UNIQUE KEY config4_subnet_prefix (prefix),
  KEY config4_subnet_network (shared_network)
) ENGINE = InnoDB;

CREATE TABLE config4_subnet_server (
  subnet_id INT UNSIGNED NOT NULL,
  server_tag VARCHAR(64) NOT NULL,
  PRIMARY KEY (subnet_id, server_tag),
  KEY config4_subnet_server_tag (server_tag)
) ENGINE = InnoDB;

-- The one counter row: the newest revision, and the newest revision whose
-- history was pruned (a node that applied less reloads in full).
CREATE TABLE config4_head (
  id INT NOT NULL PRIMARY KEY,
  revision BIGINT UNSIGNED NOT NULL,
  pruned_through BIGINT UNSIGNED NOT NULL,
  CONSTRAINT config4_head_one_row CHECK (id = 1)
) ENGINE = InnoDB;

INSERT INTO config4_head (id, revision, pruned_through) VALUES (1, 0, 0);

CREATE TABLE config4_revision (
  revision BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  committed_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  actor VARCHAR(255) NOT NULL
) ENGINE = InnoDB;

CREATE TABLE config4_change (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  revision BIGINT UNSIGNED NOT NULL,
  object_type VARCHAR(32) NOT NULL,
  object_key VARCHAR(255) NOT NULL,
  server_tag VARCHAR(64) NULL,
  KEY config4_change_revision (revision)
) ENGINE = InnoDB;

-- One row per running node (docs/config-database.md, "Seeing the cluster").
CREATE TABLE config4_node (
  node_id VARCHAR(64) NOT NULL PRIMARY KEY,
  server_tag VARCHAR(64) NOT NULL,
  hostname VARCHAR(255) NOT NULL,
  version VARCHAR(64) NOT NULL,
  applied_revision BIGINT UNSIGNED NOT NULL,
  config_state TEXT NOT NULL,
  lease_database_state TEXT NOT NULL,
  hosts_database_state TEXT NOT NULL,
  started_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  heartbeat_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
) ENGINE = InnoDB;

-- Records one changed object under the current revision. Writers may name
-- themselves with SET @shoal_actor = '...'; otherwise the database user is
-- recorded.
-- compound statement begin
CREATE PROCEDURE config4_record_change(IN p_type VARCHAR(32), IN p_key VARCHAR(255),
                                       IN p_tag VARCHAR(64))
BEGIN
  DECLARE rev BIGINT UNSIGNED;
  UPDATE config4_head SET revision = revision + 1 WHERE id = 1;
  SELECT revision INTO rev FROM config4_head WHERE id = 1;
  INSERT INTO config4_revision (revision, actor) VALUES (rev, COALESCE(@shoal_actor, USER()));
  INSERT INTO config4_change (revision, object_type, object_key, server_tag)
    VALUES (rev, p_type, p_key, p_tag);
END
-- compound statement end

INSERT INTO config4_server (tag, description) VALUES ('all', 'every server');

-- compound statement begin
CREATE TRIGGER config4_server_i AFTER INSERT ON config4_server FOR EACH ROW
BEGIN
  CALL config4_record_change('server', NEW.tag, NEW.tag);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_server_u AFTER UPDATE ON config4_server FOR EACH ROW
BEGIN
  CALL config4_record_change('server', OLD.tag, OLD.tag);
  IF NOT (NEW.tag <=> OLD.tag AND NEW.tag <=> OLD.tag) THEN
    CALL config4_record_change('server', NEW.tag, NEW.tag);
  END IF;
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_server_d AFTER DELETE ON config4_server FOR EACH ROW
BEGIN
  CALL config4_record_change('server', OLD.tag, OLD.tag);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_global_parameter_i AFTER INSERT ON config4_global_parameter FOR EACH ROW
BEGIN
  CALL config4_record_change('global-parameter', NEW.name, NEW.server_tag);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_global_parameter_u AFTER UPDATE ON config4_global_parameter FOR EACH ROW
BEGIN
  CALL config4_record_change('global-parameter', OLD.name, OLD.server_tag);
  IF NOT (NEW.name <=> OLD.name AND NEW.server_tag <=> OLD.server_tag) THEN
    CALL config4_record_change('global-parameter', NEW.name, NEW.server_tag);
  END IF;
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_global_parameter_d AFTER DELETE ON config4_global_parameter FOR EACH ROW
BEGIN
  CALL config4_record_change('global-parameter', OLD.name, OLD.server_tag);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_option_def_i AFTER INSERT ON config4_option_def FOR EACH ROW
BEGIN
  CALL config4_record_change('option-def', CONCAT(NEW.code, '/', NEW.space), NEW.server_tag);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_option_def_u AFTER UPDATE ON config4_option_def FOR EACH ROW
BEGIN
  CALL config4_record_change('option-def', CONCAT(OLD.code, '/', OLD.space), OLD.server_tag);
  IF NOT (CONCAT(NEW.code, '/', NEW.space) <=> CONCAT(OLD.code, '/', OLD.space) AND NEW.server_tag <=> OLD.server_tag) THEN
    CALL config4_record_change('option-def', CONCAT(NEW.code, '/', NEW.space), NEW.server_tag);
  END IF;
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_option_def_d AFTER DELETE ON config4_option_def FOR EACH ROW
BEGIN
  CALL config4_record_change('option-def', CONCAT(OLD.code, '/', OLD.space), OLD.server_tag);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_option_i AFTER INSERT ON config4_option FOR EACH ROW
BEGIN
  CALL config4_record_change('option', CONCAT(NEW.code, '/', NEW.space), NEW.server_tag);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_option_u AFTER UPDATE ON config4_option FOR EACH ROW
BEGIN
  CALL config4_record_change('option', CONCAT(OLD.code, '/', OLD.space), OLD.server_tag);
  IF NOT (CONCAT(NEW.code, '/', NEW.space) <=> CONCAT(OLD.code, '/', OLD.space) AND NEW.server_tag <=> OLD.server_tag) THEN
    CALL config4_record_change('option', CONCAT(NEW.code, '/', NEW.space), NEW.server_tag);
  END IF;
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_option_d AFTER DELETE ON config4_option FOR EACH ROW
BEGIN
  CALL config4_record_change('option', CONCAT(OLD.code, '/', OLD.space), OLD.server_tag);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_client_class_i AFTER INSERT ON config4_client_class FOR EACH ROW
BEGIN
  CALL config4_record_change('client-class', NEW.name, NULL);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_client_class_u AFTER UPDATE ON config4_client_class FOR EACH ROW
BEGIN
  CALL config4_record_change('client-class', OLD.name, NULL);
  IF NOT (NEW.name <=> OLD.name AND NULL <=> NULL) THEN
    CALL config4_record_change('client-class', NEW.name, NULL);
  END IF;
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_client_class_d AFTER DELETE ON config4_client_class FOR EACH ROW
BEGIN
  CALL config4_record_change('client-class', OLD.name, NULL);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_client_class_server_i AFTER INSERT ON config4_client_class_server FOR EACH ROW
BEGIN
  CALL config4_record_change('client-class', NEW.name, NEW.server_tag);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_client_class_server_u AFTER UPDATE ON config4_client_class_server FOR EACH ROW
BEGIN
  CALL config4_record_change('client-class', OLD.name, OLD.server_tag);
  IF NOT (NEW.name <=> OLD.name AND NEW.server_tag <=> OLD.server_tag) THEN
    CALL config4_record_change('client-class', NEW.name, NEW.server_tag);
  END IF;
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_client_class_server_d AFTER DELETE ON config4_client_class_server FOR EACH ROW
BEGIN
  CALL config4_record_change('client-class', OLD.name, OLD.server_tag);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_shared_network_i AFTER INSERT ON config4_shared_network FOR EACH ROW
BEGIN
  CALL config4_record_change('shared-network', NEW.name, NULL);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_shared_network_u AFTER UPDATE ON config4_shared_network FOR EACH ROW
BEGIN
  CALL config4_record_change('shared-network', OLD.name, NULL);
  IF NOT (NEW.name <=> OLD.name AND NULL <=> NULL) THEN
    CALL config4_record_change('shared-network', NEW.name, NULL);
  END IF;
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_shared_network_d AFTER DELETE ON config4_shared_network FOR EACH ROW
BEGIN
  CALL config4_record_change('shared-network', OLD.name, NULL);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_shared_network_server_i AFTER INSERT ON config4_shared_network_server FOR EACH ROW
BEGIN
  CALL config4_record_change('shared-network', NEW.name, NEW.server_tag);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_shared_network_server_u AFTER UPDATE ON config4_shared_network_server FOR EACH ROW
BEGIN
  CALL config4_record_change('shared-network', OLD.name, OLD.server_tag);
  IF NOT (NEW.name <=> OLD.name AND NEW.server_tag <=> OLD.server_tag) THEN
    CALL config4_record_change('shared-network', NEW.name, NEW.server_tag);
  END IF;
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_shared_network_server_d AFTER DELETE ON config4_shared_network_server FOR EACH ROW
BEGIN
  CALL config4_record_change('shared-network', OLD.name, OLD.server_tag);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_subnet_i AFTER INSERT ON config4_subnet FOR EACH ROW
BEGIN
  CALL config4_record_change('subnet', CONCAT(NEW.subnet_id, ''), NULL);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_subnet_u AFTER UPDATE ON config4_subnet FOR EACH ROW
BEGIN
  CALL config4_record_change('subnet', CONCAT(OLD.subnet_id, ''), NULL);
  IF NOT (CONCAT(NEW.subnet_id, '') <=> CONCAT(OLD.subnet_id, '') AND NULL <=> NULL) THEN
    CALL config4_record_change('subnet', CONCAT(NEW.subnet_id, ''), NULL);
  END IF;
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_subnet_d AFTER DELETE ON config4_subnet FOR EACH ROW
BEGIN
  CALL config4_record_change('subnet', CONCAT(OLD.subnet_id, ''), NULL);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_subnet_server_i AFTER INSERT ON config4_subnet_server FOR EACH ROW
BEGIN
  CALL config4_record_change('subnet', CONCAT(NEW.subnet_id, ''), NEW.server_tag);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_subnet_server_u AFTER UPDATE ON config4_subnet_server FOR EACH ROW
BEGIN
  CALL config4_record_change('subnet', CONCAT(OLD.subnet_id, ''), OLD.server_tag);
  IF NOT (CONCAT(NEW.subnet_id, '') <=> CONCAT(OLD.subnet_id, '') AND NEW.server_tag <=> OLD.server_tag) THEN
    CALL config4_record_change('subnet', CONCAT(NEW.subnet_id, ''), NEW.server_tag);
  END IF;
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_subnet_server_d AFTER DELETE ON config4_subnet_server FOR EACH ROW
BEGIN
  CALL config4_record_change('subnet', CONCAT(OLD.subnet_id, ''), OLD.server_tag);
END
-- compound statement end


UPDATE schema_version SET version = 2, minor = 4;
