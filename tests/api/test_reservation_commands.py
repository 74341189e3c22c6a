#!/usr/bin/env python3
"""The reservation-* commands (Kea's host_cmds, built in) on two nodes that
share one SQL database for leases and hosts.

Usage: test_reservation_commands.py mysql|postgresql

Every command with Kea's arguments and reply texts; the checks a write makes
(unknown subnet, address outside it, identifier already reserved — also by
the node's file —, address reserved twice); a reservation added through
node0 served by node1 at the client's next message; update and delete
likewise; paging through the file's and the database's reservations; a
readonly hosts database refuses writes; reservation-add over kea-shell."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import netlab  # noqa: E402
import sqlcluster  # noqa: E402
from netlab import check  # noqa: E402

FILE_MAC = "02:f0:00:00:00:01"


def expect(answer, result, text_part, what):
    check(answer.get("result") == result and text_part in answer.get("text", ""),
          f"{what}: expected result {result} with {text_part!r}, got {answer}")
    return answer


def body(lab, dialect):
    env = sqlcluster.DbEnv(dialect)
    database = sqlcluster.ScratchDatabase(env, "rescmd")
    try:
        hosts_db = sqlcluster.database_map(env, database)
        subnets = [{"id": 1, "subnet": "127.0.0.0/8",
                    "pools": [{"pool": "127.1.0.1 - 127.1.255.254"}],
                    "reservations": [{"hw-address": FILE_MAC, "ip-address": "127.1.250.1",
                                      "hostname": "from-file"}]}]
        nodes = []
        for i in range(3):
            node = sqlcluster.Node(lab, env, database, i)
            db = dict(hosts_db, readonly=True) if i == 2 else hosts_db
            http = {"socket-type": "http", "socket-address": "127.0.0.1",
                    "socket-port": 18700 + i} if i == 0 else None
            extra = {"hosts-database": db, "subnet4": subnets}
            if http:
                extra["control-sockets"] = [
                    {"socket-type": "unix", "socket-name": node.control_socket}, http]
            config = sqlcluster.node_config(env, database, node.control_socket, **extra)
            if http:
                del config["Dhcp4"]["control-socket"]
            node.server.write_config(config)
            nodes.append(node.start())
        a, b, ro = nodes
        for node in nodes:
            sqlcluster.wait_until(
                lambda n=node: n.command("status-get")["arguments"]["backends"]
                ["hosts-database"] == "connected", 30, f"node{node.index}'s hosts database")

        mac = "02:f0:00:00:00:10"
        reservation = {"subnet-id": 1, "hw-address": mac, "ip-address": "127.1.200.10",
                       "hostname": "Printer-10", "next-server": "127.0.0.5",
                       "boot-file-name": "boot.ipxe", "client-classes": ["lab"],
                       "option-data": [{"name": "domain-name-servers",
                                        "data": "192.0.2.53"}]}
        # Writes and their checks.
        expect(a.command("reservation-add", {"reservation": reservation}), 0, "Host added.",
               "reservation-add")
        expect(a.command("reservation-add", {"reservation": reservation}), 1,
               "already exists in subnet 1", "adding it again")
        expect(a.command("reservation-add", {"reservation": dict(
            reservation, **{"hw-address": "02:f0:00:00:00:11"})}), 1,
            "127.1.200.10 is already reserved for hw-address 02:f0:00:00:00:10",
            "reserving its address twice")
        expect(a.command("reservation-add", {"reservation": {
            "subnet-id": 1, "hw-address": FILE_MAC}}), 1,
            "(in the configuration file)", "the file's identifier")
        expect(a.command("reservation-add", {"reservation": {
            "subnet-id": 1, "hw-address": "02:f0:00:00:00:12", "ip-address": "10.9.9.9"}}), 1,
            "is not inside subnet 127.0.0.0/8", "an address outside the subnet")
        expect(a.command("reservation-add", {"reservation": {
            "subnet-id": 77, "hw-address": "02:f0:00:00:00:12"}}), 1,
            "subnet-id 77 is not a subnet", "an unknown subnet")
        expect(a.command("reservation-add", {"reservation": {"hw-address": "02:f0:00:00:00:12"}}),
               1, "Mandatory 'subnet-id' parameter missing.", "no subnet-id")
        expect(a.command("reservation-add", {"reservation": {"subnet-id": 1}}), 1,
               "missing identifier", "no identifier")
        expect(ro.command("reservation-add", {"reservation": {
            "subnet-id": 1, "hw-address": "02:f0:00:00:00:12"}}), 1, "readonly",
            "a readonly hosts database")

        # node1 serves what node0 wrote, at the client's next message.
        probe = b.client()
        offer = sqlcluster.wait_until(
            lambda: (lambda o: o if o and o["yiaddr"] == "127.1.200.10" else None)(
                probe.discover(mac, timeout=2)), 10, "node1 to offer the added reservation")
        check(offer["options"].get(6) == bytes([192, 0, 2, 53]),
              f"the reservation's option is not in node1's offer: {offer['options'].get(6)}")

        # Reads.
        got = expect(b.command("reservation-get", {"subnet-id": 1, "identifier-type": "hw-address",
                                                   "identifier": mac}), 0, "Host found.",
                     "reservation-get")["arguments"]
        for key, value in (("ip-address", "127.1.200.10"), ("hostname", "Printer-10"),
                           ("next-server", "127.0.0.5"), ("boot-file-name", "boot.ipxe"),
                           ("client-classes", ["lab"]), ("hw-address", mac), ("subnet-id", 1)):
            check(got.get(key) == value, f"reservation-get {key}: {got.get(key)!r}, expected "
                                         f"{value!r} in {got}")
        check(got["option-data"][0]["data"] == "192.0.2.53" and
              got["option-data"][0]["name"] == "domain-name-servers",
              f"reservation-get option-data: {got['option-data']}")
        expect(b.command("reservation-get", {"subnet-id": 1, "ip-address": "127.1.200.10"}), 0,
               "Host found.", "reservation-get by address")
        expect(b.command("reservation-get", {"subnet-id": 1, "ip-address": "127.1.200.99"}), 0,
               "Host not found.", "reservation-get of nothing")
        expect(b.command("reservation-get", {"subnet-id": 1}), 1, "'identifier-type'",
               "reservation-get without a key")
        listed = expect(b.command("reservation-get-all", {"subnet-id": 1}), 0,
                        "2 IPv4 host(s) found.", "reservation-get-all")["arguments"]["hosts"]
        check(sorted(h["hw-address"] for h in listed) == sorted([FILE_MAC, mac]),
              f"reservation-get-all lists {listed}")
        expect(b.command("reservation-get-by-hostname", {"hostname": "printer-10"}), 0,
               "1 IPv4 host(s) found.", "reservation-get-by-hostname (any case)")
        expect(b.command("reservation-get-by-id", {"identifier-type": "hw-address",
                                                   "identifier": mac}), 0,
               "1 IPv4 host(s) found.", "reservation-get-by-id")
        expect(b.command("reservation-get-by-id", {"identifier-type": "hw-address",
                                                   "identifier": mac, "subnet-id": 1}), 1,
               "'subnet-id' is not allowed", "reservation-get-by-id with a subnet")
        expect(b.command("reservation-get-by-address", {"ip-address": "127.1.250.1"}), 0,
               "1 IPv4 host(s) found.", "reservation-get-by-address (the file's)")
        for i in range(3):
            expect(a.command("reservation-add", {"reservation": {
                "subnet-id": 1, "hw-address": f"02:f0:00:00:01:{i:02x}"}}), 0, "Host added.",
                f"reservation-add {i}")
        seen, page_args, pages = [], {"limit": 2}, 0
        while True:
            page = a.command("reservation-get-page", page_args)  # the writer: read-your-writes
            pages += 1
            check(pages < 10, "reservation-get-page never ends")
            if page["result"] == 3:
                check(page["arguments"]["count"] == 0, f"last page: {page}")
                break
            expect(page, 0, "IPv4 host(s) found.", "reservation-get-page")
            seen += [h["hw-address"] for h in page["arguments"]["hosts"]]
            page_args = dict(page["arguments"]["next"], limit=2)
        check(len(seen) == 5 and len(set(seen)) == 5 and seen[0] == FILE_MAC,
              f"paging saw {seen}, expected the file's host then the database's four")
        expect(a.command("reservation-get-page", {}), 1, "Mandatory 'limit' parameter missing.",
               "reservation-get-page without a limit")

        # Update and delete, served by the other node.
        expect(a.command("reservation-update", {"reservation": dict(
            reservation, **{"ip-address": "127.1.200.20"})}), 0, "Host updated.",
            "reservation-update")
        expect(a.command("reservation-update", {"reservation": {
            "subnet-id": 1, "hw-address": "02:f0:00:00:09:09"}}), 1, "Host not updated",
            "updating nothing")
        sqlcluster.wait_until(
            lambda: (probe.discover(mac, timeout=2) or {}).get("yiaddr") == "127.1.200.20", 10,
            "node1 to offer the updated reservation")
        expect(a.command("reservation-del", {"subnet-id": 1, "identifier-type": "hw-address",
                                             "identifier": mac}), 0, "Host deleted.",
               "reservation-del")
        expect(a.command("reservation-del", {"subnet-id": 1, "identifier-type": "hw-address",
                                             "identifier": mac}), 1,
               "Host not deleted (not found).", "deleting it again")
        expect(a.command("reservation-get", {"subnet-id": 1, "identifier-type": "hw-address",
                                             "identifier": mac}), 0, "Host not found.",
               "reservation-get after the delete (through the writer)")
        sqlcluster.wait_until(
            lambda: b.command("reservation-get", {"subnet-id": 1, "identifier-type": "hw-address",
                                                  "identifier": mac})["text"] == "Host not found.",
            10, "node1 to forget the deleted reservation")
        expect(a.command("reservation-del", {"subnet-id": 1, "ip-address": "127.1.250.1"}), 1,
               "Host not deleted (not found).", "deleting the file's reservation")

        # kea-shell, unchanged, over node0's HTTP socket.
        kea_shell = netlab.require_tool("kea-shell", "kea-admin")
        shell = subprocess.run(
            [kea_shell, "--host", "127.0.0.1", "--port", "18700", "--service", "dhcp4",
             "reservation-add"],
            input='"reservation": {"subnet-id": 1, "hw-address": "02:f0:00:00:02:01", '
                  '"ip-address": "127.1.200.30"}',
            capture_output=True, text=True, timeout=30)
        check("Host added." in shell.stdout, f"kea-shell reservation-add: {shell.stdout}"
                                             f"{shell.stderr}")
        for node in nodes:
            node.close_client()
            node.server.check_alive()
            node.server.stop()
    finally:
        database.close()


if __name__ == "__main__":
    which = sqlcluster.dialect_from_argv(sys.argv, "test_reservation_commands.py")
    netlab.run_test(f"api_reservation_commands_{which}", lambda lab: body(lab, which))
