#!/usr/bin/env python3
"""shoal-dhcp4 against Kea 2.2's kea-dhcp4, side by side, in one run.

Both servers get the same generated Dhcp4 configuration (memfile leases with
persist: true, one subnet on loopback, identical pool and lifetimes, Kea's
multi-threading section) and are measured in turn with two load generators:

- perfdhcp (Kea's own tool, the familiar reference), and
- dora-load (bench/dora_load.cc, built as bin/dora-load), a lean relay-style
  DORA generator costing a few microseconds per exchange: on a small machine
  perfdhcp saturates before the servers do, dora-load measures the servers.

For each server and generator the script finds the highest 4-way (DORA)
exchange rate the server sustains with at most --max-drops percent of
exchanges lost: it doubles the offered rate until a step fails, then bisects
between the last passing and the first failing rate. It also runs each
generator once without a rate: perfdhcp unthrottled (no -r), dora-load closed
loop (--window exchanges kept outstanding). Every step starts the server
afresh with an empty lease file.

"Drops" here counts whole exchanges: 1 - ACKs received / DISCOVERs sent,
so a lost OFFER and a lost ACK both count once. dora-load also counts an
exchange not ACKed within --timeout (1 s) as dropped.

When run as root with iproute2 available, each server and the generator run
inside a private network namespace (only its own loopback), so nothing else
on the host sees or disturbs the traffic. Otherwise they share the host's
loopback.

--smoke runs one short low-rate step per server and generator (and a short
closed-loop dora-load step) and fails (exit 1) unless both servers answer
every exchange; it is what ctest runs.

The script builds nothing: it expects a build directory (default: build/ in
the source tree) holding bin/shoal-dhcp4 and bin/dora-load.
"""

import argparse
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

SERVER_PORT = 1067
CLIENT_PORT = 1068
SKIP_EXIT = 77  # Kea or perfdhcp missing: ctest reports the smoke test as skipped


def log(message):
    print(message, file=sys.stderr, flush=True)


class Namespace:
    """A private network namespace with loopback up, or the host's."""

    def __init__(self, use):
        self.name = None
        if not use:
            return
        if os.geteuid() != 0 or shutil.which("ip") is None:
            log("note: not root or no 'ip': using the host loopback, no namespace")
            return
        name = "shoal-bench-%d" % os.getpid()
        if subprocess.run(["ip", "netns", "add", name]).returncode != 0:
            log("note: 'ip netns add' failed: using the host loopback")
            return
        self.name = name
        subprocess.run(["ip", "-n", name, "link", "set", "lo", "up"], check=True)

    def wrap(self, argv):
        return ["ip", "netns", "exec", self.name] + argv if self.name else argv

    def close(self):
        if self.name:
            subprocess.run(["ip", "netns", "del", self.name])
            self.name = None


def make_config(workdir, server, args):
    """The Dhcp4 configuration both servers get; only file names differ."""
    return {
        "Dhcp4": {
            "interfaces-config": {"interfaces": ["lo"], "dhcp-socket-type": "udp"},
            "lease-database": {
                "type": "memfile",
                "persist": True,
                "name": os.path.join(workdir, "leases4.csv"),
                "lfc-interval": 3600,
            },
            "valid-lifetime": 4000,
            "renew-timer": 1000,
            "rebind-timer": 2000,
            "multi-threading": {
                "enable-multi-threading": True,
                "thread-pool-size": args.kea_threads if server == "kea" else args.shoal_threads,
                "packet-queue-size": args.queue_size,
            },
            "subnet4": [
                {
                    "id": 1,
                    "subnet": "127.0.0.0/8",
                    "pools": [{"pool": "127.1.0.0 - 127.254.255.255"}],
                }
            ],
            "loggers": [
                {
                    "name": "kea-dhcp4" if server == "kea" else "shoal-dhcp4",
                    "output_options": [{"output": os.path.join(workdir, server + ".log")}],
                    "severity": "WARN",
                }
            ],
        }
    }


