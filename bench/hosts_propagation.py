#!/usr/bin/env python3
"""How fast a host reservation written with plain SQL reaches every node
(docs/benchmarks.md, "Host reservations").

Starts N shoal-dhcp4 nodes (memfile leases, `hosts-database` a scratch
database on the test server of scripts/db.sh) and inserts C reservations
with Kea's plain-SQL idiom through the mysql/psql client, one every
--interval seconds; the same client reads the feed revision the insert
created and its `committed_at` (the database's clock when the writing
statement ran, so a little before the commit: the latency errs on the long
side). Each node logs "hosts database: revision R applied" with a
millisecond timestamp; the latency on a node is that timestamp minus
`committed_at`. Prints p50/p90/p99/max over all (reservation, node) pairs,
and the nodes' and database's CPU while idle.

Usage (after `scripts/db.sh start; source <(scripts/db.sh env)`):
  bench/hosts_propagation.py --build build --dialect postgresql --nodes 10 --changes 100
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from config_propagation import parse_args, run_propagation  # noqa: E402

APPLIED = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) .*hosts database: "
                     r"(?:revision (\d+) applied|\d+ reservation\(s\) loaded at revision (\d+))")


def node_config(env, database, index, workdir):
    db = {"type": env.dialect, "name": database.name, "host": env.host, "port": env.port,
          "user": env.user, "password": env.password}
    return {"Dhcp4": {
        "interfaces-config": {"interfaces": ["lo"]},
        "lease-database": {"type": "memfile", "persist": False},
        "hosts-database": db,
        "subnet4": [{"id": 1, "subnet": "10.0.0.0/8", "pools": [{"pool": "10.0.0.1 - 10.0.255.254"}]}],
        "control-socket": {"socket-type": "unix",
                           "socket-name": os.path.join(workdir, f"node{index}.sock")},
        "loggers": [{"name": "shoal-dhcp4", "severity": "INFO",
                     "output_options": [{"output": os.path.join(workdir, f"node{index}.log")}]}],
    }}


def insert_sql(dialect, i):
    mac = f"02:b0:00:00:{i // 256:02x}:{i % 256:02x}".replace(":", "")
    address = f"10.1.{i // 256}.{i % 256 + 1}"
    if dialect == "mysql":
        return ("INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, "
                f"ipv4_address) VALUES (UNHEX('{mac}'), 0, 1, INET_ATON('{address}')); "
                "SELECT revision, UNIX_TIMESTAMP(committed_at) FROM hosts4_change "
                "ORDER BY id DESC LIMIT 1")
    return ("INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, "
            f"ipv4_address) VALUES (decode('{mac}', 'hex'), 0, 1, "
            f"'{address}'::inet - '0.0.0.0'::inet); "
            "SELECT revision, extract(epoch FROM committed_at) FROM hosts4_change "
            "ORDER BY id DESC LIMIT 1")


def main():
    args = parse_args(__doc__.splitlines()[0])
    return run_propagation(args, "hostprop", node_config,
                           lambda i: insert_sql(args.dialect, i), "reservations", APPLIED)


if __name__ == "__main__":
    sys.exit(main())
