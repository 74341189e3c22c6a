#!/usr/bin/env python3
"""e2e: the lease database goes down under load and comes back.

Usage: test_cluster_db_restart.py mysql|postgresql

Three nodes share one SQL lease database, configured with
max-reconnect-tries 30, reconnect-wait-time 1000 ms and on-fail
serve-retry-continue. perfdhcp drives node0 at a modest rate; Python clients
run DORA exchanges with fresh MACs through node1 and node2 and record every
ACK (address, MAC). Meanwhile the database server is stopped (scripts/db.sh
stop-mysql|stop-pgsql), kept down for a few seconds and started again.

Checks:
- while the database is down no node acknowledges anything (the Python
  clients get no ACK in that window), each node's log says the lease database
  is unavailable, and status-get reports the lease database as not
  connected;
- afterwards the nodes serve again on their own (every node completes a DORA
  within the reconnect budget), without being restarted;
- every ACK recorded during the whole run is in lease4 with the MAC it was
  given to, and no address is leased to two MACs.
Shortfalls among the outage-reporting checks are collected and reported
together at the end, after the data-safety checks have run."""

import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netlab  # noqa: E402
import sqlcluster  # noqa: E402
from netlab import check  # noqa: E402

RECONNECT = {"max-reconnect-tries": 30, "reconnect-wait-time": 1000,
             "on-fail": "serve-retry-continue"}
DOWN_SECONDS = 6


def client_macs(node_index):
    for i in range(1, 1 << 16):
        yield f"02:d{node_index}:00:00:{i >> 8:02x}:{i & 0xff:02x}"


def body(lab, dialect):
    env = sqlcluster.DbEnv(dialect)
    check(env.reachable(), f"the {dialect} test database at {env.host}:{env.port} does not "
          "answer: start it with scripts/db.sh start")
    database = sqlcluster.ScratchDatabase(env, "restart")
    shortfalls = []
    try:
        nodes = [sqlcluster.Node(lab, env, database, i, reconnect=RECONNECT).start()
                 for i in range(3)]
        perf = sqlcluster.run_perfdhcp(nodes[0], lab, ["-r", "100", "-R", "100000", "-p", "40",
                                                       "-u", "-b", "mac=00:0c:0a:00:00:00"],
                                       "perfdhcp")
        stop = threading.Event()
        acks, errors = [], []
        threads = [threading.Thread(target=sqlcluster.dhcp_client_loop,
                                    args=([node], client_macs(node.index), stop, acks, errors))
                   for node in nodes[1:]]
        for t in threads:
            t.start()

        try:
            sqlcluster.wait_until(lambda: len(acks) >= 20, 60, "20 ACKs before the outage")
            logs_before = [n.server.log() for n in nodes]
            env.server_action("stop")
            down_at = time.monotonic()
            check(not env.reachable(), f"the {dialect} server still answers after stop")
            time.sleep(1.0)  # ACKs for commits that finished before the stop may still arrive
            acks_down = len(acks)
            time.sleep(DOWN_SECONDS - 2.0)
            late = acks[acks_down:]
            if late:
                shortfalls.append(f"{len(late)} ACKs were sent while the database was down, "
                                  f"e.g. {late[:3]}")
            for node in nodes:
                node.server.check_alive()
                try:
                    answer = node.command("status-get")
                    state = (answer.get("arguments", {}).get("backends", {})
                             .get("lease-database", {}).get("state"))
                    if state == "connected":
                        shortfalls.append(f"node{node.index}: status-get says the lease "
                                          f"database is '{state}' while it is down: {answer}")
                except (OSError, netlab.TestFailure) as e:
                    shortfalls.append(f"node{node.index}: status-get failed while the database "
                                      f"was down: {e}")
            time.sleep(max(0.0, DOWN_SECONDS - (time.monotonic() - down_at)))
            env.server_action("start")
            up_at = time.monotonic()
            acks_at_up = len(acks)
            sqlcluster.wait_until(lambda: len(acks) >= acks_at_up + 20, 60,
                                  "the nodes to ACK again after the database came back")
            print(f"{dialect}: first ACKs again {time.monotonic() - up_at:.1f} s after the "
                  "database started")
            for node, before in zip(nodes, logs_before):
                new = node.server.log()[len(before):].lower()
                if not any(w in new for w in ("unavailable", "lost connection", "reconnect",
                                              "can't connect", "connection refused")):
                    shortfalls.append(f"node{node.index}'s log says nothing about the lease "
                                      "database being unavailable")
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=60)
        output = sqlcluster.perfdhcp_result(perf, lab, "perfdhcp")
        print(output)

        for node in nodes:
            node.server.check_alive()
            node.close_client()
            ack = node.client().dora(f"02:e0:00:00:00:{node.index:02x}")
            acks.append((f"02:e0:00:00:00:{node.index:02x}", ack["yiaddr"], node.index))
            answer = node.command("status-get")
            check(answer.get("result") == 0, f"node{node.index}: status-get failed: {answer}")
        check(not errors, f"clients got NAKs or unexpected replies: {errors[:10]}")
        sqlcluster.check_acks_stored(database, acks, f"{dialect} restart")
        sqlcluster.check_unique(database.leases(), f"{dialect} restart")
        print(f"{dialect}: {len(acks)} recorded ACKs, all in lease4 with their MAC")
        check(not shortfalls, "while the database was down:\n  " + "\n  ".join(shortfalls))
        for node in nodes:
            node.close_client()
            node.server.stop()
    finally:
        if not env.reachable():
            env.server_action("start")
        database.close()


if __name__ == "__main__":
    which = sqlcluster.dialect_from_argv(sys.argv, "test_cluster_db_restart.py")
    netlab.run_test(f"e2e_cluster_db_restart_{which}", lambda lab: body(lab, which))
