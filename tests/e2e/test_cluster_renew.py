#!/usr/bin/env python3
"""e2e: a client's lease follows it across the nodes of a cluster.

Usage: test_cluster_renew.py mysql|postgresql

Three nodes (A, B, C) share one SQL lease database. A Python client acting
as a relay on loopback:
1. gets a lease through A (DISCOVER/REQUEST);
2. renews it through B (REQUEST, RENEWING: ciaddr set, no server id, no
   requested address) and gets an ACK for the same address; lease4's expire
   moves on;
3. asks C for it in INIT-REBOOT (requested address, no server id): ACK, same
   address;
4. another client (with a lease of its own from A) asking B for that
   address in INIT-REBOOT gets a NAK, and it is not offered that address
   through any node, even when it asks for it;
5. releases it through C: the row is deleted;
6. a second client gets a lease through A and declines it through B: the row
   is in state 1 (declined) without the client's hwaddr, and no node offers
   that address to anyone, not even when it is asked for;
7. reclamation with many nodes: every node reclaims expired leases each
   second; a client with a 3 s lease that it renews (through B and C in turn)
   only when it is about to expire keeps it, and lease4 still holds the
   renewed lease (state 0) well after each renewal; a client that does not
   renew has its lease reclaimed (state 2) by one of the nodes."""

import os
import random
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netlab  # noqa: E402
import sqlcluster  # noqa: E402
from netlab import check  # noqa: E402

SHORT = 3  # seconds: the lifetime the reclamation clients ask for


def renewing(probe, mac, address):
    xid = random.getrandbits(32)
    packet = netlab.build_packet(netlab.REQUEST, mac, xid, ciaddr=address, giaddr=probe.giaddr,
                                 flags=0, options=[(61, b"\x01" + netlab.mac_bytes(mac))])
    return probe.exchange(packet, xid, timeout=10)


def renewing_short(probe, mac, address):
    xid = random.getrandbits(32)
    packet = netlab.build_packet(netlab.REQUEST, mac, xid, ciaddr=address, giaddr=probe.giaddr,
                                 flags=0, options=[(61, b"\x01" + netlab.mac_bytes(mac)),
                                                   (51, SHORT.to_bytes(4, "big"))])
    return probe.exchange(packet, xid, timeout=10)


def dora_short(probe, mac):
    """DORA asking for a SHORT lease (option 51)."""
    opts = [(61, b"\x01" + netlab.mac_bytes(mac)), (51, SHORT.to_bytes(4, "big"))]
    xid = random.getrandbits(32)
    offer = probe.exchange(netlab.build_packet(netlab.DISCOVER, mac, xid, giaddr=probe.giaddr,
                                               options=opts), xid)
    check(offer is not None and offer["type"] == netlab.OFFER, f"no OFFER for {mac}")
    xid = random.getrandbits(32)
    request = netlab.build_packet(netlab.REQUEST, mac, xid, giaddr=probe.giaddr,
                                  options=opts + [(50, socket.inet_aton(offer["yiaddr"])),
                                                  (54, offer["options"][54])])
    ack = probe.exchange(request, xid)
    check(ack is not None and ack["type"] == netlab.ACK, f"no ACK for {mac}")
    return ack


def send_only(probe, msg_type, mac, ciaddr="0.0.0.0", options=()):
    xid = random.getrandbits(32)
    packet = netlab.build_packet(msg_type, mac, xid, ciaddr=ciaddr, giaddr=probe.giaddr, flags=0,
                                 options=[(61, b"\x01" + netlab.mac_bytes(mac))] + list(options))
    probe.sock.sendto(packet, probe.destination)


def type_name(reply):
    return "no reply" if reply is None else netlab.MESSAGE_NAMES.get(reply["type"], reply["type"])


