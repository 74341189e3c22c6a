#!/usr/bin/env python3
"""e2e: three shoal-dhcp4 nodes on one SQL lease database, perfdhcp driving
all three at once.

Usage: test_cluster_perfdhcp.py mysql|postgresql

A scratch database gets shoal's schema (shoal-admin db-init). Three nodes run
on loopback in the host's network namespace, each on its own port pair, all
with the same pool of 65534 addresses. Three perfdhcp processes (one per
node, each with its own range of client MACs: 00:0c:01:.., 00:0c:02:..,
00:0c:03:..) run DORA exchanges at the same time. Afterwards lease4 is read
directly:
- no hwaddr holds two live leases, and every lease belongs to one of the
  three MAC ranges;
- for each perfdhcp, the leases of its MAC range are no more than the
  REQUESTs it sent (an ACK that arrived late counts as a drop but was
  stored), and at least 90% of the ACKs it received (a few clients are drawn twice and keep
  their address; if one node had overwritten another node's lease, the
  overwritten client's range would come up short);
- each perfdhcp reports "non unique addresses: 0";
- each node NAKed at most 1% of the REQUESTs (a NAK here means two nodes
  offered the same address and this one lost the race on the unique key).
Then one Python client gets a lease through each node, to show the nodes
still allocate around each other's leases."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netlab  # noqa: E402
import sqlcluster  # noqa: E402
from netlab import check  # noqa: E402

RATE = 150        # exchanges/s per perfdhcp
SECONDS = 15
CLIENTS = 200000  # -R: simulated clients per perfdhcp


def received(output, exchange):
    m = re.search(exchange + r"[\s\S]*?received packets: (\d+)", output)
    check(m is not None, f"perfdhcp's report has no {exchange} section:\n{output}")
    return int(m.group(1))


def sent(output, exchange):
    m = re.search(exchange + r"[\s\S]*?sent packets: (\d+)", output)
    check(m is not None, f"perfdhcp's report has no {exchange} section:\n{output}")
    return int(m.group(1))


def body(lab, dialect):
    env = sqlcluster.DbEnv(dialect)
    database = sqlcluster.ScratchDatabase(env, "perf")
    try:
        nodes = [sqlcluster.Node(lab, env, database, i).start() for i in range(3)]
        runs = []
        for node in nodes:
            name = f"perfdhcp{node.index}"
            mac = f"00:0c:0{node.index + 1}:00:00:00"
            runs.append((name, sqlcluster.run_perfdhcp(
                node, lab, ["-r", str(RATE), "-R", str(CLIENTS), "-p", str(SECONDS), "-u",
                            "-b", f"mac={mac}"], name)))
        outputs = [sqlcluster.perfdhcp_result(proc, lab, name) for name, proc in runs]
        for node in nodes:
            node.server.check_alive()

        rows = database.leases()
        by_hw = sqlcluster.check_unique(rows, f"{dialect} cluster")
        total_acks = 0
        for index, output in enumerate(outputs):
            print(f"--- perfdhcp{index} ---\n{output}")
            non_unique = re.findall(r"non unique addresses: (\d+)", output)
            check(len(non_unique) == 2 and all(n == "0" for n in non_unique),
                  f"perfdhcp{index} does not report 'non unique addresses: 0' for both "
                  f"exchanges (found {non_unique})")
            acks = received(output, "REQUEST-ACK")
            requests = sent(output, "REQUEST-ACK")
            check(acks > 0, f"perfdhcp{index} received no ACKs")
            total_acks += acks
            prefix = f"00:0c:0{index + 1}:"
            leases = sum(1 for hw in by_hw if hw.startswith(prefix))
            naks = nodes[index].server.count_in_log(": NAK:")
            print(f"perfdhcp{index}: {requests} REQUESTs, {acks} ACKs received, node{index} "
                  f"sent {naks} NAKs; {leases} leases with hwaddr {prefix}*")
            # An ACK perfdhcp counted as late (a drop) still wrote its lease.
            check(leases <= requests, f"perfdhcp{index} sent {requests} REQUESTs but lease4 "
                  f"holds {leases} leases of its clients ({prefix}*)")
            # A node that loses a race for an address NAKs the REQUEST; nodes
            # picking addresses independently must make that rare.
            check(naks <= 0.01 * requests,
                  f"node{index} NAKed {naks} of {requests} REQUESTs: the nodes kept racing "
                  "for the same addresses")
            check(leases >= 0.9 * acks,
                  f"perfdhcp{index} got {acks} ACKs but lease4 holds only {leases} leases of "
                  f"its clients ({prefix}*): leases were lost or overwritten")
        strangers = [hw for hw in by_hw if not re.match(r"00:0c:0[123]:", hw)]
        check(not strangers, f"lease4 holds leases of unknown clients: {strangers[:5]}")
        print(f"{dialect}: {total_acks} ACKs in all, {len(rows)} rows in lease4, "
              f"{len(by_hw)} live leases, every address unique")

        # Each node still hands out an address no other node holds.
        taken = {r["address"] for r in rows}
        for node in nodes:
            ack = node.client().dora(f"02:cc:00:00:00:{node.index:02x}")
            check(ack["yiaddr"] not in taken,
                  f"node{node.index} gave {ack['yiaddr']}, which lease4 already held")
            taken.add(ack["yiaddr"])
            node.close_client()
        sqlcluster.check_unique(database.leases(), f"{dialect} cluster after the probes")
        for node in nodes:
            node.server.stop()
    finally:
        database.close()


if __name__ == "__main__":
    which = sqlcluster.dialect_from_argv(sys.argv, "test_cluster_perfdhcp.py")
    netlab.run_test(f"e2e_cluster_perfdhcp_{which}", lambda lab: body(lab, which))
