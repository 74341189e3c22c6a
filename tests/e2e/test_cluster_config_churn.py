#!/usr/bin/env python3
"""e2e: configuration changes ten times a second under DHCP load.

Usage: test_cluster_config_churn.py mysql|postgresql

Two thin nodes share one database for configuration and leases; their only
subnet (127.0.0.0/8, perfdhcp relays from 127.0.0.1) comes from the
configuration database. perfdhcp drives each node at 150 exchanges/s for
15 s while the test changes the configuration with plain SQL ten times a
second: the global domain-name option, and every fifth change the subnet's
own options (its pool unchanged, so its allocation state carries over the
swap). Afterwards:
- each perfdhcp reports "non unique addresses: 0" and at most 5 % of its
  DISCOVERs and REQUESTs unanswered (perfdhcp's own start-up and end
  account for a few);
- lease4 never gives one address to two clients nor one client two
  addresses;
- both nodes applied the last revision, and every revision in between was
  either applied or superseded (the nodes' logs name no refused revision)."""

import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netlab  # noqa: E402
import sqlcluster  # noqa: E402
from netlab import check  # noqa: E402
from test_cluster_config_db import ThinNode, head, sql_json, wait_applied  # noqa: E402

RATE = 150
SECONDS = 15
CLIENTS = 200000
MAX_DROP = 0.05
CHANGES_PER_SECOND = 10


def subnet(domain):
    return {"pools": [{"pool": "127.1.0.1 - 127.1.255.254"}],
            "option-data": [{"name": "routers", "data": "127.0.0.1"},
                            {"name": "domain-name", "data": domain}]}


def sql_session(env, database):
    """One mysql/psql client reading statements from its stdin as they come
    (a client per statement could not keep up with ten a second)."""
    if env.dialect == "mysql":
        argv = [netlab.require_tool("mysql", "mariadb-client"), "--no-defaults", "--protocol=tcp",
                "-h", env.host, "-P", str(env.port), "-u", env.user, "-D", database.name]
        child_env = dict(os.environ, MYSQL_PWD=env.password)
    else:
        argv = [netlab.require_tool("psql", "postgresql-client"), "-X", "-q", "-h", env.host,
                "-p", str(env.port), "-U", env.user, "-d", database.name,
                "-v", "ON_ERROR_STOP=1"]
        child_env = dict(os.environ, PGPASSWORD=env.password)
    return subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=child_env)


def churn(session, stop, done):
    """A change every 1/CHANGES_PER_SECOND s until `stop`."""
    i = 0
    next_at = time.monotonic()
    while not stop.is_set():
        i += 1
        if i % 5 == 0:
            statement = (f"UPDATE config4_subnet SET definition = "
                         f"'{sql_json(subnet(f'site{i}.example'))}' WHERE subnet_id = 1;")
        else:
            statement = (f"UPDATE config4_option SET definition = "
                         f"'{sql_json({'data': f'churn{i}.example'})}' "
                         "WHERE code = 15 AND server_tag = 'all';")
        session.stdin.write(statement + "\n")
        session.stdin.flush()
        done.append(i)
        next_at += 1.0 / CHANGES_PER_SECOND
        time.sleep(max(0.0, next_at - time.monotonic()))


def body(lab, dialect):
    env = sqlcluster.DbEnv(dialect)
    database = sqlcluster.ScratchDatabase(env, "churn")
    os.environ["SHOAL_DATA_DIR"] = lab.path("data")
    try:
        q = database.query
        q("INSERT INTO config4_subnet (subnet_id, prefix, definition) VALUES "
          f"(1, '127.0.0.0/8', '{sql_json(subnet('start.example'))}')")
        q("INSERT INTO config4_subnet_server (subnet_id, server_tag) VALUES (1, 'all')")
        q("INSERT INTO config4_option (code, space, server_tag, definition) VALUES "
          f"(15, 'dhcp4', 'all', '{sql_json({'data': 'start.example'})}')")
        nodes = [ThinNode(lab, env, database, i, "churn").start() for i in range(2)]
        wait_applied(nodes, head(database), "initial load")

        stop, done = threading.Event(), []
        session = sql_session(env, database)
        changer = threading.Thread(target=churn, args=(session, stop, done))
        runs = []
        for node in nodes:
            name = f"perfdhcp{node.index}"
            runs.append((name, sqlcluster.run_perfdhcp(
                node, lab, ["-r", str(RATE), "-R", str(CLIENTS), "-p", str(SECONDS), "-u",
                            "-b", f"mac=00:0c:0{node.index + 1}:00:00:00"], name)))
        changer.start()
        outputs = [sqlcluster.perfdhcp_result(proc, lab, name) for name, proc in runs]
        stop.set()
        changer.join()
        session.stdin.close()
        check(session.wait(timeout=60) == 0,
              f"changing the configuration failed: {session.stderr.read()}")
        check(len(done) >= SECONDS * CHANGES_PER_SECOND * 0.9,
              f"only {len(done)} changes were made in {SECONDS} s")
        last = head(database)
        wait_applied(nodes, last, "the last change")
        for node in nodes:
            node.server.check_alive()
            check(node.server.count_in_log("refused") == 0,
                  f"node{node.index} refused a revision:\n{node.server.log()}")

        for output in outputs:
            netlab.check_perfdhcp_unique(output)
            netlab.check_perfdhcp_drops(output, MAX_DROP)
        sqlcluster.check_unique(database.leases(), f"{dialect} churn")
        acks = sum(netlab.perfdhcp_counts(o, "REQUEST-ACK")[1] for o in outputs)
        print(f"{dialect}: {len(done)} configuration changes (revision {last}) while the nodes "
              f"acknowledged {acks} leases: no duplicate, no refused revision", flush=True)
        for node in nodes:
            node.close_client()
            node.server.stop()
    finally:
        database.close()


if __name__ == "__main__":
    which = sqlcluster.dialect_from_argv(sys.argv, "test_cluster_config_churn.py")
    netlab.run_test(f"e2e_cluster_config_churn_{which}", lambda lab: body(lab, which))
