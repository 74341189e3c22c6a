#!/usr/bin/env python3
"""A thin node with a large configuration database (docs/benchmarks.md).

Fills a scratch database on the test server of scripts/db.sh with
--subnets subnets (a /24 with one pool and two options each, bound to
`all`), then:
- cold start: starts one thin node (memfile leases, no file subnets) and
  reports the time from the process start to its log line "configuration
  database: revision R applied" (everything loaded, merged, validated and
  serving) and its resident memory then;
- one change: updates one subnet's pool --changes times, one at a time, and
  reports how long each took from the revision's committed_at to the node's
  "revision R applied" (detection + read + merge + validation + swap);
- churn (--churn N): N more revisions, each its own transaction, streamed
  through one client session as fast as the database takes them; the node
  catches up (applying several revisions at once when they come faster than
  it applies them), and its resident memory before and after is printed.

Usage (after `scripts/db.sh start; source <(scripts/db.sh env)`):
  bench/config_scale.py --build build --dialect postgresql --subnets 10000
"""

import argparse
import datetime
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

APPLIED = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) .*configuration database: "
                     r"revision (\d+) applied")


def run_sql_file(env, database, text):
    """Runs a long SQL script through the command-line client's stdin."""
    if env.dialect == "mysql":
        argv = ["mysql", "--no-defaults", "--protocol=tcp", "-h", env.host, "-P", str(env.port),
                "-u", env.user, "-D", database.name]
        child_env = dict(os.environ, MYSQL_PWD=env.password)
    else:
        argv = ["psql", "-X", "-q", "-h", env.host, "-p", str(env.port), "-U", env.user, "-d",
                database.name, "-v", "ON_ERROR_STOP=1"]
        child_env = dict(os.environ, PGPASSWORD=env.password)
    subprocess.run(argv, input=text, text=True, check=True, env=child_env,
                   stdout=subprocess.DEVNULL)


def subnet_sql(count):
    rows, bindings = [], []
    for i in range(count):
        prefix = f"10.{i // 256}.{i % 256}"
        definition = json.dumps({
            "pools": [{"pool": f"{prefix}.10 - {prefix}.250"}],
            "option-data": [{"name": "routers", "data": f"{prefix}.1"},
                            {"name": "domain-name-servers", "data": f"{prefix}.2"}]})
        rows.append(f"({i + 1}, '{prefix}.0/24', '{definition}')")
        bindings.append(f"({i + 1}, 'all')")
    out = ["BEGIN;"]
    for start in range(0, count, 1000):
        out.append("INSERT INTO config4_subnet (subnet_id, prefix, definition) VALUES "
                   + ",\n".join(rows[start:start + 1000]) + ";")
        out.append("INSERT INTO config4_subnet_server (subnet_id, server_tag) VALUES "
                   + ",\n".join(bindings[start:start + 1000]) + ";")
    out.append("COMMIT;")
    return "\n".join(out)


