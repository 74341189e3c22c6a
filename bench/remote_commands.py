#!/usr/bin/env python3
"""Writing the configuration database at scale (docs/benchmarks.md).

On the test server of scripts/db.sh, in a scratch database:
1. import: writes a Kea Dhcp4 file with --subnets subnets (a /24 with one
   pool and one option each) and times `shoal-admin config-import` of it
   under one server tag (one revision, conflict checks included), then
   `config-export` of the same tag;
2. writes: starts one thin node for that tag (HTTP control socket) and
   sends --writes sequential remote-subnet4-set commands over one
   keep-alive HTTP connection, each a new /24 bound to the tag (so each is
   checked against the --subnets already there), and reports writes/s and
   the latency percentiles. By default the node follows every change
   meanwhile, as a serving node would (and re-applies its whole 10,000-subnet
   configuration for each, which takes most of a core: see #13 item 7);
   --fetch-wait 0 measures a management node that does not follow.

Kea 2.2 has no free equivalent to compare with (remote-* is its paid
cb_cmds hook, and it has no import), so the numbers stand alone.

Usage (after `scripts/db.sh start; source <(scripts/db.sh env)`):
  bench/remote_commands.py --build build --dialect mysql --subnets 10000 --writes 3000 [--fetch-wait 0]
"""

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))
import sqlcluster  # noqa: E402

TAG = "site-a"


def admin(args, env, database, verb, *extra):
    backend = "mysql" if env.dialect == "mysql" else "pgsql"
    argv = [os.path.join(args.build, "bin", "shoal-admin"), verb, backend, "-u", env.user,
            "-p", env.password, "-n", database.name, "-h", env.host, "-P", str(env.port)]
    return subprocess.run(argv + list(extra), capture_output=True, text=True, timeout=600)


def subnet_prefix(i):
    return f"10.{i // 256}.{i % 256}.0/24"


def write_file(path, count):
    subnets = []
    for i in range(count):
        net = f"10.{i // 256}.{i % 256}"
        subnets.append({"id": i + 1, "subnet": f"{net}.0/24",
                        "pools": [{"pool": f"{net}.10 - {net}.250"}],
                        "option-data": [{"name": "routers", "data": f"{net}.1"}]})
    with open(path, "w") as f:
        json.dump({"Dhcp4": {"valid-lifetime": 3600, "subnet4": subnets}}, f)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_node(args, env, database, workdir):
    port = free_port()
    db = {"type": env.dialect, "name": database.name, "host": env.host, "port": env.port,
          "user": env.user, "password": env.password}
    config = {"Dhcp4": {
        "server-tag": TAG,
        "interfaces-config": {"interfaces": []},
        "lease-database": {"type": "memfile", "persist": False},
        "config-control": {"config-databases": [db],
                           "config-fetch-wait-time": args.fetch_wait},
        "control-sockets": [{"socket-type": "http", "socket-address": "127.0.0.1",
                             "socket-port": port}],
        "loggers": [{"name": "shoal-dhcp4", "output_options": [{"output": "stdout"}],
                     "severity": "WARN"}]}}
    path = os.path.join(workdir, "node.json")
    with open(path, "w") as f:
        json.dump(config, f)
    log = open(os.path.join(workdir, "node.log"), "w")
    proc = subprocess.Popen([os.path.join(args.build, "bin", "shoal-dhcp4"), "-c", path],
                            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("POST", "/", json.dumps({"command": "list-commands"}),
                         {"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                return proc, conn
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the node did not start")


def percentile(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p / 100))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--dialect", choices=["mysql", "postgresql"], required=True)
    parser.add_argument("--subnets", type=int, default=10000)
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--fetch-wait", type=int, default=30,
                        help="the node's config-fetch-wait-time: 0 = it does not follow the "
                             "writes (a management node), otherwise it applies each as it lands")
    args = parser.parse_args()
    args.build = os.path.abspath(args.build)
    os.environ.setdefault("SHOAL_BINARY_DIR", args.build)
    env = sqlcluster.DbEnv(args.dialect)
    database = sqlcluster.ScratchDatabase(env, "remotebench")
    proc = None
    try:
        with tempfile.TemporaryDirectory(prefix="shoal-remote-bench-") as workdir:
            path = os.path.join(workdir, "big.json")
            write_file(path, args.subnets)
            start = time.monotonic()
            result = admin(args, env, database, "config-import", "-i", path, "-t", TAG)
            import_s = time.monotonic() - start
            if result.returncode != 0:
                raise SystemExit(f"config-import failed: {result.stderr}")
            start = time.monotonic()
            result = admin(args, env, database, "config-export", "-t", TAG, "-o",
                           os.path.join(workdir, "export.json"))
            export_s = time.monotonic() - start
            if result.returncode != 0:
                raise SystemExit(f"config-export failed: {result.stderr}")
            print(f"{args.dialect}: import of {args.subnets} subnets {import_s:.2f} s, "
                  f"export {export_s:.2f} s", flush=True)

            proc, conn = start_node(args, env, database, workdir)
            latencies = []
            refused = 0
            begin = time.monotonic()
            for i in range(args.writes):
                n = args.subnets + i
                net = f"10.{n // 256}.{n % 256}"
                body = json.dumps({"command": "remote-subnet4-set", "arguments": {
                    "subnets": [{"id": n + 1, "subnet": f"{net}.0/24",
                                 "shared-network-name": None,
                                 "pools": [{"pool": f"{net}.10 - {net}.250"}]}],
                    "server-tags": [TAG]}})
                t0 = time.monotonic()
                conn.request("POST", "/", body, {"Content-Type": "application/json"})
                reply = json.loads(conn.getresponse().read())
                latencies.append(time.monotonic() - t0)
                if reply.get("result") != 0:
                    refused += 1
                    if refused == 1:
                        print(f"refused: {reply}", flush=True)
            elapsed = time.monotonic() - begin
            latencies.sort()
            print(f"{args.dialect}: {args.writes} sequential remote-subnet4-set with "
                  f"{args.subnets}+ subnets in the database: {args.writes / elapsed:.0f} writes/s, "
                  f"latency p50 {percentile(latencies, 50) * 1000:.1f} ms, "
                  f"p99 {percentile(latencies, 99) * 1000:.1f} ms, refused {refused}, node "
                  f"{'following' if args.fetch_wait else 'not following'} the writes", flush=True)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        database.drop()


if __name__ == "__main__":
    main()
