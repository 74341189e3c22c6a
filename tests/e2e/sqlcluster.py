"""sqlcluster: several shoal-dhcp4 nodes on one MySQL/MariaDB or PostgreSQL
lease database, for the cluster end-to-end tests (test_cluster_*.py).

What it promises:
- The database server is the one scripts/db.sh started; its coordinates come
  from the environment `source <(scripts/db.sh env)` sets (SHOAL_MYSQL_* /
  SHOAL_PGSQL_*, SHOAL_DB_SCRIPT). When they are missing the test FAILS with a
  message saying how to set them; it is never skipped silently.
- Every test works in its own scratch database (shoal_e2e_<pid>_<tag>),
  created empty, initialised with `shoal-admin db-init`, and dropped when the
  test ends (also when it fails; lease rows a failed check talks about are in
  the failure message).
- The nodes must reach the database on the host's 127.0.0.1, so they run in
  the host's network namespace on loopback, each on its own server/client
  port pair (-p/-P) from a range no other e2e test uses; clients act as a
  relay (giaddr 127.0.0.1). They are stopped when the Lab is left.
- SQL is run with the `mysql` and `psql` command-line clients.

Only the Python 3 standard library is used.
"""

import json
import os
import socket
import subprocess
import time

import netlab
from netlab import TestFailure, check

DIALECTS = ("mysql", "postgresql")
# Server ports 21067, 21167, 21267 ...; client ports 21068, 21168, ...
BASE_PORT = 21067


def node_ports(index):
    return BASE_PORT + 100 * index, BASE_PORT + 100 * index + 1


def dialect_from_argv(argv, test_name):
    if len(argv) != 2 or argv[1] not in DIALECTS:
        print(f"usage: {test_name} mysql|postgresql", flush=True)
        raise SystemExit(2)
    return argv[1]


class DbEnv:
    """Where the test database server is (from scripts/db.sh env)."""

    def __init__(self, dialect):
        self.dialect = dialect
        prefix = "SHOAL_MYSQL_" if dialect == "mysql" else "SHOAL_PGSQL_"
        missing = [prefix + k for k in ("HOST", "PORT", "USER", "PASSWORD")
                   if not os.environ.get(prefix + k)]
        if missing:
            raise TestFailure(
                f"the {dialect} test database is not configured ({', '.join(missing)} not set): "
                "start the test databases and export their settings with "
                "`scripts/db.sh start && source <(scripts/db.sh env)` before ctest "
                "(scripts/test.sh does this)")
        self.host = os.environ[prefix + "HOST"]
        self.port = int(os.environ[prefix + "PORT"])
        self.user = os.environ[prefix + "USER"]
        self.password = os.environ[prefix + "PASSWORD"]
        self.admin_db = os.environ.get(prefix + "NAME", "shoal_test")
        self.script = os.environ.get("SHOAL_DB_SCRIPT")

    # --- running SQL -----------------------------------------------------------

    def query(self, sql, database=None, check_rc=True, timeout=60):
        """Runs `sql`; returns rows as lists of strings (tab-separated output)."""
        database = database or self.admin_db
        if self.dialect == "mysql":
            client = netlab.require_tool("mysql", "mariadb-client")
            argv = [client, "--no-defaults", "--protocol=tcp", "-h", self.host, "-P",
                    str(self.port), "-u", self.user, "-N", "-B", "-D", database, "-e", sql]
            env = dict(os.environ, MYSQL_PWD=self.password)
        else:
            client = netlab.require_tool("psql", "postgresql-client")
            argv = [client, "-X", "-q", "-h", self.host, "-p", str(self.port), "-U", self.user,
                    "-d", database, "-v", "ON_ERROR_STOP=1", "-A", "-t", "-F", "\t", "-c", sql]
            env = dict(os.environ, PGPASSWORD=self.password, PGCONNECT_TIMEOUT="5")
        result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                timeout=timeout, env=env)
        if check_rc and result.returncode != 0:
            raise TestFailure(f"{self.dialect} query failed (exit {result.returncode}): {sql}\n"
                              f"{result.stderr}")
        return [line.split("\t") for line in result.stdout.splitlines() if line != ""]

    def reachable(self):
        try:
            self.query("SELECT 1", check_rc=True, timeout=10)
            return True
        except (TestFailure, subprocess.TimeoutExpired):
            return False

    # --- the database server -----------------------------------------------------

    def server_action(self, action):
        """scripts/db.sh start-mysql / stop-pgsql / restart-... on the server
        the environment points at."""
        check(self.script and os.access(self.script, os.X_OK),
              "SHOAL_DB_SCRIPT is not set to scripts/db.sh: export the settings with "
              "`source <(scripts/db.sh env)`")
        which = "mysql" if self.dialect == "mysql" else "pgsql"
        netlab.run([self.script, f"{action}-{which}"], timeout=120)


