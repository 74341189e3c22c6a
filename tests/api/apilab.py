"""apilab: drive a real shoal-dhcp4 process through its control API.

What it promises:
- ApiServer starts SHOAL_BINARY_DIR/bin/shoal-dhcp4 with a configuration that
  opens an HTTP control socket on a free 127.0.0.1 port and a UNIX control
  socket in a scratch directory, and stops it (SIGTERM, then SIGKILL) when the
  test ends, also on failure.
- http(), curl(), unix() and shell() send one command over HTTP (Python
  http.client), curl, the UNIX socket (Python socket) and kea-shell
  (/usr/sbin/kea-shell, Debian package kea-ctrl-agent) and return the parsed
  JSON reply.
- An optional `netns` runs the server and every client inside that network
  namespace (ip netns exec), for tests that also send DHCP traffic.
Only the Python 3 standard library is used.
"""

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import netlab  # noqa: E402,F401  (shared e2e helpers: namespaces, lease file reader)
from netlab import TestFailure, check, wait_for  # noqa: E402,F401

KEA_SHELL = "/usr/sbin/kea-shell"


def free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_config(workdir, http_port, interfaces=(), subnets=None, **globals_):
    dhcp4 = {
        "interfaces-config": {"interfaces": list(interfaces)},
        "lease-database": {"type": "memfile", "persist": True,
                           "name": os.path.join(workdir, "leases4.csv"), "lfc-interval": 0},
        "valid-lifetime": 4000,
        "renew-timer": 1000,
        "rebind-timer": 2000,
        "subnet4": subnets if subnets is not None else [
            {"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.2.10 - 192.0.2.50"}],
             "option-data": [{"name": "routers", "data": "192.0.2.1"}]},
            {"id": 2, "subnet": "198.51.100.0/24",
             "pools": [{"pool": "198.51.100.10 - 198.51.100.20"}]},
        ],
        "control-sockets": [
            {"socket-type": "unix", "socket-name": os.path.join(workdir, "ctrl.sock")},
            {"socket-type": "http", "socket-address": "127.0.0.1", "socket-port": http_port},
        ],
        "loggers": [{"name": "shoal-dhcp4", "output_options": [{"output": "stdout"}],
                     "severity": "INFO"}],
    }
    dhcp4.update(globals_)
    return {"Dhcp4": dhcp4}


