#!/usr/bin/env python3
"""e2e: udhcpc (busybox) gets, renews (SIGUSR1) and releases (SIGUSR2) a lease.

udhcpc runs in a client namespace on a veth link to shoal-dhcp4. Its script
environment must carry the pool address, router, dns servers and lease time;
after SIGUSR1 it must record a "renew" and the server's lease file a later
expiry; after SIGUSR2 the lease file must end with a deletion row."""

import os
import signal
import sys
import time

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
        **{"valid-lifetime": 600, "renew-timer": 300, "rebind-timer": 500})


def body(lab):
    udhcpc = netlab.require_tool("udhcpc", "udhcpc")
    server_ns = lab.namespace("srv")
    client_ns = lab.namespace("cli")
    lab.link(server_ns, client_ns)
    server = netlab.ShoalServer(lab, server_ns, config()).start()

    script, record = netlab.client_wrapper(lab, "udhcpc")
    proc = client_ns.spawn([udhcpc, "-f", "-i", "veth-c", "-s", script, "-t", "10", "-T", "2",
                            "-n"], "udhcpc.log")

    def bound():
        if proc.poll() is not None:
            raise netlab.TestFailure(f"udhcpc exited with code {proc.returncode} without a lease")
        return netlab.find_event(record, ("bound",))

    env = netlab.wait_for(bound, 60, "udhcpc to get a lease")
    address = env.get("ip", "")
    check(netlab.in_range(address, *POOL),
          f"udhcpc got '{address}', expected an address in {POOL[0]} - {POOL[1]}")
    check(env.get("router") == "192.0.2.1", f"router is '{env.get('router')}', expected 192.0.2.1")
    check(env.get("dns", "").split() == ["192.0.2.53", "192.0.2.54"],
          f"dns is '{env.get('dns')}', expected '192.0.2.53 192.0.2.54'")
    check(env.get("lease") == "600", f"lease is '{env.get('lease')}', expected 600")
    check(env.get("serverid") == "192.0.2.1", f"serverid is '{env.get('serverid')}'")
    check(address in client_ns.addresses("veth-c"),
          f"{address} is not configured on the client's veth-c")
    first = server.leases().get(address)
    check(first is not None, f"no lease for {address} in the server's lease file")
    first_expire = int(first["expire"])

    # Let the clock pass the lease's cltt so the renewed expiry is visibly later.
    cltt = first_expire - int(first["valid_lifetime"])
    netlab.wait_for(lambda: int(time.time()) > cltt, 5, "the next second")
    proc.send_signal(signal.SIGUSR1)
    renew = netlab.wait_for(lambda: netlab.find_event(record, ("renew",)), 30,
                            "udhcpc to record a renew after SIGUSR1")
    check(renew.get("ip") == address, f"renew got {renew.get('ip')}, expected {address}")

    def renewed_row():
        row = server.leases().get(address)
        return row if row and int(row["expire"]) > first_expire else None

    netlab.wait_for(renewed_row, 10, f"the lease file to show a later expiry than "
                    f"{first_expire} for {address} after the renew")

    proc.send_signal(signal.SIGUSR2)
    netlab.wait_for(lambda: address not in server.leases(), 15,
                    f"the lease file to record the release of {address} after SIGUSR2")
    last = netlab.rows_for(server.lease_rows(), address)[-1]
    check(last["valid_lifetime"] == "0",
          f"the last lease-file row for {address} is {last}, expected valid_lifetime 0")
    proc.terminate()
    proc.wait(timeout=10)
    server.check_alive()
    server.stop()


if __name__ == "__main__":
    netlab.run_test("e2e_udhcpc", body)
