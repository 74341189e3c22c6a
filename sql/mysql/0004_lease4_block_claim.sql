-- shoal schema for MySQL / MariaDB, migration 0004: address block claims.
-- Nodes sharing this database each claim disjoint blocks of the pools and
-- allocate new addresses inside their own blocks, so they do not race for
-- the same free address (docs/leases-sql.md, "Cluster"). A claim lasts until
-- `expires` (the database's clock); its node renews it every few seconds and
-- deletes it when the block is full or the node stops, so a block of a node
-- that died is free for the others after the claim's lifetime. The unique
-- key on lease4.address still decides any race that remains. `owner` is
-- binary so that owners are compared byte for byte (no collation).
-- Not a Kea table; Kea ignores it. Programs built for 2.1 work unchanged.
-- version: 2.2
-- Format: see 0001_initial.sql.

CREATE TABLE lease4_block_claim (
  first_address INT UNSIGNED NOT NULL PRIMARY KEY,
  last_address INT UNSIGNED NOT NULL,
  subnet_id INT UNSIGNED NOT NULL,
  owner VARBINARY(128) NOT NULL,
  expires TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  INDEX lease4_block_claim_by_owner (owner)
) ENGINE = InnoDB;

UPDATE schema_version SET version = 2, minor = 2;
