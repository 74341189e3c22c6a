-- shoal schema for PostgreSQL, migration 0002: index lease4 by hostname
-- (the lease4-get-by-hostname command; 1.0 scanned the table).
-- version: 2.0
-- Format: see 0001_initial.sql.

CREATE INDEX lease4_by_hostname ON lease4 (lower(hostname)) WHERE hostname IS NOT NULL;

UPDATE schema_version SET version = 2, minor = 0;
