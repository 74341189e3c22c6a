#!/usr/bin/env python3
"""Kea 2.2's configuration backend beside shoal's configuration database (docs/benchmarks.md).

Both in one run on the database server of scripts/db.sh (one dialect per
invocation), in scratch databases of their own (shoal's from sqlcluster,
Kea's from `kea-admin db-init`), dropped at the end. Kea is kea-dhcp4 with
libdhcp_{mysql,pgsql}_cb.so and "config-fetch-wait-time": 1 (whole seconds,
its fastest polling), shoal a thin node; both with memfile leases, UDP on lo,
ports of their own and a control socket. Kea's free hooks have no command API
for its backend, so its rows are written with SQL as its cb_cmds hook writes
them: createAuditRevisionDHCP4() and the rows in one transaction.

- cold start (--rounds of each, alternating, one server at a time) with
  --subnets subnets (a /24 with a pool and the options routers and
  domain-name-servers each): process start to the log line saying it serves
  them (shoal "configuration database: revision R applied", Kea DHCP4_STARTED,
  logged after its full fetch and DHCP4_CONFIG_COMPLETE, before its packet
  loop), VmRSS then; config-get over the control socket must then list them.
- one subnet change at --subnets (--subnet-changes, one at a time): a pool.
- propagation: --nodes nodes of each on small databases; every 0.2-0.5 s
  (random) the global renew-timer changes once for shoal and once for Kea,
  --changes times; latency per (change, node).

A change's latency runs from the database's clock read just before COMMIT
(clock_timestamp() / SYSDATE(6)) to the server's log line (ms, UTC); nothing
asks the servers. shoal: the first "revision R' applied" with R' >= R
(bench/config_propagation.py). Kea (fetch-wait 1 s): DCTL_CONFIG_FETCH starts
a fetch, the cb hook's DEBUG line *_CB_GET_RECENT_AUDIT_ENTRIES4 "from:
<time> <revision>" shows the newest audit revision seen so far,
DHCPSRV_CFGMGR_CONFIG4_MERGED that the fetched data is live; R is served at
the MERGED of the first fetch after which the newest seen revision is >= R.
"skipped": R's (audit time, id) was not above what that fetch asked from, so
R itself was never fetched and its change only came with a later one (Kea 2.2
on PostgreSQL rounds that time to whole seconds). "re-merges": fetches that
merged although they saw nothing newer.

Usage (after `scripts/db.sh start; source <(scripts/db.sh env)`):
  bench/config_vs_kea.py --build build --dialect postgresql --subnets 10000 --changes 100
"""

import argparse
import datetime
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))
import sqlcluster  # noqa: E402
from config_propagation import cpu_seconds, percentile  # noqa: E402
from config_scale import applied_times, rss_mib, subnet_sql  # noqa: E402

KEA_HOOKS = "/usr/lib/x86_64-linux-gnu/kea/hooks"
KEA_PATTERN = "%d{%Y-%m-%d %H:%M:%S.%q} %-5p [%c] %m\n"  # %d is UTC
KEA_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) \w+ +\[[^\]]*\] (\w+)(.*)$")
KEA_FROM = re.compile(r"from: (\S+ \S+) (\d+)")
PORTS = {"shoal": 35067, "kea": 36067}  # server ports of node 0; node i adds 10 * i
KINDS = ("shoal", "kea")


def utc(text):
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def prefix(subnet_id):
    return f"10.{(subnet_id - 1) // 256}.{(subnet_id - 1) % 256}"


def run_sql(env, name, text):
    """Runs SQL through the client's stdin; returns the result rows."""
    if env.dialect == "mysql":
        argv = ["mysql", "--no-defaults", "--protocol=tcp", "-h", env.host, "-P", str(env.port),
                "-u", env.user, "-N", "-B", "-D", name]
        child_env = dict(os.environ, MYSQL_PWD=env.password)
    else:
        argv = ["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-h", env.host, "-p", str(env.port),
                "-U", env.user, "-d", name, "-v", "ON_ERROR_STOP=1"]
        child_env = dict(os.environ, PGPASSWORD=env.password)
    result = subprocess.run(argv, input=text, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=child_env, timeout=600)
    if result.returncode != 0:
        raise SystemExit(f"{env.dialect} SQL failed on {name}: {result.stderr.strip()[:2000]}")
    return [line.split("\t") for line in result.stdout.splitlines() if line]