class ScratchDatabase:
    """An empty database with shoal's schema, dropped on close()."""

    def __init__(self, env, tag):
        self.env = env
        self.name = f"shoal_e2e_{os.getpid()}_{tag}"
        self.drop()
        if env.dialect == "mysql":
            env.query(f"CREATE DATABASE `{self.name}`")
        else:
            env.query(f'CREATE DATABASE "{self.name}"')
        admin = os.path.join(os.environ.get("SHOAL_BINARY_DIR", ""), "bin", "shoal-admin")
        check(os.access(admin, os.X_OK), f"{admin} does not exist: build the shoal-admin target")
        backend = "mysql" if env.dialect == "mysql" else "pgsql"
        netlab.run([admin, "db-init", backend, "-u", env.user, "-p", env.password, "-n",
                    self.name, "-h", env.host, "-P", str(env.port)])

    def drop(self):
        if self.env.dialect == "mysql":
            self.env.query(f"DROP DATABASE IF EXISTS `{self.name}`", check_rc=False)
        else:
            self.env.query(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)',
                           check_rc=False)

    def query(self, sql):
        return self.env.query(sql, database=self.name)

    def leases(self):
        """Every lease4 row as dicts: address (dotted), hwaddr (aa:bb:..),
        state (int), expire (unix seconds), valid_lifetime."""
        if self.env.dialect == "mysql":
            sql = ("SELECT address, HEX(hwaddr), state, UNIX_TIMESTAMP(expire), valid_lifetime "
                   "FROM lease4")
        else:
            sql = ("SELECT address, encode(hwaddr, 'hex'), state, "
                   "extract(epoch FROM expire)::bigint, valid_lifetime FROM lease4")
        out = []
        for address, hw, state, expire, valid in self.query(sql):
            hw = hw.lower()
            out.append({
                "address": socket.inet_ntoa(int(address).to_bytes(4, "big")),
                "hwaddr": ":".join(hw[i:i + 2] for i in range(0, len(hw), 2)),
                "state": int(state),
                "expire": int(float(expire)),
                "valid_lifetime": int(valid),
            })
        return out

    def lease_at(self, address):
        for row in self.leases():
            if row["address"] == address:
                return row
        return None

    def close(self):
        self.drop()


# --- nodes in the host's network namespace -------------------------------------


class HostNet:
    """The host's network namespace, with netlab.Namespace's interface. Only
    loopback is used in it."""

    def __init__(self, lab):
        self.lab = lab
        self.name = "host"

    def cmd(self, argv):
        return list(argv)

    def run(self, argv, check_rc=True, timeout=60, **kwargs):
        return netlab.run(argv, check_rc=check_rc, timeout=timeout, **kwargs)

    def spawn(self, argv, log_name, **kwargs):
        return self.lab.spawn(argv, log_name, **kwargs)

    def socket(self, family=socket.AF_INET, type_=socket.SOCK_DGRAM):
        return socket.socket(family, type_)


def database_map(env, database):
    """The scratch database as Kea's database map (lease-, hosts- or a
    config-database)."""
    return {"type": env.dialect, "name": database.name, "host": env.host, "port": env.port,
            "user": env.user, "password": env.password}


def node_config(env, database, control_socket, severity="INFO", reconnect=None, **globals_):
    """A Dhcp4 configuration for a loopback node on the SQL lease database.
    `reconnect`: extra lease-database keys (max-reconnect-tries, ...)."""
    lease_db = database_map(env, database)
    lease_db.update(reconnect or {})
    dhcp4 = {
        "interfaces-config": {"interfaces": ["lo"]},
        "lease-database": lease_db,
        "valid-lifetime": 4000,
        "renew-timer": 1000,
        "rebind-timer": 2000,
        "control-socket": {"socket-type": "unix", "socket-name": control_socket},
        "subnet4": [{"id": 1, "subnet": "127.0.0.0/8",
                     "pools": [{"pool": "127.1.0.1 - 127.1.255.254"}],
                     "option-data": [{"name": "routers", "data": "127.0.0.1"}]}],
        "loggers": [{"name": "shoal-dhcp4", "output_options": [{"output": "stdout"}],
                     "severity": severity, "debuglevel": 0}],
    }
    dhcp4.update(globals_)
    return {"Dhcp4": dhcp4}


