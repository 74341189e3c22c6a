-- shoal schema for MySQL / MariaDB, migration 0008: a configuration writer
-- takes its revision in one round trip. (PostgreSQL's 0008 makes a
-- transaction update the feed's head row once instead of once per changed
-- row; InnoDB updates a row in place, so the MySQL triggers stay as in 2.5.)
-- version: 2.6
-- Format: see 0006_config_database.sql.
--
-- CALL config4_begin_write(actor, command) inside the writer's transaction
-- does what 2.5's writers did in three statements: takes the next revision
-- (the UPDATE locks the head row until commit), records who and what, and
-- sets @shoal_revision for the triggers. The writer clears the variable
-- before it commits, as before.

-- compound statement begin
CREATE PROCEDURE config4_begin_write(IN p_actor VARCHAR(255), IN p_command VARCHAR(64))
BEGIN
  UPDATE config4_head SET revision = revision + 1 WHERE id = 1;
  SET @shoal_revision = NULL;
  SELECT revision INTO @shoal_revision FROM config4_head WHERE id = 1;
  INSERT INTO config4_revision (revision, actor, command)
    VALUES (@shoal_revision, p_actor, p_command);
END
-- compound statement end

UPDATE schema_version SET version = 2, minor = 6;
