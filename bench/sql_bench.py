#!/usr/bin/env python3
"""shoal-dhcp4 against Kea 2.2's kea-dhcp4 on a SQL lease database
(MariaDB/MySQL and PostgreSQL), side by side, in one run.

For each database server (the ones scripts/db.sh starts; their settings come
from `source <(scripts/db.sh env)`), on the same server and with the same
durability settings (the servers' defaults: innodb_flush_log_at_trx_commit=1,
synchronous_commit=on):

- Kea gets its own database (kea_bench) with Kea's schema
  (/usr/share/kea/scripts/{mysql,pgsql}/dhcpdb_create.*, what `kea-admin
  db-init` runs), lease-database type mysql/postgresql, multi-threading on,
  measured with each --kea-threads pool size; its best is reported;
- shoal gets its own database (shoal_bench) with shoal's schema
  (`shoal-admin db-init`), lease-database type mysql/postgresql and its
  default worker pool;
- then N shoal nodes (--nodes, default 3) share shoal_bench, each driven by
  its own load generator (disjoint client MAC ranges) at the same rate at
  once; the summed rate is reported.

Load generator (--generator, one per run, the same for both servers):

- dora-load (the default; bench/dora_load.cc, built as bin/dora-load): a
  lean relay-style DORA generator needing a fraction of perfdhcp's CPU per
  exchange, run open loop (--rate) for --period seconds; an exchange not ACKed within
  --timeout (1 s) of its DISCOVER counts as dropped, and an ACK arriving
  later is not counted. Node n's generator numbers its clients from n << 32
  (--first-client). It checks that no address is ACKed to two of its
  clients (exit 3); across nodes the script checks after each step that
  lease4 holds at least one lease per ACK. Either failure ends that setup's
  search, is reported in the summary and makes the script exit 1.
- perfdhcp (Kea's own tool, -r RATE -R --clients -p --period, node n with
  -b mac=00:0c:0n:00:00:00). On a 2-core machine it saturates at 4-8k
  exchanges/s and needs a core itself, so it cannot measure a server faster
  than that.

Both servers get the same subnet, pool and lifetimes. For each setup the
script finds the highest 4-way (DORA) exchange rate sustained with at most
--max-drops percent of exchanges lost (1 - ACKs / DISCOVERs summed over all
generators): it doubles the offered rate until a step fails, then bisects.
lease4 is emptied before every step, and each step starts once the
machine is quiet (--settle: under 10% busy over half a second, waited for
up to that many seconds), so that work an overloaded step left behind
(InnoDB flushing and purging, a PostgreSQL checkpoint) does not land in
the next one, whichever server that is. Server CPU time per completed exchange
is reported too (and the generators' CPU time in the step log).

With --reservations N both servers also read a hosts database (the lease
database) holding N reservations by hw-address, inserted with plain SQL
before the run: 3 in every 10 of the generator's clients are reserved, each
an address of its own inside the pool (so dynamic allocation must step
around them). shoal starts a step once it holds them all.

Servers run in the host's network namespace on loopback (the databases
listen on the host's 127.0.0.1), on ports 31067.. / 31068..

Usage: bench/sql_bench.py [--build DIR] [--dialects mysql,postgresql]
                          [--generator dora-load|perfdhcp] ...
Only the Python 3 standard library is used. Prints a Markdown summary on
stdout and progress on stderr; exits 1 if a step failed hard (a duplicate
address, a generator error).
"""

import argparse
import ipaddress
import json
import os
import platform
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

KEA_PORTS = (31067, 31068)


def node_ports(i):
    return 31167 + 100 * i, 31168 + 100 * i


def log(message):
    print(message, file=sys.stderr, flush=True)


# --- the database ---------------------------------------------------------------