class Node:
    """One shoal-dhcp4 node on loopback: server port, client port, control
    socket, and a relay-mode probe client bound to its client port."""

    def __init__(self, lab, env, database, index, reconnect=None):
        self.index = index
        self.server_port, self.client_port = node_ports(index)
        self.control_socket = lab.path(f"node{index}.sock")
        config = node_config(env, database, self.control_socket, reconnect=reconnect)
        self.server = netlab.ShoalServer(
            lab, HostNet(lab), config, name=f"node{index}",
            args=["-p", str(self.server_port), "-P", str(self.client_port)], debug=False)
        self.probe = None

    def start(self):
        self.server.start()
        return self

    def client(self):
        if self.probe is None:
            self.probe = netlab.ProbeClient(HostNet(None), "relay", server_port=self.server_port,
                                            client_port=self.client_port)
        return self.probe

    def close_client(self):
        if self.probe is not None:
            self.probe.close()
            self.probe = None

    def command(self, name, arguments=None, timeout=10):
        """Sends a control command over the UNIX socket; returns the answer."""
        request = {"command": name}
        if arguments is not None:
            request["arguments"] = arguments
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect(self.control_socket)
            s.sendall(json.dumps(request).encode())
            data = b""
            while True:
                try:
                    answer = json.loads(data.decode()) if data else None
                except ValueError:
                    answer = None
                if answer is not None:
                    return answer[0] if isinstance(answer, list) else answer
                chunk = s.recv(65536)
                if not chunk:
                    raise TestFailure(f"node{self.index}: control socket closed without a "
                                      f"complete answer to {name}: {data!r}")
                data += chunk
        finally:
            s.close()


def run_perfdhcp(node, lab, args, name, timeout=300):
    """perfdhcp against one node as a relay on loopback; returns its output."""
    perfdhcp = netlab.require_tool("perfdhcp", "kea-common")
    argv = [perfdhcp, "-4", "-l", "127.0.0.1", "-L", str(node.client_port), "-N",
            str(node.server_port)] + list(args) + ["127.0.0.1"]
    return subprocess.Popen(argv, stdout=open(lab.path(f"{name}.log"), "w"),
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def perfdhcp_result(proc, lab, name, timeout=300):
    rc = proc.wait(timeout=timeout)
    with open(lab.path(f"{name}.log")) as f:
        output = f.read()
    # perfdhcp exits 3 when packets were lost (drops are not failures here).
    check(rc in (0, 3), f"{name} failed with exit code {rc}:\n{output}")
    return output


def dhcp_client_loop(nodes, macs, stop_event, acks, errors, timeout=3):
    """DORA for each MAC in turn, round-robin over `nodes` (DISCOVER and
    REQUEST through the same node), until `macs` or stop_event run out.
    Every ACK is appended to `acks` as (mac, address, node index); a reply
    other than OFFER/ACK (a NAK) goes to `errors`. No reply is not an error
    (the database may be down)."""
    i = 0
    for mac in macs:
        if stop_event.is_set():
            return
        node = nodes[i % len(nodes)]
        i += 1
        probe = node.client()
        offer = probe.discover(mac, timeout=timeout)
        if offer is None:
            continue
        if offer["type"] != netlab.OFFER:
            errors.append((mac, node.index, "DISCOVER", offer["type"]))
            continue
        server_id = socket.inet_ntoa(offer["options"][54])
        reply = probe.request(mac, offer["yiaddr"], server_id, timeout=timeout)
        if reply is None:
            continue
        if reply["type"] == netlab.ACK:
            acks.append((mac, reply["yiaddr"], node.index))
        else:
            errors.append((mac, node.index, "REQUEST", reply["type"]))


def check_acks_stored(database, acks, what):
    """Every recorded ACK (mac, address, node) is in lease4 with that hwaddr,
    and no address is ACKed to two MACs."""
    rows = {r["address"]: r for r in database.leases()}
    owner = {}
    for mac, address, node in acks:
        previous = owner.get(address)
        check(previous is None or previous == mac,
              f"{what}: {address} was ACKed to {previous} and to {mac} (node{node})")
        owner[address] = mac
        row = rows.get(address)
        check(row is not None, f"{what}: {mac} was ACKed {address} by node{node}, but lease4 "
              "has no row for that address")
        check(row["hwaddr"] == mac, f"{what}: {mac} was ACKed {address} by node{node}, but "
              f"lease4 has it for {row['hwaddr']}")


def check_unique(rows, what):
    """No hwaddr holds two live addresses; addresses are unique (they are the
    primary key, but the check costs nothing)."""
    by_address = {}
    by_hw = {}
    for row in rows:
        check(row["address"] not in by_address,
              f"{what}: lease4 has two rows for {row['address']}")
        by_address[row["address"]] = row
        if row["state"] != 0:
            continue
        check(row["hwaddr"] not in by_hw, f"{what}: {row['hwaddr']} holds both "
              f"{by_hw.get(row['hwaddr'])} and {row['address']}")
        by_hw[row["hwaddr"]] = row["address"]
    return by_hw


def wait_until(predicate, timeout, what):
    return netlab.wait_for(predicate, timeout, what, interval=0.5)


def now():
    return int(time.time())