def committed_change(env, name, statements, revision_query):
    """Runs statements and reads (revision, database clock) just before COMMIT."""
    mysql = env.dialect == "mysql"
    clock = "UNIX_TIMESTAMP(SYSDATE(6))" if mysql else "extract(epoch FROM clock_timestamp())"
    rows = run_sql(env, name, "\n".join([
        "START TRANSACTION;" if mysql else "BEGIN;", *statements,
        revision_query.format(clock=clock), "COMMIT;"]))
    return int(rows[-1][0]), float(rows[-1][1])


class KeaDatabase:
    """A scratch database with Kea's schema (`kea-admin db-init`), dropped on close()."""

    def __init__(self, env, tag):
        self.env, self.name = env, f"kea_bench_{os.getpid()}_{tag}"
        self.close()
        env.query(f"CREATE DATABASE `{self.name}`" if env.dialect == "mysql"
                  else f'CREATE DATABASE "{self.name}"')
        argv = ["kea-admin", "db-init", "mysql" if env.dialect == "mysql" else "pgsql",
                "-u", env.user, "-p", env.password, "-n", self.name, "-h", env.host,
                "-P", str(env.port)]
        if env.dialect == "mysql":
            # Kea 2.2's kea-admin leaves the port out of the mysql call that
            # runs dhcpdb_create.mysql; -x adds it to every call.
            argv += ["-x", f"--port={env.port}"]
        result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if result.returncode != 0:
            self.close()
            raise SystemExit(f"kea-admin db-init failed:\n{result.stdout[-2000:]}")

    def close(self):
        self.env.query(f"DROP DATABASE IF EXISTS `{self.name}`" if self.env.dialect == "mysql"
                       else f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)', check_rc=False)


# --- the two systems: configuration, writes, when a change is served ---------------

class Shoal:
    kind = "shoal"

    def __init__(self, env, database, binary):
        self.env, self.db, self.binary = env, database, binary

    def config(self, name, log, sock):
        return {"Dhcp4": {
            "server-tag": name,
            "interfaces-config": {"interfaces": ["lo"]},
            "lease-database": {"type": "memfile", "persist": False},
            "config-control": {"config-databases": [db_params(self.env, self.db.name)]},
            "control-socket": {"socket-type": "unix", "socket-name": sock},
            "loggers": [{"name": "shoal-dhcp4", "severity": "INFO",
                         "output_options": [{"output": log}]}]}}

    def add_subnets(self, count):
        run_sql(self.env, self.db.name, subnet_sql(count))

    def add_renew_timer(self):
        run_sql(self.env, self.db.name, "INSERT INTO config4_global_parameter (name, server_tag, "
                "value) VALUES ('renew-timer', 'all', '1000');")

    def _change(self, statement):
        return committed_change(self.env, self.db.name, [statement], "SELECT revision, {clock} "
                                "FROM config4_revision ORDER BY revision DESC LIMIT 1;")

    def set_renew_timer(self, value):
        return self._change(f"UPDATE config4_global_parameter SET value = '{value}' "
                            "WHERE name = 'renew-timer' AND server_tag = 'all';")

    def set_pool_end(self, subnet, end):
        p = prefix(subnet)
        definition = json.dumps({
            "pools": [{"pool": f"{p}.10 - {p}.{end}"}],
            "option-data": [{"name": "routers", "data": f"{p}.1"},
                            {"name": "domain-name-servers", "data": f"{p}.2"}]})
        return self._change(f"UPDATE config4_subnet SET definition = '{definition}' "
                            f"WHERE subnet_id = {subnet};")

    def serving_since(self, log):
        return min(applied_times(log).values(), default=None)

    def served(self, log, revisions):
        """{revision: (time it became live or None, skipped)}"""
        applied = applied_times(log)
        return {revision: (min((t for r, t in applied.items() if r >= revision), default=None),
                           False) for revision in revisions}

    def remerges(self, log):
        return 0


