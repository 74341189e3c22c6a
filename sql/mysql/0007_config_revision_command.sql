-- shoal schema for MySQL / MariaDB, migration 0007: the configuration
-- history names the command behind each revision, a remote-* write is one
-- revision however many rows it changes, and subnets carry their address
-- range so overlap checks use an index.
-- version: 2.5
-- Format: see 0006_config_database.sql.
--
-- A writer that wants all its changes under one revision takes the next
-- revision itself (UPDATE config4_head, INSERT config4_revision) and sets
-- @shoal_revision to it for the rest of its transaction; the triggers then
-- record every changed row under that revision. The writer clears the
-- variable before it commits (docs/config-database.md, "Writing").
-- Plain SQL that does not set it gets one revision per changed row, as in
-- 2.4. @shoal_command names the command (empty for plain SQL).

ALTER TABLE config4_revision ADD COLUMN command VARCHAR(64) NOT NULL DEFAULT '';

DROP PROCEDURE config4_record_change;

-- compound statement begin
CREATE PROCEDURE config4_record_change(IN p_type VARCHAR(32), IN p_key VARCHAR(255),
                                       IN p_tag VARCHAR(64))
BEGIN
  DECLARE rev BIGINT UNSIGNED;
  IF @shoal_revision IS NOT NULL THEN
    SET rev = @shoal_revision;
  ELSE
    UPDATE config4_head SET revision = revision + 1 WHERE id = 1;
    SELECT revision INTO rev FROM config4_head WHERE id = 1;
    INSERT INTO config4_revision (revision, actor, command)
      VALUES (rev, COALESCE(@shoal_actor, USER()), COALESCE(@shoal_command, ''));
  END IF;
  INSERT INTO config4_change (revision, object_type, object_key, server_tag)
    VALUES (rev, p_type, p_key, p_tag);
END
-- compound statement end

-- The first and last address of a subnet's prefix, kept by triggers from
-- `prefix` (NULL when the prefix is not an IPv4 prefix). The remote-*
-- conflict checks find overlapping subnets with them.
ALTER TABLE config4_subnet ADD COLUMN first_address BIGINT UNSIGNED NULL,
                           ADD COLUMN last_address BIGINT UNSIGNED NULL,
                           ADD KEY config4_subnet_first_address (first_address);

-- compound statement begin
CREATE FUNCTION config4_prefix_bound(p VARCHAR(64), want_last BOOLEAN) RETURNS BIGINT UNSIGNED
  DETERMINISTIC NO SQL
BEGIN
  DECLARE a BIGINT UNSIGNED;
  DECLARE len INT;
  DECLARE host BIGINT UNSIGNED;
  IF p IS NULL OR p NOT REGEXP '^[0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}/[0-9]{1,2}$' THEN
    RETURN NULL;
  END IF;
  SET a = INET_ATON(SUBSTRING_INDEX(p, '/', 1));
  SET len = CAST(SUBSTRING_INDEX(p, '/', -1) AS UNSIGNED);
  IF a IS NULL OR len > 32 THEN
    RETURN NULL;
  END IF;
  SET host = (1 << (32 - len)) - 1;
  IF want_last THEN
    RETURN a | host;
  END IF;
  RETURN a & (4294967295 ^ host);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_subnet_range_i BEFORE INSERT ON config4_subnet FOR EACH ROW
BEGIN
  SET NEW.first_address = config4_prefix_bound(NEW.prefix, FALSE);
  SET NEW.last_address = config4_prefix_bound(NEW.prefix, TRUE);
END
-- compound statement end

-- compound statement begin
CREATE TRIGGER config4_subnet_range_u BEFORE UPDATE ON config4_subnet FOR EACH ROW
BEGIN
  SET NEW.first_address = config4_prefix_bound(NEW.prefix, FALSE);
  SET NEW.last_address = config4_prefix_bound(NEW.prefix, TRUE);
END
-- compound statement end

UPDATE config4_subnet SET first_address = config4_prefix_bound(prefix, FALSE),
                          last_address = config4_prefix_bound(prefix, TRUE);

UPDATE schema_version SET version = 2, minor = 5;
