"""netlab: network namespaces, real DHCP clients and shoal-dhcp4 processes for
shoal's end-to-end tests.

What it promises:
- Every namespace it creates is named "shoal-e2e-<pid>-<role>" (pid of the test
  process), holds only addresses from 192.0.2.0/24 or loopback, and is deleted
  when the Lab is left, also when the test fails or raises. Namespaces left by
  an earlier test process that no longer exists (a test killed with SIGKILL
  on a ctest timeout) are removed when the next Lab starts.
- Every process it starts (shoal-dhcp4, dhclient, udhcpc, perfdhcp) is tracked
  by pid and stopped when the Lab is left. Nothing runs in the host's network
  namespace, and the host's /etc/resolv.conf is never touched (clients run
  with tests/e2e/client-script.sh, which only records what the client got and
  configures the address and default route inside the client namespace).
- Scratch files (configs, lease files, logs) live in one temporary directory,
  removed on success and kept (path printed) on failure for post-mortem; one
  left by a killed test process is removed by the next Lab.

Tests must run as root; run_test() fails with a clear message otherwise.
Only the Python 3 standard library is used.
"""

import ctypes
import ipaddress
import json
import os
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback

NS_PREFIX = "shoal-e2e-"
HERE = os.path.dirname(os.path.abspath(__file__))
CLIENT_SCRIPT = os.path.join(HERE, "client-script.sh")
KEPT = "KEPT-AFTER-FAILURE"  # marks a failed test's scratch directory


class TestFailure(Exception):
    """A check of an end-to-end test did not hold."""


def check(condition, message):
    if not condition:
        raise TestFailure(message)


