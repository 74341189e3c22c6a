#!/usr/bin/env python3
"""e2e: thin nodes configured from the configuration database.

Usage: test_cluster_config_db.py mysql|postgresql

Three thin nodes share one database for configuration and leases. Their
files hold only credentials, a server tag and interfaces (node0 site-a,
node1 site-b, node2 site-c); every subnet, option and global comes from
the configuration tables, written with plain SQL as docs/config-database.md
shows. Checked:
1. objects bound to a tag reach only that node, `all` reaches every node;
   clients (as a relay on loopback) get leases from subnets that exist only
   in the database, with the database's options and lifetimes;
2. an option changed with SQL reaches the client at its next renewal and
   every node's config-get (the time from commit to config-get is printed);
3. a deleted subnet stops serving;
4. a revision that makes the configuration invalid is refused (status-get
   names it), the node keeps serving; the fixing revision is applied;
5. cluster-nodes-get lists every node at the newest revision;
6. the database restarts; a change made after it reaches every node;
7. a node restarted while the configuration database is down serves the
   copy it kept of its last configuration (memfile leases), and catches up
   when the database is back;
8. a real dhclient, in a network namespace linked to a thin node (the node
   stays in the host's namespace to reach the database on loopback), gets
   a lease from a subnet and pool that exist only in the database, with
   the database's options."""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netlab  # noqa: E402
import sqlcluster  # noqa: E402
from netlab import check  # noqa: E402

TAGS = ["site-a", "site-b", "site-c"]


def thin_config(env, database, control_socket, tag, lease_db=None, interfaces=("lo",)):
    db = {"type": env.dialect, "name": database.name, "host": env.host, "port": env.port,
          "user": env.user, "password": env.password}
    hook = "libdhcp_mysql_cb.so" if env.dialect == "mysql" else "libdhcp_pgsql_cb.so"
    return {"Dhcp4": {
        "server-tag": tag,
        "interfaces-config": {"interfaces": list(interfaces)},
        # The lease database rides out the restart of step 6; the
        # configuration database keeps Kea's defaults (max-reconnect-tries
        # 0), which never stop a shoal node.
        "lease-database": lease_db or dict(db, **{"max-reconnect-tries": 600,
                                                  "reconnect-wait-time": 100,
                                                  "on-fail": "serve-retry-continue"}),
        "config-control": {"config-databases": [db]},
        "hooks-libraries": [{"library": f"/usr/lib/x86_64-linux-gnu/kea/hooks/{hook}"}],
        "control-socket": {"socket-type": "unix", "socket-name": control_socket},
        "loggers": [{"name": "shoal-dhcp4", "output_options": [{"output": "stdout"}],
                     "severity": "INFO"}],
    }}


class ThinNode(sqlcluster.Node):
    def __init__(self, lab, env, database, index, tag, lease_db=None, interfaces=("lo",),
                 standard_ports=False):
        self.index = index
        self.server_port, self.client_port = (
            (67, 68) if standard_ports else sqlcluster.node_ports(index))
        self.control_socket = lab.path(f"node{index}.sock")
        self.server = netlab.ShoalServer(
            lab, sqlcluster.HostNet(lab), thin_config(env, database, self.control_socket, tag,
                                                      lease_db, interfaces),
            name=f"node{index}", args=["-p", str(self.server_port), "-P", str(self.client_port)],
            debug=False)
        self.probe = None

    def config(self):
        answer = self.command("config-get")
        check(answer["result"] == 0, f"node{self.index} config-get: {answer}")
        return answer["arguments"]["Dhcp4"]

    def db_status(self):
        answer = self.command("status-get")
        check(answer["result"] == 0, f"node{self.index} status-get: {answer}")
        return answer["arguments"]["config-database"]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sql_json(value):
    return json.dumps(value).replace("'", "''")


def head(database):
    return int(database.query("SELECT revision FROM config4_head WHERE id = 1")[0][0])


def wait_applied(nodes, revision, what, timeout=10):
    for node in nodes:
        sqlcluster.wait_until(lambda: node.db_status()["applied-revision"] >= revision, timeout,
                              f"node{node.index} to apply revision {revision} ({what})")


