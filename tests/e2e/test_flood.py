#!/usr/bin/env python3
"""e2e: a flood of random and malformed UDP packets does not hurt the node.

shoal-dhcp4 listens on "lo" in a fresh namespace (-p 1067 -P 2068). For about
10 s Python sends it truncated packets, options running past the end, a
missing or wrong magic cookie, huge datagrams, random garbage and
valid-looking requests full of random options (relayed and not). Afterwards
the process must still be running, answer a DHCPDISCOVER with an OFFER, and
serve a normal perfdhcp run."""

import os
import random
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netlab  # noqa: E402
from netlab import check  # noqa: E402
from test_perfdhcp import CLIENT_PORT, SERVER_PORT, loopback_config, run_perfdhcp  # noqa: E402

FLOOD_SECONDS = 10


def random_options(rng, count):
    out = b""
    for _ in range(count):
        code = rng.randrange(1, 255)
        data = rng.randbytes(rng.randrange(0, 40))
        out += bytes([code, len(data)]) + data
    return out


def valid_looking(rng):
    msg_type = rng.randrange(0, 12)
    giaddr = rng.choice(["0.0.0.0", "127.0.0.1", "192.0.2.1", "10.9.8.7"])
    mac = netlab.random_mac(rng)
    opts = [(code, rng.randbytes(rng.randrange(0, 30))) for code in
            rng.sample(range(1, 255), rng.randrange(0, 12))]
    opts = [(c, d) for c, d in opts if c != 53]
    if rng.random() < 0.5:
        opts.append((50, socket.inet_aton(f"127.1.{rng.randrange(256)}.{rng.randrange(1, 255)}")))
    if rng.random() < 0.3:  # option 82 with random sub-options
        opts.append((82, random_options(rng, rng.randrange(0, 4))[:255]))
    packet = netlab.build_packet(msg_type, mac, rng.getrandbits(32), giaddr=giaddr,
                                 flags=rng.choice([0, 0x8000]), options=opts,
                                 hops=rng.randrange(0, 20))
    return packet


def malformed(rng):
    base = bytearray(netlab.build_packet(netlab.DISCOVER, netlab.random_mac(rng),
                                         rng.getrandbits(32), giaddr="127.0.0.1"))
    kind = rng.randrange(9)
    if kind == 0:  # truncated anywhere
        return bytes(base[:rng.randrange(0, len(base))])
    if kind == 1:  # option length running past the end
        return bytes(base[:240]) + bytes([53, 1, 1, rng.randrange(1, 255), 200]) + b"\x01" * 10
    if kind == 2:  # missing / wrong magic cookie
        base[236:240] = rng.randbytes(4)
        return bytes(base)
    if kind == 3:  # huge datagram
        return bytes(base[:240]) + random_options(rng, 40) + rng.randbytes(rng.randrange(2000, 65000))
    if kind == 4:  # random garbage
        return rng.randbytes(rng.randrange(0, 1500))
    if kind == 5:  # bad hlen / htype
        base[1] = rng.randrange(256)
        base[2] = rng.randrange(256)
        return bytes(base)
    if kind == 6:  # overload option pointing sname/file full of garbage
        base[44:236] = rng.randbytes(192)
        return bytes(base[:240]) + bytes([53, 1, 1, 52, 1, 3]) + random_options(rng, 3) + b"\xff"
    if kind == 7:  # zero-length and duplicated options, no end option
        return bytes(base[:240]) + bytes([53, 0, 53, 1, 3, 61, 0, 55, 0, 12, 0]) * 5
    # BOOTREPLY sent to the server, or op out of range
    base[0] = rng.choice([2, 0, 3, 255])
    return bytes(base)


def flood(ns, server, seconds, rng):
    """Sends pre-built and fresh bad packets for `seconds`; the socket is the
    relay's (127.0.0.1:CLIENT_PORT), so replies to the valid-looking relayed
    requests come back to it and are counted."""
    sock = ns.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", CLIENT_PORT))
    sock.setblocking(False)
    corpus = [valid_looking(rng) if rng.random() < 0.4 else malformed(rng) for _ in range(5000)]
    sent = refused = replies = 0
    destination = ("127.0.0.1", SERVER_PORT)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        batch = [rng.choice(corpus) for _ in range(400)]
        batch += [valid_looking(rng) if rng.random() < 0.4 else malformed(rng) for _ in range(20)]
        for packet in batch:
            try:
                sock.sendto(packet, destination)
                sent += 1
            except OSError:  # EAGAIN, EMSGSIZE: the local socket refused it
                refused += 1
        while True:
            try:
                data = sock.recv(65535)
            except OSError:
                break
            reply = netlab.parse_packet(data)
            if reply and reply["op"] == 2:
                replies += 1
        server.check_alive()
    sock.close()
    return sent, refused, replies


def body(lab):
    seed = int(os.environ.get("SHOAL_E2E_SEED", random.randrange(1 << 30)))
    print(f"random seed {seed} (set SHOAL_E2E_SEED to repeat)")
    rng = random.Random(seed)
    ns = lab.namespace("lo")
    # Not in debug mode: a debug line per malformed packet would only fill the disk.
    config = loopback_config()
    config["Dhcp4"]["loggers"][0]["severity"] = "INFO"
    server = netlab.ShoalServer(lab, ns, config, debug=False,
                                args=["-p", str(SERVER_PORT), "-P", str(CLIENT_PORT)]).start()
    sent, refused, replies = flood(ns, server, FLOOD_SECONDS, rng)
    print(f"flood: {sent} datagrams sent, {refused} refused by the local socket, "
          f"{replies} replies to the valid-looking ones")
    check(sent > 1000, f"only {sent} flood datagrams could be sent")
    check(replies > 0, "shoal-dhcp4 answered none of the valid-looking requests in the flood")
    server.check_alive()

    probe = netlab.ProbeClient(ns, "relay", server_port=SERVER_PORT, client_port=CLIENT_PORT)
    try:
        mac = netlab.random_mac(rng)
        offer = probe.discover(mac, timeout=15)
        check(offer is not None, "no reply to a DHCPDISCOVER after the flood")
        check(offer["type"] == netlab.OFFER, f"DISCOVER answered with type {offer['type']}")
        check(netlab.in_range(offer["yiaddr"], "127.1.0.1", "127.1.255.254"),
              f"offered {offer['yiaddr']}, outside the pool")
        ack = probe.dora(netlab.random_mac(rng), timeout=15)
        print(f"after the flood: OFFER {offer['yiaddr']}, ACK {ack['yiaddr']}")
    finally:
        probe.close()

    output = run_perfdhcp(ns, lab, ["-r", "200", "-R", "1000", "-n", "500", "-D", "50%"])
    print(output)
    acks = re.search(r"REQUEST-ACK[\s\S]*?received packets: (\d+)", output)
    check(acks is not None and int(acks.group(1)) > 0,
          f"perfdhcp got no ACKs after the flood:\n{output}")
    server.check_alive()
    server.stop()


if __name__ == "__main__":
    netlab.run_test("e2e_flood", body)
