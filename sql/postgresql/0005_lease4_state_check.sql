-- shoal schema for PostgreSQL, migration 0005: lease4.state is checked by a
-- CHECK constraint instead of a foreign key to lease_state. The foreign key
-- ran a trigger per written row that looked up lease_state and locked the
-- same row FOR KEY SHARE from every concurrent transaction (a quarter of the
-- database's CPU per lease write, and multixacts once several nodes write at
-- once). The accepted states are lease_state's: 0 default, 1 declined,
-- 2 expired-reclaimed; lease_state itself stays, for the names.
-- Programs built for 2.2 work unchanged.
-- version: 2.3
-- Format: see 0001_initial.sql.

ALTER TABLE lease4 DROP CONSTRAINT fk_lease4_state;

ALTER TABLE lease4 ADD CONSTRAINT lease4_state_known CHECK (state IN (0, 1, 2));

UPDATE schema_version SET version = 2, minor = 3;