class Kea:
    kind = "kea"
    REVISION = "SELECT MAX(id), {clock} FROM dhcp4_audit_revision;"

    def __init__(self, env, database, hooks):
        self.env, self.db = env, database
        self.binary = shutil.which("kea-dhcp4") or "/usr/sbin/kea-dhcp4"
        self.backend = "mysql" if env.dialect == "mysql" else "pgsql"
        self.hook = os.path.join(hooks, f"libdhcp_{self.backend}_cb.so")

    def config(self, name, log, sock):
        out = [{"output": log, "pattern": KEA_PATTERN}]
        return {"Dhcp4": {
            "server-tag": name,
            "interfaces-config": {"interfaces": ["lo"], "dhcp-socket-type": "udp"},
            "lease-database": {"type": "memfile", "persist": False},
            "config-control": {"config-databases": [db_params(self.env, self.db.name)],
                               "config-fetch-wait-time": 1},
            "hooks-libraries": [{"library": self.hook}],
            "control-socket": {"socket-type": "unix", "socket-name": sock},
            "loggers": [{"name": "kea-dhcp4", "severity": "INFO", "output_options": out},
                        {"name": f"kea-dhcp4.{self.backend}-cb-hooks", "severity": "DEBUG",
                         "debuglevel": 40, "output_options": out}]}}

    def _audit(self, cascade):
        """cb_cmds' first statement; cascade: the rows belong to one object
        (a subnet with its pools and options) and get one audit entry."""
        if self.env.dialect == "mysql":
            return f"CALL createAuditRevisionDHCP4(NOW(), 'all', 'bench', {int(cascade)});"
        return f"SELECT createAuditRevisionDHCP4(now(), 'all', 'bench', {str(cascade).lower()});"

    def add_subnets(self, count):
        mysql = self.env.dialect == "mysql"
        addr = (lambda a: f"INET_ATON('{a}')") if mysql else (lambda a: f"'{a}'")
        out = ["START TRANSACTION;" if mysql else "BEGIN;", self._audit(True)]
        for start in range(1, count + 1, 1000):
            ids = range(start, min(count, start + 999) + 1)
            out.append("INSERT INTO dhcp4_subnet (subnet_id, subnet_prefix, modification_ts) "
                       "VALUES " + ",".join(f"({i}, '{prefix(i)}.0/24', NOW())" for i in ids) + ";")
            out.append("INSERT INTO dhcp4_pool (start_address, end_address, subnet_id, "
                       "modification_ts) VALUES " + ",".join(
                           f"({addr(prefix(i) + '.10')}, {addr(prefix(i) + '.250')}, {i}, NOW())"
                           for i in ids) + ";")
            out.append("INSERT INTO dhcp4_options (code, formatted_value, space, persistent, "
                       "dhcp4_subnet_id, scope_id, modification_ts) VALUES " + ",".join(
                           f"({code}, '{prefix(i)}.{host}', 'dhcp4', {'0' if mysql else 'false'}, "
                           f"{i}, 1, NOW())" for i in ids for code, host in ((3, 1), (6, 2))) + ";")
        out += ["INSERT INTO dhcp4_subnet_server (subnet_id, server_id, modification_ts) "
                "SELECT s.subnet_id, v.id, NOW() FROM dhcp4_subnet s, dhcp4_server v "
                "WHERE v.tag = 'all';", "COMMIT;"]
        run_sql(self.env, self.db.name, "\n".join(out))

    def add_renew_timer(self):
        param = ("LAST_INSERT_ID()" if self.env.dialect == "mysql"
                 else "currval('dhcp4_global_parameter_id_seq')")
        committed_change(self.env, self.db.name, [
            self._audit(False),
            "INSERT INTO dhcp4_global_parameter (name, value, parameter_type, modification_ts) "
            "VALUES ('renew-timer', '1000', 0, NOW());",
            "INSERT INTO dhcp4_global_parameter_server (parameter_id, server_id, "
            f"modification_ts) VALUES ({param}, 1, NOW());"], self.REVISION)

    def set_renew_timer(self, value):
        return committed_change(self.env, self.db.name, [
            self._audit(False), f"UPDATE dhcp4_global_parameter SET value = '{value}', "
            "modification_ts = NOW() WHERE name = 'renew-timer';"], self.REVISION)

    def set_pool_end(self, subnet, end):
        end = f"{prefix(subnet)}.{end}"
        end = f"INET_ATON('{end}')" if self.env.dialect == "mysql" else f"'{end}'"
        return committed_change(self.env, self.db.name, [
            self._audit(True),
            f"UPDATE dhcp4_pool SET end_address = {end}, modification_ts = NOW() "
            f"WHERE subnet_id = {subnet};",
            f"UPDATE dhcp4_subnet SET modification_ts = NOW() WHERE subnet_id = {subnet};"],
            self.REVISION)

    def serving_since(self, log):
        return next((t for t, msg, _ in kea_lines(log) if msg == "DHCP4_STARTED"), None)

    def served(self, log, revisions):
        fetches, out, times = kea_fetches(log), {}, None
        for revision in revisions:
            k = next((k for k in range(len(fetches) - 1) if fetches[k + 1]["from"]
                      and fetches[k + 1]["from"][1] >= revision), None)
            if k is None:
                out[revision] = (None, False)
                continue
            if times is None:  # the audit revisions' timestamps, once something was fetched
                epoch = ("UNIX_TIMESTAMP(modification_ts)" if self.env.dialect == "mysql"
                         else "extract(epoch FROM modification_ts)")
                times = {int(r): float(t) for r, t in run_sql(
                    self.env, self.db.name, f"SELECT id, {epoch} FROM dhcp4_audit_revision;")}
            asked = fetches[k]["from"] or (0, 0)
            out[revision] = (fetches[k]["merged"], (times[revision], revision) <= asked)
        return out

    def remerges(self, log):
        f = kea_fetches(log)
        return sum(1 for a, b in zip(f, f[1:]) if a["merged"] and a["from"] == b["from"])


