#!/usr/bin/env python3
"""e2e: dhclient (isc-dhcp-client) gets, renews and releases a lease.

A client namespace joined to the server namespace by a veth pair; shoal-dhcp4
serves 192.0.2.0/24 with routers and domain-name-servers options and short
timers. dhclient must be BOUND to a pool address with those options, RENEW
(the server's lease file then shows a later expiry for the address), and
after `dhclient -r` the lease file must end with a deletion row for it."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netlab  # noqa: E402
from netlab import check  # noqa: E402

POOL = ("192.0.2.100", "192.0.2.199")


def config():
    return netlab.memfile_config(
        ["veth-s"],
        [{"id": 1, "subnet": "192.0.2.0/24",
          "pools": [{"pool": f"{POOL[0]} - {POOL[1]}"}],
          "option-data": [{"name": "routers", "data": "192.0.2.1"},
                          {"name": "domain-name-servers", "data": "192.0.2.53, 192.0.2.54"}]}],
        **{"valid-lifetime": 20, "renew-timer": 4, "rebind-timer": 8})


def body(lab):
    server_ns = lab.namespace("srv")
    client_ns = lab.namespace("cli")
    lab.link(server_ns, client_ns)
    server = netlab.ShoalServer(lab, server_ns, config()).start()

    client = netlab.Dhclient(lab, client_ns, "veth-c").start()
    bound = client.wait_bound()
    address = bound.get("new_ip_address", "")
    check(netlab.in_range(address, *POOL), f"dhclient got '{address}', expected an address "
          f"in the pool {POOL[0]} - {POOL[1]}")
    check(bound.get("new_routers") == "192.0.2.1",
          f"new_routers is '{bound.get('new_routers')}', expected 192.0.2.1")
    check(bound.get("new_domain_name_servers") == "192.0.2.53 192.0.2.54",
          f"new_domain_name_servers is '{bound.get('new_domain_name_servers')}', "
          "expected '192.0.2.53 192.0.2.54'")
    check(bound.get("new_dhcp_lease_time") == "20",
          f"new_dhcp_lease_time is '{bound.get('new_dhcp_lease_time')}', expected 20")
    check(bound.get("new_dhcp_server_identifier") == "192.0.2.1",
          f"new_dhcp_server_identifier is '{bound.get('new_dhcp_server_identifier')}'")
    check(bound.get("new_subnet_mask") == "255.255.255.0",
          f"new_subnet_mask is '{bound.get('new_subnet_mask')}'")
    check(address in client_ns.addresses("veth-c"),
          f"{address} is not configured on the client's veth-c")

    leases = server.leases()
    check(address in leases, f"the server's lease file has no lease for {address}: "
          f"{server.lease_rows()}")
    first = leases[address]
    check(first["hwaddr"] == client_ns.ip("-br", "link", "show", "veth-c").split()[2],
          f"lease {address} has hwaddr {first['hwaddr']}, not the client's MAC")
    check(first["valid_lifetime"] == "20", f"lease valid_lifetime {first['valid_lifetime']}")
    first_expire = int(first["expire"])

    # renew-timer 4 s: dhclient renews by itself (unicast REQUEST to the server).
    renew = netlab.wait_for(lambda: netlab.find_event(client.record, ("RENEW",)), 60,
                            "dhclient to record a RENEW")
    check(renew.get("new_ip_address") == address,
          f"RENEW got {renew.get('new_ip_address')}, expected the same {address}")
    def renewed_row():
        row = server.leases().get(address)
        return row if row and int(row["expire"]) > first_expire else None

    renewed = netlab.wait_for(renewed_row, 10, f"the lease file to show a later expiry than "
                              f"{first_expire} for {address} after the RENEW")
    check(renewed["hwaddr"] == first["hwaddr"], "renewed lease changed its hwaddr")

    client.release()
    netlab.wait_for(lambda: address not in server.leases(), 10,
                    f"the lease file to record the release of {address}")
    last = netlab.rows_for(server.lease_rows(), address)[-1]
    check(last["valid_lifetime"] == "0",
          f"the last lease-file row for {address} is {last}, expected a deletion row "
          "(valid_lifetime 0)")
    server.check_alive()
    server.stop()


if __name__ == "__main__":
    netlab.run_test("e2e_dhclient", body)
