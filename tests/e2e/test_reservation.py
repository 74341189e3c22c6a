#!/usr/bin/env python3
"""e2e: host reservation by hw-address.

The client veth has the reserved MAC 1a:1b:1c:1d:1e:1f: dhclient must get the
reserved address 192.0.2.10 (outside the pool) and the reserved host name.
A second client namespace without a reservation must get a pool address,
and a probe client without a reservation that asks for 192.0.2.10 outright
(DISCOVER with option 50, INIT-REBOOT REQUEST) must never be given it."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netlab  # noqa: E402
from netlab import check  # noqa: E402

POOL = ("192.0.2.100", "192.0.2.199")
RESERVED_MAC = "1a:1b:1c:1d:1e:1f"
RESERVED_IP = "192.0.2.10"


def config():
    return netlab.memfile_config(
        ["br-s"],
        [{"id": 1, "subnet": "192.0.2.0/24",
          "pools": [{"pool": f"{POOL[0]} - {POOL[1]}"}],
          "option-data": [{"name": "routers", "data": "192.0.2.1"}],
          "reservations": [{"hw-address": RESERVED_MAC, "ip-address": RESERVED_IP,
                            "hostname": "printer"}]}])


def body(lab):
    server_ns = lab.namespace("srv")
    reserved_ns = lab.namespace("res")
    other_ns = lab.namespace("oth")
    # Both clients are on one LAN: a bridge in the server namespace.
    lab.bridge(server_ns, "br-s", "192.0.2.1/24")
    lab.link(server_ns, reserved_ns, server_if="veth-s1", client_mac=RESERVED_MAC, bridge="br-s")
    lab.link(server_ns, other_ns, server_if="veth-s2", client_mac="02:00:00:00:00:02",
             bridge="br-s")
    server = netlab.ShoalServer(lab, server_ns, config()).start()

    reserved = netlab.Dhclient(lab, reserved_ns, "veth-c", name="reserved").start()
    env = reserved.wait_bound()
    check(env.get("new_ip_address") == RESERVED_IP,
          f"the reserved client got {env.get('new_ip_address')}, expected {RESERVED_IP}")
    check(env.get("new_host_name") == "printer",
          f"the reserved client's host-name is '{env.get('new_host_name')}', expected 'printer'")
    lease = server.leases().get(RESERVED_IP)
    check(lease is not None and lease["hwaddr"] == RESERVED_MAC,
          f"lease file entry for {RESERVED_IP} is {lease}, expected hwaddr {RESERVED_MAC}")

    other = netlab.Dhclient(lab, other_ns, "veth-c", name="other").start()
    env = other.wait_bound()
    check(netlab.in_range(env.get("new_ip_address", ""), *POOL),
          f"the client without a reservation got {env.get('new_ip_address')}, expected an "
          f"address in {POOL[0]} - {POOL[1]}")
    check(env.get("new_host_name") != "printer", "the client without a reservation got the "
          "reserved host name")

    # A client without a reservation asking for the reserved address, while
    # the reserved client holds it and after it released it.
    probe_ns = other_ns
    other.stop()
    probe = netlab.ProbeClient(probe_ns, "direct", ifname="veth-c")
    try:
        for phase in ("held", "released"):
            mac = netlab.random_mac()
            offer = probe.discover(mac, requested=RESERVED_IP)
            check(offer is not None and offer["type"] == netlab.OFFER,
                  f"no OFFER to a DISCOVER from {mac} ({phase})")
            check(offer["yiaddr"] != RESERVED_IP,
                  f"{mac} without a reservation was offered the reserved {RESERVED_IP} ({phase})")
            check(netlab.in_range(offer["yiaddr"], *POOL),
                  f"{mac} was offered {offer['yiaddr']}, outside the pool ({phase})")
            reply = probe.request(mac, RESERVED_IP, timeout=4)
            if reply is not None:  # silence (non-authoritative) or a NAK are both right
                check(reply["type"] == netlab.NAK,
                      f"an INIT-REBOOT REQUEST for {RESERVED_IP} from {mac} got "
                      f"{netlab.MESSAGE_NAMES.get(reply['type'])} for {reply['yiaddr']} ({phase})")
            if phase == "held":
                reserved.release()
                netlab.wait_for(lambda: RESERVED_IP not in server.leases(), 10,
                                f"the release of {RESERVED_IP}")
    finally:
        probe.close()
    leases = server.leases()
    check(RESERVED_IP not in leases, f"{RESERVED_IP} is leased to {leases.get(RESERVED_IP)}")
    server.check_alive()
    server.stop()


if __name__ == "__main__":
    netlab.run_test("e2e_reservation", body)
