#!/usr/bin/env python3
"""api_commands: every command family of shoal-dhcp4's control API, end to end.

A real shoal-dhcp4 (no DHCP interfaces) opens an HTTP control socket on a free
127.0.0.1 port and a UNIX control socket in a scratch directory. The test
drives core, config, lease and statistics commands through kea-shell, curl,
Python http.client and the UNIX socket, and checks Kea's result codes and
texts on every error path: missing and bad arguments, unknown command (2),
bad JSON, a lease outside every subnet, a duplicate lease, an unknown address
(3), and config-set with an invalid configuration (1, the old configuration
still serving)."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilab  # noqa: E402
from apilab import check, expect  # noqa: E402

LEASE_COMMANDS = ["lease4-add", "lease4-get", "lease4-get-all", "lease4-get-page",
                  "lease4-get-by-hw-address", "lease4-get-by-client-id",
                  "lease4-get-by-hostname", "lease4-update", "lease4-del", "lease4-wipe",
                  "stat-lease4-get"]
STAT_COMMANDS = ["statistic-get", "statistic-get-all", "statistic-reset", "statistic-reset-all",
                 "statistic-remove", "statistic-remove-all"]


def core_family(server):
    for transport in (server.http, server.unix, server.curl):
        reply = expect(transport("list-commands"), 0, what=f"list-commands via {transport.__name__}")
        for name in LEASE_COMMANDS + STAT_COMMANDS + ["config-set", "status-get"]:
            check(name in reply["arguments"], f"list-commands lacks {name}: {reply['arguments']}")
    reply = expect(server.shell("version-get"), 0, what="kea-shell version-get")
    check("extended" in reply["arguments"], f"version-get without 'extended': {reply}")
    reply = expect(server.shell("status-get", service=False), 0, what="kea-shell status-get")
    check(reply["arguments"]["pid"] == server.proc.pid,
          f"status-get pid {reply['arguments']['pid']}, the server runs as {server.proc.pid}")
    # Unknown command: result 2 on every transport.
    text = "'no-such-command' command not supported."
    expect(server.http("no-such-command"), 2, text, "unknown command over HTTP")
    expect(server.unix("no-such-command"), 2, text, "unknown command over UNIX")
    expect(server.shell("no-such-command"), 2, text, "unknown command via kea-shell")
    # Bad JSON and envelope errors: result 1.
    status, reply = server.raw_http('{"command": "list-commands"')
    check(status == 200, f"bad JSON: HTTP {status}")
    expect(reply, 1, lambda t: t.startswith("Error during command processing"), "bad JSON (HTTP)")
    expect(server.raw_unix('{"command": list-commands}'), 1,
           lambda t: t.startswith("Error during command processing"), "bad JSON (UNIX)")
    status, reply = server.raw_http('{"arguments": {}}')
    expect(reply, 1, None, "request without command")
    status, reply = server.raw_http('{"command": "list-commands"}', content_type="text/plain")
    check(status == 415, f"wrong content type: HTTP {status}")
    # A list reply when `service` is given.
    reply = server.http("list-commands", service=["dhcp4"])
    check(isinstance(reply, list) and reply[0]["result"] == 0, f"service list reply: {reply}")


def lease_family(server):
    add = {"ip-address": "192.0.2.20", "hw-address": "1a:1b:1c:1d:1e:1f",
           "client-id": "01:1a:1b:1c:1d:1e:1f", "hostname": "alpha.example.org"}
    expect(server.shell("lease4-add", add), 0, "Lease for address 192.0.2.20, subnet-id 1 added.",
           "kea-shell lease4-add")
    expect(server.http("lease4-add", add), 1, "IPv4 lease already exists.", "duplicate lease4-add")
    expect(server.http("lease4-add", {"ip-address": "203.0.113.5", "hw-address": "01:02:03:04:05:06"}),
           1, "subnet-id not specified and failed to find a subnet for address 203.0.113.5",
           "lease outside every subnet")
    expect(server.unix("lease4-add", {"ip-address": "192.0.2.21", "hw-address": "01:02:03:04:05:06",
                                      "subnet-id": 2}),
           1, "The address 192.0.2.21 does not belong to subnet 198.51.100.0/24, subnet-id=2",
           "lease in the wrong subnet")
    expect(server.http("lease4-add", {"ip-address": "192.0.2.22"}), 1,
           "missing parameter 'hw-address'", "lease4-add without hw-address")
    expect(server.http("lease4-add"), 1, None, "lease4-add without arguments")
    expect(server.http("lease4-add", {"ip-address": "192.0.2.22", "hw-address": "xyz"}), 1,
           lambda t: "hardware address" in t, "bad hw-address")
    expect(server.unix("lease4-add", {"ip-address": "198.51.100.15",
                                      "hw-address": "2a:2b:2c:2d:2e:2f"}),
           0, "Lease for address 198.51.100.15, subnet-id 2 added.", "lease4-add over UNIX")

    reply = expect(server.curl("lease4-get", {"ip-address": "192.0.2.20"}), 0, "IPv4 lease found.",
                   "curl lease4-get")
    lease = reply["arguments"]
    for key, value in (("ip-address", "192.0.2.20"), ("hw-address", "1a:1b:1c:1d:1e:1f"),
                       ("client-id", "01:1a:1b:1c:1d:1e:1f"), ("subnet-id", 1),
                       ("valid-lft", 4000), ("hostname", "alpha.example.org"), ("state", 0),
                       ("fqdn-fwd", False), ("fqdn-rev", False)):
        check(lease.get(key) == value, f"lease4-get: {key} is {lease.get(key)!r}, expected {value!r}")
    check(isinstance(lease.get("cltt"), int), f"lease4-get: cltt {lease.get('cltt')!r}")
    expect(server.shell("lease4-get", {"ip-address": "192.0.2.99"}), 3, "Lease not found.",
           "unknown address")
    expect(server.http("lease4-get", {"identifier-type": "hw-address",
                                      "identifier": "1a:1b:1c:1d:1e:1f", "subnet-id": 1}),
           0, "IPv4 lease found.", "lease4-get by hw-address")
    expect(server.http("lease4-get", {"ip-address": "not-an-address"}), 1, None, "bad ip-address")

    reply = expect(server.http("lease4-get-all"), 0, "2 IPv4 lease(s) found.", "lease4-get-all")
    check(len(reply["arguments"]["leases"]) == 2, f"lease4-get-all: {reply}")
    reply = expect(server.http("lease4-get-all", {"subnets": [2]}), 0, "1 IPv4 lease(s) found.",
                   "lease4-get-all subnets [2]")
    reply = expect(server.http("lease4-get-page", {"from": "start", "limit": 1}), 0, None, "page 1")
    check(reply["arguments"]["count"] == 1, f"page 1 count: {reply}")
    last = reply["arguments"]["leases"][0]["ip-address"]
    reply = expect(server.http("lease4-get-page", {"from": last, "limit": 1}), 0, None, "page 2")
    last = reply["arguments"]["leases"][0]["ip-address"]
    expect(server.http("lease4-get-page", {"from": last, "limit": 1}), 3, "0 IPv4 lease(s) found.",
           "page 3 (end)")
    expect(server.http("lease4-get-page", {"from": "start", "limit": 0}), 1, None, "limit 0")
    expect(server.http("lease4-get-page", {"from": "start"}), 1, "'limit' parameter not specified",
           "page without limit")
    expect(server.http("lease4-get-by-hw-address", {"hw-address": "1a:1b:1c:1d:1e:1f"}), 0,
           "1 IPv4 lease(s) found.", "by hw-address")
    expect(server.shell("lease4-get-by-client-id", {"client-id": "01:1a:1b:1c:1d:1e:1f"}), 0,
           "1 IPv4 lease(s) found.", "by client-id")
    expect(server.http("lease4-get-by-hostname", {"hostname": "alpha.example.org"}), 0,
           "1 IPv4 lease(s) found.", "by hostname")
    expect(server.http("lease4-get-by-hostname", {"hostname": "nobody"}), 3,
           "0 IPv4 lease(s) found.", "by unknown hostname")
    expect(server.http("lease4-get-by-hostname", {}), 1, "'hostname' parameter not specified",
           "by hostname without hostname")

    update = dict(add, hostname="beta.example.org", **{"valid-lft": 1234})
    expect(server.shell("lease4-update", update), 0, "IPv4 lease updated.", "lease4-update")
    lease = server.http("lease4-get", {"ip-address": "192.0.2.20"})["arguments"]
    check(lease["hostname"] == "beta.example.org" and lease["valid-lft"] == 1234,
          f"lease after update: {lease}")
    expect(server.http("lease4-update", {"ip-address": "192.0.2.30", "hw-address": "01:02"}), 1,
           "failed to update the lease with address 192.0.2.30 - no such lease",
           "update of a missing lease")
    expect(server.http("lease4-update", {"ip-address": "192.0.2.30", "hw-address": "01:02",
                                         "force-create": True}),
           0, "IPv4 lease added.", "update with force-create")

    reply = expect(server.shell("stat-lease4-get"), 0, "stat-lease4-get: 2 rows found",
                   "stat-lease4-get")
    rows = reply["arguments"]["result-set"]["rows"]
    check(rows == [[1, 41, 0, 2, 0], [2, 11, 0, 1, 0]], f"stat-lease4-get rows: {rows}")
    expect(server.http("stat-lease4-get", {"subnet-id": 7}), 3, None, "stat-lease4-get unknown subnet")

    expect(server.http("lease4-del", {"ip-address": "192.0.2.30"}), 0, "IPv4 lease deleted.",
           "lease4-del")
    expect(server.http("lease4-del", {"ip-address": "192.0.2.30"}), 3, "IPv4 lease not found.",
           "lease4-del of a missing lease")
    expect(server.http("lease4-del", {}), 1, None, "lease4-del without a selector")
    expect(server.shell("lease4-wipe", {"subnet-id": 2}), 0,
           "Deleted 1 IPv4 lease(s) from subnet(s) 2", "lease4-wipe subnet 2")
    expect(server.http("lease4-wipe", {"subnet-id": 2}), 3, None, "lease4-wipe of an empty subnet")


def statistics_family(server):
    reply = expect(server.shell("statistic-get", {"name": "subnet[1].assigned-addresses"}), 0,
                   None, "statistic-get subnet[1].assigned-addresses")
    samples = reply["arguments"]["subnet[1].assigned-addresses"]
    check(samples[0][0] == 1, f"subnet[1].assigned-addresses: {samples}")
    check(len(samples[0][1]) == len("2024-01-01 00:00:00.000000"), f"sample time: {samples}")
    reply = expect(server.curl("statistic-get", {"name": "pkt4-received"}), 0, None,
                   "curl statistic-get pkt4-received")
    check(reply["arguments"]["pkt4-received"][0][0] == 0, f"pkt4-received: {reply}")
    expect(server.http("statistic-get", {"name": "no-such-statistic"}), 0, None, "unknown stat")
    check(server.http("statistic-get", {"name": "no-such-statistic"})["arguments"] == {},
          "statistic-get of an unknown name must return {}")
    reply = expect(server.unix("statistic-get-all"), 0, None, "statistic-get-all")
    for name in ("pkt4-received", "pkt4-ack-sent", "subnet[1].total-addresses",
                 "subnet[2].assigned-addresses", "subnet[1].declined-addresses"):
        check(name in reply["arguments"], f"statistic-get-all lacks {name}")
    check(reply["arguments"]["subnet[1].total-addresses"][0][0] == 41, "total-addresses of subnet 1")
    expect(server.http("statistic-reset", {"name": "no-such-statistic"}), 1,
           "No 'no-such-statistic' statistic found", "reset of an unknown name")
    expect(server.http("statistic-remove", {"name": "no-such-statistic"}), 1, None,
           "remove of an unknown name")
    expect(server.http("statistic-get", {}), 1, "Missing mandatory 'name' parameter.",
           "statistic-get without name")
    expect(server.http("statistic-reset", {"name": "subnet[1].assigned-addresses"}), 0,
           "Statistic 'subnet[1].assigned-addresses' reset.", "statistic-reset")
    reply = server.http("statistic-get", {"name": "subnet[1].assigned-addresses"})
    check(reply["arguments"]["subnet[1].assigned-addresses"][0][0] == 0, f"after reset: {reply}")
    expect(server.http("statistic-remove", {"name": "pkt4-received"}), 0,
           "Statistic 'pkt4-received' removed.", "statistic-remove")
    check(server.http("statistic-get", {"name": "pkt4-received"})["arguments"] == {},
          "a removed statistic must read as {}")
    expect(server.shell("statistic-reset-all"), 0, "All statistics reset to neutral values.",
           "statistic-reset-all")
    expect(server.http("statistic-remove-all"), 0, None, "statistic-remove-all")


def config_family(server, workdir):
    reply = expect(server.shell("config-get"), 0, None, "config-get")
    original = reply["arguments"]
    check(original["Dhcp4"]["subnet4"][0]["subnet"] == "192.0.2.0/24", "config-get subnet")

    expect(server.http("config-test", original), 0, None, "config-test of the running config")
    bogus = json.loads(json.dumps(original))
    bogus["Dhcp4"]["BOGUS"] = 1
    expect(server.http("config-test", bogus), 1, lambda t: "BOGUS" in t, "config-test invalid")
    expect(server.http("config-set"), 1, "Missing mandatory 'arguments' parameter.",
           "config-set without arguments")
    expect(server.http("config-set", {"Dhcp6": {}}), 1, "Unsupported 'Dhcp6' parameter.",
           "config-set with Dhcp6")
    expect(server.curl("config-set", bogus), 1, lambda t: "BOGUS" in t, "config-set invalid (curl)")
    bad_pool = json.loads(json.dumps(original))
    bad_pool["Dhcp4"]["subnet4"][0]["pools"] = [{"pool": "10.9.9.1 - 10.9.9.5"}]
    expect(server.http("config-set", bad_pool), 1, None, "config-set with a pool outside its subnet")
    # The old configuration is still serving.
    check(server.alive(), "the server died after an invalid config-set")
    now = server.http("config-get")["arguments"]
    check(now == original, "config-get changed after a rejected config-set")
    expect(server.http("lease4-get", {"ip-address": "192.0.2.20"}), 0, None,
           "leases still served after a rejected config-set")

    changed = json.loads(json.dumps(original))
    changed["Dhcp4"]["subnet4"][0]["option-data"] = [{"name": "routers", "data": "192.0.2.254"}]
    expect(server.shell("config-set", changed), 0, "Configuration successful.", "config-set valid")
    apilab.wait_for(lambda: _answers(server), 30, "the control socket after config-set")
    now = server.http("config-get")["arguments"]
    routers = [o for o in now["Dhcp4"]["subnet4"][0].get("option-data", [])
               if o.get("name") == "routers"]
    check(routers and routers[0]["data"] == "192.0.2.254", f"config-set not applied: {routers}")
    expect(server.http("lease4-get", {"ip-address": "192.0.2.20"}), 0, None,
           "leases kept across config-set")
    target = os.path.join(workdir, "written.json")
    reply = expect(server.http("config-write", {"filename": target}), 0, None, "config-write")
    check(reply["arguments"]["filename"] == os.path.realpath(target),
          f"config-write wrote {reply['arguments']}")
    check(os.stat(target).st_mode & 0o777 == 0o600,
          f"config-write left mode {oct(os.stat(target).st_mode & 0o777)}: it holds passwords")
    with open(target) as f:
        written = json.load(f)
    check(written["Dhcp4"]["subnet4"][0]["option-data"] == changed["Dhcp4"]["subnet4"][0]
          ["option-data"], "config-write did not write the running configuration")
    expect(server.http("config-write", {"filename": 5}), 1, None, "config-write bad filename")
    # Only the directory of the -c file (Kea 2.6.3/3.0): nothing else of the
    # machine can be replaced through the API.
    outside = os.path.join(os.path.dirname(workdir), f"shoal-outside-{os.getpid()}.json")
    for bad in (outside, "/etc/shoal-api-test.json", "../escape.json",
                os.path.join(workdir, "..", "escape.json")):
        reply = expect(server.http("config-write", {"filename": bad}), 1, None,
                       f"config-write {bad}")
        check("config-write writes only in" in reply.get("text", ""),
              f"config-write {bad} did not say where files may go: {reply}")
    check(not os.path.exists(outside) and not os.path.exists("/etc/shoal-api-test.json"),
          "config-write wrote outside the configuration file's directory")
    expect(server.unix("config-reload"), 0, "Configuration successful.", "config-reload")
    apilab.wait_for(lambda: _answers(server), 30, "the control socket after config-reload")
    expect(server.http("server-tag-get"), 0, None, "server-tag-get")
    expect(server.http("dhcp-disable", {"max-period": "x"}), 1, None, "dhcp-disable bad max-period")
    expect(server.http("leases-reclaim", {}), 1, "Missing mandatory 'remove' parameter.",
           "leases-reclaim without remove")
    expect(server.http("shutdown", {"exit-value": "x"}), 1, None, "shutdown bad exit-value")


def _answers(server):
    try:
        return server.http("list-commands")["result"] == 0
    except OSError:
        return False


def body():
    with apilab.Scratch() as workdir:
        port = apilab.free_tcp_port()
        config = apilab.base_config(workdir, port)
        server = apilab.ApiServer(workdir, config, args=["-p", str(apilab.free_tcp_port())])
        try:
            server.start()
            core_family(server)
            lease_family(server)
            statistics_family(server)
            config_family(server, workdir)
            expect(server.shell("shutdown"), 0, "Shutting down.", "shutdown")
            server.proc.wait(timeout=30)
            check(server.proc.returncode == 0, f"exit code {server.proc.returncode} after shutdown")
        except BaseException:
            print(server.log()[-5000:])
            raise
        finally:
            server.stop()


if __name__ == "__main__":
    apilab.run_main("api_commands", body)