def udp_port_bound(ns, port):
    out = subprocess.run(ns.wrap(["cat", "/proc/net/udp"]), capture_output=True, text=True).stdout
    suffix = ":%04X" % port
    return any(len(f) > 1 and f[1].endswith(suffix)
               for f in (line.split() for line in out.splitlines()[1:]))


class Server:
    """One server process with a fresh work directory; a context manager."""

    def __init__(self, name, binary, ns, args, root):
        self.name, self.binary, self.ns, self.args = name, binary, ns, args
        self.dir = tempfile.mkdtemp(prefix=name + "-", dir=root)
        self.proc = None

    def __enter__(self):
        config_path = os.path.join(self.dir, "dhcp4.json")
        with open(config_path, "w") as f:
            json.dump(make_config(self.dir, self.name, self.args), f, indent=1)
        env = dict(os.environ, KEA_PIDFILE_DIR=self.dir, KEA_LOCKFILE_DIR=self.dir)
        argv = [self.binary, "-c", config_path, "-p", str(SERVER_PORT), "-P", str(CLIENT_PORT)]
        if self.args.server_cpus:
            argv = ["taskset", "-c", self.args.server_cpus] + argv
        self.out = open(os.path.join(self.dir, "stdout.log"), "w")
        self.proc = subprocess.Popen(self.ns.wrap(argv), stdout=self.out, stderr=subprocess.STDOUT,
                                     env=env, cwd=self.dir)
        deadline = time.monotonic() + 15
        while not udp_port_bound(self.ns, SERVER_PORT):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("%s did not start; see %s" % (self.name, self.dir))
            time.sleep(0.05)
        time.sleep(0.3)  # the port is bound slightly before the receive loop runs
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.out.close()
        self.proc = None

    def __exit__(self, *exc):
        self.stop()


def parse_perfdhcp(text):
    """Rate and per-exchange counters from perfdhcp's final report."""
    result = {"rate": 0.0}
    m = re.search(r"^Rate: ([0-9.]+) 4-way exchanges/second", text, re.M)
    if m:
        result["rate"] = float(m.group(1))
    for section, key in (("DISCOVER-OFFER", "do"), ("REQUEST-ACK", "ra")):
        m = re.search(r"Statistics for: %s\*+\n(.*?)(?:\n\n|\Z)" % section, text, re.S)
        stats = {}
        if m:
            for field in ("sent packets", "received packets", "drops"):
                f = re.search(r"^%s: (\d+)" % field, m.group(1), re.M)
                stats[field] = int(f.group(1)) if f else 0
        result[key] = stats
    sent = result["do"].get("sent packets", 0)
    acks = result["ra"].get("received packets", 0)
    result["discovers"] = sent
    result["acks"] = acks
    result["drops"] = 100.0 * (sent - acks) / sent if sent else 100.0
    return result


def udp_counters(ns, port):
    """(UDP receive-buffer errors in the namespace, drops on the socket bound to port)."""
    snmp = subprocess.run(ns.wrap(["cat", "/proc/net/snmp"]), capture_output=True, text=True).stdout
    rows = [line.split()[1:] for line in snmp.splitlines() if line.startswith("Udp:")]
    rcvbuf = int(dict(zip(rows[0], rows[1])).get("RcvbufErrors", 0)) if len(rows) >= 2 else 0
    table = subprocess.run(ns.wrap(["cat", "/proc/net/udp"]), capture_output=True, text=True).stdout
    socket_drops = 0
    for f in (line.split() for line in table.splitlines()[1:]):
        if len(f) > 12 and f[1].endswith(":%04X" % port):
            socket_drops += int(f[-1])
    return rcvbuf, socket_drops