def db_params(env, name):
    return {"type": env.dialect, "name": name, "host": env.host, "port": env.port,
            "user": env.user, "password": env.password}


def kea_lines(path):
    with open(path) as f:
        for line in f:
            m = KEA_LINE.match(line)
            if m:
                yield utc(m.group(1)), m.group(2), m.group(3)


def kea_fetches(path):
    """Kea's periodic fetches: start, the (time, revision) it asked from, merge time."""
    fetches = []
    for t, msg, rest in kea_lines(path):
        if msg == "DCTL_CONFIG_FETCH":
            fetches.append({"start": t, "from": None, "merged": None})
        elif msg.endswith("_CB_GET_RECENT_AUDIT_ENTRIES4") and fetches:
            m = KEA_FROM.search(rest)
            fetches[-1]["from"] = (utc(m.group(1)), int(m.group(2)))
        elif msg == "DHCPSRV_CFGMGR_CONFIG4_MERGED" and fetches:
            fetches[-1]["merged"] = t
    return fetches


# --- server processes ---------------------------------------------------------------

class Server:
    """One shoal-dhcp4 or kea-dhcp4 process; its files are workdir/<name>.*"""

    def __init__(self, system, workdir, name, index):
        self.system, self.name = system, name
        self.log = os.path.join(workdir, f"{name}.log")
        self.sock = os.path.join(workdir, f"{name}.sock")
        path = os.path.join(workdir, f"{name}.json")
        with open(path, "w") as f:
            json.dump(system.config(name, self.log, self.sock), f)
        private = os.path.join(workdir, name)
        os.makedirs(private, exist_ok=True)
        child_env = dict(os.environ, SHOAL_DATA_DIR=private, KEA_PIDFILE_DIR=private,
                         KEA_LOCKFILE_DIR=private)
        port = PORTS[system.kind] + 10 * index
        self.started = time.time()
        self.out = os.path.join(workdir, f"{name}.out")  # stdout and stderr
        with open(self.out, "w") as out:
            self.proc = subprocess.Popen([system.binary, "-c", path, "-p", str(port),
                                          "-P", str(port + 1)],
                                         stdout=out, stderr=subprocess.STDOUT, env=child_env)

    def wait_serving(self, timeout):
        """When the server started serving its configuration (its log's time)."""
        while True:
            t = self.system.serving_since(self.log) if os.path.exists(self.log) else None
            if t is not None:
                return t
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} exited with {self.proc.returncode} before "
                                 f"serving its configuration; see {self.out} and {self.log}")
            if time.time() - self.started > timeout:
                raise SystemExit(f"{self.name} did not serve its configuration in {timeout} s")
            time.sleep(0.01)

    def dhcp4(self):
        """config-get over the control socket."""
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(120)
            s.connect(self.sock)
            s.sendall(b'{"command": "config-get"}')
            chunks = []  # both servers close the connection after the reply
            while chunk := s.recv(1 << 20):
                chunks.append(chunk)
        reply = json.loads(b"".join(chunks))
        reply = reply[0] if isinstance(reply, list) else reply
        if reply.get("result") != 0:
            raise SystemExit(f"{self.name}: config-get failed: {str(reply)[:500]}")
        return reply["arguments"]["Dhcp4"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# --- the measurements -----------------------------------------------------------------

def cold_starts(args, systems, start):
    """{kind: [(ms from process start to serving, MiB resident then)] per round}"""
    results = {kind: [] for kind in KINDS}
    for r in range(args.rounds):
        for kind in (KINDS if r % 2 == 0 else KINDS[::-1]):
            server = start(systems[kind], f"{kind}-scale{r}", 0)
            serving = server.wait_serving(args.timeout)
            rss = rss_mib(server.proc.pid)
            subnets = server.dhcp4().get("subnet4", [])
            full = sum(1 for s in subnets if len(s.get("pools", [])) == 1
                       and len(s.get("option-data", [])) == 2)
            if len(subnets) != args.subnets or full != args.subnets:
                raise SystemExit(f"{server.name} serves {len(subnets)} subnets ({full} with a "
                                 f"pool and two options), expected {args.subnets}")
            server.stop()
            results[kind].append(((serving - server.started) * 1000, rss))
    return results


def subnet_changes(args, systems, start):
    """One pool changed at a time, per kind: latencies (ms), never served, re-merges,
    then CPU (% of a core) over --idle seconds."""
    servers = {kind: start(systems[kind], f"{kind}-change", 0) for kind in KINDS}
    for server in servers.values():
        server.wait_serving(args.timeout)
    time.sleep(2)
    result = {kind: {"latencies": [], "missing": 0} for kind in KINDS}
    expected = {}
    for i in range(args.subnet_changes):
        subnet, end = 1 + (i * 997) % args.subnets, 200 + i % 50
        expected[subnet] = f"{prefix(subnet)}.10-{prefix(subnet)}.{end}"
        for kind, server in servers.items():
            revision, committed = systems[kind].set_pool_end(subnet, end)
            deadline, served = time.time() + 30, None
            while served is None and time.time() < deadline:
                time.sleep(0.05)
                served = server.system.served(server.log, [revision])[revision][0]
            if served is None:
                result[kind]["missing"] += 1
            else:
                result[kind]["latencies"].append((served - committed) * 1000)
    time.sleep(1)
    before, t = {kind: cpu_seconds([s.proc.pid]) for kind, s in servers.items()}, time.time()
    time.sleep(args.idle)
    for kind, server in servers.items():
        result[kind]["idle_cpu"] = (cpu_seconds([server.proc.pid]) - before[kind]) / (
            time.time() - t) * 100
    for kind, server in servers.items():
        pools = {s["id"]: s["pools"][0]["pool"].replace(" ", "")
                 for s in server.dhcp4()["subnet4"]}
        wrong = {s: pools.get(s) for s, pool in expected.items() if pools.get(s) != pool}
        if wrong:
            raise SystemExit(f"{server.name} serves other pools than written: {wrong}")
        result[kind]["remerges"] = server.system.remerges(server.log)
        server.stop()
    return result


def propagation(args, systems, start):
    """Per kind: latencies (ms) per (change, node), never served, skipped, stale nodes."""
    for system in systems.values():
        system.add_renew_timer()
    nodes = {kind: [start(systems[kind], f"{kind}-node{i}", i) for i in range(args.nodes)]
             for kind in KINDS}
    for server in nodes["shoal"] + nodes["kea"]:
        server.wait_serving(args.timeout)
    time.sleep(2)
    committed = {kind: {} for kind in KINDS}
    tick = time.time()
    for i in range(args.changes):
        for kind in (KINDS if i % 2 == 0 else KINDS[::-1]):
            revision, at = systems[kind].set_renew_timer(2000 + i)
            committed[kind][revision] = at
        tick += random.uniform(0.2, 0.5)
        time.sleep(max(0.0, tick - time.time()))
    time.sleep(3)  # a Kea fetch shows what the previous one saw
    result = {}
    for kind in KINDS:
        r = result[kind] = {"latencies": [], "missing": 0, "skipped": 0, "stale": 0,
                            "remerges": 0}
        for server in nodes[kind]:
            for revision, (served, skipped) in server.system.served(
                    server.log, committed[kind]).items():
                r["skipped"] += skipped
                if served is None:
                    r["missing"] += 1
                else:
                    r["latencies"].append((served - committed[kind][revision]) * 1000)
            r["stale"] += server.dhcp4().get("renew-timer") != 2000 + args.changes - 1
            r["remerges"] += server.system.remerges(server.log)
            server.stop()
    return result


# --- the report -----------------------------------------------------------------------

def report(args, cold, changes, prop):
    rows = []
    for column, name in ((0, "ms to serving"), (1, "VmRSS then, MiB")):
        values = {kind: [c[column] for c in cold[kind]] for kind in KINDS}
        rows.append((f"cold start, {args.subnets} subnets: {name}",
                     *(statistics.median(values[kind]) for kind in KINDS),
                     "rounds " + "; ".join(f"{kind} " + "/".join(f"{v:.0f}" for v in values[kind])
                                           for kind in KINDS)))
    for title, result in ((f"one subnet change at {args.subnets}", changes),
                          (f"propagation {args.nodes}x{args.changes}", prop)):
        if result is None or not all(result[kind]["latencies"] for kind in KINDS):
            continue
        for p in ((50, 100) if result is changes else (50, 90, 99, 100)):
            rows.append((f"{title}: {'max' if p == 100 else f'p{p}'} ms",
                         *(percentile(result[kind]["latencies"], p) for kind in KINDS), ""))
    version = subprocess.run(["kea-dhcp4", "-v"], stdout=subprocess.PIPE, text=True).stdout
    print(f"\n{args.dialect}: shoal vs Kea {version.strip()} configuration backend "
          f"(median of {args.rounds} cold starts; {args.subnet_changes} subnet changes; "
          f"{args.nodes} nodes of each, {args.changes} changes every 0.2-0.5 s)")
    print(f"{'':46} {'shoal':>9} {'Kea':>9} {'Kea/shoal':>9}")
    for name, shoal, kea, note in rows:
        ratio = f"{kea / shoal:.2f}" if shoal > 0 else "-"
        print(f"{name:46} {shoal:9.1f} {kea:9.1f} {ratio:>9}  {note}".rstrip())
    for title, result in (("subnet changes", changes), ("propagation", prop)):
        for kind, r in (result or {}).items():
            extra = (f", {r['skipped']} skipped, {r['stale']} nodes stale" if "stale" in r
                     else f", {r['idle_cpu']:.1f}% of a core idle afterwards")
            print(f"{title} {kind}: {len(r['latencies'])} served, {r['missing']} never served"
                  f"{extra}, {r['remerges']} re-merges")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default="build")
    parser.add_argument("--dialect", choices=("mysql", "postgresql"), required=True)
    parser.add_argument("--subnets", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=3, help="cold starts of each")
    parser.add_argument("--subnet-changes", type=int, default=10, help="0: skip")
    parser.add_argument("--idle", type=float, default=10,
                        help="seconds of CPU measurement after the subnet changes")
    parser.add_argument("--nodes", type=int, default=10)
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=300, help="seconds to start serving")
    parser.add_argument("--kea-hooks", default=KEA_HOOKS)
    args = parser.parse_args()
    os.environ.setdefault("SHOAL_BINARY_DIR", os.path.abspath(args.build))
    shoal_binary = os.path.join(os.path.abspath(args.build), "bin", "shoal-dhcp4")
    env = sqlcluster.DbEnv(args.dialect)
    workdir = tempfile.mkdtemp(prefix="shoal-vs-kea-")
    databases, servers, ok = [], [], False

    def start(system, name, index):
        servers.append(Server(system, workdir, name, index))
        return servers[-1]

    def systems(tag):
        databases.append(sqlcluster.ScratchDatabase(env, f"vskea_{tag}"))
        databases.append(KeaDatabase(env, tag))
        return {"shoal": Shoal(env, databases[-2], shoal_binary),
                "kea": Kea(env, databases[-1], args.kea_hooks)}

    try:
        scale = systems("scale")
        for kind in KINDS:
            t = time.time()
            scale[kind].add_subnets(args.subnets)
            print(f"{args.dialect}: {kind}: {args.subnets} subnets written in "
                  f"{time.time() - t:.1f} s", flush=True)
        cold = cold_starts(args, scale, start)
        changes = subnet_changes(args, scale, start) if args.subnet_changes else None
        prop = propagation(args, systems("propagation"), start)
        report(args, cold, changes, prop)
        ok = True
        # A change Kea never serves is Kea's (reported above); only shoal's
        # misses fail the run.
        return 1 if any(r["shoal"]["missing"] for r in (changes, prop) if r) else 0
    finally:
        for server in servers:
            server.stop()
        for database in databases:
            database.close()
        if ok:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"logs kept in {workdir}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
