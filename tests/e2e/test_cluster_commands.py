#!/usr/bin/env python3
"""e2e: lease and statistics commands on a shared SQL lease database.

Usage: test_cluster_commands.py mysql|postgresql

Two nodes (A, B) share one SQL lease database. Leases added, updated and
deleted with lease4-* commands through one node are seen through the other;
conflicting or inconsistent requests are refused with result 1; the
per-subnet statistics (statistic-get subnet[1].assigned-addresses,
stat-lease4-get) count every node's leases, read from the database rather
than from a counter row, so both nodes report the same numbers."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netlab  # noqa: E402
import sqlcluster  # noqa: E402
from netlab import check  # noqa: E402


def expect(answer, result, what):
    check(answer.get("result") == result,
          f"{what}: expected result {result}, got {answer}")
    return answer


def assigned(node):
    answer = expect(node.command("statistic-get", {"name": "subnet[1].assigned-addresses"}), 0,
                    f"node{node.index} statistic-get")
    samples = answer["arguments"].get("subnet[1].assigned-addresses")
    check(samples, f"node{node.index}: no subnet[1].assigned-addresses sample: {answer}")
    return samples[0][0]


def body(lab, dialect):
    env = sqlcluster.DbEnv(dialect)
    database = sqlcluster.ScratchDatabase(env, "commands")
    try:
        a = sqlcluster.Node(lab, env, database, 0).start()
        b = sqlcluster.Node(lab, env, database, 1).start()

        lease = {"ip-address": "127.1.0.10", "hw-address": "02:cc:00:00:00:01",
                 "valid-lft": 3600, "hostname": "alpha"}
        expect(a.command("lease4-add", lease), 0, "lease4-add through A")
        got = expect(b.command("lease4-get", {"ip-address": "127.1.0.10"}), 0,
                     "lease4-get through B")["arguments"]
        check(got["hw-address"] == "02:cc:00:00:00:01" and got["subnet-id"] == 1,
              f"B reads another lease than A added: {got}")
        row = database.lease_at("127.1.0.10")
        check(row is not None and row["hwaddr"] == "02:cc:00:00:00:01",
              f"lease4 has {row} for 127.1.0.10")

        # Inconsistent requests: a conflicting lease, an address outside every subnet.
        expect(b.command("lease4-add", dict(lease, **{"hw-address": "02:cc:00:00:00:02"})), 1,
               "a second lease4-add for the same address through B")
        expect(a.command("lease4-add", {"ip-address": "10.0.0.1",
                                        "hw-address": "02:cc:00:00:00:03"}), 1,
               "lease4-add outside every subnet")

        # A client leased through B counts on both nodes.
        ack = b.client().dora("02:cc:00:00:00:04")
        check(ack["yiaddr"] != "127.1.0.10", "B leased the address the API added to another client")
        check(assigned(a) == 2 and assigned(b) == 2,
              f"assigned-addresses: node0 {assigned(a)}, node1 {assigned(b)}, expected 2 each")
        rows = expect(a.command("stat-lease4-get", {"subnet-id": 1}), 0,
                      "stat-lease4-get through A")["arguments"]["result-set"]
        columns = rows["columns"]
        check(rows["rows"] and rows["rows"][0][columns.index("assigned-addresses")] == 2,
              f"stat-lease4-get: {rows}")

        # Update through A, seen through B; by-hw-address lookup through B.
        expect(a.command("lease4-update", dict(lease, hostname="beta")), 0, "lease4-update")
        got = expect(b.command("lease4-get", {"ip-address": "127.1.0.10"}), 0,
                     "lease4-get after the update")["arguments"]
        check(got["hostname"] == "beta", f"B does not see A's update: {got}")
        found = expect(b.command("lease4-get-by-hw-address", {"hw-address": "02:cc:00:00:00:01"}),
                       0, "lease4-get-by-hw-address")["arguments"]["leases"]
        check([l["ip-address"] for l in found] == ["127.1.0.10"], f"by hw-address: {found}")

        # Delete through B, gone for A; page and wipe.
        expect(b.command("lease4-del", {"ip-address": "127.1.0.10"}), 0, "lease4-del through B")
        expect(a.command("lease4-get", {"ip-address": "127.1.0.10"}), 3, "lease4-get after del")
        page = expect(a.command("lease4-get-page", {"from": "start", "limit": 10}), 0,
                      "lease4-get-page")["arguments"]
        check(page["count"] == 1 and page["leases"][0]["ip-address"] == ack["yiaddr"],
              f"lease4-get-page: {page}")
        expect(a.command("lease4-wipe", {"subnet-id": 1}), 0, "lease4-wipe through A")
        expect(b.command("lease4-get-all"), 3, "lease4-get-all after the wipe")
        check(assigned(b) == 0, f"node1 still counts {assigned(b)} assigned addresses")
        check(not database.leases(), f"lease4 not empty after the wipe: {database.leases()}")
    finally:
        database.close()


if __name__ == "__main__":
    which = sqlcluster.dialect_from_argv(sys.argv, "test_cluster_commands.py")
    netlab.run_test(f"e2e_cluster_commands_{which}", lambda lab: body(lab, which))
