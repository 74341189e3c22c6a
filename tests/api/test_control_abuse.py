#!/usr/bin/env python3
"""api_control_abuse: a hostile command channel never hurts the DHCP service.

shoal-dhcp4 serves "lo" in its own network namespace (-p 1067 -P 2068) with an
HTTP and a UNIX control socket. While perfdhcp drives 300 DORA exchanges/s,
the test attacks the command channel: more idle TCP connections than the
listener accepts, slowloris clients that send a header byte at a time,
requests that announce a body and never send it, an oversized body, binary
garbage, and idle UNIX-socket clients with half-written commands.

Checks: perfdhcp loses at most 1 % of its exchanges and sees no non-unique
address; the UNIX socket still answers while the HTTP listener is flooded;
once the attackers go away, HTTP answers again; the node never dies."""

import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilab  # noqa: E402
from apilab import check, expect  # noqa: E402
import netlab  # noqa: E402

SERVER_PORT, CLIENT_PORT = 1067, 2068
MAX_DROP = 0.01
ATTACK_SECONDS = 8


def tcp(ns, port):
    s = netlab.socket_in_namespace(ns, socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    return s


def unix(ns, path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    return s


def attack(ns, server, stop, held, errors):
    try:
        port = server.http_port
        for _ in range(300):  # more than the listener's 256 connections
            try:
                held.append(tcp(ns, port))
            except OSError:
                pass  # refused or reset once the limit is reached: fine
        for _ in range(10):
            s = tcp(ns, port)
            s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Content-Length: 1000\r\n\r\n{\"comm")
            held.append(s)
        big = tcp(ns, port)
        big.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 100000000\r\n\r\n" + b"x" * 65536)
        held.append(big)
        junk = tcp(ns, port)
        junk.sendall(os.urandom(4096))
        held.append(junk)
        for _ in range(20):
            s = unix(ns, server.unix_path)
            s.sendall(b'{"command": "list-')
            held.append(s)
        slow = [tcp(ns, port) for _ in range(20)]
        held.extend(slow)
        request = b"POST / HTTP/1.1\r\nHost: x\r\n"
        i = 0
        while not stop.is_set():
            for s in slow:
                try:
                    s.send(request[i % len(request):i % len(request) + 1])
                except OSError:
                    pass
            i += 1
            time.sleep(0.2)
    except Exception as e:  # reported by the main thread
        errors.append(e)


def body(lab):
    ns = lab.namespace("lo")
    workdir = lab.path("api")
    os.makedirs(workdir)
    config = apilab.base_config(
        workdir, apilab.free_tcp_port(), interfaces=["lo"],
        subnets=[{"id": 1, "subnet": "127.0.0.0/8",
                  "pools": [{"pool": "127.1.0.1 - 127.1.255.254"}]}])
    server = apilab.ApiServer(workdir, config, args=["-p", str(SERVER_PORT), "-P", str(CLIENT_PORT)],
                              netns=ns.name)
    held, errors = [], []
    stop = threading.Event()
    try:
        server.start()
        perf, perf_log = apilab.start_perfdhcp(lab, ns, SERVER_PORT, CLIENT_PORT,
                                               ["-r", "300", "-R", "20000", "-p", "12", "-u"])
        time.sleep(1)
        attacker = threading.Thread(target=attack, args=(ns.name, server, stop, held, errors))
        attacker.start()
        time.sleep(2)
        # The UNIX socket is a separate listener: it still answers.
        expect(server.unix("status-get"), 0, None, "status-get over UNIX during the HTTP flood")
        time.sleep(ATTACK_SECONDS - 2)
        stop.set()
        attacker.join()
        check(not errors, f"the attack itself failed: {errors}")
        print(f"attack held {len(held)} connections")
        for s in held:
            s.close()
        output = apilab.finish_perfdhcp(perf, perf_log)
        check(server.alive(), "shoal-dhcp4 died under the command-channel attack")
        netlab.check_perfdhcp_unique(output)
        netlab.check_perfdhcp_drops(output, MAX_DROP)
        # With the attackers gone, HTTP answers again.
        deadline = time.time() + 15
        while True:
            try:
                expect(server.http("list-commands"), 0, None, "list-commands after the attack")
                break
            except OSError:
                check(time.time() < deadline, "HTTP does not answer 15 s after the attack ended")
                time.sleep(0.5)
    finally:
        stop.set()
        for s in held:
            s.close()
        server.stop()


if __name__ == "__main__":
    netlab.run_test("api_control_abuse", body)