class ApiServer:
    def __init__(self, workdir, config, args=(), netns=None):
        self.workdir = workdir
        self.config_path = os.path.join(workdir, "shoal-dhcp4.json")
        self.log_path = os.path.join(workdir, "shoal.log")
        self.args = list(args)
        self.netns = netns
        self.proc = None
        self.write_config(config)
        sockets = config["Dhcp4"]["control-sockets"]
        self.http_port = next(s["socket-port"] for s in sockets if s["socket-type"] == "http")
        self.unix_path = next(s["socket-name"] for s in sockets if s["socket-type"] == "unix")

    def wrap(self, argv):
        return (["ip", "netns", "exec", self.netns] if self.netns else []) + list(argv)

    def write_config(self, config):
        with open(self.config_path, "w") as f:
            json.dump(config, f, indent=2)

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def start(self):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            self.wrap([netlab.shoal_binary(), "-c", self.config_path] + self.args),
            stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir)
        log.close()

        def ready():
            if self.proc.poll() is not None:
                raise TestFailure(f"shoal-dhcp4 exited with code {self.proc.returncode} at "
                                  f"start-up:\n{self.log()}")
            if "serving with" not in self.log():
                return False
            try:
                return self.http("list-commands")["result"] == 0
            except OSError:
                return False

        wait_for(ready, 30, "shoal-dhcp4 to start and answer on its HTTP control socket")
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if not self.alive():
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            raise TestFailure("shoal-dhcp4 did not stop within 30 s of SIGTERM")

    # --- transports ---------------------------------------------------

    def _in_ns(self):
        """Runs the socket code below inside the server's namespace, if any."""
        if not self.netns:
            return None
        fd = os.open(f"/run/netns/{self.netns}", os.O_RDONLY)
        return fd

    def raw_http(self, body, content_type="application/json", method="POST"):
        """Sends `body` (str) over HTTP; returns (status, parsed JSON body)."""
        if self.netns:
            sock = netlab.socket_in_namespace(self.netns, socket.AF_INET, socket.SOCK_STREAM)
            sock.settimeout(30)
            sock.connect(("127.0.0.1", self.http_port))
            conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=30)
            conn.sock = sock
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=30)
        try:
            headers = {"Content-Type": content_type} if content_type else {}
            conn.request(method, "/", body=body.encode(), headers=headers)
            response = conn.getresponse()
            data = response.read()
            return response.status, json.loads(data)
        finally:
            conn.close()

    def http(self, command, arguments=None, service=None):
        request = {"command": command}
        if arguments is not None:
            request["arguments"] = arguments
        if service is not None:
            request["service"] = service
        status, reply = self.raw_http(json.dumps(request))
        check(status == 200, f"HTTP status {status} for {command}: {reply}")
        return reply

    def curl(self, command, arguments=None):
        request = {"command": command}
        if arguments is not None:
            request["arguments"] = arguments
        result = subprocess.run(
            self.wrap(["curl", "-sS", "-X", "POST", "-H", "Content-Type: application/json",
                       "--data-binary", json.dumps(request),
                       f"http://127.0.0.1:{self.http_port}/"]),
            capture_output=True, text=True, timeout=60)
        check(result.returncode == 0, f"curl failed for {command}: {result.stderr}")
        return json.loads(result.stdout)

    def raw_unix(self, text):
        if self.netns:  # UNIX sockets do not depend on the network namespace
            pass
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(30)
            s.connect(self.unix_path)
            s.sendall(text.encode())
            s.shutdown(socket.SHUT_WR)
            chunks = []
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        return json.loads(b"".join(chunks))

    def unix(self, command, arguments=None):
        request = {"command": command}
        if arguments is not None:
            request["arguments"] = arguments
        return self.raw_unix(json.dumps(request))

    def shell(self, command, arguments=None, service=True):
        """kea-shell; `arguments` is a dict whose items become kea-shell's stdin."""
        stdin = ""
        if arguments:
            stdin = json.dumps(arguments)[1:-1]  # kea-shell wraps stdin in { }
        argv = [KEA_SHELL, "--host", "127.0.0.1", "--port", str(self.http_port)]
        if service:
            argv += ["--service", "dhcp4"]
        argv.append(command)
        result = subprocess.run(self.wrap(argv), input=stdin, capture_output=True, text=True,
                                timeout=60)
        check(result.returncode == 0,
              f"kea-shell {command} exited with {result.returncode}: {result.stdout}{result.stderr}")
        reply = json.loads(result.stdout)
        if service:
            check(isinstance(reply, list) and len(reply) == 1,
                  f"kea-shell --service dhcp4 {command}: expected a one-element list, got {reply}")
            return reply[0]
        return reply


class Scratch:
    """A temporary directory, removed on success and kept on failure."""

    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="shoal-api-")
        os.chmod(self.path, 0o755)
        return self.path

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            shutil.rmtree(self.path, ignore_errors=True)
        else:
            print(f"scratch directory kept for inspection: {self.path}", flush=True)
        return False


def expect(reply, result, text=None, what=""):
    """Checks one reply's result code (and text, exact or a callable)."""
    check(isinstance(reply, dict), f"{what}: expected a map reply, got {reply}")
    check(reply.get("result") == result,
          f"{what}: expected result {result}, got {json.dumps(reply)[:2000]}")
    if text is not None:
        ok = text(reply.get("text", "")) if callable(text) else reply.get("text") == text
        check(ok, f"{what}: unexpected text {reply.get('text')!r}")
    return reply


def run_main(name, body):
    try:
        body()
    except TestFailure as e:
        print(f"FAIL {name}: {e}", flush=True)
        sys.exit(1)
    print(f"PASS {name}", flush=True)
    sys.exit(0)


def start_perfdhcp(lab, ns, server_port, client_port, args):
    """perfdhcp as a relay on loopback in `ns` against a node started with
    -p server_port -P client_port; returns (process, log path)."""
    perfdhcp = netlab.require_tool("perfdhcp", "kea-common")
    log_path = lab.path("perfdhcp.log")
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            ns.cmd([perfdhcp, "-4", "-l", "127.0.0.1", "-L", str(client_port), "-N",
                    str(server_port)] + list(args) + ["127.0.0.1"]),
            stdout=log, stderr=subprocess.STDOUT)
    lab.processes.append((proc, log_path))
    return proc, log_path


def finish_perfdhcp(proc, log_path):
    """Waits for perfdhcp, prints and returns its report; exit codes 0 and 3
    (packets lost) are fine."""
    proc.wait(timeout=120)
    with open(log_path) as f:
        output = f.read()
    print(output)
    check(proc.returncode in (0, 3), f"perfdhcp failed with exit code {proc.returncode}")
    return output
