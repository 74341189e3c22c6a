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

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))
import sqlcluster  # noqa: E402
from config_propagation import (cpu_seconds, database_pids, percentile,  # noqa: E402
                                propagation_latencies)

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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--dialect", choices=("mysql", "postgresql"), required=True)
    parser.add_argument("--nodes", type=int, default=10)
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.2)
    parser.add_argument("--idle", type=float, default=10, help="seconds of idle measurement")
    args = parser.parse_args()
    os.environ.setdefault("SHOAL_BINARY_DIR", os.path.abspath(args.build))
    binary = os.path.join(os.path.abspath(args.build), "bin", "shoal-dhcp4")
    env = sqlcluster.DbEnv(args.dialect)
    database = sqlcluster.ScratchDatabase(env, "hostprop")
    workdir = tempfile.mkdtemp(prefix="shoal-hosts-propagation-")
    procs = []
    try:
        for i in range(args.nodes):
            path = os.path.join(workdir, f"node{i}.json")
            with open(path, "w") as f:
                json.dump(node_config(env, database, i, workdir), f)
            procs.append(subprocess.Popen(
                [binary, "-c", path, "-p", str(31067 + 10 * i), "-P", str(31068 + 10 * i)],
                stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT))
        time.sleep(3)
        for p in procs:
            if p.poll() is not None:
                raise SystemExit(f"a node exited with {p.returncode}; see {workdir}")

        pids = [p.pid for p in procs]
        db_pids = database_pids(args.dialect)
        node_cpu, db_cpu, t = cpu_seconds(pids), cpu_seconds(db_pids), time.time()
        time.sleep(args.idle)
        elapsed = time.time() - t
        idle_node = (cpu_seconds(pids) - node_cpu) / elapsed / args.nodes * 100
        idle_db = (cpu_seconds(db_pids) - db_cpu) / elapsed * 100

        committed = {}
        for i in range(args.changes):
            rows = database.query(insert_sql(args.dialect, i))
            committed[int(rows[-1][0])] = float(rows[-1][1])
            time.sleep(args.interval)
        time.sleep(2)

        latencies, missing = propagation_latencies(workdir, args.nodes, committed, APPLIED)
        print(f"{args.dialect}: {args.nodes} nodes, {args.changes} reservations every "
              f"{args.interval}s: latency from commit to served by a node (ms) "
              f"p50 {percentile(latencies, 50):.1f} p90 {percentile(latencies, 90):.1f} "
              f"p99 {percentile(latencies, 99):.1f} max {max(latencies):.1f}; "
              f"{missing} (reservation, node) pairs never applied")
        print(f"{args.dialect}: idle: {idle_node:.2f}% of a core per node, database "
              f"{idle_db:.2f}% of a core for {args.nodes} nodes")
        return 1 if missing else 0
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        database.close()


if __name__ == "__main__":
    sys.exit(main())