def wait_for(predicate, timeout, what, interval=0.2):
    """Polls predicate() until it returns a true value (returned) or raises
    TestFailure naming `what` after `timeout` seconds. The timeout is a
    liveness bound only: no test asserts how fast anything is."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TestFailure(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def shoal_binary():
    binary_dir = os.environ.get("SHOAL_BINARY_DIR")
    if not binary_dir:
        raise TestFailure("SHOAL_BINARY_DIR is not set: run the e2e tests through ctest "
                          "(ctest --test-dir build -L e2e) or set it to the build directory")
    path = os.path.join(binary_dir, "bin", "shoal-dhcp4")
    if not os.access(path, os.X_OK):
        raise TestFailure(f"{path} does not exist or is not executable: build the "
                          "shoal-dhcp4 target first (scripts/build.sh)")
    return path


def require_tool(name, package):
    path = shutil.which(name) or (f"/usr/sbin/{name}" if os.access(f"/usr/sbin/{name}", os.X_OK)
                                  else None)
    if path is None:
        raise TestFailure(f"'{name}' is not installed: install the Debian package {package} "
                          "(scripts/install-deps.sh installs it)")
    return path


def run(argv, check_rc=True, timeout=60, **kwargs):
    """Runs a command to completion; returns CompletedProcess (text)."""
    result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            timeout=timeout, **kwargs)
    if check_rc and result.returncode != 0:
        raise TestFailure(f"command {' '.join(argv)} failed with exit code "
                          f"{result.returncode}:\n{result.stdout}{result.stderr}")
    return result


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def _list_namespaces():
    out = run(["ip", "netns", "list"], check_rc=False).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def _delete_namespace(name):
    # Processes still inside the namespace are the ones our tests started in
    # it (clients, servers); stop them first so the namespace really goes.
    pids = run(["ip", "netns", "pids", name], check_rc=False).stdout.split()
    for pid in pids:
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass
    run(["ip", "netns", "del", name], check_rc=False)


def remove_stale_namespaces():
    """Deletes shoal-e2e-<pid>-* namespaces, and scratch directories not kept
    on purpose (after a failure), whose test process is gone."""
    pattern = re.compile(re.escape(NS_PREFIX) + r"(\d+)-")

    def stale(name):
        m = pattern.match(name)
        return m and int(m.group(1)) != os.getpid() and not _pid_alive(int(m.group(1)))

    for name in _list_namespaces():
        if stale(name):
            _delete_namespace(name)
    scratch = tempfile.gettempdir()
    for name in os.listdir(scratch):
        path = os.path.join(scratch, name)
        if stale(name) and os.path.isdir(path) and not os.path.exists(os.path.join(path, KEPT)):
            shutil.rmtree(path, ignore_errors=True)


# --- sockets inside a namespace ----------------------------------------------

_CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def socket_in_namespace(ns_name, family=socket.AF_INET, type_=socket.SOCK_DGRAM):
    """Creates a socket that belongs to network namespace `ns_name`.

    setns() changes only the calling thread, so a short-lived thread enters
    the namespace and creates the socket; the socket keeps its namespace for
    its whole life, whichever thread uses it."""
    result = {}

    def body():
        fd = os.open(f"/run/netns/{ns_name}", os.O_RDONLY)
        try:
            if _libc.setns(fd, _CLONE_NEWNET) != 0:
                err = ctypes.get_errno()
                result["error"] = OSError(err, f"setns({ns_name}): {os.strerror(err)}")
                return
            result["socket"] = socket.socket(family, type_)
        finally:
            os.close(fd)

    t = threading.Thread(target=body)
    t.start()
    t.join()
    if "error" in result:
        raise result["error"]
    return result["socket"]


# --- namespaces, links, processes ---------------------------------------------


class Namespace:
    def __init__(self, lab, name):
        self.lab = lab
        self.name = name

    def cmd(self, argv):
        return ["ip", "netns", "exec", self.name] + list(argv)

    def run(self, argv, check_rc=True, timeout=60, **kwargs):
        return run(self.cmd(argv), check_rc=check_rc, timeout=timeout, **kwargs)

    def spawn(self, argv, log_name, **kwargs):
        return self.lab.spawn(self.cmd(argv), log_name, **kwargs)

    def ip(self, *args):
        return run(["ip", "-n", self.name] + list(args)).stdout

    def addresses(self, ifname):
        out = self.ip("-4", "-o", "addr", "show", "dev", ifname)
        return re.findall(r"inet (\d+\.\d+\.\d+\.\d+)/", out)

    def socket(self, family=socket.AF_INET, type_=socket.SOCK_DGRAM):
        return socket_in_namespace(self.name, family, type_)


class Lab:
    """One test's network: namespaces, links, processes and a scratch dir.

    Use as a context manager; leaving it stops every process and deletes
    every namespace it created."""

    def __init__(self, test_name):
        self.test_name = test_name
        self.namespaces = []
        self.processes = []  # (Popen, log path)
        self.failed = False
        self.dir = tempfile.mkdtemp(prefix=f"{NS_PREFIX}{os.getpid()}-{test_name}-")
        os.chmod(self.dir, 0o755)

    def __enter__(self):
        remove_stale_namespaces()
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            self.failed = True
        self.close()
        return False

    def close(self):
        for proc, _ in reversed(self.processes):
            if proc.poll() is None:
                try:
                    proc.terminate()
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
        for ns in reversed(self.namespaces):
            _delete_namespace(ns.name)
        self.namespaces = []
        if self.failed:
            with open(os.path.join(self.dir, KEPT), "w"):
                pass
            print(f"netlab: scratch files kept in {self.dir}", flush=True)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def namespace(self, role):
        name = f"{NS_PREFIX}{os.getpid()}-{role}"
        if name in _list_namespaces():
            _delete_namespace(name)
        run(["ip", "netns", "add", name])
        ns = Namespace(self, name)
        self.namespaces.append(ns)
        ns.ip("link", "set", "lo", "up")
        return ns

    def bridge(self, ns, name="br-s", address="192.0.2.1/24"):
        """A bridge in `ns` (the server's LAN) with `address` on it."""
        ns.ip("link", "add", name, "type", "bridge")
        if address:
            ns.ip("addr", "add", address, "dev", name)
        ns.ip("link", "set", name, "up")

    def link(self, server_ns, client_ns, server_if="veth-s", client_if="veth-c",
             server_address="192.0.2.1/24", client_mac=None, bridge=None):
        """A veth pair created directly inside the two namespaces (it never
        appears in the host's namespace). With `bridge`, the server end is a
        port of that bridge and gets no address."""
        args = ["link", "add", server_if, "type", "veth", "peer", "name", client_if, "netns",
                client_ns.name]
        server_ns.ip(*args)
        if client_mac:
            client_ns.ip("link", "set", "dev", client_if, "address", client_mac)
        if bridge:
            server_ns.ip("link", "set", server_if, "master", bridge)
        elif server_address:
            server_ns.ip("addr", "add", server_address, "dev", server_if)
        server_ns.ip("link", "set", server_if, "up")
        client_ns.ip("link", "set", client_if, "up")

    def spawn(self, argv, log_name, cwd=None, env=None):
        log_path = self.path(log_name)
        log = open(log_path, "ab")
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=cwd or self.dir, env=env)
        log.close()
        self.processes.append((proc, log_path))
        return proc

    def dump_logs(self):
        for proc, log_path in self.processes:
            try:
                with open(log_path, errors="replace") as f:
                    text = f.read()
            except OSError:
                continue
            lines = text.splitlines()
            print(f"----- {os.path.basename(log_path)} (last {min(len(lines), 80)} of "
                  f"{len(lines)} lines) -----")
            print("\n".join(lines[-80:]))