class Db:
    def __init__(self, dialect):
        p = "SHOAL_MYSQL_" if dialect == "mysql" else "SHOAL_PGSQL_"
        missing = [p + k for k in ("HOST", "PORT", "USER", "PASSWORD") if not os.environ.get(p + k)]
        if missing:
            sys.exit("sql_bench: %s not set: run `scripts/db.sh start && source <(scripts/db.sh "
                     "env)` first" % ", ".join(missing))
        self.dialect = dialect
        self.host, self.port = os.environ[p + "HOST"], int(os.environ[p + "PORT"])
        self.user, self.password = os.environ[p + "USER"], os.environ[p + "PASSWORD"]
        self.admin_db = os.environ.get(p + "NAME", "shoal_test")

    def client(self, database, sql=None, script=None):
        if self.dialect == "mysql":
            argv = ["mysql", "--no-defaults", "--protocol=tcp", "-h", self.host, "-P",
                    str(self.port), "-u", self.user, "-N", "-B", "-D", database]
            env = dict(os.environ, MYSQL_PWD=self.password)
        else:
            argv = ["psql", "-X", "-q", "-h", self.host, "-p", str(self.port), "-U", self.user,
                    "-d", database, "-v", "ON_ERROR_STOP=1", "-A", "-t"]
            env = dict(os.environ, PGPASSWORD=self.password)
        stdin = open(script) if script else None
        if sql:
            argv += ["-e" if self.dialect == "mysql" else "-c", sql]
        r = subprocess.run(argv, stdin=stdin, capture_output=True, text=True, env=env)
        if r.returncode != 0:
            raise RuntimeError("%s: %s failed: %s" % (self.dialect, sql or script, r.stderr))
        return r.stdout

    def recreate(self, name):
        if self.dialect == "mysql":
            self.client(self.admin_db, "DROP DATABASE IF EXISTS `%s`; CREATE DATABASE `%s`"
                        % (name, name))
        else:
            self.client(self.admin_db, 'DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
            self.client(self.admin_db, 'CREATE DATABASE "%s"' % name)

    def empty_leases(self, name, kea):
        # TRUNCATE, not DELETE: InnoDB purges deleted rows in the background,
        # and purging the previous step's 100000 rows took a share of the CPU
        # during the next step.
        tables = ["lease4"] + (["lease4_stat"] if kea else [])
        if self.dialect == "mysql":
            self.client(name, "; ".join("TRUNCATE TABLE %s" % t for t in tables))
        else:
            self.client(name, "TRUNCATE %s" % ", ".join(tables))

    def count_leases(self, name):
        return int(self.client(name, "SELECT COUNT(*) FROM lease4").strip())


# --- servers --------------------------------------------------------------------


def config(db, name, server, threads, log_path, reservations=0):
    lease_db = {"type": db.dialect, "name": name, "host": db.host, "port": db.port,
                "user": db.user, "password": db.password}
    dhcp4 = {
        "interfaces-config": {"interfaces": ["lo"], "dhcp-socket-type": "udp"},
        "lease-database": lease_db,
        **({"hosts-database": dict(lease_db)} if reservations else {}),
        "valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
        "subnet4": [{"id": 1, "subnet": "127.0.0.0/8",
                     "pools": [{"pool": "127.1.0.0 - 127.254.255.255"}]}],
        # shoal says at INFO when it holds the reservations (Server waits).
        "loggers": [{"name": "kea-dhcp4" if server == "kea" else "shoal-dhcp4",
                     "output_options": [{"output": log_path}],
                     "severity": "INFO" if reservations and server != "kea" else "WARN"}],
    }
    if threads:
        dhcp4["multi-threading"] = {"enable-multi-threading": True, "thread-pool-size": threads,
                                    "packet-queue-size": max(64, 4 * threads)}
    return {"Dhcp4": dhcp4}


def udp_bound(port):
    with open("/proc/net/udp") as f:
        return any(line.split()[1].endswith(":%04X" % port) for line in f.readlines()[1:])


class Server:
    # `wait_for_line`: start-up is over when the server's log holds it.
    def __init__(self, binary, conf, ports, workdir, label, wait_for_line=None):
        self.dir = tempfile.mkdtemp(prefix=label + "-", dir=workdir)
        path = os.path.join(self.dir, "dhcp4.json")
        with open(path, "w") as f:
            json.dump(conf(os.path.join(self.dir, "server.log")), f, indent=1)
        env = dict(os.environ, KEA_PIDFILE_DIR=self.dir, KEA_LOCKFILE_DIR=self.dir)
        self.out = open(os.path.join(self.dir, "stdout.log"), "w")
        self.proc = subprocess.Popen([binary, "-c", path, "-p", str(ports[0]), "-P",
                                      str(ports[1])], stdout=self.out, stderr=subprocess.STDOUT,
                                     env=env, cwd=self.dir)
        deadline = time.monotonic() + 30
        while not udp_bound(ports[0]) or (wait_for_line and not self.logged(wait_for_line)):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("%s did not start; see %s" % (label, self.dir))
            time.sleep(0.05)
        time.sleep(0.5)

    def logged(self, text):
        try:
            with open(os.path.join(self.dir, "server.log")) as f:
                return text in f.read()
        except OSError:
            return False

    def cpu(self):
        try:
            with open("/proc/%d/stat" % self.proc.pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return 0.0

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()


# --- load -----------------------------------------------------------------------


class StepFailure(Exception):
    """A step that must not be retried at another rate: a duplicate address, a
    generator that failed. Ends the setup's search; reported in the summary."""


def parse_perfdhcp(text):
    r = {"rate": 0.0, "discovers": 0, "acks": 0}
    m = re.search(r"^Rate: ([0-9.]+) 4-way exchanges/second", text, re.M)
    if m:
        r["rate"] = float(m.group(1))
    m = re.search(r"DISCOVER-OFFER\*+\n(.*?)(?:\n\n|\Z)", text, re.S)
    if m:
        f = re.search(r"^sent packets: (\d+)", m.group(1), re.M)
        r["discovers"] = int(f.group(1)) if f else 0
    m = re.search(r"REQUEST-ACK\*+\n(.*?)(?:\n\n|\Z)", text, re.S)
    if m:
        f = re.search(r"^received packets: (\d+)", m.group(1), re.M)
        r["acks"] = int(f.group(1)) if f else 0
    return r


def perfdhcp_argv(args, ports, rate, index):
    return [args.perfdhcp, "-4", "-l", "127.0.0.1", "-L", str(ports[1]), "-N", str(ports[0]),
            "-r", str(rate), "-R", str(args.clients), "-p", str(args.period), "-W", "100000",
            "-b", "mac=00:0c:%02x:00:00:00" % (index + 1), "127.0.0.1"]


def perfdhcp_result(returncode, text, path):
    if returncode not in (0, 3):  # 3: some exchanges failed
        raise StepFailure("perfdhcp failed (exit %d); output in %s" % (returncode, path))
    return parse_perfdhcp(text)


def dora_load_argv(args, ports, rate, index):
    # Node n's clients are numbered from n << 32: chaddr 02:0n:xx:xx:xx:xx.
    return [args.dora_load, "--server", "127.0.0.1", "--server-port", str(ports[0]),
            "--local", "127.0.0.1", "--local-port", str(ports[1]), "--duration",
            str(args.period), "--timeout", str(args.timeout), "--rate", str(rate),
            "--first-client", str(index << 32), "--json"]


def dora_load_result(returncode, text, path):
    """Counters of one dora-load run; exit 3 (an address ACKed to two of its
    clients, or an ACK for another address than offered) is a StepFailure."""
    try:
        out = json.loads(text.strip().splitlines()[-1]) if text.strip() else None
    except ValueError:
        out = None
    if returncode == 3:
        raise StepFailure("dora-load found %s address(es) ACKed to two clients and %s ACK(s) "
                          "for another address than offered (exit 3); output in %s"
                          % (out and out["non-unique"], out and out["ack-mismatch"], path))
    if returncode != 0 or out is None:
        raise StepFailure("dora-load failed (exit %d); output in %s" % (returncode, path))
    # completed = ACKs within --timeout; late replies are not counted.
    return {"rate": out["completed-per-s"], "discovers": out["started"],
            "acks": out["completed"], "late": out["late-replies"],
            "socket_drops": out["socket-drops"], "naks": out["naks"]}


GENERATORS = {"perfdhcp": (perfdhcp_argv, perfdhcp_result),
              "dora-load": (dora_load_argv, dora_load_result)}


def box_busy_fraction(seconds):
    """How busy the machine's CPUs were over the next `seconds` (0..1)."""
    def sample():
        with open("/proc/stat") as f:
            ticks = [int(x) for x in f.readline().split()[1:]]
        return sum(ticks), ticks[3] + ticks[4]  # all, idle + iowait
    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    return 1 - (idle1 - idle0) / max(total1 - total0, 1)


def settle(args):
    """Waits (at most --settle seconds) until the machine is quiet."""
    start = time.monotonic()
    while time.monotonic() - start < args.settle:
        if box_busy_fraction(0.5) < 0.1:
            break
    waited = time.monotonic() - start
    if waited > 2:
        log("  (waited %.1f s for the machine to settle)" % waited)


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def step(args, servers, ports_list, rate, workdir, label, lease_count=None):
    """One generator per server, each at `rate`, all at once; returns the
    combined result. With dora-load, `lease_count()` (leases in lease4 now)
    must be at least the ACKs: fewer means an address went to two clients
    of different generators (or a lease acknowledged was lost)."""
    make_argv, parse = GENERATORS[args.generator]
    settle(args)
    cpu0, gen_cpu0 = sum(s.cpu() for s in servers), children_cpu()
    procs = []
    try:
        for i, ports in enumerate(ports_list):
            path = os.path.join(workdir, "%s-gen%d.txt" % (label, i))
            out = open(path, "w+")
            procs.append((subprocess.Popen(make_argv(args, ports, rate, i), stdout=out,
                                           stderr=subprocess.STDOUT), out, path))
        total = {"rate": 0.0, "discovers": 0, "acks": 0, "late": 0, "socket_drops": 0}
        results = []
        for proc, out, path in procs:
            proc.wait(timeout=args.period + 120)
            out.seek(0)
            results.append((proc.returncode, out.read(), path))
    finally:
        for proc, out, _ in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            out.close()
    gen_cpu = children_cpu() - gen_cpu0  # before anything else is reaped
    cpu = sum(s.cpu() for s in servers) - cpu0
    for returncode, text, path in results:
        r = parse(returncode, text, path)
        for k in total:
            total[k] += r.get(k, 0)
    if lease_count and args.generator == "dora-load":
        leases = lease_count()
        if leases < total["acks"]:
            raise StepFailure("%d ACKs but only %d leases in lease4: an address was ACKed to "
                              "two clients (or an acknowledged lease was lost); logs in %s"
                              % (total["acks"], leases, workdir))
    total["drops"] = 100.0 * (1 - total["acks"] / total["discovers"]) if total["discovers"] else 100
    total["cpu_us"] = 1e6 * cpu / total["acks"] if total["acks"] else 0.0
    total["gen_cpu_us"] = 1e6 * gen_cpu / total["acks"] if total["acks"] else 0.0
    total["offered"] = rate * len(ports_list)
    return total


def search(args, run_step, what):
    """The best passing step, or {"error": ...} after a StepFailure."""
    best, lo, hi, rate = None, 0, None, args.start_rate
    tried = []

    def one(rate):
        r = run_step(rate)
        ok = r["drops"] <= args.max_drops
        tried.append((rate, r))
        extra = ("  late %d, generator socket drops %d" % (r["late"], r["socket_drops"])
                 if args.generator == "dora-load" else "")
        log("  %-34s offered %6d/s -> %8.1f/s  acks %7d  drops %6.2f%%  CPU us/exchange: "
            "server %7.1f, %s %5.1f%s  %s" % (
                what, r["offered"], r["rate"], r["acks"], r["drops"], r["cpu_us"],
                args.generator, r["gen_cpu_us"], extra, "ok" if ok else "too many drops"))
        return r, ok

    try:
        while hi is None and lo < args.max_rate:
            r, ok = one(rate)
            if ok:
                lo = rate
                best = r if best is None or r["rate"] > best["rate"] else best
                rate = min(rate * 2, args.max_rate)  # --max-rate itself is tried too
            else:
                hi = rate
        if hi is None and best is not None:
            best["capped"] = True  # passed up to --max-rate: the limit is higher
        if hi is not None:
            while hi - lo > max(lo * args.resolution, 25):
                rate = (lo + hi) // 2
                r, ok = one(rate)
                if ok:
                    lo = rate
                    best = r if best is None or r["rate"] > best["rate"] else best
                else:
                    hi = rate
    except StepFailure as e:
        log("  %-34s offered %6d/s -> FAILED: %s" % (what, rate, e))
        return {"setup": what, "error": "at %d/s offered: %s" % (rate, e)}
    return best


def reserved_clients(count):
    """(client number, address) of `count` reservations: 3 in every 10 of
    dora-load's clients (node 0 numbers them from 0), each with an address
    of its own from 127.200.0.0 up, inside the pool."""
    base = int(ipaddress.IPv4Address("127.200.0.0"))
    client, k = 0, 0
    while k < count:
        if client % 10 < 3:
            yield client, base + k
            k += 1
        client += 1


def fill_reservations(db, name, count, workdir):
    """`count` reservations by hw-address in subnet 1, inserted with plain
    SQL (the same rows for Kea's schema and shoal's)."""
    path = os.path.join(workdir, "%s-%s-hosts.sql" % (db.dialect, name))
    rows = []
    with open(path, "w") as f:
        for client, address in reserved_clients(count):
            mac = "02%010x" % client  # dora-load's chaddr: 02 and a 40-bit client number
            ident = ("UNHEX('%s')" % mac if db.dialect == "mysql"
                     else "decode('%s', 'hex')" % mac)
            rows.append("(%s, 0, 1, %d)" % (ident, address))
            if len(rows) == 1000:
                f.write("INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, "
                        "dhcp4_subnet_id, ipv4_address) VALUES %s;\n" % ", ".join(rows))
                rows = []
        if rows:
            f.write("INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, "
                    "ipv4_address) VALUES %s;\n" % ", ".join(rows))
    db.client(name, script=path)
    log("%s: %d reservations in %s" % (db.dialect, count, name))


def bench_dialect(args, db, workdir):
    results = {}
    kea_script = "/usr/share/kea/scripts/%s/dhcpdb_create.%s" % (
        ("mysql", "mysql") if db.dialect == "mysql" else ("pgsql", "pgsql"))
    db.recreate("kea_bench")
    db.client("kea_bench", script=kea_script)
    db.recreate("shoal_bench")
    subprocess.run([os.path.join(args.build, "bin", "shoal-admin"), "db-init",
                    "mysql" if db.dialect == "mysql" else "pgsql", "-u", db.user, "-p",
                    db.password, "-n", "shoal_bench", "-h", db.host, "-P", str(db.port)],
                   check=True, capture_output=True)
    loaded_line = None
    if args.reservations:
        for name in ("kea_bench", "shoal_bench"):
            fill_reservations(db, name, args.reservations, workdir)
        loaded_line = "hosts database: %d reservation(s) loaded" % args.reservations

    def single(binary, name, kea, threads, label):
        def run(rate):
            db.empty_leases(name, kea)
            s = Server(binary, lambda lp: config(db, name, "kea" if kea else "shoal", threads, lp,
                                                 args.reservations),
                       KEA_PORTS if kea else node_ports(0), workdir, label,
                       None if kea else loaded_line)
            try:
                return step(args, [s], [KEA_PORTS if kea else node_ports(0)], rate, s.dir,
                            "r%d" % rate, lambda: db.count_leases(name))
            finally:
                s.stop()
        return run

    kea_best = None
    for threads in args.kea_threads:
        label = "kea-%s-t%d" % (db.dialect, threads)
        r = search(args, single(args.kea, "kea_bench", True, threads, label), label)
        if r:
            r["threads"] = threads
        results[label] = r
        if r and "error" not in r and (kea_best is None or r["rate"] > kea_best["rate"]):
            kea_best = r
    if kea_best is None:  # no pool size passed: show a failure rather than "none"
        kea_best = next((r for r in results.values() if r and "error" in r), None)
    results["kea"] = kea_best
    shoal = os.path.join(args.build, "bin", "shoal-dhcp4")
    results["shoal"] = search(args, single(shoal, "shoal_bench", False, None,
                                           "shoal-%s-1node" % db.dialect),
                              "shoal-%s-1node" % db.dialect)

    def cluster(rate):
        db.empty_leases("shoal_bench", False)
        nodes = []
        try:
            for i in range(args.nodes):
                nodes.append(Server(shoal, lambda lp: config(db, "shoal_bench", "shoal", None, lp,
                                                             args.reservations),
                                    node_ports(i), workdir, "shoal-%s-node%d" % (db.dialect, i),
                                    loaded_line))
            return step(args, nodes, [node_ports(i) for i in range(args.nodes)], rate,
                        nodes[0].dir, "r%d" % rate, lambda: db.count_leases("shoal_bench"))
        finally:
            for n in nodes:
                n.stop()

    results["cluster"] = search(args, cluster, "shoal-%s-%dnodes" % (db.dialect, args.nodes))
    return results


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(os.path.dirname(here), "build"))
    ap.add_argument("--dialects", default="mysql,postgresql")
    ap.add_argument("--kea", default=shutil.which("kea-dhcp4") or "/usr/sbin/kea-dhcp4")
    ap.add_argument("--generator", choices=("dora-load", "perfdhcp"), default="dora-load",
                    help="load generator for both servers (default dora-load)")
    ap.add_argument("--dora-load", help="dora-load binary (default: BUILD/bin/dora-load)")
    ap.add_argument("--perfdhcp", default=shutil.which("perfdhcp") or "/usr/sbin/perfdhcp")
    ap.add_argument("--timeout", type=float, default=1.0,
                    help="dora-load: seconds after its DISCOVER an exchange counts as dropped")
    ap.add_argument("--kea-threads", default="2,8,32",
                    type=lambda s: [int(x) for x in s.split(",")])
    ap.add_argument("--nodes", type=int, default=3)
    ap.add_argument("--period", type=int, default=10)
    ap.add_argument("--clients", type=int, default=1000000, help="perfdhcp -R")
    ap.add_argument("--max-drops", type=float, default=1.0)
    ap.add_argument("--settle", type=float, default=30.0,
                    help="seconds to wait at most for the machine to be quiet before a step")
    ap.add_argument("--start-rate", type=int, default=100)
    ap.add_argument("--max-rate", type=int, default=20000)
    ap.add_argument("--resolution", type=float, default=0.1)
    ap.add_argument("--reservations", type=int, default=0,
                    help="host reservations in the hosts database of both servers (the lease "
                         "database): 3 in 10 of the generator's clients reserved, up to this "
                         "many, each an in-pool address; 0 = no hosts-database")
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    args.dora_load = args.dora_load or os.path.join(args.build, "bin", "dora-load")
    generator_binary = args.dora_load if args.generator == "dora-load" else args.perfdhcp
    if not os.access(generator_binary, os.X_OK):
        ap.error("%s not found or not executable: %s (%s)" % (
            args.generator, generator_binary,
            "build the dora-load target, or pass --dora-load" if args.generator == "dora-load"
            else "install kea-common, or pass --perfdhcp"))

    workdir = tempfile.mkdtemp(prefix="shoal-sqlbench-")
    log("work directory: %s; generator: %s" % (workdir, generator_binary))
    summary = {}
    for dialect in args.dialects.split(","):
        summary[dialect] = bench_dialect(args, Db(dialect), workdir)

    def fmt(r):
        if r and "error" in r:
            return "**FAILED** (see below)"
        if not r:
            return "none at <= max drops"
        return "%.0f/s (drops %.2f%%, %.0f us CPU/exchange)%s" % (
            r["rate"], r["drops"], r["cpu_us"], " (capped at --max-rate)" if r.get("capped")
            else "")

    def ok(r):
        return r and "error" not in r

    print("machine: %d cores, %s, load %s" % (os.cpu_count(), platform.release(),
                                             "%.1f %.1f %.1f" % os.getloadavg()))
    if args.reservations:
        print("host reservations: %d in the hosts database of each server (3 in 10 clients "
              "reserved, in-pool addresses)" % args.reservations)
    if args.generator == "dora-load":
        print("generator: dora-load (open loop, %d s per step, --timeout %g s: ACKs later than "
              "that count as drops), one per server" % (args.period, args.timeout))
    else:
        print("generator: perfdhcp (%d s per step, -R %d), one per server"
              % (args.period, args.clients))
    print("\n| database | Kea 2.2 best (threads) | shoal, 1 node | ratio | shoal, %d nodes "
          "(sum) | %d nodes / 1 node |" % (args.nodes, args.nodes))
    print("|---|---|---|---|---|---|")
    for dialect, r in summary.items():
        kea, shoal, cl = r["kea"], r["shoal"], r["cluster"]
        ratio = "%.1fx" % (shoal["rate"] / kea["rate"]) if ok(kea) and ok(shoal) else "-"
        cratio = "%.2f" % (cl["rate"] / shoal["rate"]) if ok(cl) and ok(shoal) else "-"
        print("| %s | %s (%s) | %s | %s | %s | %s |" % (
            dialect, fmt(kea), kea and kea["threads"], fmt(shoal), ratio, fmt(cl), cratio))
    print("\nper Kea thread-pool size:")
    for dialect, r in summary.items():
        for t in args.kea_threads:
            print("  %s kea threads %d: %s" % (dialect, t, fmt(r.get("kea-%s-t%d" % (dialect, t)))))
    failures = ["%s: %s" % (r["setup"], r["error"])
                for dialect, results in summary.items()
                for setup, r in results.items() if setup != "kea" and r and "error" in r]
    if failures:
        print("\nFAILED steps (%s):" % args.generator)
        for f in failures:
            print("  " + f)
    with open(os.path.join(workdir, "results.json"), "w") as f:
        json.dump({"generator": args.generator, "results": summary}, f, indent=1, default=str)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