def body(lab, dialect):
    env = sqlcluster.DbEnv(dialect)
    database = sqlcluster.ScratchDatabase(env, "renew")
    try:
        extra = {"min-valid-lifetime": 2, "max-valid-lifetime": 4000,
                 "expired-leases-processing": {"reclaim-timer-wait-time": 1,
                                               "flush-reclaimed-timer-wait-time": 0,
                                               "hold-reclaimed-time": 3600}}
        nodes = []
        for i in range(3):
            node = sqlcluster.Node(lab, env, database, i)
            config = sqlcluster.node_config(env, database, node.control_socket, **extra)
            node.server.write_config(config)
            nodes.append(node.start())
        a, b, c = nodes
        pa, pb, pc = a.client(), b.client(), c.client()

        # 1. A lease through A.
        mac = "02:c1:00:00:00:01"
        ack = pa.dora(mac)
        address = ack["yiaddr"]
        server_id = ack["options"][54]
        row = database.lease_at(address)
        check(row is not None and row["hwaddr"] == mac and row["state"] == 0,
              f"after the ACK from node0, lease4 has {row} for {address}")
        first_expire = row["expire"]

        # 2. RENEWING through B.
        time.sleep(1.2)  # expire has second precision: let it move
        reply = renewing(pb, mac, address)
        check(reply is not None and reply["type"] == netlab.ACK,
              f"RENEWING through node1 for {address}: {type_name(reply)}, expected ACK")
        check(reply["yiaddr"] == address, f"RENEWING through node1 gave {reply['yiaddr']}, "
              f"expected {address}")
        row = database.lease_at(address)
        check(row is not None and row["hwaddr"] == mac and row["expire"] > first_expire,
              f"after the renewal through node1, lease4 has {row} (expire before: "
              f"{first_expire})")

        # 3. INIT-REBOOT through C.
        reply = pc.request(mac, address)
        check(reply is not None and reply["type"] == netlab.ACK and reply["yiaddr"] == address,
              f"INIT-REBOOT through node2 for {address}: {type_name(reply)} "
              f"{reply and reply['yiaddr']}, expected ACK for it")

        # 4. Nobody else gets it.
        other = "02:c1:00:00:00:02"
        # (INIT-REBOOT from a client the node does not know is ignored on a
        # non-authoritative subnet, as in Kea; with a lease it gets a NAK.)
        other_address = pa.dora(other)["yiaddr"]
        reply = pb.request(other, address)
        check(reply is not None and reply["type"] == netlab.NAK,
              f"{other} (holding {other_address}) asked node1 for {address} (leased to {mac}) "
              f"in INIT-REBOOT: {type_name(reply)}, expected NAK")
        for probe, node in ((pa, a), (pb, b), (pc, c)):
            offer = probe.discover(other, requested=address)
            check(offer is not None and offer["type"] == netlab.OFFER,
                  f"node{node.index} did not offer anything to {other}")
            check(offer["yiaddr"] != address, f"node{node.index} offered {address}, leased to "
                  f"{mac}, to {other}")

        # 5. RELEASE through C.
        send_only(pc, netlab.RELEASE, mac, ciaddr=address, options=[(54, server_id)])
        sqlcluster.wait_until(lambda: database.lease_at(address) is None, 20,
                              f"the RELEASE through node2 to delete {address} from lease4")

        # 6. DECLINE through B of a lease from A.
        decliner = "02:c1:00:00:00:03"
        declined = pa.dora(decliner)["yiaddr"]
        send_only(pb, netlab.DECLINE, decliner,
                  options=[(50, socket.inet_aton(declined)), (54, server_id)])

        def declined_row():
            r = database.lease_at(declined)
            return r if r is not None and r["state"] == 1 else None

        row = sqlcluster.wait_until(declined_row, 20,
                                    f"the DECLINE through node1 to put {declined} in state 1")
        check(row["hwaddr"] in ("", None), f"the declined lease still names a client: {row}")
        asker = "02:c1:00:00:00:04"
        for probe, node in ((pa, a), (pb, b), (pc, c)):
            offer = probe.discover(asker, requested=declined)
            check(offer is not None and offer["type"] == netlab.OFFER,
                  f"node{node.index} did not offer anything to {asker}")
            check(offer["yiaddr"] != declined,
                  f"node{node.index} offered the declined {declined} to {asker}")
            reply = probe.request(asker, declined)
            check(reply is None or reply["type"] != netlab.ACK,
                  f"node{node.index} ACKed the declined {declined} to {asker}")
        again = pc.dora(decliner)["yiaddr"]
        check(again != declined, f"node2 gave {decliner} the address it declined ({declined})")

        # 7. Reclamation with three nodes reclaiming at once.
        keeper, loser = "02:c1:00:00:00:05", "02:c1:00:00:00:06"
        kept = dora_short(pa, keeper)["yiaddr"]
        lost = dora_short(pa, loser)["yiaddr"]
        for round_ in range(6):
            row = database.lease_at(kept)
            check(row is not None, f"lease4 lost {kept} of {keeper}")
            # Renew when the lease is about to expire, while every node is
            # looking for expired leases.
            time.sleep(max(0.0, row["expire"] - time.time() - 0.3))
            probe, node = (pb, b) if round_ % 2 == 0 else (pc, c)
            reply = renewing_short(probe, keeper, kept)
            check(reply is not None and reply["type"] == netlab.ACK and reply["yiaddr"] == kept,
                  f"round {round_}: renewing {kept} through node{node.index} just before it "
                  f"expired: {type_name(reply)}, expected ACK")
            renewed_at = time.time()
            time.sleep(1.5)  # every node has run its reclaimer since
            row = database.lease_at(kept)
            check(row is not None and row["state"] == 0 and row["hwaddr"] == keeper and
                  row["expire"] >= int(renewed_at) + SHORT - 1,
                  f"round {round_}: 1.5 s after node{node.index} renewed {kept} for {keeper} "
                  f"for {SHORT} s, lease4 has {row}: a reclaimer overwrote the renewed lease")

        def reclaimed():
            r = database.lease_at(lost)
            return r is None or r["state"] == 2
        sqlcluster.wait_until(reclaimed, 20, f"the expired lease {lost} to be reclaimed")
        print(f"{dialect}: renew via other nodes, INIT-REBOOT, NAK, RELEASE, DECLINE and "
              "reclamation all hold")
        for node in nodes:
            node.close_client()
            node.server.check_alive()
            node.server.stop()
    finally:
        database.close()


if __name__ == "__main__":
    which = sqlcluster.dialect_from_argv(sys.argv, "test_cluster_renew.py")
    netlab.run_test(f"e2e_cluster_renew_{which}", lambda lab: body(lab, which))
