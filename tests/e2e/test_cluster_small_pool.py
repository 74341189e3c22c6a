#!/usr/bin/env python3
"""e2e: three nodes share a pool smaller than their appetite for blocks.

Usage: test_cluster_small_pool.py mysql|postgresql

Three nodes share one SQL lease database and one subnet whose pool has 40
addresses (127.1.0.10 - 127.1.0.49). Blocks are 16-aligned, so the pool is
cut into four blocks of 6, 16, 16 and 2 addresses: soon a node finds every
block held by another node and picks addresses anywhere in the pool,
checking each in the database. Python clients acting as relays on loopback:
1. do full DISCOVER/REQUEST exchanges, round-robin over the nodes, until the
   pool is used up: every address of the pool is leased exactly once (lease4
   holds 40 rows with 40 distinct hwaddrs, all inside the pool, each the one
   its ACK named); a client that gets a NAK (a node offered an address that
   another node had just leased) starts over, as a real client does;
   meanwhile lease4_block_claim only ever holds blocks of this pool, cut on
   the 16-address boundaries, each claimed by one of the three nodes;
2. one more client then gets no lease from any node: no OFFER (the node logs
   "no address available"), or an OFFER whose REQUEST is NAKed (the node's
   map did not know another node had leased the address), and a node does
   not keep offering such addresses; with every block full, the nodes give
   their claims up while they run;
3. a client that RELEASEs its address (127.1.0.20) through one node lets a
   new client get that address through a different node (the address is not
   lost cluster-wide), and the pool is full again afterwards;
4. more addresses of that block, released through the other two nodes, are
   offered by that node, which then holds the block's claim (it has free
   addresses); after SIGTERM to every node (a clean stop)
   lease4_block_claim is empty.

No check depends on how fast anything happens; waits are generous liveness
bounds only."""

import ipaddress
import os
import random
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netlab  # noqa: E402
import sqlcluster  # noqa: E402
from netlab import check  # noqa: E402

POOL_FIRST, POOL_LAST = "127.1.0.10", "127.1.0.49"
FIRST = int(ipaddress.IPv4Address(POOL_FIRST))
LAST = int(ipaddress.IPv4Address(POOL_LAST))
POOL = [str(ipaddress.IPv4Address(a)) for a in range(FIRST, LAST + 1)]
BLOCK = 16  # the pool has 40 addresses: blocks of 16 (at least 16, ~1/16 of the pool)
# Step 3 releases this address; step 4 more of its block.
RELEASED = "127.1.0.20"
BLOCK_OF_RELEASED = [f"127.1.0.{i}" for i in range(16, 32)]
DISCOVER_TIMEOUT = 5  # seconds per exchange; a node with no address does not answer
# How long a client too many waits for an OFFER; that the node did not answer
# because it had nothing to offer is then read from its log.
NO_OFFER_WAIT = 3


def mac_for(n):
    return f"02:5b:00:00:{n >> 8:02x}:{n & 0xff:02x}"


def type_name(reply):
    return "no reply" if reply is None else netlab.MESSAGE_NAMES.get(reply["type"], reply["type"])


def said_no_address(node, mac):
    return any("no address available" in line and f"chaddr={mac}" in line
               for line in node.server.log().splitlines())


# --- lease4_block_claim ------------------------------------------------------


def claims(database):
    """Rows of lease4_block_claim: (first, last, subnet_id, owner)."""
    rows = database.query("SELECT first_address, last_address, subnet_id, owner "
                          "FROM lease4_block_claim ORDER BY first_address")
    return [(int(f), int(l), int(s), o) for f, l, s, o in rows]


def node_of_owner(owner, nodes):
    """The node whose claims these are: owner names are host/pid/nonce."""
    parts = owner.split("/")
    for node in nodes:
        if len(parts) == 3 and parts[0] and parts[2] and parts[1] == str(node.server.proc.pid):
            return node
    return None