def cpu_seconds(pid):
    """User + system CPU time of a process, all its threads."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def children_cpu_seconds():
    """User + system CPU time of all reaped children (the generator, once it exits)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_generator(ns, argv, period, workdir, label, server_pid):
    """Runs one generator step; returns (process, counters around it)."""
    rcvbuf_before, _ = udp_counters(ns, SERVER_PORT)
    cpu_before = cpu_seconds(server_pid)
    client_before = children_cpu_seconds()
    proc = subprocess.run(ns.wrap(argv), capture_output=True, text=True, timeout=period + 60)
    client_used = children_cpu_seconds() - client_before
    cpu_used = cpu_seconds(server_pid) - cpu_before
    rcvbuf_after, server_drops = udp_counters(ns, SERVER_PORT)
    with open(os.path.join(workdir, "%s.txt" % label), "w") as f:
        f.write(proc.stdout + proc.stderr)
    return proc, {
        # Datagrams the kernel dropped for a full receive buffer: at the
        # server's socket, and elsewhere in the namespace (the generator's
        # socket). Without a namespace the second figure includes the rest of
        # the host.
        "kernel_drops_server": server_drops,
        "kernel_drops_client": max(0, rcvbuf_after - rcvbuf_before - server_drops),
        "server_cpu_s": cpu_used,
        "client_cpu_s": client_used,
    }


def per_exchange(result):
    """CPU time per completed exchange: what the rate would be with a core each."""
    acks = result["acks"]
    result["cpu_us_per_exchange"] = 1e6 * result["server_cpu_s"] / acks if acks else 0.0
    result["client_cpu_us_per_exchange"] = 1e6 * result["client_cpu_s"] / acks if acks else 0.0
    return result


def run_perfdhcp(ns, args, rate, period, workdir, label, server_pid):
    argv = [args.perfdhcp, "-4", "-l", "127.0.0.1", "-L", str(CLIENT_PORT),
            "-N", str(SERVER_PORT), "-R", str(args.clients), "-p", str(period),
            "-W", "100000"]
    if rate:
        argv += ["-r", str(rate)]
    argv.append("127.0.0.1")
    if args.client_cpus:
        argv = ["taskset", "-c", args.client_cpus] + argv
    proc, counters = run_generator(ns, argv, period, workdir, "perfdhcp-" + label, server_pid)
    if proc.returncode not in (0, 3):  # 3: some exchanges failed
        raise RuntimeError("perfdhcp failed (%d): %s" % (proc.returncode, proc.stderr.strip()))
    result = parse_perfdhcp(proc.stdout)
    result.update(counters)
    result["offers_lost"] = result["do"].get("drops", 0)
    result["acks_lost"] = result["ra"].get("drops", 0)
    result["non_unique"] = 0  # perfdhcp does not check
    return per_exchange(result)


def run_dora_load(ns, args, rate, period, workdir, label, server_pid):
    """One dora-load step: --rate RATE, or closed loop (--window) when rate is 0."""
    argv = [args.dora_load, "--server", "127.0.0.1", "--server-port", str(SERVER_PORT),
            "--local", "127.0.0.1", "--local-port", str(CLIENT_PORT),
            "--duration", str(period), "--timeout", str(args.timeout), "--json"]
    argv += ["--rate", str(rate)] if rate else ["--window", str(args.window)]
    if args.client_cpus:
        argv = ["taskset", "-c", args.client_cpus] + argv
    proc, counters = run_generator(ns, argv, period, workdir, "dora-load-" + label, server_pid)
    if proc.returncode not in (0, 3):  # 3: an address was ACKed twice
        raise RuntimeError("dora-load failed (%d): %s" % (proc.returncode, proc.stderr.strip()))
    try:
        out = json.loads(proc.stdout)
    except ValueError:
        raise RuntimeError("dora-load printed no JSON: %r" % proc.stdout[:200])
    result = {"rate": out["completed-per-s"], "discovers": out["started"],
              "acks": out["completed"], "drops": out["drop-percent"],
              "offers_lost": out["dropped-no-offer"], "acks_lost": out["dropped-no-ack"],
              "non_unique": out["non-unique"] + out["ack-mismatch"],
              "latency_p99_us": out["latency-p99-us"], "dora_load": out}
    result.update(counters)
    return per_exchange(result)


