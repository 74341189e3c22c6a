#!/usr/bin/env python3
"""e2e: SIGHUP reloads the configuration file; a broken file keeps the old one.

shoal-dhcp4 starts with pool A. A dhclient gets an address from A. The pool in
the file is changed to B and SIGHUP sent: a new client must get an address
from B. Then the file is broken (a syntax error, then an unknown key) and
SIGHUP sent: the server must log the failure, keep running, and new clients
must still get addresses from B."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netlab  # noqa: E402
from netlab import check  # noqa: E402

POOL_A = ("192.0.2.100", "192.0.2.109")
POOL_B = ("192.0.2.150", "192.0.2.159")


def config(pool):
    return netlab.memfile_config(
        ["veth-s"],
        [{"id": 1, "subnet": "192.0.2.0/24", "pools": [{"pool": f"{pool[0]} - {pool[1]}"}],
          "option-data": [{"name": "routers", "data": "192.0.2.1"}]}])


def body(lab):
    server_ns = lab.namespace("srv")
    client_ns = lab.namespace("cli")
    lab.link(server_ns, client_ns)
    server = netlab.ShoalServer(lab, server_ns, config(POOL_A)).start()

    first = netlab.Dhclient(lab, client_ns, "veth-c", name="first").start()
    env = first.wait_bound()
    check(netlab.in_range(env.get("new_ip_address", ""), *POOL_A),
          f"first client got {env.get('new_ip_address')}, expected pool A {POOL_A}")
    first.stop()

    server.write_config(config(POOL_B))
    server.reload(expect_ok=True)
    probe = netlab.ProbeClient(client_ns, "direct", ifname="veth-c")
    try:
        ack = probe.dora(netlab.random_mac())
        check(netlab.in_range(ack["yiaddr"], *POOL_B),
              f"after the reload a new client got {ack['yiaddr']}, expected pool B {POOL_B}")

        good_text = open(server.config_path).read()
        broken = [good_text.replace('"valid-lifetime"', '"valid-lifetime" 12 ,', 1),
                  good_text.replace('"renew-timer"', '"renew-timr"', 1)]
        for text in broken:
            server.write_config(text)
            server.reload(expect_ok=False)
            ack = probe.dora(netlab.random_mac())
            check(netlab.in_range(ack["yiaddr"], *POOL_B),
                  f"after a failed reload a new client got {ack['yiaddr']}, expected the old "
                  f"configuration's pool B {POOL_B}")
        log = server.log()
        check("renew-timr" in log, "the failed reload's log does not name the unknown key "
              "'renew-timr'")
    finally:
        probe.close()

    # A good file again is taken again.
    server.write_config(config(POOL_A))
    server.reload(expect_ok=True)
    server.check_alive()
    server.stop()


if __name__ == "__main__":
    netlab.run_test("e2e_reload", body)
