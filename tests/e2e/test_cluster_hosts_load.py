#!/usr/bin/env python3
"""e2e: reservations added under load are not handed to other clients.

Usage: test_cluster_hosts_load.py mysql|postgresql

Three nodes share one database for leases and hosts. perfdhcp drives each
node while a writer keeps inserting reservations (plain SQL, for MACs
perfdhcp never uses) for addresses next to the ones just leased — addresses
in the address blocks the nodes are handing out at that moment. Afterwards,
for every reservation whose address was still free WINDOW (0.2 s) after its
commit — by then every node has applied it (p99 ~25 ms) — a lease of that
address to another client is a violation. Addresses leased before then are
allowed: such a lease is taken back at the client's next renewal, as in
Kea (docs/hosts-sql.md). Also checks perfdhcp's own count: no address leased twice."""

import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netlab  # noqa: E402
import sqlcluster  # noqa: E402
from netlab import check  # noqa: E402

RATE = 150       # exchanges/s per node
SECONDS = 20
CLIENTS = 20000
WINDOW = 0.2     # s: every node has applied a reservation by then (p99 ~25 ms)


def body(lab, dialect):
    env = sqlcluster.DbEnv(dialect)
    database = sqlcluster.ScratchDatabase(env, "hostload")
    try:
        hosts_db = sqlcluster.database_map(env, database)
        nodes = []
        for i in range(3):
            node = sqlcluster.Node(lab, env, database, i)
            config = sqlcluster.node_config(env, database, node.control_socket,
                                            **{"hosts-database": hosts_db})
            node.server.write_config(config)
            nodes.append(node.start())

        reservations = {}  # address (int) -> (mac, committed epoch)
        stop = threading.Event()
        errors = []
        epoch = ("UNIX_TIMESTAMP(committed_at)" if dialect == "mysql"
                 else "extract(epoch FROM committed_at)")
        rng = random.Random(7)

        # Reservations whose address was still free (or the owner's) once
        # every node had had WINDOW seconds to learn of them: from then on
        # no node may lease it to anyone else.
        known_free = set()
        settled = set()

        def writer():
            n = 0
            newest = "(SELECT address FROM lease4 ORDER BY expire DESC LIMIT 1)"
            try:
                while not stop.is_set():
                    # A fresh lease and the leases around it (one round trip).
                    rows = database.query(
                        f"SELECT 'b', address FROM {newest} AS x UNION ALL SELECT 't', address "
                        f"FROM lease4 WHERE address BETWEEN {newest} - 32 AND {newest} + 32")
                    bases = [int(a) for kind, a in rows if kind == "b"]
                    if not bases:
                        stop.wait(0.1)
                        continue
                    taken = {int(a) for kind, a in rows if kind == "t"}
                    free = [a for a in range(bases[0] - 32, bases[0] + 33)
                            if a not in taken and a not in reservations]
                    if not free:
                        continue
                    # A free address in a block some node is handing out now.
                    address = rng.choice(free)
                    n += 1
                    mac = f"02ee{n:08x}"
                    ident = (f"UNHEX('{mac}')" if dialect == "mysql"
                             else f"decode('{mac}', 'hex')")
                    due = [a for a, (_, at) in reservations.items()
                           if a not in settled and time.time() >= at + WINDOW]
                    check_due = (f"; SELECT 'l', address FROM lease4 WHERE address IN "
                                 f"({', '.join(str(a) for a in due)})" if due else "")
                    out = database.query(
                        "INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, "
                        f"dhcp4_subnet_id, ipv4_address) VALUES ({ident}, 0, 1, {address}); "
                        f"SELECT 'c', {epoch} FROM hosts4_change ORDER BY id DESC LIMIT 1"
                        + check_due)
                    leased = {int(a) for kind, a in out if kind == "l"}
                    for a in due:
                        settled.add(a)
                        if a not in leased:
                            known_free.add(a)
                    committed = [float(v) for kind, v in out if kind == "c"]
                    reservations[address] = (mac, committed[0])
                    stop.wait(0.02)
            except Exception as e:  # reported by the main thread
                errors.append(e)

        runs = []
        for node in nodes:
            name = f"perfdhcp{node.index}"
            runs.append((name, sqlcluster.run_perfdhcp(
                node, lab, ["-r", str(RATE), "-R", str(CLIENTS), "-p", str(SECONDS),
                            "-b", f"mac=00:0c:0{node.index + 1}:00:00:00"], name)))
        thread = threading.Thread(target=writer)
        thread.start()
        outputs = [sqlcluster.perfdhcp_result(proc, lab, name) for name, proc in runs]
        stop.set()
        thread.join()
        check(not errors, f"the reservation writer failed: {errors}")
        for out in outputs:
            check("non unique addresses: 0" in out or "non unique" not in out,
                  f"perfdhcp saw an address leased twice:\n{out}")

        leases = database.leases()
        by_address = {int.from_bytes(bytes(int(x) for x in row["address"].split(".")), "big"): row
                      for row in leases}
        contested, before, violations, untouched = 0, 0, [], 0
        for address, (mac, committed) in reservations.items():
            row = by_address.get(address)
            if row is None:
                untouched += 1
                continue
            owner = row["hwaddr"].replace(":", "")
            if owner == mac:
                continue
            contested += 1
            if address in known_free:
                violations.append((row["address"], row["hwaddr"], committed))
            else:
                before += 1
        acks = len(leases)
        print(f"{dialect}: {acks} leases under load, {len(reservations)} reservations of free "
              f"addresses next to fresh leases ({len(known_free)} still free {WINDOW} s after "
              f"their commit): {untouched} never leased, {contested} leased to others "
              f"({before} of them within {WINDOW} s of the commit, none later); "
              f"violations: {len(violations)}", flush=True)
        check(len(reservations) >= 20, f"only {len(reservations)} reservations were written")
        check(len(known_free) >= 10, f"only {len(known_free)} reserved addresses were still free "
                                     f"{WINDOW} s after their commit: the test proves little")
        check(acks > RATE * SECONDS, f"only {acks} leases under load")
        check(not violations, f"reserved addresses leased to other clients after the "
                              f"reservation was committed: {violations[:10]}")
        for node in nodes:
            node.server.check_alive()
            node.server.stop()
    finally:
        database.close()


if __name__ == "__main__":
    which = sqlcluster.dialect_from_argv(sys.argv, "test_cluster_hosts_load.py")
    netlab.run_test(f"e2e_cluster_hosts_load_{which}", lambda lab: body(lab, which))