# --- shoal-dhcp4 --------------------------------------------------------------


def memfile_config(interfaces, subnets, lease_file="leases4.csv", severity="DEBUG", **globals_):
    """A Kea Dhcp4 configuration dict with a memfile lease database."""
    dhcp4 = {
        "interfaces-config": {"interfaces": list(interfaces)},
        "lease-database": {"type": "memfile", "persist": True, "name": lease_file,
                           "lfc-interval": 0},
        "valid-lifetime": 4000,
        "renew-timer": 1000,
        "rebind-timer": 2000,
        "subnet4": subnets,
        "loggers": [{"name": "shoal-dhcp4", "output_options": [{"output": "stdout"}],
                     "severity": severity, "debuglevel": 99}],
    }
    dhcp4.update(globals_)
    return {"Dhcp4": dhcp4}


class ShoalServer:
    """A shoal-dhcp4 process in a namespace, working in its own directory."""

    def __init__(self, lab, ns, config, name="shoal", args=(), debug=True):
        self.lab = lab
        self.ns = ns
        self.name = name
        self.workdir = lab.path(name)
        os.makedirs(self.workdir, exist_ok=True)
        self.config_path = os.path.join(self.workdir, "shoal-dhcp4.json")
        self.log_path = lab.path(f"{name}.log")
        self.args = (["-d"] if debug else []) + list(args)
        self.proc = None
        self.write_config(config)

    def write_config(self, config):
        text = config if isinstance(config, str) else json.dumps(config, indent=2)
        tmp = self.config_path + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, self.config_path)

    def lease_file(self):
        with open(self.config_path) as f:
            text = f.read()
        try:
            name = json.loads(text)["Dhcp4"]["lease-database"]["name"]
        except (ValueError, KeyError):
            name = "leases4.csv"
        return name if os.path.isabs(name) else os.path.join(self.workdir, name)

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def start(self):
        check(self.proc is None or self.proc.poll() is not None, "server already running")
        start_offset = len(self.log())
        self.proc = self.ns.spawn([shoal_binary(), "-c", self.config_path] + self.args,
                                  os.path.basename(self.log_path), cwd=self.workdir)

        def ready():
            if self.proc.poll() is not None:
                raise TestFailure(f"shoal-dhcp4 exited with code {self.proc.returncode} at "
                                  f"start-up:\n{self.log()[start_offset:]}")
            return "serving with" in self.log()[start_offset:]

        wait_for(ready, 30, "shoal-dhcp4 to start serving")
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def check_alive(self):
        if not self.alive():
            raise TestFailure(f"shoal-dhcp4 is not running any more (exit code "
                              f"{self.proc.returncode if self.proc else None})")

    def count_in_log(self, text):
        return self.log().count(text)

    def reload(self, expect_ok=True):
        """SIGHUP, then waits for the log line saying the reload was applied
        (or, with expect_ok=False, rejected)."""
        marker = "configuration applied" if expect_ok else "configuration reload failed"
        before = self.count_in_log(marker)
        self.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: self.count_in_log(marker) > before, 30,
                 f"shoal-dhcp4 to log '{marker}' after SIGHUP")
        self.check_alive()

    def stop(self):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                raise TestFailure("shoal-dhcp4 did not stop within 30 s of SIGTERM")
            check(rc == 0, f"shoal-dhcp4 exited with code {rc} after SIGTERM")

    def kill9(self):
        self.proc.kill()
        self.proc.wait(timeout=10)

    def lease_rows(self):
        return read_lease_file(self.lease_file())

    def leases(self):
        return current_leases(self.lease_rows())