GENERATORS = {"perfdhcp": run_perfdhcp, "dora-load": run_dora_load}


def measure(gen, server_name, binary, ns, args, root, rate):
    with Server(server_name, binary, ns, args, root) as server:
        if rate:
            label = "r%d" % rate
        else:
            label = "unthrottled" if gen == "perfdhcp" else "window%d" % args.window
        r = GENERATORS[gen](ns, args, rate, args.period, server.dir, label, server.proc.pid)
    if r["non_unique"]:
        raise RuntimeError("%s gave %d addresses to two clients (or ACKed another address than"
                           " offered) under %s; logs in %s" % (server_name, r["non_unique"], gen,
                                                             server.dir))
    if rate:
        verdict = "ok" if r["drops"] <= args.max_drops else "too many drops"
    else:
        verdict = "unthrottled" if gen == "perfdhcp" else "closed loop, window %d" % args.window
    log("  %-9s %-6s rate %-7s -> %9.1f/s  acks %8d  drops %6.2f%% (offers lost %d, acks lost"
        " %d; kernel drops: server %d, client %d)  CPU us/exchange: server %.1f, client %.1f  %s"
        % (gen, server_name, rate or "-", r["rate"], r["acks"], r["drops"], r["offers_lost"],
           r["acks_lost"], r["kernel_drops_server"], r["kernel_drops_client"],
           r["cpu_us_per_exchange"], r["client_cpu_us_per_exchange"], verdict))
    return r


def search(gen, server_name, binary, ns, args, root):
    """Highest sustained rate with drops <= max: doubling, then bisection."""
    best = None
    lo, hi = 0, None
    rate = args.start_rate
    while hi is None and rate <= args.max_rate:
        r = measure(gen, server_name, binary, ns, args, root, rate)
        if r["drops"] <= args.max_drops:
            lo = rate
            if best is None or r["rate"] > best["rate"]:
                best = dict(r, offered=rate)
            rate *= 2
        else:
            hi = rate
    if hi is not None:
        while hi - lo > max(lo * args.resolution, 50):
            rate = (lo + hi) // 2
            r = measure(gen, server_name, binary, ns, args, root, rate)
            if r["drops"] <= args.max_drops:
                lo = rate
                if best is None or r["rate"] > best["rate"]:
                    best = dict(r, offered=rate)
            else:
                hi = rate
    return best


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "kernel": platform.release(),
            "load": os.getloadavg()}