def option_15(node):
    for o in node.config().get("option-data", []):
        if o.get("code") == 15:
            return o.get("data")
    return None


def subnet_ids(node):
    ids = [s["id"] for s in node.config().get("subnet4", [])]
    for network in node.config().get("shared-networks", []):
        ids += [s["id"] for s in network.get("subnet4", [])]
    return sorted(ids)


def body(lab, dialect):
    env = sqlcluster.DbEnv(dialect)
    database = sqlcluster.ScratchDatabase(env, "cfgdb")
    try:
        run(lab, env, database)
    finally:
        database.close()


def run(lab, env, database):
    os.environ["SHOAL_DATA_DIR"] = lab.path("data")
    q = database.query
    q("INSERT INTO config4_server (tag, description) VALUES ('site-a', 'A'), ('site-b', 'B')")
    q("INSERT INTO config4_global_parameter (name, server_tag, value) VALUES "
      "('valid-lifetime', 'all', '3000'), ('valid-lifetime', 'site-b', '2000')")
    q("INSERT INTO config4_option (code, space, server_tag, definition) VALUES "
      f"(15, 'dhcp4', 'all', '{sql_json({'data': 'one.example'})}')")
    subnet_a = {"relay": {"ip-addresses": ["127.0.0.1"]},
                "pools": [{"pool": "192.0.2.10 - 192.0.2.200"}],
                "option-data": [{"name": "routers", "data": "192.0.2.1"}]}
    subnet_b = {"relay": {"ip-addresses": ["127.0.0.1"]},
                "pools": [{"pool": "198.51.100.10 - 198.51.100.200"}]}
    q("INSERT INTO config4_subnet (subnet_id, prefix, definition) VALUES "
      f"(10, '192.0.2.0/24', '{sql_json(subnet_a)}'), "
      f"(20, '198.51.100.0/24', '{sql_json(subnet_b)}')")
    q("INSERT INTO config4_subnet_server (subnet_id, server_tag) VALUES "
      "(10, 'site-a'), (20, 'site-b')")

    nodes = [ThinNode(lab, env, database, i, TAGS[i]).start() for i in range(3)]
    wait_applied(nodes, head(database), "initial load")

    # 1. Tags.
    check(subnet_ids(nodes[0]) == [10], f"site-a sees subnets {subnet_ids(nodes[0])}")
    check(subnet_ids(nodes[1]) == [20], f"site-b sees subnets {subnet_ids(nodes[1])}")
    check(subnet_ids(nodes[2]) == [], f"site-c sees subnets {subnet_ids(nodes[2])}")
    for node in nodes:
        check(option_15(node) == "one.example", f"node{node.index} lacks the global option")
    ack = nodes[0].client().dora("02:00:00:00:0a:01")
    check(ack["yiaddr"].startswith("192.0.2."), f"site-a leased {ack['yiaddr']}")
    check(ack["options"][15] == b"one.example", f"site-a option 15: {ack['options'].get(15)}")
    check(int.from_bytes(ack["options"][51], "big") == 3000, "site-a lifetime is not 3000")
    ack_b = nodes[1].client().dora("02:00:00:00:0b:01")
    check(ack_b["yiaddr"].startswith("198.51.100."), f"site-b leased {ack_b['yiaddr']}")
    check(int.from_bytes(ack_b["options"][51], "big") == 2000, "site-b lifetime is not 2000")
    check(nodes[2].client().discover("02:00:00:00:0c:01", timeout=2) is None,
          "site-c answered a client although no subnet is bound to it")
    print("1. tags: site-a 192.0.2.0/24, site-b 198.51.100.0/24, site-c nothing; "
          "the 'all' option everywhere", flush=True)

    # 2. An option change reaches every node and the client at renewal.
    started = time.time()
    q(f"UPDATE config4_option SET definition = '{sql_json({'data': 'two.example'})}' "
      "WHERE code = 15 AND space = 'dhcp4' AND server_tag = 'all'")
    committed = time.time()
    for node in nodes:
        netlab.wait_for(lambda: option_15(node) == "two.example", 10,
                        f"node{node.index} to show the new option", interval=0.005)
    seen = time.time()
    renew = nodes[0].client().request("02:00:00:00:0a:01", ack["yiaddr"])
    check(renew is not None and renew["type"] == netlab.ACK, f"renewal failed: {renew}")
    check(renew["options"][15] == b"two.example",
          f"the renewal carries option 15 {renew['options'].get(15)}")
    print(f"2. option change: in every node's config-get {1000 * (seen - committed):.0f} ms "
          f"after the UPDATE returned ({1000 * (committed - started):.0f} ms for the UPDATE, "
          "including the client's start-up); the renewal carried it", flush=True)

    # 3. A deleted subnet stops serving.
    q("DELETE FROM config4_subnet_server WHERE subnet_id = 20")
    q("DELETE FROM config4_subnet WHERE subnet_id = 20")
    wait_applied(nodes, head(database), "subnet 20 deleted")
    check(subnet_ids(nodes[1]) == [], "subnet 20 is still configured on site-b")
    check(nodes[1].client().discover("02:00:00:00:0b:02", timeout=2) is None,
          "site-b still answers after its subnet was deleted")
    print("3. deleted subnet: site-b stops serving", flush=True)

    # 4. An invalid revision is refused; the next good one is applied.
    bad = dict(subnet_a, pools=[{"pool": "10.9.9.1 - 10.9.9.9"}])
    q(f"UPDATE config4_subnet SET definition = '{sql_json(bad)}' WHERE subnet_id = 10")
    bad_revision = head(database)
    sqlcluster.wait_until(lambda: "refused" in nodes[0].db_status()["configuration"], 10,
                          "site-a to refuse the bad pool")
    status = nodes[0].db_status()
    check(f"revision {bad_revision}" in status["configuration"],
          f"status-get does not name revision {bad_revision}: {status}")
    check("subnet4" in status["configuration"] or "pool" in status["configuration"],
          f"status-get does not say what is wrong: {status}")
    again = nodes[0].client().dora("02:00:00:00:0a:02")
    check(again["yiaddr"].startswith("192.0.2."), "site-a stopped serving its last good config")
    q(f"UPDATE config4_subnet SET definition = '{sql_json(subnet_a)}' WHERE subnet_id = 10")
    wait_applied(nodes[:1], head(database), "the fixed subnet")
    check(nodes[0].db_status()["configuration"] == "ok", "the fixing revision was not applied")
    print(f"4. invalid revision {bad_revision} refused ({status['configuration'][:100]}...), "
          "then fixed", flush=True)

    # 5. cluster-nodes-get.
    latest = head(database)
    wait_applied(nodes, latest, "all caught up")
    answer = nodes[2].command("cluster-nodes-get")
    check(answer["result"] == 0, f"cluster-nodes-get: {answer}")
    listed = answer["arguments"]["nodes"]
    check(sorted(n["server-tag"] for n in listed) == TAGS, f"nodes listed: {listed}")
    for n in listed:
        check(n["state"] == "live" and n["applied-revision"] == latest and n["lag"] == 0,
              f"node not live at revision {latest}: {n}")
    print(f"5. cluster-nodes-get: three live nodes at revision {latest}", flush=True)

    # 6. Database restart, then a change.
    env.server_action("restart")
    sqlcluster.wait_until(env.reachable, 60, "the database to come back")
    q("INSERT INTO config4_global_parameter (name, server_tag, value) VALUES "
      "('renew-timer', 'all', '777')")
    for node in nodes:
        sqlcluster.wait_until(lambda: node.config().get("renew-timer") == 777, 30,
                              f"node{node.index} to catch up after the database restart")
    if env.dialect == "postgresql":
        for node in nodes:
            check(node.server.count_in_log("listening for changes") >= 2,
                  f"node{node.index} did not LISTEN again after the restart")
    # Reconnected nodes wait for changes again instead of spinning.
    before = {n.index: cpu_seconds(n.server.proc.pid) for n in nodes}
    time.sleep(3)
    for node in nodes:
        used = (cpu_seconds(node.server.proc.pid) - before[node.index]) / 3
        check(used < 0.5, f"node{node.index} uses {used:.0%} of a core while idle after the "
              "database restart")
    print("6. database restart: a change made afterwards reached every node; idle again",
          flush=True)

    # 7. A node started while the configuration database is down.
    memfile = {"type": "memfile", "persist": True, "name": lab.path("node3-leases.csv")}
    node3 = ThinNode(lab, env, database, 3, "site-a", lease_db=memfile).start()
    wait_applied([node3], head(database), "node3 initial load")
    env.server_action("stop")
    try:
        node3.server.proc.terminate()
        node3.server.proc.wait(timeout=30)
        node3.server.start()
        status = node3.db_status()
        check(status["serving-copy"] and status["state"] != "connected",
              f"node3 does not serve its copy: {status}")
        check(subnet_ids(node3) == [10], f"node3 serves {subnet_ids(node3)} from its copy")
        ack3 = node3.client().dora("02:00:00:00:0d:01")
        check(ack3["yiaddr"].startswith("192.0.2."), f"node3 leased {ack3['yiaddr']}")
    finally:
        env.server_action("start")
    sqlcluster.wait_until(lambda: node3.db_status()["state"] == "connected", 30,
                          "node3 to reconnect")
    q("UPDATE config4_global_parameter SET value = '888' WHERE name = 'renew-timer'")
    sqlcluster.wait_until(lambda: node3.config().get("renew-timer") == 888, 30,
                          "node3 to catch up")
    check(not node3.db_status()["serving-copy"], "node3 still says it serves its copy")
    print("7. database down at start-up: node3 served its copy, then caught up", flush=True)
    # 8. A real client on a link of a thin node.
    client_ns = lab.namespace("cli")
    veth = f"vcfg{os.getpid() % 100000}"  # host end; gone with the namespace
    netlab.run(["ip", "link", "add", veth, "type", "veth", "peer", "name", "veth-c", "netns",
                client_ns.name])
    netlab.run(["ip", "addr", "add", "192.0.2.1/24", "dev", veth])
    netlab.run(["ip", "link", "set", veth, "up"])
    client_ns.ip("link", "set", "veth-c", "up")
    lan = {"interface": veth, "pools": [{"pool": "192.0.2.100 - 192.0.2.199"}],
           "option-data": [{"name": "routers", "data": "192.0.2.1"},
                           {"name": "domain-name-servers", "data": "192.0.2.53"}]}
    q("INSERT INTO config4_server (tag, description) VALUES ('site-lan', 'the link')")
    q("DELETE FROM config4_subnet_server WHERE subnet_id = 10")  # 192.0.2.0/24 moves
    q(f"UPDATE config4_subnet SET definition = '{sql_json(lan)}' WHERE subnet_id = 10")
    q("INSERT INTO config4_subnet_server (subnet_id, server_tag) VALUES (10, 'site-lan')")
    node4 = ThinNode(lab, env, database, 4, "site-lan", lease_db=dict(
        memfile, name=lab.path("node4-leases.csv")), interfaces=[veth],
        standard_ports=True).start()
    wait_applied([node4], head(database), "node4 initial load")
    client = netlab.Dhclient(lab, client_ns, "veth-c").start()
    bound = client.wait_bound()
    address = bound.get("new_ip_address", "")
    check(netlab.in_range(address, "192.0.2.100", "192.0.2.199"),
          f"dhclient got '{address}' from the database's pool")
    check(bound.get("new_routers") == "192.0.2.1" and
          bound.get("new_domain_name_servers") == "192.0.2.53",
          f"dhclient got the wrong options: {bound}")
    check(bound.get("new_domain_name") == "two.example",
          f"dhclient did not get the global option of the database: {bound}")
    client.stop()
    print(f"8. dhclient on a thin node's link: {address} from the database's pool", flush=True)
    nodes.append(node4)

    for node in nodes + [node3]:
        node.close_client()
        node.server.check_alive()
        node.server.stop()


if __name__ == "__main__":
    which = sqlcluster.dialect_from_argv(sys.argv, "test_cluster_config_db.py")
    netlab.run_test(f"e2e_cluster_config_db_{which}", lambda lab: body(lab, which))
