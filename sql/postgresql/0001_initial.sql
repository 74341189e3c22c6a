-- shoal schema for PostgreSQL, migration 0001: the initial schema.
-- version: 1.0
--
-- Format (read by shoal-admin and the node, which embed this file): a
-- statement ends at a line whose last non-blank character is ';'. Lines that
-- start with '--' are comments. No functions or triggers, so the file also
-- loads unchanged with `psql -f 0001_initial.sql`. shoal-admin runs each
-- migration in one transaction (PostgreSQL DDL is transactional).
--
-- Kea-compatible tables (lease4, hosts, host_identifier_type, dhcp4_options,
-- dhcp_option_scope, lease_state, schema_version) keep Kea 2.2's table names,
-- column names and encodings (IPv4 as BIGINT holding the unsigned 32-bit
-- value, identifiers as BYTEA, expire as TIMESTAMPTZ), so operators' SQL works
-- unchanged. Deliberate differences from Kea: no statistics triggers or
-- counter tables (per-subnet counts are computed with an indexed GROUP BY, so
-- many nodes writing leases never contend on one counter row), and
-- dhcp4_options has no foreign keys to configuration-backend tables (those
-- belong to a later migration).

CREATE TABLE schema_version (
  version INT NOT NULL PRIMARY KEY,
  minor INT NULL
);

CREATE TABLE lease_state (
  state BIGINT NOT NULL PRIMARY KEY,
  name VARCHAR(64) NOT NULL
);

INSERT INTO lease_state VALUES (0, 'default'), (1, 'declined'), (2, 'expired-reclaimed');

-- One row per DHCPv4 lease. expire = cltt + valid_lifetime (cltt for infinite
-- leases, valid_lifetime 4294967295). Updates and deletes match on
-- (address, old expire) for optimistic concurrency.
CREATE TABLE lease4 (
  address BIGINT NOT NULL PRIMARY KEY CHECK (address >= 0 AND address <= 4294967295),
  hwaddr BYTEA NULL,
  client_id BYTEA NULL,
  valid_lifetime BIGINT NULL,
  expire TIMESTAMPTZ NULL,
  subnet_id BIGINT NULL,
  fqdn_fwd BOOLEAN NULL,
  fqdn_rev BOOLEAN NULL,
  hostname VARCHAR(255) NULL,
  state BIGINT DEFAULT 0,
  user_context TEXT NULL,
  CONSTRAINT fk_lease4_state FOREIGN KEY (state) REFERENCES lease_state (state)
);

CREATE INDEX lease4_by_hwaddr_subnet_id ON lease4 (hwaddr, subnet_id);
CREATE INDEX lease4_by_client_id_subnet_id ON lease4 (client_id, subnet_id);
CREATE INDEX lease4_by_subnet_id ON lease4 (subnet_id);
CREATE INDEX lease4_by_expire_state ON lease4 (expire, state);

CREATE TABLE host_identifier_type (
  type SMALLINT NOT NULL PRIMARY KEY,
  name VARCHAR(32) NULL
);

INSERT INTO host_identifier_type VALUES
  (0, 'hw-address'), (1, 'duid'), (2, 'circuit-id'), (3, 'client-id'), (4, 'flex-id');

CREATE TABLE dhcp_option_scope (
  scope_id SMALLINT NOT NULL PRIMARY KEY,
  scope_name VARCHAR(32) NULL
);

INSERT INTO dhcp_option_scope VALUES
  (0, 'global'), (1, 'subnet'), (2, 'client-class'), (3, 'host'),
  (4, 'shared-network'), (5, 'pool'), (6, 'pd-pool');

-- Host reservations. dhcp4_subnet_id 0 = global reservation, NULL = no
-- DHCPv4 reservation. The database enforces one reservation per
-- (identifier, identifier type, subnet); reserved-address uniqueness is the
-- writer's job, as in Kea.
CREATE TABLE hosts (
  host_id SERIAL PRIMARY KEY,
  dhcp_identifier BYTEA NOT NULL,
  dhcp_identifier_type SMALLINT NOT NULL,
  dhcp4_subnet_id BIGINT NULL,
  dhcp6_subnet_id BIGINT NULL,
  ipv4_address BIGINT NULL,
  hostname VARCHAR(255) NULL,
  dhcp4_client_classes VARCHAR(255) NULL,
  dhcp6_client_classes VARCHAR(255) NULL,
  dhcp4_next_server BIGINT NULL,
  dhcp4_server_hostname VARCHAR(64) NULL,
  dhcp4_boot_file_name VARCHAR(128) NULL,
  user_context TEXT NULL,
  auth_key VARCHAR(32) NULL,
  CONSTRAINT fk_host_identifier_type FOREIGN KEY (dhcp_identifier_type)
    REFERENCES host_identifier_type (type) ON DELETE CASCADE
);

CREATE UNIQUE INDEX key_dhcp4_identifier_subnet_id
  ON hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id)
  WHERE dhcp4_subnet_id IS NOT NULL;
CREATE UNIQUE INDEX key_dhcp6_identifier_subnet_id
  ON hosts (dhcp_identifier, dhcp_identifier_type, dhcp6_subnet_id)
  WHERE dhcp6_subnet_id IS NOT NULL;
CREATE INDEX key_dhcp_identifier ON hosts (dhcp_identifier, dhcp_identifier_type);
CREATE INDEX key_dhcp4_ipv4_address_subnet_id ON hosts (ipv4_address, dhcp4_subnet_id);
CREATE INDEX hosts_by_hostname ON hosts (lower(hostname)) WHERE hostname IS NOT NULL;

-- DHCPv4 options. Host options: host_id set, scope_id = 3. formatted_value
-- (text) takes priority over value (binary payload) when it is not empty.
CREATE TABLE dhcp4_options (
  option_id SERIAL PRIMARY KEY,
  code SMALLINT NOT NULL,
  value BYTEA NULL,
  formatted_value TEXT NULL,
  space VARCHAR(128) NULL,
  persistent BOOLEAN NOT NULL DEFAULT false,
  dhcp_client_class VARCHAR(128) NULL,
  dhcp4_subnet_id BIGINT NULL,
  host_id INT NULL,
  scope_id SMALLINT NOT NULL,
  user_context TEXT NULL,
  shared_network_name VARCHAR(128) NULL,
  pool_id BIGINT NULL,
  modification_ts TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT fk_options_host1 FOREIGN KEY (host_id) REFERENCES hosts (host_id) ON DELETE CASCADE,
  CONSTRAINT fk_dhcp4_option_scope FOREIGN KEY (scope_id) REFERENCES dhcp_option_scope (scope_id)
);

CREATE INDEX fk_dhcp4_options_host1_idx ON dhcp4_options (host_id);
CREATE INDEX fk_dhcp4_options_scope_idx ON dhcp4_options (scope_id);
CREATE INDEX fk_dhcp4_options_subnet ON dhcp4_options (dhcp4_subnet_id);
CREATE INDEX fk_dhcp4_options_shared_network ON dhcp4_options (shared_network_name);
CREATE INDEX fk_dhcp4_options_pool ON dhcp4_options (pool_id);

INSERT INTO schema_version (version, minor) VALUES (1, 0);
