#!/usr/bin/env python3
"""e2e: host reservations in the shared SQL database, written with plain SQL,
served by every node at once.

Usage: test_cluster_hosts.py mysql|postgresql

Three nodes (A, B, C) share one database for leases and hosts
(`hosts-database`). A Python client acting as a relay on loopback:
1. a reservation inserted with Kea's plain-SQL idiom (docs/sql-schema.md)
   for client X (an in-pool address, a host option) is served by B at X's
   first message: the reserved address and the option; every node's
   status-get counts it;
2. no node offers that address to another client Y, even when Y asks for it;
3. an operator moves X's reservation with an UPDATE: X's renewal of the old
   address through C is refused (NAK) and its next DORA through A gets the
   new one;
4. a reservation appears for an address Y already holds (for client W):
   Y's renewal is refused, W gets another address meanwhile (Y's lease
   still holds the reserved one), as in Kea;
5. a deleted reservation stops being served: Z, reserved then deleted,
   gets a pool address that is not the one it had reserved;
6. a real dhclient, in a network namespace linked to a fourth node (in the
   host's namespace, to reach the database on loopback), gets the address
   and option of a reservation inserted with plain SQL while it ran;
7. how long a reservation took to be served (insert -> a node answering with
   it), printed, not asserted."""

import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netlab  # noqa: E402
import sqlcluster  # noqa: E402
from netlab import check  # noqa: E402


def insert_reservation(database, dialect, mac, address, dns=None):
    hexmac = mac.replace(":", "")
    if dialect == "mysql":
        statements = [
            "INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, "
            f"ipv4_address, hostname) VALUES (UNHEX('{hexmac}'), (SELECT type FROM "
            "host_identifier_type WHERE name = 'hw-address'), 1, "
            f"INET_ATON('{address}'), 'reserved-{hexmac}')"]
        if dns:
            statements += ["SET @host_id = LAST_INSERT_ID()",
                           "INSERT INTO dhcp4_options (code, formatted_value, space, persistent, "
                           f"host_id, scope_id) VALUES (6, '{dns}', 'dhcp4', 0, @host_id, 3)"]
        database.query("; ".join(statements))
    else:
        statements = [
            "INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, "
            f"ipv4_address, hostname) VALUES (decode('{hexmac}', 'hex'), (SELECT type FROM "
            "host_identifier_type WHERE name = 'hw-address'), 1, "
            f"'{address}'::inet - '0.0.0.0'::inet, 'reserved-{hexmac}')"]
        if dns:
            statements.append(
                "INSERT INTO dhcp4_options (code, formatted_value, space, persistent, host_id, "
                f"scope_id) VALUES (6, '{dns}', 'dhcp4', false, currval('hosts_host_id_seq'), 3)")
        database.query("; ".join(statements))


def identifier_sql(dialect, mac):
    hexmac = mac.replace(":", "")
    return f"UNHEX('{hexmac}')" if dialect == "mysql" else f"decode('{hexmac}', 'hex')"


def address_sql(dialect, address):
    return (f"INET_ATON('{address}')" if dialect == "mysql"
            else f"'{address}'::inet - '0.0.0.0'::inet")


def renewing(probe, mac, address):
    xid = int.from_bytes(os.urandom(4), "big")
    packet = netlab.build_packet(netlab.REQUEST, mac, xid, ciaddr=address, giaddr=probe.giaddr,
                                 flags=0, options=[(61, b"\x01" + netlab.mac_bytes(mac))])
    return probe.exchange(packet, xid, timeout=10)


def type_name(reply):
    return "no reply" if reply is None else netlab.MESSAGE_NAMES.get(reply["type"], reply["type"])


