-- shoal schema for MySQL / MariaDB, migration 0005: lease4.state is checked
-- by a CHECK constraint instead of a foreign key to lease_state. The foreign
-- key made every lease write look up and share-lock the same lease_state
-- row, and InnoDB kept an index on lease4.state for it alone (one more
-- B-tree to update per lease write, no query uses it). The accepted states
-- are lease_state's: 0 default, 1 declined, 2 expired-reclaimed; lease_state
-- itself stays, for the names. Adding the CHECK rebuilds lease4 (MariaDB
-- checks every row), so on a large lease table this step takes a while.
-- Programs built for 2.2 work unchanged.
-- version: 2.3
-- Format: see 0001_initial.sql.

ALTER TABLE lease4 DROP FOREIGN KEY fk_lease4_state;

DROP INDEX fk_lease4_state ON lease4;

ALTER TABLE lease4 ADD CONSTRAINT lease4_state_known CHECK (state IN (0, 1, 2));

UPDATE schema_version SET version = 2, minor = 3;
