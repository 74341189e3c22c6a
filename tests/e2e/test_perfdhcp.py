#!/usr/bin/env python3
"""e2e: perfdhcp (Kea's load generator) as a relay on loopback.

In a fresh network namespace, shoal-dhcp4 listens on "lo" (-p 1067 -P 2068)
with a subnet covering 127.0.0.1 (perfdhcp sets giaddr 127.0.0.1). perfdhcp
runs DORA exchanges at 500/s from 5000 simulated clients for 10 s. Its report
must show received ACKs and "non unique addresses: 0", and afterwards the
server's lease file must not give any address to two hardware addresses."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netlab  # noqa: E402
from netlab import check  # noqa: E402

SERVER_PORT, CLIENT_PORT = 1067, 2068


def loopback_config():
    return netlab.memfile_config(
        ["lo"],
        [{"id": 1, "subnet": "127.0.0.0/8", "pools": [{"pool": "127.1.0.1 - 127.1.255.254"}],
          "option-data": [{"name": "routers", "data": "127.0.0.1"}]}],
        **{"valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000})


def run_perfdhcp(ns, lab, args, name="perfdhcp"):
    perfdhcp = netlab.require_tool("perfdhcp", "kea-common")
    result = ns.run([perfdhcp, "-4", "-l", "127.0.0.1", "-L", str(CLIENT_PORT), "-N",
                     str(SERVER_PORT)] + args + ["127.0.0.1"], check_rc=False, timeout=120)
    output = result.stdout + result.stderr
    with open(lab.path(f"{name}.log"), "w") as f:
        f.write(output)
    # perfdhcp exits 3 when packets were lost (drops are not failures here).
    check(result.returncode in (0, 3), f"perfdhcp failed with exit code {result.returncode}:\n"
          f"{output}")
    return output


def body(lab):
    ns = lab.namespace("lo")
    server = netlab.ShoalServer(lab, ns, loopback_config(),
                                args=["-p", str(SERVER_PORT), "-P", str(CLIENT_PORT)]).start()
    output = run_perfdhcp(ns, lab, ["-r", "500", "-R", "5000", "-p", "10", "-u"])
    print(output)
    server.check_alive()
    acks = re.search(r"REQUEST-ACK[\s\S]*?received packets: (\d+)", output)
    check(acks is not None and int(acks.group(1)) > 0,
          f"perfdhcp's report shows no received ACKs:\n{output}")
    offers = re.search(r"DISCOVER-OFFER[\s\S]*?received packets: (\d+)", output)
    check(offers is not None and int(offers.group(1)) > 0, "no OFFERs received")
    netlab.check_perfdhcp_unique(output)
    check(re.search(r"Malformed packets: 0\b", output) is not None,
          f"perfdhcp received malformed packets:\n{output}")

    server.stop()
    # Replay the file: an address must never pass from one hwaddr to another
    # without a deletion row in between, and no hwaddr may hold two addresses.
    rows = server.lease_rows()
    check(len(rows) > 0, "the lease file is empty after the perfdhcp run")
    owner = {}
    for row in rows:
        if int(row["valid_lifetime"]) == 0:
            owner.pop(row["address"], None)
            continue
        previous = owner.get(row["address"])
        check(previous is None or previous == row["hwaddr"],
              f"address {row['address']} was leased to {previous} and then to "
              f"{row['hwaddr']} without being released")
        owner[row["address"]] = row["hwaddr"]
    hw_seen = {}
    for address, hw in owner.items():
        check(hw not in hw_seen, f"hwaddr {hw} holds both {hw_seen.get(hw)} and {address}")
        hw_seen[hw] = address
    print(f"lease file: {len(rows)} rows, {len(owner)} leases, all unique")


if __name__ == "__main__":
    netlab.run_test("e2e_perfdhcp", body)