def read_lease_file(path):
    """Rows of a Kea memfile lease file as dicts (column name -> text)."""
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        lines = f.read().splitlines()
    if not lines:
        return []
    header = lines[0].split(",")
    rows = []
    for line in lines[1:]:
        if not line:
            continue
        fields = line.split(",")
        if len(fields) != len(header):
            raise TestFailure(f"lease file {path}: row '{line}' has {len(fields)} fields, "
                              f"the header has {len(header)}")
        rows.append(dict(zip(header, fields)))
    return rows


def current_leases(rows):
    """address -> last row, without deleted leases (Kea: last entry wins,
    valid_lifetime 0 = deleted)."""
    last = {}
    for row in rows:
        last[row["address"]] = row
    return {a: r for a, r in last.items() if int(r["valid_lifetime"]) != 0}


def rows_for(rows, address):
    return [r for r in rows if r["address"] == address]


# --- DHCP clients -------------------------------------------------------------


def client_wrapper(lab, name):
    """A per-client script for dhclient -sf / udhcpc -s that calls
    client-script.sh with this client's record file. (dhclient runs its
    script with an environment of its own, so the record file is passed as an
    argument by the wrapper instead.)"""
    record = lab.path(f"{name}.events")
    wrapper = lab.path(f"{name}-script.sh")
    with open(wrapper, "w") as f:
        f.write(f"#!/bin/sh\nexec /bin/sh '{CLIENT_SCRIPT}' '{record}' \"$@\"\n")
    os.chmod(wrapper, 0o755)
    return wrapper, record


def read_events(record):
    """The events client-script.sh recorded: a list of dicts of the client's
    environment variables, plus '_event' = reason (dhclient) or $1 (udhcpc)."""
    try:
        with open(record, errors="replace") as f:
            text = f.read()
    except FileNotFoundError:
        return []
    events = []
    for block in text.split("=== event ")[1:]:
        lines = block.splitlines()
        env = {"_event": lines[0].strip()}
        for line in lines[1:]:
            if "=" in line:
                k, v = line.split("=", 1)
                env[k] = v
        events.append(env)
    return events


def find_event(record, names):
    for e in read_events(record):
        if e["_event"] in names:
            return e
    return None


