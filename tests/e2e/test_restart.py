#!/usr/bin/env python3
"""e2e: leases survive kill -9 and a restart.

A few clients get leases; shoal-dhcp4 is killed with SIGKILL (no chance to
flush anything it had not already written) and started again on the same
lease file. Each client must get its old address back, and the lease file
must still hold every lease."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netlab  # noqa: E402
from netlab import check  # noqa: E402

POOL = ("192.0.2.100", "192.0.2.199")
CLIENTS = [f"02:5e:00:00:00:{i:02x}" for i in range(1, 6)]


def config():
    return netlab.memfile_config(
        ["veth-s"],
        [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": f"{POOL[0]} - {POOL[1]}"}]}])


def body(lab):
    server_ns = lab.namespace("srv")
    client_ns = lab.namespace("cli")
    lab.link(server_ns, client_ns)
    server = netlab.ShoalServer(lab, server_ns, config()).start()

    # One real client too: dhclient with the client veth's MAC.
    dhclient = netlab.Dhclient(lab, client_ns, "veth-c").start()
    dhclient_address = dhclient.wait_bound()["new_ip_address"]
    dhclient.stop()

    probe = netlab.ProbeClient(client_ns, "direct", ifname="veth-c")
    try:
        before = {mac: probe.dora(mac)["yiaddr"] for mac in CLIENTS}
    finally:
        probe.close()
    check(len(set(before.values())) == len(CLIENTS), f"duplicate addresses: {before}")

    server.kill9()
    leases = server.leases()
    for mac, address in before.items():
        check(address in leases and leases[address]["hwaddr"] == mac,
              f"after kill -9 the lease file has {leases.get(address)} for {address}, "
              f"expected a lease for {mac}")
    check(dhclient_address in leases, f"after kill -9 the lease file lost {dhclient_address}")

    server.start()
    probe = netlab.ProbeClient(client_ns, "direct", ifname="veth-c")
    try:
        for mac, address in before.items():
            ack = probe.dora(mac)
            check(ack["yiaddr"] == address,
                  f"after the restart {mac} got {ack['yiaddr']}, expected its lease {address}")
        # A new client must not get any of the remembered addresses.
        fresh = probe.dora(netlab.random_mac())["yiaddr"]
        check(fresh not in before.values() and fresh != dhclient_address,
              f"a new client got {fresh}, which is leased to another client")
    finally:
        probe.close()

    dhclient = netlab.Dhclient(lab, client_ns, "veth-c", name="dhclient-again").start()
    again = dhclient.wait_bound()["new_ip_address"]
    check(again == dhclient_address,
          f"after the restart dhclient got {again}, expected its lease {dhclient_address}")
    dhclient.stop()

    leases = server.leases()
    for mac, address in before.items():
        check(address in leases and leases[address]["hwaddr"] == mac,
              f"lease file after restart: {leases.get(address)} for {address}")
    server.stop()


if __name__ == "__main__":
    netlab.run_test("e2e_restart", body)
