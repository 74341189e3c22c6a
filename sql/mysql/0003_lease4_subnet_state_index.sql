-- shoal schema for MySQL / MariaDB, migration 0003: index lease4 by
-- (subnet_id, state), so per-subnet lease counts (statistics, the node's
-- CountBySubnet) are an index-only GROUP BY instead of reading every row.
-- The new index also serves every lookup by subnet_id alone, so it replaces
-- lease4_by_subnet_id (one index less to maintain on every lease write).
-- Programs built for 2.0 work unchanged: only indexes differ.
-- version: 2.1
-- Format: see 0001_initial.sql.

CREATE INDEX lease4_by_subnet_id_state ON lease4 (subnet_id, state);

DROP INDEX lease4_by_subnet_id ON lease4;

UPDATE schema_version SET version = 2, minor = 1;