class Dhclient:
    """isc-dhcp-client in a client namespace, with its own lease, pid and
    config files in the scratch directory."""

    REQUEST = ("request subnet-mask, broadcast-address, time-offset, routers,\n"
               "        domain-name, domain-name-servers, host-name, interface-mtu;\n"
               "timeout 30;\nretry 5;\n")

    def __init__(self, lab, ns, ifname, name="dhclient"):
        self.binary = require_tool("dhclient", "isc-dhcp-client")
        self.lab, self.ns, self.ifname, self.name = lab, ns, ifname, name
        self.script, self.record = client_wrapper(lab, name)
        self.lease_file = lab.path(f"{name}.leases")
        self.pid_file = lab.path(f"{name}.pid")
        self.conf = lab.path(f"{name}.conf")
        with open(self.conf, "w") as f:
            f.write(self.REQUEST)
        self.proc = None

    def base_args(self):
        return [self.binary, "-4", "-v", "-sf", self.script, "-lf", self.lease_file, "-pf",
                self.pid_file, "-cf", self.conf]

    def start(self):
        """dhclient -d in the background: gets a lease, then renews it."""
        self.proc = self.ns.spawn(self.base_args() + ["-d", self.ifname], f"{self.name}.log")
        return self

    def wait_bound(self, timeout=60):
        def bound():
            if self.proc is not None and self.proc.poll() is not None:
                raise TestFailure(f"dhclient exited with code {self.proc.returncode} before "
                                  "getting a lease")
            return find_event(self.record, ("BOUND", "REBOOT"))
        return wait_for(bound, timeout, f"dhclient ({self.name}) to get a lease")

    def release(self):
        result = self.ns.run(self.base_args() + ["-r", self.ifname], check_rc=False, timeout=60)
        with open(self.lab.path(f"{self.name}.log"), "a") as f:
            f.write(result.stdout + result.stderr)
        check(result.returncode == 0, f"dhclient -r failed with exit code {result.returncode}:\n"
              f"{result.stdout}{result.stderr}")
        if self.proc is not None:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass

    def stop(self):
        """SIGTERM: dhclient exits and keeps its lease (no DHCPRELEASE)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


# --- a tiny DHCPv4 client for probes --------------------------------------------

MAGIC_COOKIE = b"\x63\x82\x53\x63"
DISCOVER, OFFER, REQUEST, DECLINE, ACK, NAK, RELEASE, INFORM = 1, 2, 3, 4, 5, 6, 7, 8
MESSAGE_NAMES = {1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 4: "DECLINE", 5: "ACK", 6: "NAK",
                 7: "RELEASE", 8: "INFORM"}


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def random_mac(rng=random):
    return ":".join(["02"] + [f"{rng.randrange(256):02x}" for _ in range(5)])


def build_packet(msg_type, chaddr, xid, ciaddr="0.0.0.0", giaddr="0.0.0.0", flags=0x8000,
                 options=(), hops=0):
    """A BOOTREQUEST with DHCP message type `msg_type` and extra options
    [(code, bytes)], padded to the BOOTP minimum of 300 bytes."""
    hw = mac_bytes(chaddr) if isinstance(chaddr, str) else chaddr
    head = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, len(hw), hops, xid, 0, flags,
                       socket.inet_aton(ciaddr), b"\0" * 4, b"\0" * 4, socket.inet_aton(giaddr),
                       hw.ljust(16, b"\0"), b"", b"")
    opts = bytes([53, 1, msg_type])
    for code, data in options:
        opts += bytes([code, len(data)]) + data
    opts += b"\xff"
    packet = head + MAGIC_COOKIE + opts
    return packet.ljust(300, b"\0")


def parse_packet(data):
    """A reply as a dict (op, xid, yiaddr, chaddr, options {code: bytes},
    type), or None if it is not a DHCP message."""
    if len(data) < 240 or data[236:240] != MAGIC_COOKIE:
        return None
    op, htype, hlen, hops, xid, secs, flags = struct.unpack("!BBBBIHH", data[:12])
    ciaddr, yiaddr, siaddr, giaddr = (socket.inet_ntoa(data[i:i + 4]) for i in (12, 16, 20, 24))
    options = {}
    i = 240
    while i < len(data):
        code = data[i]
        if code == 255:
            break
        if code == 0:
            i += 1
            continue
        if i + 1 >= len(data):
            return None
        length = data[i + 1]
        options[code] = options.get(code, b"") + data[i + 2:i + 2 + length]
        i += 2 + length
    msg = options.get(53, b"\0")
    return {"op": op, "xid": xid, "flags": flags, "ciaddr": ciaddr, "yiaddr": yiaddr,
            "siaddr": siaddr, "giaddr": giaddr, "chaddr": data[28:28 + min(hlen, 16)],
            "options": options, "type": msg[0] if msg else 0}


class ProbeClient:
    """Sends DHCP requests from Python and waits for the matching reply.

    mode "direct": from a client namespace on a link (bound to 0.0.0.0:68 on
    `ifname`, broadcast to 255.255.255.255:server_port, broadcast flag set).
    mode "relay": as a relay agent on loopback (giaddr 127.0.0.1, sent to
    127.0.0.1:server_port, replies arrive on 127.0.0.1:client_port)."""

    def __init__(self, ns, mode="direct", ifname=None, server_port=67, client_port=68):
        self.mode = mode
        self.server_port = server_port
        self.sock = ns.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        if mode == "direct":
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
            self.sock.bind(("0.0.0.0", client_port))
            self.destination = ("255.255.255.255", server_port)
            self.giaddr = "0.0.0.0"
        else:
            self.sock.bind(("127.0.0.1", client_port))
            self.destination = ("127.0.0.1", server_port)
            self.giaddr = "127.0.0.1"

    def close(self):
        self.sock.close()

    def exchange(self, packet, xid, timeout=10, retransmit=1.0):
        """Sends `packet` (again every `retransmit` s) until a reply with
        `xid` arrives; returns it parsed, or None after `timeout` s."""
        deadline = time.monotonic() + timeout
        next_send = 0.0
        while True:
            now = time.monotonic()
            if now >= deadline:
                return None
            if now >= next_send:
                self.sock.sendto(packet, self.destination)
                next_send = now + retransmit
            self.sock.settimeout(max(0.01, min(next_send, deadline) - now))
            try:
                data, _ = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            reply = parse_packet(data)
            if reply and reply["op"] == 2 and reply["xid"] == xid:
                return reply

    def discover(self, mac, requested=None, timeout=10):
        xid = random.getrandbits(32)
        options = [(61, b"\x01" + mac_bytes(mac))]
        if requested:
            options.append((50, socket.inet_aton(requested)))
        options.append((55, bytes([1, 3, 6, 12, 15, 51, 54])))
        return self.exchange(build_packet(DISCOVER, mac, xid, giaddr=self.giaddr, options=options),
                             xid, timeout)

    def request(self, mac, address, server_id=None, timeout=10):
        """REQUEST in SELECTING state (with server_id) or INIT-REBOOT."""
        xid = random.getrandbits(32)
        options = [(61, b"\x01" + mac_bytes(mac)), (50, socket.inet_aton(address))]
        if server_id:
            options.append((54, socket.inet_aton(server_id)))
        options.append((55, bytes([1, 3, 6, 12, 15, 51, 54])))
        return self.exchange(build_packet(REQUEST, mac, xid, giaddr=self.giaddr, options=options),
                             xid, timeout)

    def dora(self, mac, timeout=10):
        """DISCOVER/OFFER/REQUEST/ACK; returns the ACK or raises TestFailure."""
        offer = self.discover(mac, timeout=timeout)
        check(offer is not None, f"no reply to DHCPDISCOVER from {mac}")
        check(offer["type"] == OFFER, f"DHCPDISCOVER from {mac} answered with "
              f"{MESSAGE_NAMES.get(offer['type'], offer['type'])}, expected OFFER")
        server_id = socket.inet_ntoa(offer["options"][54])
        ack = self.request(mac, offer["yiaddr"], server_id, timeout=timeout)
        check(ack is not None, f"no reply to DHCPREQUEST from {mac} for {offer['yiaddr']}")
        check(ack["type"] == ACK, f"DHCPREQUEST from {mac} for {offer['yiaddr']} answered with "
              f"{MESSAGE_NAMES.get(ack['type'], ack['type'])}, expected ACK")
        check(ack["yiaddr"] == offer["yiaddr"], f"ACK for {ack['yiaddr']} after an OFFER of "
              f"{offer['yiaddr']}")
        return ack


def in_range(address, first, last):
    a = ipaddress.IPv4Address(address)
    return ipaddress.IPv4Address(first) <= a <= ipaddress.IPv4Address(last)


# --- running a test -----------------------------------------------------------


def run_test(name, body):
    """Runs body(lab) in a fresh Lab; prints PASS/FAIL and exits 0/1."""
    if os.geteuid() != 0:
        print(f"FAIL {name}: the end-to-end tests must run as root (they create network "
              "namespaces, veth links and run DHCP clients); run them with sudo or as root",
              flush=True)
        sys.exit(1)
    lab = None
    try:
        with Lab(name) as lab:
            try:
                body(lab)
            except BaseException:
                lab.dump_logs()
                raise
    except TestFailure as e:
        print(f"FAIL {name}: {e}", flush=True)
        sys.exit(1)
    except Exception:
        traceback.print_exc()
        print(f"FAIL {name}: unexpected error (traceback above)", flush=True)
        sys.exit(1)
    print(f"PASS {name}", flush=True)
    sys.exit(0)


# --- perfdhcp reports ----------------------------------------------------------


def perfdhcp_counts(output, exchange):
    """(sent, received) of one exchange ("DISCOVER-OFFER", "REQUEST-ACK") in
    perfdhcp's report."""
    block = re.search(exchange + r"[\s\S]*?sent packets: (\d+)[\s\S]*?received packets: (\d+)",
                      output)
    check(block is not None, f"perfdhcp's report has no {exchange} block:\n{output}")
    return int(block.group(1)), int(block.group(2))


def check_perfdhcp_unique(output):
    """perfdhcp saw no address given to two clients, in either exchange."""
    non_unique = re.findall(r"non unique addresses: (\d+)", output)
    check(len(non_unique) == 2 and all(n == "0" for n in non_unique),
          f"perfdhcp reports non-unique addresses: {non_unique}")


def check_perfdhcp_drops(output, max_drop):
    """Both exchanges sent packets and at most `max_drop` (a fraction) of
    them went unanswered."""
    for name in ("DISCOVER-OFFER", "REQUEST-ACK"):
        sent, received = perfdhcp_counts(output, name)
        check(sent > 0, f"perfdhcp sent no {name} packets")
        drop = (sent - received) / sent
        print(f"{name}: sent {sent}, received {received}, drops {drop:.2%}")
        check(drop <= max_drop, f"{name}: {drop:.2%} of the packets got no answer "
                                f"(at most {max_drop:.0%} allowed)")
