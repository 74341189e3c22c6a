-- shoal schema for MySQL / MariaDB, migration 0009: the host reservations'
-- change feed, so every node follows reservations written by anyone
-- (reservation-* commands, or an operator's plain SQL) within milliseconds.
-- version: 2.7
-- Format: see 0006_config_database.sql.
--
-- Triggers on hosts and on host options (dhcp4_options rows with host_id)
-- record the changed host_id under a revision taken from hosts4_head (the
-- UPDATE locks that row until commit, so revisions become visible in
-- commit order; here one revision per changed row, as a trigger cannot tell
-- transactions apart). Deleting a host removes its options by cascade,
-- which fires no trigger on MySQL; the host's own trigger records it.
-- Nodes keep every reservation in memory, read the head row every 20 ms,
-- re-read the hosts a revision names, and prune old feed rows
-- (docs/hosts-sql.md). Not Kea tables; Kea ignores them.

CREATE TABLE hosts4_head (
  id INT NOT NULL PRIMARY KEY,
  revision BIGINT UNSIGNED NOT NULL,
  pruned_through BIGINT UNSIGNED NOT NULL,
  CONSTRAINT hosts4_head_one_row CHECK (id = 1)
) ENGINE = InnoDB;

INSERT INTO hosts4_head (id, revision, pruned_through) VALUES (1, 0, 0);

CREATE TABLE hosts4_change (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  revision BIGINT UNSIGNED NOT NULL,
  host_id BIGINT UNSIGNED NOT NULL,
  committed_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  KEY hosts4_change_revision (revision)
) ENGINE = InnoDB;

-- compound statement begin
CREATE PROCEDURE hosts4_record_change(IN p_host BIGINT UNSIGNED)
BEGIN
  DECLARE rev BIGINT UNSIGNED;
  UPDATE hosts4_head SET revision = revision + 1 WHERE id = 1;
  SELECT revision INTO rev FROM hosts4_head WHERE id = 1;
  INSERT INTO hosts4_change (revision, host_id) VALUES (rev, p_host);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER hosts4_host_inserted AFTER INSERT ON hosts FOR EACH ROW
BEGIN
  CALL hosts4_record_change(NEW.host_id);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER hosts4_host_updated AFTER UPDATE ON hosts FOR EACH ROW
BEGIN
  CALL hosts4_record_change(OLD.host_id);
  IF NEW.host_id <> OLD.host_id THEN
    CALL hosts4_record_change(NEW.host_id);
  END IF;
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER hosts4_host_deleted AFTER DELETE ON hosts FOR EACH ROW
BEGIN
  CALL hosts4_record_change(OLD.host_id);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER hosts4_option_inserted AFTER INSERT ON dhcp4_options FOR EACH ROW
BEGIN
  IF NEW.host_id IS NOT NULL THEN
    CALL hosts4_record_change(NEW.host_id);
  END IF;
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER hosts4_option_updated AFTER UPDATE ON dhcp4_options FOR EACH ROW
BEGIN
  IF OLD.host_id IS NOT NULL THEN
    CALL hosts4_record_change(OLD.host_id);
  END IF;
  IF NEW.host_id IS NOT NULL AND NOT (NEW.host_id <=> OLD.host_id) THEN
    CALL hosts4_record_change(NEW.host_id);
  END IF;
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER hosts4_option_deleted AFTER DELETE ON dhcp4_options FOR EACH ROW
BEGIN
  IF OLD.host_id IS NOT NULL THEN
    CALL hosts4_record_change(OLD.host_id);
  END IF;
END
-- compound statement end

UPDATE schema_version SET version = 2, minor = 7;