def applied_times(log_path, pattern=APPLIED):
    """{revision: epoch seconds} of the node's "revision R applied" lines;
    `pattern` matches a line with the timestamp as group 1 and the revision
    as the first other group that matched."""
    out = {}
    with open(log_path) as f:
        for line in f:
            m = pattern.match(line)
            if m:
                ts = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f")
                revision = next(g for g in m.groups()[1:] if g is not None)
                out[int(revision)] = ts.replace(tzinfo=datetime.timezone.utc).timestamp()
    return out


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--dialect", choices=("mysql", "postgresql"), required=True)
    parser.add_argument("--subnets", type=int, default=10000)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--churn", type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault("SHOAL_BINARY_DIR", os.path.abspath(args.build))
    binary = os.path.join(os.path.abspath(args.build), "bin", "shoal-dhcp4")
    env = sqlcluster.DbEnv(args.dialect)
    database = sqlcluster.ScratchDatabase(env, "scale")
    workdir = tempfile.mkdtemp(prefix="shoal-scale-")
    proc = None
    try:
        run_sql_file(env, database, subnet_sql(args.subnets))
        db = {"type": env.dialect, "name": database.name, "host": env.host, "port": env.port,
              "user": env.user, "password": env.password}
        log = os.path.join(workdir, "node.log")
        config = {"Dhcp4": {
            "interfaces-config": {"interfaces": ["lo"]},
            "lease-database": {"type": "memfile", "persist": False},
            "config-control": {"config-databases": [db]},
            "loggers": [{"name": "shoal-dhcp4", "severity": "INFO",
                         "output_options": [{"output": log}]}]}}
        path = os.path.join(workdir, "node.json")
        with open(path, "w") as f:
            json.dump(config, f)
        started = time.time()
        proc = subprocess.Popen([binary, "-c", path, "-p", "32067", "-P", "32068"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                env=dict(os.environ, SHOAL_DATA_DIR=os.path.join(workdir, "data")))
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"the node exited with {proc.returncode}; see {log}")
            if os.path.exists(log) and applied_times(log):
                break
            if time.time() - started > 120:
                raise SystemExit("the node did not apply its configuration within 120 s")
            time.sleep(0.01)
        first = min(applied_times(log).values())
        rss = rss_mib(proc.pid)
        print(f"{args.dialect}: cold start with {args.subnets} subnets: serving "
              f"{(first - started) * 1000:.0f} ms after the process started, {rss:.1f} MiB "
              "resident")

        epoch = ("UNIX_TIMESTAMP(committed_at)" if args.dialect == "mysql"
                 else "extract(epoch FROM committed_at)")
        costs = []
        for i in range(args.changes):
            prefix = f"10.0.{1 + i % 200}"
            definition = json.dumps({"pools": [{"pool": f"{prefix}.10 - {prefix}.{200 + i % 50}"}]})
            rows = database.query(
                f"UPDATE config4_subnet SET definition = '{definition}' "
                f"WHERE subnet_id = {2 + i % 200}; "
                f"SELECT revision, {epoch} FROM config4_revision ORDER BY revision DESC LIMIT 1")
            revision, committed = int(rows[-1][0]), float(rows[-1][1])
            deadline = time.time() + 60
            while revision not in applied_times(log) and time.time() < deadline:
                time.sleep(0.01)
            applied = applied_times(log).get(revision)
            if applied is None:
                raise SystemExit(f"revision {revision} was not applied within 60 s")
            costs.append((applied - committed) * 1000)
        costs.sort()
        print(f"{args.dialect}: one subnet changed among {args.subnets}: applied "
              f"{costs[len(costs) // 2]:.0f} ms (median of {len(costs)}; min {costs[0]:.0f}, "
              f"max {costs[-1]:.0f}) after its commit; {rss_mib(proc.pid):.1f} MiB resident "
              "after the changes")
        if args.churn:
            before = rss_mib(proc.pid)
            applies_before = len(applied_times(log))
            statements = "\n".join(
                f"UPDATE config4_global_parameter SET value = '{1000 + i % 1000}' "
                "WHERE name = 'renew-timer' AND server_tag = 'all';" for i in range(args.churn))
            run_sql_file(env, database,
                         "INSERT INTO config4_global_parameter (name, server_tag, value) "
                         "VALUES ('renew-timer', 'all', '999');\n" + statements)
            last = int(database.query("SELECT revision FROM config4_head WHERE id = 1")[0][0])
            deadline = time.time() + 600
            while max(applied_times(log)) < last and time.time() < deadline:
                time.sleep(0.5)
            applies = len(applied_times(log)) - applies_before
            print(f"{args.dialect}: churn: {args.churn} revisions at {args.subnets} subnets "
                  f"(applied in {applies} swaps): {before:.1f} MiB resident before, "
                  f"{rss_mib(proc.pid):.1f} MiB after")
        return 0
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        database.close()


if __name__ == "__main__":
    sys.exit(main())
