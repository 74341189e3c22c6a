#!/usr/bin/env python3
"""api_config_set_load: config-set while perfdhcp drives DORA traffic.

shoal-dhcp4 serves "lo" in its own network namespace (-p 1067 -P 2068) with
a 127.0.0.0/8 subnet (perfdhcp relays from giaddr 127.0.0.1). perfdhcp runs
at 300 exchanges/s from 20000 simulated clients for 15 s; meanwhile the test
config-sets, over HTTP and the UNIX socket, two valid configurations with the
same subnet but different options (each must succeed) and an invalid one
(each must be refused with result 1 while the old configuration keeps
serving).

Afterwards:
- perfdhcp reports "non unique addresses: 0" for both exchanges and at most
  5 % of DISCOVERs and REQUESTs without an answer;
- the server's lease file (Kea memfile CSV, last row per address wins,
  valid_lifetime 0 = deleted) never gives an address to two hardware
  addresses, no hardware address holds two addresses, and no lease was
  deleted (nobody released anything, so every lease that was ever ACKed and
  written is still present);
- the lease store (lease4-get-all) holds exactly the leases of the file, and
  the server sent at least as many ACKs as perfdhcp received."""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilab  # noqa: E402
from apilab import check, expect  # noqa: E402
import netlab  # noqa: E402

SERVER_PORT, CLIENT_PORT = 1067, 2068
MAX_DROP = 0.05


def subnets(option):
    return [{"id": 1, "subnet": "127.0.0.0/8", "pools": [{"pool": "127.1.0.1 - 127.1.255.254"}],
             "option-data": [option]}]


def config_pair(workdir, port):
    a = apilab.base_config(workdir, port, interfaces=["lo"],
                           subnets=subnets({"name": "routers", "data": "127.0.0.1"}))
    b = apilab.base_config(workdir, port, interfaces=["lo"],
                           subnets=subnets({"name": "domain-name-servers", "data": "127.0.0.53"}))
    bad = json.loads(json.dumps(a))
    bad["Dhcp4"]["subnet4"][0]["pools"] = [{"pool": "10.0.0.1 - 10.0.0.9"}]  # outside its subnet
    return a, b, bad


def body(lab):
    ns = lab.namespace("lo")
    workdir = lab.path("api")
    os.makedirs(workdir)
    a, b, bad = config_pair(workdir, apilab.free_tcp_port())
    server = apilab.ApiServer(workdir, a, args=["-p", str(SERVER_PORT), "-P", str(CLIENT_PORT)],
                              netns=ns.name)
    try:
        server.start()
        perf, perf_log = apilab.start_perfdhcp(lab, ns, SERVER_PORT, CLIENT_PORT,
                                               ["-r", "300", "-R", "20000", "-p", "15", "-u"])
        time.sleep(2)
        applied = rejected = 0
        for i in range(6):
            check(perf.poll() is None, "perfdhcp ended before the config-set rounds were done")
            send = server.unix if i % 2 else server.http
            expect(send("config-set", b if i % 2 == 0 else a), 0, "Configuration successful.",
                   f"config-set round {i} (valid)")
            applied += 1
            time.sleep(0.5)
            expect(server.unix("config-set", bad), 1, None, f"config-set round {i} (invalid)")
            rejected += 1
            check(server.alive(), "shoal-dhcp4 died during config-set")
            time.sleep(0.5)
        output = apilab.finish_perfdhcp(perf, perf_log)
        check(server.alive(), "shoal-dhcp4 is not running after the load")
        print(f"{applied} config-sets applied, {rejected} invalid ones rejected under load")
        netlab.check_perfdhcp_unique(output)
        netlab.check_perfdhcp_drops(output, MAX_DROP)
        _, acks = netlab.perfdhcp_counts(output, "REQUEST-ACK")

        stats = server.http("statistic-get", {"name": "pkt4-ack-sent"})["arguments"]
        ack_sent = stats["pkt4-ack-sent"][0][0]
        check(ack_sent >= acks, f"server sent {ack_sent} ACKs but perfdhcp received {acks}")
        store = server.http("lease4-get-all")
        store_addresses = {l["ip-address"]: l["hw-address"]
                           for l in store.get("arguments", {}).get("leases", [])}
        # The final configuration is the last valid one: routers must be gone
        # or present according to it.
        config = server.http("config-get")["arguments"]["Dhcp4"]
        check(config["subnet4"][0]["option-data"][0]["name"] == "routers",
              f"the last valid config-set is not the one serving: {config['subnet4'][0]}")
    finally:
        server.stop()

    rows = netlab.read_lease_file(os.path.join(workdir, "leases4.csv"))
    check(rows, "the lease file is empty after the load")
    owner = {}
    for row in rows:
        check(int(row["valid_lifetime"]) != 0,
              f"lease {row['address']} was deleted although no client released it")
        previous = owner.get(row["address"])
        check(previous is None or previous == row["hwaddr"],
              f"address {row['address']} was given to {previous} and then to {row['hwaddr']}")
        owner[row["address"]] = row["hwaddr"]
    by_hw = {}
    for address, hw in owner.items():
        check(hw not in by_hw, f"hwaddr {hw} holds both {by_hw.get(hw)} and {address}")
        by_hw[hw] = address
    check(owner == store_addresses,
          f"the lease store and the lease file disagree: {len(owner)} leases in the file, "
          f"{len(store_addresses)} in lease4-get-all")
    print(f"lease file: {len(rows)} rows, {len(owner)} leases, all unique, none lost")


if __name__ == "__main__":
    netlab.run_test("api_config_set_load", body)