def version(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "unknown"


def main():
    src = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("build_dir", nargs="?", default=os.path.join(src, "build"),
                   help="build directory holding bin/shoal-dhcp4 and bin/dora-load (default: build/)")
    p.add_argument("--kea", default=shutil.which("kea-dhcp4") or "/usr/sbin/kea-dhcp4")
    p.add_argument("--perfdhcp", default=shutil.which("perfdhcp") or "/usr/sbin/perfdhcp")
    p.add_argument("--dora-load", help="dora-load binary (default: BUILD_DIR/bin/dora-load)")
    p.add_argument("--generator", choices=("both", "perfdhcp", "dora-load"), default="both",
                   help="load generator(s) to measure with (default both, perfdhcp first)")
    p.add_argument("--kea-threads", type=int, default=2,
                   help="Kea's multi-threading.thread-pool-size (default 2, one per core)")
    p.add_argument("--shoal-threads", type=int, default=0,
                   help="shoal's multi-threading.thread-pool-size (default 0: shoal's own "
                        "default, one thread for memfile)")
    p.add_argument("--queue-size", type=int, default=64,
                   help="multi-threading.packet-queue-size (Kea's default 64)")
    p.add_argument("--period", type=int, default=10, help="seconds per step")
    p.add_argument("--max-drops", type=float, default=1.0, help="percent of exchanges")
    p.add_argument("--clients", type=int, default=1000000, help="perfdhcp -R")
    p.add_argument("--window", type=int, default=32,
                   help="dora-load closed loop: exchanges kept outstanding (default 32, so at "
                        "most 32 requests wait in a server: below Kea's 64-packet queue)")
    p.add_argument("--timeout", type=float, default=1.0,
                   help="dora-load: seconds after its DISCOVER an exchange counts as dropped")
    p.add_argument("--start-rate", type=int, default=1000)
    p.add_argument("--max-rate", type=int, default=200000)
    p.add_argument("--resolution", type=float, default=0.05,
                   help="stop bisecting when the bracket is this fraction of the rate")
    p.add_argument("--rounds", type=int, default=1,
                   help="repeat the whole comparison, alternating the server order")
    p.add_argument("--servers", default="shoal,kea", help="comma-separated: shoal, kea")
    p.add_argument("--server-cpus", help="taskset -c list for the servers (default: none)")
    p.add_argument("--client-cpus", help="taskset -c list for the generator (default: none)")
    p.add_argument("--no-netns", action="store_true", help="use the host loopback")
    p.add_argument("--keep", action="store_true", help="keep the temp dir (logs, lease files)")
    p.add_argument("--json", help="also write the results as JSON to this file")
    p.add_argument("--smoke", action="store_true",
                   help="one short low-rate step per server and generator; exit 1 unless "
                        "both servers answer")
    args = p.parse_args()

    build_dir = os.path.abspath(args.build_dir)
    binaries = {"shoal": os.path.join(build_dir, "bin", "shoal-dhcp4"), "kea": args.kea}
    args.dora_load = args.dora_load or os.path.join(build_dir, "bin", "dora-load")
    generators = ["perfdhcp", "dora-load"] if args.generator == "both" else [args.generator]
    servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    for s in servers:
        if s not in binaries:
            p.error("unknown server '%s': expected shoal or kea" % s)
    if not os.access(binaries["shoal"], os.X_OK) and "shoal" in servers:
        p.error("shoal-dhcp4 not found or not executable: %s (build the shoal-dhcp4 target, "
                "or pass the build directory)" % binaries["shoal"])
    if "dora-load" in generators and not os.access(args.dora_load, os.X_OK):
        p.error("dora-load not found or not executable: %s (build the dora-load target, "
                "pass --dora-load, or use --generator perfdhcp)" % args.dora_load)
    missing = [b for b in ([args.kea] if "kea" in servers else []) +
               ([args.perfdhcp] if "perfdhcp" in generators else [])
               if not os.access(b, os.X_OK)]
    if missing:
        log("not found: %s (install kea-dhcp4-server and kea-common, or pass --kea/--perfdhcp)"
            % ", ".join(missing))
        return SKIP_EXIT

    root = tempfile.mkdtemp(prefix="shoal-bench-")
    ns = Namespace(not args.no_netns)
    info = machine()
    info["netns"] = bool(ns.name)
    log("machine: %d CPUs, %s, kernel %s, load %.2f %.2f %.2f"
        % (info["nproc"], info["cpu"], info["kernel"], *info["load"]))
    log("shoal: %s  kea: %s (%s)" % (binaries["shoal"], binaries["kea"],
                                      version([binaries["kea"], "-V"])))
    log("generators: %s; work dir: %s, namespace: %s"
        % (", ".join(generators), root, ns.name or "none (host loopback)"))
    failed = False
    results = []
    try:
        if args.smoke:
            steps = [(g, 50) for g in generators]
            if "dora-load" in generators:
                steps.append(("dora-load", 0))  # closed loop, too
            for s in servers:
                for gen, rate in steps:
                    r = measure(gen, s, binaries[s], ns, args, root, rate)
                    ok = r["discovers"] > 0 and r["acks"] > 0 and r["drops"] <= args.max_drops
                    if not ok:
                        log("SMOKE FAIL: %s answered %d of %d exchanges from %s; logs in %s"
                            % (s, r["acks"], r["discovers"], gen, root))
                        failed = True
            if not failed:
                log("smoke ok: %s answered %s" % (" and ".join(servers), " and ".join(generators)))
            return 1 if failed else 0

        for round_no in range(args.rounds):
            order = servers if round_no % 2 == 0 else list(reversed(servers))
            for gen in generators:
                for s in order:
                    log("round %d: %s with %s, search for the highest rate with <= %.1f%% drops"
                        % (round_no + 1, s, gen, args.max_drops))
                    best = search(gen, s, binaries[s], ns, args, root)
                    log("round %d: %s with %s, %s" % (
                        round_no + 1, s, gen,
                        "unthrottled" if gen == "perfdhcp" else "closed loop"))
                    free = measure(gen, s, binaries[s], ns, args, root, 0)
                    if best is None or best["acks"] == 0:
                        log("WARNING: %s sustained no tested rate; logs in %s" % (s, root))
                        failed = True
                    results.append({"round": round_no + 1, "generator": gen, "server": s,
                                    "best": best, "free": free})
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        log("FAIL: %s" % e)
        failed = True
        return 1
    finally:
        ns.close()
        if args.keep or failed:
            log("kept %s" % root)
        else:
            shutil.rmtree(root, ignore_errors=True)

    info["load_end"] = os.getloadavg()
    for gen in generators:
        print_table(gen, [r for r in results if r["generator"] == gen], servers, args)
    print()
    print("machine: %d CPUs (%s), kernel %s, load %.2f at start, %.2f at end; Kea threads %d"
          " (shoal: %s), queue %d, %d s per step, dora-load window %d, netns %s"
          % (info["nproc"], info["cpu"], info["kernel"], info["load"][0], info["load_end"][0],
             args.kea_threads, args.shoal_threads or "default", args.queue_size, args.period,
             args.window, "yes" if info["netns"] else "no"))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "args": vars(args), "results": results}, f, indent=1)
    return 1 if failed else 0


