#!/usr/bin/env python3
"""How fast a configuration change reaches every node (docs/benchmarks.md).

Starts N thin shoal-dhcp4 nodes (memfile leases, configuration from a scratch
database on the test server of scripts/db.sh) and makes C changes with plain
SQL, one every --interval seconds: an UPDATE of a global parameter through
the mysql/psql client, which also reads the revision it created and its
`committed_at` (the database's clock when the writing statement started, so
a little before the commit: the latency below errs on the long side). Each
node logs "configuration database: revision R applied" with a millisecond
timestamp; the latency of a change on a node is that timestamp minus
`committed_at`. Prints p50/p90/p99/max over all (change, node) pairs, and
the database's and nodes' CPU while idle.

Usage (after `scripts/db.sh start; source <(scripts/db.sh env)`):
  bench/config_propagation.py --build build --dialect postgresql --nodes 10 --changes 100
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))
import sqlcluster  # noqa: E402

from config_scale import applied_times  # noqa: E402


def node_config(env, database, index, workdir):
    db = {"type": env.dialect, "name": database.name, "host": env.host, "port": env.port,
          "user": env.user, "password": env.password}
    return {"Dhcp4": {
        "server-tag": f"node{index}",
        "interfaces-config": {"interfaces": ["lo"]},
        "lease-database": {"type": "memfile", "persist": False},
        "config-control": {"config-databases": [db]},
        "control-socket": {"socket-type": "unix",
                           "socket-name": os.path.join(workdir, f"node{index}.sock")},
        "loggers": [{"name": "shoal-dhcp4", "severity": "INFO",
                     "output_options": [{"output": os.path.join(workdir, f"node{index}.log")}]}],
    }}


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (FileNotFoundError, IndexError):
            pass
    return total


def database_pids(dialect):
    name = "mariadbd" if dialect == "mysql" else "postgres"
    out = subprocess.run(["pgrep", "-x", name], stdout=subprocess.PIPE, text=True).stdout
    return [int(p) for p in out.split()]


def propagation_latencies(workdir, nodes, committed, pattern=None):
    """(latencies in ms, pairs never applied) of every (revision, node):
    committed is {revision: commit epoch}; each node's log is
    WORKDIR/node<i>.log."""
    latencies, missing = [], 0
    for i in range(nodes):
        log = os.path.join(workdir, f"node{i}.log")
        applied = applied_times(log, pattern) if pattern else applied_times(log)
        for revision, at in committed.items():
            # A node may apply several revisions at once: the first applied
            # revision >= this one is when it became live.
            later = [t for r, t in applied.items() if r >= revision]
            if not later:
                missing += 1
                continue
            latencies.append((min(later) - at) * 1000)
    return latencies, missing


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def parse_args(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--build", default="build")
    parser.add_argument("--dialect", choices=("mysql", "postgresql"), required=True)
    parser.add_argument("--nodes", type=int, default=10)
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.2)
    parser.add_argument("--idle", type=float, default=10, help="seconds of idle measurement")
    args = parser.parse_args()
    os.environ.setdefault("SHOAL_BINARY_DIR", os.path.abspath(args.build))
    return args


def run_propagation(args, tag, node_config_fn, change_sql_fn, what, pattern=None, setup_sql=None):
    """Starts args.nodes nodes (node_config_fn(env, database, i, workdir)),
    measures their idle cost, makes args.changes changes (change_sql_fn(i)
    runs one and SELECTs its revision and commit epoch), and prints the
    latency from commit to applied on every node. Returns the exit code."""
    binary = os.path.join(os.path.abspath(args.build), "bin", "shoal-dhcp4")
    env = sqlcluster.DbEnv(args.dialect)
    database = sqlcluster.ScratchDatabase(env, tag)
    workdir = tempfile.mkdtemp(prefix=f"shoal-{tag}-")
    procs = []
    try:
        if setup_sql:
            database.query(setup_sql)
        for i in range(args.nodes):
            path = os.path.join(workdir, f"node{i}.json")
            with open(path, "w") as f:
                json.dump(node_config_fn(env, database, i, workdir), f)
            procs.append(subprocess.Popen(
                [binary, "-c", path, "-p", str(31067 + 10 * i), "-P", str(31068 + 10 * i)],
                stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                env=dict(os.environ, SHOAL_DATA_DIR=os.path.join(workdir, f"data{i}"))))
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
            rows = database.query(change_sql_fn(i))
            committed[int(rows[-1][0])] = float(rows[-1][1])
            time.sleep(args.interval)
        time.sleep(2)

        latencies, missing = propagation_latencies(workdir, args.nodes, committed, pattern)
        print(f"{args.dialect}: {args.nodes} nodes, {args.changes} {what} every "
              f"{args.interval}s: latency from commit to applied on a node (ms) "
              f"p50 {percentile(latencies, 50):.1f} p90 {percentile(latencies, 90):.1f} "
              f"p99 {percentile(latencies, 99):.1f} max {max(latencies):.1f}; "
              f"{missing} (change, node) pairs never applied")
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


def main():
    args = parse_args(__doc__.splitlines()[0])
    epoch = ("UNIX_TIMESTAMP(committed_at)" if args.dialect == "mysql"
             else "extract(epoch FROM committed_at)")

    def change(i):
        return (f"UPDATE config4_global_parameter SET value = '{2000 + i}' "
                "WHERE name = 'renew-timer' AND server_tag = 'all'; "
                f"SELECT revision, {epoch} FROM config4_revision ORDER BY revision DESC LIMIT 1")

    return run_propagation(args, "propagation", node_config, change, "changes",
                           setup_sql="INSERT INTO config4_global_parameter (name, server_tag, "
                                     "value) VALUES ('renew-timer', 'all', '1000')")


if __name__ == "__main__":
    sys.exit(main())
