-- shoal schema for PostgreSQL, migration 0004: address block claims.
-- Nodes sharing this database each claim disjoint blocks of the pools and
-- allocate new addresses inside their own blocks, so they do not race for
-- the same free address (docs/leases-sql.md, "Cluster"). A claim lasts until
-- `expires` (the database's clock); its node renews it every few seconds and
-- deletes it when the block is full or the node stops, so a block of a node
-- that died is free for the others after the claim's lifetime. The unique
-- key on lease4.address still decides any race that remains.
-- Not a Kea table; Kea ignores it. Programs built for 2.1 work unchanged.
-- version: 2.2
-- Format: see 0001_initial.sql.

CREATE TABLE lease4_block_claim (
  first_address BIGINT NOT NULL PRIMARY KEY CHECK (first_address >= 0 AND first_address <= 4294967295),
  last_address BIGINT NOT NULL CHECK (last_address >= 0 AND last_address <= 4294967295),
  subnet_id BIGINT NOT NULL,
  owner VARCHAR(128) NOT NULL,
  expires TIMESTAMPTZ NOT NULL
);

CREATE INDEX lease4_block_claim_by_owner ON lease4_block_claim (owner);

UPDATE schema_version SET version = 2, minor = 2;