def print_table(gen, results, servers, args):
    """One Markdown table per generator, then the shoal/Kea ratios."""
    free_name = "unthrottled" if gen == "perfdhcp" else "closed-loop (window %d)" % args.window
    print()
    print("## %s" % gen)
    print()
    print("| round | server | sustained rate (4-way/s) | drops | offered rate | server CPU us/exchange"
          " | %s CPU us/exchange | %s rate (4-way/s) | %s drops | %s server CPU us/exchange |"
          % (gen, free_name, free_name, free_name))
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        b, u = r["best"], r["free"]
        print("| %d | %s | %s | %s | %s | %s | %s | %.0f | %.2f %% | %.1f |" % (
            r["round"], r["server"],
            "%.0f" % b["rate"] if b else "-", "%.2f %%" % b["drops"] if b else "-",
            b["offered"] if b else "-", "%.1f" % b["cpu_us_per_exchange"] if b else "-",
            "%.1f" % b["client_cpu_us_per_exchange"] if b else "-",
            u["rate"], u["drops"], u["cpu_us_per_exchange"]))
    if "shoal" not in servers or "kea" not in servers:
        return
    print()
    rounds = sorted({r["round"] for r in results})
    for n in rounds:
        rates = {r["server"]: r["best"]["rate"] if r["best"] else 0.0
                 for r in results if r["round"] == n}
        free = {r["server"]: r["free"]["rate"] for r in results if r["round"] == n}
        if rates.get("kea") and free.get("kea"):
            print("%s round %d ratio shoal/Kea: sustained rate %.2f, %s rate %.2f"
                  % (gen, n, rates["shoal"] / rates["kea"], free_name,
                     free["shoal"] / free["kea"]))

    def best(s, key):
        vals = [r[key]["rate"] for r in results if r["server"] == s and r[key]]
        return max(vals) if vals else 0.0

    for key, name in (("best", "sustained rate at <= %.1f %% drops" % args.max_drops),
                      ("free", free_name + " rate")):
        kea = best("kea", key)
        print("%s ratio shoal/Kea (best %s over all rounds): %.0f / %.0f = %.2f"
              % (gen, name, best("shoal", key), kea, best("shoal", key) / kea if kea else
                 float("inf")))


if __name__ == "__main__":
    sys.exit(main())