def body(lab, dialect):
    env = sqlcluster.DbEnv(dialect)
    database = sqlcluster.ScratchDatabase(env, "hosts")
    try:
        hosts_db = sqlcluster.database_map(env, database)
        nodes = []
        for i in range(3):
            node = sqlcluster.Node(lab, env, database, i)
            config = sqlcluster.node_config(env, database, node.control_socket,
                                            **{"hosts-database": hosts_db})
            node.server.write_config(config)
            nodes.append(node.start())
        a, b, c = nodes
        pa, pb, pc = a.client(), b.client(), c.client()
        for node in nodes:
            sqlcluster.wait_until(
                lambda n=node: n.command("status-get")["arguments"]["backends"]
                ["hosts-database"] == "connected", 30, f"node{node.index}'s hosts database")

        # 1. A plain-SQL reservation, served by B at once.
        x, reserved = "02:d0:00:00:00:01", "127.1.200.1"
        inserted = time.monotonic()
        insert_reservation(database, dialect, x, reserved, dns="192.0.2.53, 192.0.2.54")

        def served():
            offer = pb.discover(x, timeout=2)
            return offer if offer is not None and offer["yiaddr"] == reserved else None

        offer = sqlcluster.wait_until(served, 20, f"node1 to offer {reserved} to {x}")
        first_served = time.monotonic() - inserted
        check(offer["options"].get(6) == socket.inet_aton("192.0.2.53") +
              socket.inet_aton("192.0.2.54"),
              f"the reservation's option 6 is not in the offer: {offer['options'].get(6)}")
        ack = pb.request(x, reserved, socket.inet_ntoa(offer["options"][54]))
        check(ack is not None and ack["type"] == netlab.ACK and ack["yiaddr"] == reserved,
              f"REQUEST of {reserved} by {x} through node1: {type_name(ack)}")
        for node in nodes:
            def holds_it(n=node):
                status = n.command("status-get")["arguments"]["backends"]["hosts-databases"]
                return (len(status) == 1 and status[0]["reservations"] == 1 and
                        status[0]["state"] == "connected" and not status[0]["problems"])
            sqlcluster.wait_until(holds_it, 20, f"node{node.index}'s status-get to count the "
                                                "reservation, connected, without problems")

        # 2. Nobody else gets it.
        y = "02:d0:00:00:00:02"
        for probe, node in ((pa, a), (pb, b), (pc, c)):
            other = probe.discover(y, requested=reserved)
            check(other is not None and other["type"] == netlab.OFFER and
                  other["yiaddr"] != reserved,
                  f"node{node.index} offered {reserved} (reserved for {x}) to {y}: "
                  f"{other and other['yiaddr']}")

        # 3. The operator moves X's reservation.
        moved = "127.1.200.2"
        database.query(f"UPDATE hosts SET ipv4_address = {address_sql(dialect, moved)} "
                       f"WHERE dhcp_identifier = {identifier_sql(dialect, x)}")

        def refused():
            reply = renewing(pc, x, reserved)
            return reply if reply is not None and reply["type"] == netlab.NAK else None

        sqlcluster.wait_until(refused, 20, f"node2 to refuse {x}'s renewal of {reserved}")
        # node0 follows on its own (MariaDB: its next 20 ms head read).
        sqlcluster.wait_until(
            lambda: (pa.discover(x, timeout=2) or {}).get("yiaddr") == moved, 20,
            f"node0 to offer {x} its moved reservation {moved}")
        ack = pa.dora(x)
        check(ack["yiaddr"] == moved, f"{x} got {ack['yiaddr']} through node0, expected its "
              f"moved reservation {moved}")

        # 4. A reservation for an address someone else holds.
        y_address = pa.dora(y)["yiaddr"]
        w = "02:d0:00:00:00:03"
        insert_reservation(database, dialect, w, y_address)

        def y_refused():
            reply = renewing(pb, y, y_address)
            return reply if reply is not None and reply["type"] == netlab.NAK else None

        sqlcluster.wait_until(y_refused, 20, f"node1 to refuse {y}'s renewal of {y_address}, "
                                             f"now reserved for {w}")
        w_ack = pc.dora(w)
        check(w_ack["yiaddr"] != y_address,
              f"{w} got {y_address} while {y}'s lease on it still runs")
        row = database.lease_at(y_address)
        check(row is not None and row["hwaddr"] == y,
              f"{y_address} should still be leased to {y}: {row}")

        # 5. A deleted reservation is no longer served.
        z, z_reserved = "02:d0:00:00:00:04", "127.1.200.4"
        insert_reservation(database, dialect, z, z_reserved)
        sqlcluster.wait_until(
            lambda: (pa.discover(z, timeout=2) or {}).get("yiaddr") == z_reserved, 20,
            f"node0 to offer {z_reserved} to {z}")
        database.query(f"DELETE FROM hosts WHERE dhcp_identifier = {identifier_sql(dialect, z)}")
        sqlcluster.wait_until(
            lambda: (pc.discover(z, timeout=2) or {}).get("yiaddr") not in (None, z_reserved),
            20, f"node2 to stop offering {z_reserved} to {z} after its reservation was deleted")

        # 6. A real client on a link of a fourth node.
        client_ns = lab.namespace("cli")
        veth = f"vhst{os.getpid() % 100000}"  # host end; gone with the namespace
        client_mac = "02:d0:00:00:00:aa"
        netlab.run(["ip", "link", "add", veth, "type", "veth", "peer", "name", "veth-c", "netns",
                    client_ns.name])
        netlab.run(["ip", "addr", "add", "192.0.2.1/24", "dev", veth])
        netlab.run(["ip", "link", "set", veth, "up"])
        client_ns.ip("link", "set", "dev", "veth-c", "address", client_mac)
        client_ns.ip("link", "set", "veth-c", "up")
        lan_config = sqlcluster.node_config(
            env, database, lab.path("node3.sock"), **{
                "hosts-database": hosts_db,
                "interfaces-config": {"interfaces": [veth]},
                "lease-database": {"type": "memfile", "name": lab.path("node3-leases.csv")},
                "subnet4": [{"id": 7, "subnet": "192.0.2.0/24", "interface": veth,
                             "pools": [{"pool": "192.0.2.100 - 192.0.2.199"}],
                             "option-data": [{"name": "routers", "data": "192.0.2.1"}]}]})
        lan_node = netlab.ShoalServer(lab, sqlcluster.HostNet(lab), lan_config, name="node3",
                                      args=["-p", "67", "-P", "68"], debug=False)
        lan_node.start()
        hexmac = client_mac.replace(":", "")
        if dialect == "mysql":
            database.query(
                "INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, "
                f"ipv4_address, hostname) VALUES (UNHEX('{hexmac}'), 0, 7, "
                "INET_ATON('192.0.2.42'), 'lab-client'); SET @host_id = LAST_INSERT_ID(); "
                "INSERT INTO dhcp4_options (code, formatted_value, space, persistent, host_id, "
                "scope_id) VALUES (6, '192.0.2.53', 'dhcp4', 0, @host_id, 3)")
        else:
            database.query(
                "INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, "
                f"ipv4_address, hostname) VALUES (decode('{hexmac}', 'hex'), 0, 7, "
                "'192.0.2.42'::inet - '0.0.0.0'::inet, 'lab-client'); "
                "INSERT INTO dhcp4_options (code, formatted_value, space, persistent, host_id, "
                "scope_id) VALUES (6, '192.0.2.53', 'dhcp4', false, currval('hosts_host_id_seq'), 3)")
        client = netlab.Dhclient(lab, client_ns, "veth-c").start()
        bound = client.wait_bound()
        check(bound.get("new_ip_address") == "192.0.2.42",
              f"dhclient got {bound.get('new_ip_address')}, expected its plain-SQL reservation "
              f"192.0.2.42: {bound}")
        check(bound.get("new_domain_name_servers") == "192.0.2.53" and
              bound.get("new_routers") == "192.0.2.1",
              f"dhclient did not get the reservation's and the subnet's options: {bound}")
        client.stop()
        lan_node.check_alive()
        lan_node.stop()

        print(f"{dialect}: a plain-SQL reservation was served {first_served * 1000:.0f} ms "
              f"after its INSERT returned (one try every 2 s at most; includes the exchange)")
        for node in nodes:
            node.close_client()
            node.server.check_alive()
            node.server.stop()
    finally:
        database.close()


if __name__ == "__main__":
    which = sqlcluster.dialect_from_argv(sys.argv, "test_cluster_hosts.py")
    netlab.run_test(f"e2e_cluster_hosts_{which}", lambda lab: body(lab, which))