def check_claims(rows, nodes, what):
    """Every claim is one block of the pool, cut as every node cuts it, and
    held by one of the running nodes. Returns the owning node indexes."""
    owners = set()
    for first, last, subnet_id, owner in rows:
        name = (f"claim {ipaddress.IPv4Address(first)} - {ipaddress.IPv4Address(last)} "
                f"(subnet {subnet_id}, owner '{owner}')")
        check(owner.strip() != "", f"{what}: {name} has no owner")
        node = node_of_owner(owner, nodes)
        check(node is not None, f"{what}: {name} is not held by any of the nodes (pids "
              f"{[n.server.proc.pid for n in nodes]})")
        owners.add(node.index)
        check(subnet_id == 1, f"{what}: {name} is not in subnet 1")
        aligned = first & ~(BLOCK - 1)
        expected = (max(aligned, FIRST), min(aligned + BLOCK - 1, LAST))
        check(FIRST <= first <= last <= LAST and (first, last) == expected,
              f"{what}: {name} is not a block of the pool {POOL_FIRST} - {POOL_LAST} (expected "
              f"{ipaddress.IPv4Address(expected[0])} - {ipaddress.IPv4Address(expected[1])})")
    return owners


# --- clients -----------------------------------------------------------------


def dora(node, mac, timeout=DISCOVER_TIMEOUT):
    """One DISCOVER/REQUEST exchange through `node`: ("ack", ack), ("nak",
    reply), ("none", None) when nothing was offered within `timeout`, or
    ("lost", offer) when the REQUEST got no answer."""
    probe = node.client()
    offer = probe.discover(mac, timeout=timeout)
    if offer is None:
        return "none", None
    check(offer["type"] == netlab.OFFER, f"node{node.index} answered a DISCOVER from {mac} "
          f"with {type_name(offer)}")
    server_id = socket.inet_ntoa(offer["options"][54])
    reply = probe.request(mac, offer["yiaddr"], server_id, timeout=DISCOVER_TIMEOUT)
    if reply is None:
        return "lost", offer
    if reply["type"] == netlab.ACK:
        check(reply["yiaddr"] == offer["yiaddr"], f"node{node.index} offered "
              f"{offer['yiaddr']} to {mac} and ACKed {reply['yiaddr']}")
        return "ack", reply
    check(reply["type"] == netlab.NAK, f"node{node.index} answered a REQUEST from {mac} "
          f"with {type_name(reply)}")
    return "nak", reply


def release(node, mac, address, server_id):
    xid = random.getrandbits(32)
    probe = node.client()
    packet = netlab.build_packet(netlab.RELEASE, mac, xid, ciaddr=address, giaddr=probe.giaddr,
                                 flags=0, options=[(61, b"\x01" + netlab.mac_bytes(mac)),
                                                   (54, server_id)])
    probe.sock.sendto(packet, probe.destination)


def check_pool_full(database, owner, what):
    """lease4 holds every address of the pool once, each for the client its
    ACK named (owner: address -> mac), 40 distinct hwaddrs."""
    rows = database.leases()
    sqlcluster.check_unique(rows, what)
    by_address = {r["address"]: r for r in rows}
    check(len(rows) == len(POOL), f"{what}: lease4 has {len(rows)} rows, expected {len(POOL)}: "
          f"{sorted(by_address)}")
    check(sorted(by_address) == sorted(POOL),
          f"{what}: lease4 has addresses outside the pool or misses some: "
          f"outside {sorted(set(by_address) - set(POOL))}, missing "
          f"{sorted(set(POOL) - set(by_address))}")
    hwaddrs = {r["hwaddr"] for r in rows}
    check(len(hwaddrs) == len(POOL), f"{what}: {len(hwaddrs)} distinct hwaddrs in lease4, "
          f"expected {len(POOL)}")
    for address, mac in owner.items():
        row = by_address[address]
        check(row["hwaddr"] == mac and row["state"] == 0,
              f"{what}: {address} was ACKed to {mac}, lease4 has {row}")


