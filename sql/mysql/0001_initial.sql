-- shoal schema for MySQL / MariaDB, migration 0001: the initial schema.
-- version: 1.0
--
-- Format (read by shoal-admin and the node, which embed this file): a
-- statement ends at a line whose last non-blank character is ';'. Lines that
-- start with '--' are comments. No stored procedures or triggers, so the file
-- also loads unchanged with `mysql DB < 0001_initial.sql`.
--
-- Kea-compatible tables (lease4, hosts, host_identifier_type, dhcp4_options,
-- dhcp_option_scope, lease_state, schema_version) keep Kea 2.2's table names,
-- column names and encodings (IPv4 as INT UNSIGNED, identifiers as raw bytes,
-- expire as TIMESTAMP), so operators' SQL works unchanged. Deliberate
-- differences from Kea: no statistics triggers or counter tables (per-subnet
-- counts are computed with an indexed GROUP BY, so many nodes writing leases
-- never contend on one counter row), and dhcp4_options has no foreign keys to
-- configuration-backend tables (those belong to a later migration).

CREATE TABLE schema_version (
  version INT NOT NULL PRIMARY KEY,
  minor INT NULL
) ENGINE = InnoDB;

CREATE TABLE lease_state (
  state INT UNSIGNED NOT NULL PRIMARY KEY,
  name VARCHAR(64) NOT NULL
) ENGINE = InnoDB;

INSERT INTO lease_state VALUES (0, 'default'), (1, 'declined'), (2, 'expired-reclaimed');

-- One row per DHCPv4 lease. expire = cltt + valid_lifetime (cltt for infinite
-- leases, valid_lifetime 4294967295). Updates and deletes match on
-- (address, old expire) for optimistic concurrency.
CREATE TABLE lease4 (
  address INT UNSIGNED NOT NULL PRIMARY KEY,
  hwaddr VARBINARY(20) NULL,
  client_id VARBINARY(128) NULL,
  valid_lifetime INT UNSIGNED NULL,
  expire TIMESTAMP NULL DEFAULT NULL,
  subnet_id INT UNSIGNED NULL,
  fqdn_fwd TINYINT(1) NULL,
  fqdn_rev TINYINT(1) NULL,
  hostname VARCHAR(255) NULL,
  state INT UNSIGNED DEFAULT 0,
  user_context TEXT NULL,
  INDEX lease4_by_hwaddr_subnet_id (hwaddr, subnet_id),
  INDEX lease4_by_client_id_subnet_id (client_id, subnet_id),
  INDEX lease4_by_subnet_id (subnet_id),
  INDEX lease4_by_expire_state (expire, state),
  CONSTRAINT fk_lease4_state FOREIGN KEY (state) REFERENCES lease_state (state)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE host_identifier_type (
  type TINYINT NOT NULL PRIMARY KEY,
  name VARCHAR(32) NULL
) ENGINE = InnoDB;

INSERT INTO host_identifier_type VALUES
  (0, 'hw-address'), (1, 'duid'), (2, 'circuit-id'), (3, 'client-id'), (4, 'flex-id');

CREATE TABLE dhcp_option_scope (
  scope_id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  scope_name VARCHAR(32) NULL
) ENGINE = InnoDB;

INSERT INTO dhcp_option_scope VALUES
  (0, 'global'), (1, 'subnet'), (2, 'client-class'), (3, 'host'),
  (4, 'shared-network'), (5, 'pool'), (6, 'pd-pool');

-- Host reservations. dhcp4_subnet_id 0 = global reservation, NULL = no
-- DHCPv4 reservation. The database enforces one reservation per
-- (identifier, identifier type, subnet); reserved-address uniqueness is the
-- writer's job, as in Kea.
CREATE TABLE hosts (
  host_id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  dhcp_identifier VARBINARY(128) NOT NULL,
  dhcp_identifier_type TINYINT NOT NULL,
  dhcp4_subnet_id INT UNSIGNED NULL,
  dhcp6_subnet_id INT UNSIGNED NULL,
  ipv4_address INT UNSIGNED NULL,
  hostname VARCHAR(255) NULL,
  dhcp4_client_classes VARCHAR(255) NULL,
  dhcp6_client_classes VARCHAR(255) NULL,
  dhcp4_next_server INT UNSIGNED NULL,
  dhcp4_server_hostname VARCHAR(64) NULL,
  dhcp4_boot_file_name VARCHAR(128) NULL,
  user_context TEXT NULL,
  auth_key VARCHAR(32) NULL,
  UNIQUE INDEX key_dhcp4_identifier_subnet_id (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id),
  UNIQUE INDEX key_dhcp6_identifier_subnet_id (dhcp_identifier, dhcp_identifier_type, dhcp6_subnet_id),
  INDEX key_dhcp4_ipv4_address_subnet_id (ipv4_address, dhcp4_subnet_id),
  INDEX hosts_by_hostname (hostname),
  CONSTRAINT fk_host_identifier_type FOREIGN KEY (dhcp_identifier_type)
    REFERENCES host_identifier_type (type)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- DHCPv4 options. Host options: host_id set, scope_id = 3. formatted_value
-- (text) takes priority over value (binary payload) when it is not empty.
CREATE TABLE dhcp4_options (
  option_id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code TINYINT UNSIGNED NOT NULL,
  value BLOB NULL,
  formatted_value TEXT NULL,
  space VARCHAR(128) NULL,
  persistent TINYINT(1) NOT NULL DEFAULT 0,
  dhcp_client_class VARCHAR(128) NULL,
  dhcp4_subnet_id INT UNSIGNED NULL,
  host_id INT UNSIGNED NULL,
  scope_id TINYINT UNSIGNED NOT NULL,
  user_context TEXT NULL,
  shared_network_name VARCHAR(128) NULL,
  pool_id BIGINT UNSIGNED NULL,
  modification_ts TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  INDEX fk_dhcp4_options_host1_idx (host_id),
  INDEX fk_dhcp4_options_scope_idx (scope_id),
  INDEX fk_dhcp4_options_subnet (dhcp4_subnet_id),
  INDEX fk_dhcp4_options_shared_network (shared_network_name),
  INDEX fk_dhcp4_options_pool (pool_id),
  CONSTRAINT fk_dhcp4_options_host FOREIGN KEY (host_id) REFERENCES hosts (host_id)
    ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT fk_dhcp4_option_scope FOREIGN KEY (scope_id) REFERENCES dhcp_option_scope (scope_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

INSERT INTO schema_version (version, minor) VALUES (1, 0);