def body(lab, dialect):
    env = sqlcluster.DbEnv(dialect)
    database = sqlcluster.ScratchDatabase(env, "smallpool")
    try:
        subnets = [{"id": 1, "subnet": "127.0.0.0/8",
                    "pools": [{"pool": f"{POOL_FIRST} - {POOL_LAST}"}],
                    "option-data": [{"name": "routers", "data": "127.0.0.1"}]}]
        nodes = []
        for i in range(3):
            node = sqlcluster.Node(lab, env, database, i)
            node.server.write_config(sqlcluster.node_config(env, database, node.control_socket,
                                                            subnet4=subnets))
            nodes.append(node.start())

        # 1. Use the pool up, round-robin over the nodes.
        owner = {}  # address -> mac
        acks = []  # (mac, address, node index)
        server_ids = {}  # mac -> server identifier (option 54) of its ACK
        naks = 0
        owners_seen = set()
        snapshots_with_claims = 0
        client = 0
        while len(owner) < len(POOL):
            check(client < 3 * len(POOL), f"{client} clients tried, only {len(owner)} addresses "
                  "of the pool leased")
            mac = mac_for(client)
            leased = None
            for attempt in range(2 * len(nodes)):
                node = nodes[(client + attempt) % len(nodes)]
                outcome, reply = dora(node, mac)
                if outcome == "ack":
                    leased = (node, reply)
                    break
                if outcome == "nak":
                    naks += 1  # another node leased the offered address: start over
                elif outcome == "none":
                    check(not said_no_address(node, mac),
                          f"node{node.index} found no address for {mac} with only "
                          f"{len(owner)} of the pool's {len(POOL)} addresses leased")
            check(leased is not None, f"{mac} got no lease from any node with only {len(owner)} "
                  f"of the pool's {len(POOL)} addresses leased")
            node, ack = leased
            address = ack["yiaddr"]
            check(address in POOL, f"node{node.index} ACKed {address}, outside the pool, to {mac}")
            check(address not in owner, f"node{node.index} ACKed {address} to {mac}, but it "
                  f"was ACKed to {owner.get(address)} before")
            owner[address] = mac
            acks.append((mac, address, node.index))
            server_ids[mac] = ack["options"][54]
            rows = claims(database)
            owners_seen |= check_claims(rows, nodes, f"after {len(owner)} leases")
            snapshots_with_claims += 1 if rows else 0
            client += 1
        check(snapshots_with_claims > 0, "lease4_block_claim was empty every time it was "
              f"looked at while the pool filled up ({len(POOL)} times)")
        sqlcluster.check_acks_stored(database, acks, "pool used up")
        check_pool_full(database, owner, "pool used up")
        by_node = {n.index: sum(1 for a in acks if a[2] == n.index) for n in nodes}
        print(f"{dialect}: {len(POOL)} addresses leased by {client} clients (ACKs per node "
              f"{by_node}, {naks} NAKs); claims seen of nodes {sorted(owners_seen)}", flush=True)

        # 2. One more client gets nothing from any node.
        extra = mac_for(0xff00)
        for node in nodes:
            for _ in range(len(POOL)):  # each stale offer is NAKed and not offered again
                outcome, reply = dora(node, extra, timeout=NO_OFFER_WAIT)
                check(outcome != "ack", f"node{node.index} ACKed {reply and reply['yiaddr']} to "
                      f"{extra} with every address of the pool leased")
                if outcome == "none":
                    break
            check(outcome == "none", f"node{node.index} kept offering addresses to {extra}")
            sqlcluster.wait_until(lambda: said_no_address(node, extra), 30,
                                  f"node{node.index} to log 'no address available' for {extra}")
        check_pool_full(database, owner, "after a client too many")
        # Every block is full now: the nodes give their claims up while running.
        sqlcluster.wait_until(lambda: not claims(database), 30,
                              "the nodes to give up their claims on full blocks")

        # 3. RELEASE through one node; a new client gets the address through
        # another. That node claims the address's block again to find it free,
        # which can take until its memory of the block being held elsewhere
        # (from step 1 or 2) runs out.
        released = RELEASED
        mac = owner[released]
        leased_by = next(n for m, a, n in acks if a == released)
        releaser = nodes[(leased_by + 1) % len(nodes)]
        taker = nodes[(releaser.index + 1) % len(nodes)]
        release(releaser, mac, released, server_ids[mac])
        sqlcluster.wait_until(lambda: database.lease_at(released) is None, 30,
                              f"the RELEASE of {released} through node{releaser.index} to delete "
                              "its row")
        del owner[released]
        newcomer = mac_for(0xff01)

        def lease_released_address():
            outcome, reply = dora(taker, newcomer)
            check(outcome != "ack" or reply["yiaddr"] == released,
                  f"node{taker.index} ACKed {reply and reply['yiaddr']} to {newcomer}, but only "
                  f"{released} is free")
            if outcome == "ack":
                server_ids[newcomer] = reply["options"][54]
            return outcome == "ack"

        sqlcluster.wait_until(lease_released_address, 90,
                              f"node{taker.index} to lease {released}, released through "
                              f"node{releaser.index}, to {newcomer}")
        owner[released] = newcomer
        check_pool_full(database, owner, "after the RELEASE and a new lease")

        # 4. A block with free addresses stays claimed while its node runs; a
        # clean stop gives every claim up. More addresses of the same block
        # are released through the other nodes; the taker (which claimed the
        # block a moment ago, so nothing keeps it from claiming it again)
        # reads them back when it claims the block for its next offer.
        freed = [a for a in BLOCK_OF_RELEASED if a != released][:3]
        for i, address in enumerate(freed):
            mac = owner.pop(address)
            release(nodes[(taker.index + 1 + i % 2) % len(nodes)], mac, address, server_ids[mac])
        sqlcluster.wait_until(
            lambda: not {r["address"] for r in database.leases()} & set(freed), 30,
            f"the RELEASEs of {freed} through the other nodes to delete their rows")
        offer = taker.client().discover(mac_for(0xff02), timeout=30)
        check(offer is not None and offer["type"] == netlab.OFFER and offer["yiaddr"] in freed,
              f"node{taker.index} answered a DISCOVER with {type_name(offer)} "
              f"{offer and offer['yiaddr']}, expected an OFFER of one of {freed}")
        rows = claims(database)
        check_claims(rows, nodes, "with free addresses in a block")
        block = (int(ipaddress.IPv4Address(BLOCK_OF_RELEASED[0])),
                 int(ipaddress.IPv4Address(BLOCK_OF_RELEASED[-1])))
        check(any((f, l) == block and node_of_owner(o, nodes) is taker for f, l, _, o in rows),
              f"node{taker.index} offered {offer['yiaddr']} but does not hold its block "
              f"{BLOCK_OF_RELEASED[0]} - {BLOCK_OF_RELEASED[-1]}: lease4_block_claim has {rows}")
        for node in nodes:
            node.close_client()
            node.server.check_alive()
            node.server.stop()
        rows = claims(database)
        check(not rows, f"lease4_block_claim still holds {rows} after every node stopped "
              "cleanly")
        print(f"{dialect}: one client too many got nothing; {released} released through "
              f"node{releaser.index} was leased again through node{taker.index}; its block "
              "stayed claimed while it had free addresses and was given up at SIGTERM",
              flush=True)
    finally:
        database.close()


if __name__ == "__main__":
    which = sqlcluster.dialect_from_argv(sys.argv, "test_cluster_small_pool.py")
    netlab.run_test(f"e2e_cluster_small_pool_{which}", lambda lab: body(lab, which))
