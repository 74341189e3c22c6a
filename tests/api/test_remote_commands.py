#!/usr/bin/env python3
"""api: the remote-* commands (Kea's cb_cmds) on thin nodes.

Usage: test_remote_commands.py mysql|postgresql

Two thin nodes (no DHCP interfaces; an HTTP and a UNIX control socket each)
share one configuration database. Checked, through kea-shell, curl, HTTP and
the UNIX socket:
1. every one of the 36 DHCPv4 remote-* commands is listed;
2. servers: set, get, get-all, del; 'all' is reserved;
3. the server-tag policy of every command family (forbidden, exactly one,
   one or more, [null]) and the `remote` selector;
4. global parameters, option definitions and global options: set, get with
   the fallback to 'all', get-all, del; a value the node's parser refuses is
   refused and changes nothing;
5. shared networks, subnets, and options of networks, subnets and pools;
   the node applies what is bound to its tag (config-get);
6. the conflict checks: overlapping subnets, a pool outside its subnet,
   overlapping pools, a subnet bound to a server its network is not, a
   missing network, option data that does not encode, a duplicate prefix;
   each names both objects and changes nothing;
7. client classes: order (follow-class-name), dependencies, and a class
   deleted while used;
8. each write is one revision recording the command and its author, and
   config-history-get pages through them newest first;
9. writers racing through both nodes never commit overlapping subnets;
10. an HTTP client marked read-only lists but gets HTTP 403 for writes; a
   full client's writes are recorded under its user name."""

import json
import os
import socket
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import apilab  # noqa: E402
import sqlcluster  # noqa: E402
from apilab import expect  # noqa: E402
import netlab  # noqa: E402
from netlab import TestFailure, check, wait_for  # noqa: E402

COMMANDS = [
    "remote-server4-set", "remote-server4-get", "remote-server4-get-all", "remote-server4-del",
    "remote-global-parameter4-set", "remote-global-parameter4-get",
    "remote-global-parameter4-get-all", "remote-global-parameter4-del",
    "remote-option-def4-set", "remote-option-def4-get", "remote-option-def4-get-all",
    "remote-option-def4-del",
    "remote-option4-global-set", "remote-option4-global-get", "remote-option4-global-get-all",
    "remote-option4-global-del",
    "remote-option4-network-set", "remote-option4-network-del",
    "remote-option4-subnet-set", "remote-option4-subnet-del",
    "remote-option4-pool-set", "remote-option4-pool-del",
    "remote-network4-set", "remote-network4-get", "remote-network4-list", "remote-network4-del",
    "remote-subnet4-set", "remote-subnet4-get-by-id", "remote-subnet4-get-by-prefix",
    "remote-subnet4-list", "remote-subnet4-del-by-id", "remote-subnet4-del-by-prefix",
    "remote-class4-set", "remote-class4-get", "remote-class4-get-all", "remote-class4-del",
]


def thin_config(env, database, workdir, tag, auth_clients=None):
    db = {"type": env.dialect, "name": database.name, "host": env.host, "port": env.port,
          "user": env.user, "password": env.password}
    hook = "libdhcp_mysql_cb.so" if env.dialect == "mysql" else "libdhcp_pgsql_cb.so"
    http_port = apilab.free_tcp_port()
    return {"Dhcp4": {
        "server-tag": tag,
        "interfaces-config": {"interfaces": []},
        "lease-database": {"type": "memfile", "persist": True,
                           "name": os.path.join(workdir, f"leases-{tag}.csv"), "lfc-interval": 0},
        "config-control": {"config-databases": [db], "config-fetch-wait-time": 1},
        "hooks-libraries": [{"library": f"/usr/lib/x86_64-linux-gnu/kea/hooks/{hook}"},
                            {"library": "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_cb_cmds.so"}],
        "control-sockets": [
            {"socket-type": "unix", "socket-name": os.path.join(workdir, f"{tag}.sock")},
            dict({"socket-type": "http", "socket-address": "127.0.0.1", "socket-port": http_port},
                 **({"authentication": {"type": "basic", "realm": "shoal",
                                        "clients": auth_clients}} if auth_clients else {})),
        ],
        "loggers": [{"name": "shoal-dhcp4", "output_options": [{"output": "stdout"}],
                     "severity": "INFO"}],
    }}


class Remote:
    """Sends remote-* commands to one node over a rotating transport."""

    def __init__(self, server):
        self.server = server
        self.turn = 0

    def __call__(self, command, arguments=None, transport=None):
        transports = ["http", "curl", "unix", "shell"]
        how = transport or transports[self.turn % len(transports)]
        self.turn += 1
        if how == "http":
            return self.server.http(command, arguments)
        if how == "curl":
            return self.server.curl(command, arguments)
        if how == "unix":
            return self.server.unix(command, arguments)
        return self.server.shell(command, arguments)


def ok(reply, what, text=None):
    return expect(reply, 0, text, what)


def refused(reply, what, *fragments):
    expect(reply, 1, None, what)
    for f in fragments:
        check(f in reply.get("text", ""), f"{what}: expected {f!r} in {reply.get('text')!r}")
    return reply


def revision_count(env, database):
    return int(database.query("SELECT revision FROM config4_head WHERE id = 1")[0][0])


def test_servers(r):
    ok(r("remote-server4-set", {"servers": [{"server-tag": "Site-A", "description": "first"}]}),
       "server set", "DHCPv4 server successfully set.")
    ok(r("remote-server4-set", {"servers": [{"server-tag": "site-b", "description": "second"}]}),
       "server set")
    ok(r("remote-server4-set", {"servers": [{"server-tag": "gone", "description": "x"}]}),
       "server set")
    got = ok(r("remote-server4-get", {"servers": [{"server-tag": "site-a"}]}), "server get",
             "DHCP server 'site-a' found.")
    check(got["arguments"]["servers"] == [{"server-tag": "site-a", "description": "first"}],
          f"server get: {got}")
    every = ok(r("remote-server4-get-all"), "server get-all", "DHCPv4 servers found.")
    check([s["server-tag"] for s in every["arguments"]["servers"]] == ["gone", "site-a", "site-b"],
          f"server get-all lists every server but 'all': {every}")
    refused(r("remote-server4-set", {"servers": [{"server-tag": "all"}]}), "set all", "reserved")
    refused(r("remote-server4-del", {"servers": [{"server-tag": "all"}]}), "del all",
            "cannot be deleted")
    ok(r("remote-server4-del", {"servers": [{"server-tag": "gone"}]}), "server del",
       "1 DHCPv4 server(s) deleted.")
    expect(r("remote-server4-del", {"servers": [{"server-tag": "gone"}]}), 3,
           "0 DHCPv4 server(s) deleted.", "server del again")
    expect(r("remote-server4-get", {"servers": [{"server-tag": "gone"}]}), 3, None, "get gone")


def test_tag_policies(r, env):
    refused(r("remote-subnet4-get-by-id", {"subnets": [{"id": 1}], "server-tags": ["all"]}),
            "forbidden tags", "'server-tags' is not allowed")
    refused(r("remote-global-parameter4-get-all", {"server-tags": ["site-a", "site-b"]}),
            "exactly one", "exactly one server tag")
    refused(r("remote-global-parameter4-get-all", {"server-tags": []}), "exactly one, empty",
            "exactly one server tag")
    refused(r("remote-global-parameter4-get-all", {}), "exactly one, missing",
            "'server-tags' is required")
    refused(r("remote-subnet4-set", {"subnets": [{"subnet": "192.0.2.0/24",
                                                   "shared-network-name": None}],
                                     "server-tags": [None]}), "one or more, null")
    refused(r("remote-subnet4-list", {"server-tags": [None, "site-a"]}), "null with tags",
            "null only on its own")
    refused(r("remote-subnet4-set", {"subnets": [{"subnet": "192.0.2.0/24",
                                                   "shared-network-name": None}],
                                     "server-tags": ["nobody"]}), "unknown server",
            "server 'nobody' does not exist")
    other = "postgresql" if env.dialect == "mysql" else "mysql"
    refused(r("remote-server4-get-all", {"remote": {"type": other}}), "remote type",
            f"no configuration database of type '{other}'")
    refused(r("remote-server4-get-all", {"remote": {"port": 1}}), "remote port alone",
            "only together with 'remote.host'")
    ok(r("remote-server4-get-all", {"remote": {"type": env.dialect}}), "remote matches")
    refused(r("remote-server4-get-all", {"bogus": 1}), "unknown argument", "unknown argument 'bogus'")
    refused(r("remote-subnet4-get-by-id", {"subnets": [{"id": 1}, {"id": 2}]}), "two elements",
            "exactly one subnet")


def test_globals_and_options(r, database):
    ok(r("remote-global-parameter4-set", {"parameters": {"valid-lifetime": 5000,
                                                         "renew-timer": 1000},
                                          "server-tags": ["all"]}),
       "globals set", "DHCPv4 global parameter(s) successfully set.")
    ok(r("remote-global-parameter4-set", {"parameters": {"valid-lifetime": 6000},
                                          "server-tags": ["site-a"]}), "globals set site-a")
    got = ok(r("remote-global-parameter4-get", {"parameters": ["renew-timer"],
                                                "server-tags": ["site-a"]}),
             "global get falls back to all")
    check(got["arguments"]["parameters"] == {"renew-timer": 1000,
                                             "metadata": {"server-tags": ["all"]}},
          f"global get: {got}")
    every = ok(r("remote-global-parameter4-get-all", {"server-tags": ["site-a"]}), "get-all")
    values = {k: v for p in every["arguments"]["parameters"] for k, v in p.items()
              if k != "metadata"}
    check(values == {"valid-lifetime": 6000, "renew-timer": 1000},
          f"site-a's own valid-lifetime wins over all's: {every}")
    before = revision_count(None, database)
    refused(r("remote-global-parameter4-set", {"parameters": {"valid-lifetime": "long"},
                                               "server-tags": ["site-a"]}),
            "global of the wrong type", "valid-lifetime")
    refused(r("remote-global-parameter4-set", {"parameters": {"no-such-parameter": 1},
                                               "server-tags": ["all"]}),
            "unknown global", "no-such-parameter")
    refused(r("remote-global-parameter4-set", {"parameters": {"option-data": []},
                                               "server-tags": ["all"]}),
            "structured global", "structured parameters")
    check(revision_count(None, database) == before, "refused writes left no revision")
    ok(r("remote-global-parameter4-del", {"parameters": ["valid-lifetime"],
                                          "server-tags": ["site-a"]}),
       "global del", "DHCPv4 global parameter(s) deleted.")
    expect(r("remote-global-parameter4-del", {"parameters": ["valid-lifetime"],
                                              "server-tags": ["site-a"]}), 3, None, "del again")

    ok(r("remote-option-def4-set", {"option-defs": [{"name": "site-code", "code": 222,
                                                     "type": "uint32", "space": "dhcp4"}],
                                    "server-tags": ["all"]}),
       "option-def set", "DHCPv4 option definition set.")
    got = ok(r("remote-option-def4-get", {"option-defs": [{"code": 222, "space": "dhcp4"}],
                                          "server-tags": ["site-b"]}), "option-def get")
    check(got["arguments"]["option-defs"][0]["name"] == "site-code", f"option-def get: {got}")
    ok(r("remote-option4-global-set", {"options": [{"code": 222, "data": "17"}],
                                       "server-tags": ["all"]}),
       "custom option set", "DHCPv4 option set.")
    refused(r("remote-option4-global-set", {"options": [{"code": 222, "data": "not-a-number"}],
                                            "server-tags": ["all"]}),
            "option data that does not encode")
    refused(r("remote-option-def4-del", {"option-defs": [{"code": 222, "space": "dhcp4"}],
                                         "server-tags": ["all"]}),
            "option-def still used by an option")
    ok(r("remote-option4-global-set", {"options": [{"name": "domain-name-servers",
                                                    "data": "192.0.2.53"}],
                                       "server-tags": ["site-a"]}), "standard option set")
    got = ok(r("remote-option4-global-get", {"options": [{"code": 6, "space": "dhcp4"}],
                                             "server-tags": ["site-a"]}),
             "option get", "DHCPv4 option is found.")
    check(got["arguments"]["options"][0]["data"] == "192.0.2.53", f"option get: {got}")
    every = ok(r("remote-option4-global-get-all", {"server-tags": ["site-a"]}), "option get-all")
    check(every["arguments"]["count"] == 2, f"site-a sees its option and all's: {every}")
    ok(r("remote-option4-global-del", {"options": [{"code": 222, "space": "dhcp4"}],
                                       "server-tags": ["all"]}),
       "option del", "1 DHCPv4 option(s) deleted.")
    ok(r("remote-option-def4-del", {"option-defs": [{"code": 222, "space": "dhcp4"}],
                                    "server-tags": ["all"]}),
       "option-def del", "1 DHCPv4 option definition(s) deleted.")


def subnet(id_, prefix, pools=(), network=None, **extra):
    s = {"id": id_, "subnet": prefix, "shared-network-name": network,
         "pools": [{"pool": p} for p in pools]}
    s.update(extra)
    return {"subnets": [s]}


def test_networks_and_subnets(r, node_a):
    ok(r("remote-network4-set", {"shared-networks": [{"name": "floor1", "valid-lifetime": 3000}],
                                 "server-tags": ["site-a"]}),
       "network set", "IPv4 shared network successfully set.")
    refused(r("remote-network4-set", {"shared-networks": [{"name": "x", "subnet4": []}],
                                      "server-tags": ["all"]}), "network with subnets",
            "takes no 'subnet4'")
    set_a = dict(subnet(10, "192.0.2.0/24", ["192.0.2.10 - 192.0.2.99"], "floor1",
                        **{"option-data": [{"name": "routers", "data": "192.0.2.1"}]}),
                 **{"server-tags": ["site-a"]})
    got = ok(r("remote-subnet4-set", set_a), "subnet set", "IPv4 subnet successfully set.")
    check(got["arguments"] == {"id": 10, "subnet": "192.0.2.0/24"}, f"subnet set: {got}")
    got = ok(r("remote-subnet4-get-by-id", {"subnets": [{"id": 10}]}), "get-by-id",
             "IPv4 subnet found.")
    s = got["arguments"]["subnets"][0]
    check(s["shared-network-name"] == "floor1" and s["metadata"] == {"server-tags": ["site-a"]}
          and s["pools"] == [{"pool": "192.0.2.10 - 192.0.2.99"}], f"get-by-id: {got}")
    ok(r("remote-subnet4-get-by-prefix", {"subnets": [{"subnet": "192.0.2.0/24"}]}),
       "get-by-prefix")
    expect(r("remote-subnet4-get-by-id", {"subnets": [{"id": 999}]}), 3, None, "missing subnet")

    # The conflict checks: each names both objects and changes nothing.
    refused(r("remote-subnet4-set", dict(subnet(11, "192.0.0.0/16", network=None),
                                         **{"server-tags": ["all"]})),
            "overlap", "subnet 192.0.0.0/16 (id 11) overlaps subnet 192.0.2.0/24 (id 10) for "
            "server tag 'site-a'")
    ok(r("remote-subnet4-set", dict(subnet(11, "192.0.0.0/16"), **{"server-tags": ["site-b"]})),
       "the same prefix range for another server is fine")
    refused(r("remote-subnet4-set", dict(subnet(12, "192.0.3.0/24", ["192.0.4.1 - 192.0.4.9"]),
                                         **{"server-tags": ["site-a"]})),
            "pool outside", "not inside subnet 192.0.3.0/24")
    refused(r("remote-subnet4-set", dict(subnet(12, "192.0.3.0/24", ["192.0.3.1 - 192.0.3.9",
                                                                      "192.0.3.5 - 192.0.3.20"]),
                                         **{"server-tags": ["site-a"]})),
            "pools overlap", "overlaps pool")
    refused(r("remote-subnet4-set", dict(subnet(12, "192.0.3.0/24", network="floor1"),
                                         **{"server-tags": ["site-b"]})),
            "network bound elsewhere", "which its shared network 'floor1' is not bound to")
    refused(r("remote-subnet4-set", dict(subnet(12, "192.0.3.0/24", network="nowhere"),
                                         **{"server-tags": ["site-a"]})),
            "missing network", "shared network 'nowhere', which does not exist")
    refused(r("remote-subnet4-set", dict(subnet(13, "192.0.2.0/24"),
                                         **{"server-tags": ["site-a"]})),
            "duplicate prefix", "already exists with id 10")
    refused(r("remote-subnet4-set", dict(subnet(12, "192.0.3.0/24", **{"option-data": [
        {"name": "routers", "data": "not-an-address"}]}), **{"server-tags": ["site-a"]})),
        "option data", "routers")
    refused(r("remote-network4-set", {"shared-networks": [{"name": "floor1"}],
                                      "server-tags": ["site-b"]}),
            "network leaving a subnet's server", "subnet 192.0.2.0/24 (id 10)")

    # Options of a network, a subnet and a pool.
    ok(r("remote-option4-network-set", {"shared-networks": [{"name": "floor1"}],
                                        "options": [{"name": "domain-name", "data": "floor1.test"}]}),
       "network option set", "DHCPv4 option successfully set.")
    ok(r("remote-option4-subnet-set", {"subnets": [{"id": 10}],
                                       "options": [{"name": "routers", "data": "192.0.2.254"}]}),
       "subnet option set")
    ok(r("remote-option4-pool-set", {"pools": [{"pool": "192.0.2.10-192.0.2.99"}],
                                     "options": [{"code": 42, "data": "192.0.2.123"}]}),
       "pool option set")
    refused(r("remote-option4-pool-set", {"pools": [{"pool": "10.9.9.1 - 10.9.9.2"}],
                                          "options": [{"code": 42, "data": "192.0.2.123"}]}),
            "missing pool", "no subnet has the pool")
    got = ok(r("remote-network4-get", {"shared-networks": [{"name": "floor1"}],
                                       "subnets-include": "full"}), "network get full")
    net = got["arguments"]["shared-networks"][0]
    sub = net["subnet4"][0]
    check(net["option-data"][0]["data"] == "floor1.test" and
          sub["option-data"] == [{"name": "routers", "data": "192.0.2.254", "code": 3,
                                  "space": "dhcp4"}] and
          sub["pools"][0]["option-data"][0]["data"] == "192.0.2.123", f"network get: {got}")

    # The node applies what its tag receives.
    def applied():
        config = node_a.http("config-get")["arguments"]["Dhcp4"]
        nets = [n for n in config.get("shared-networks", []) if n["name"] == "floor1"]
        return bool(nets) and any(s["id"] == 10 and s["option-data"][0]["data"] == "192.0.2.254"
                                  for s in nets[0].get("subnet4", []))
    wait_for(applied, 30, "node site-a to apply the subnet, its network and options")

    ok(r("remote-option4-pool-del", {"pools": [{"pool": "192.0.2.10 - 192.0.2.99"}],
                                     "options": [{"code": 42, "space": "dhcp4"}]}),
       "pool option del", "1 DHCPv4 option(s) deleted.")
    expect(r("remote-option4-subnet-del", {"subnets": [{"id": 10}],
                                           "options": [{"code": 99, "space": "dhcp4"}]}),
           3, "0 DHCPv4 option(s) deleted.", "subnet option del of a missing option")
    ok(r("remote-option4-network-del", {"shared-networks": [{"name": "floor1"}],
                                        "options": [{"code": 15, "space": "dhcp4"}]}),
       "network option del")

    listed = ok(r("remote-subnet4-list", {"server-tags": ["site-a"]}), "list site-a",
                "1 IPv4 subnet(s) found.")
    check([s["id"] for s in listed["arguments"]["subnets"]] == [10], f"list: {listed}")
    ok(r("remote-subnet4-set", dict(subnet(20, "203.0.113.0/24"), **{"server-tags": ["all"]})),
       "subnet for all")
    listed = ok(r("remote-subnet4-list", {"server-tags": ["site-b"]}), "list site-b")
    check(sorted(s["id"] for s in listed["arguments"]["subnets"]) == [11, 20],
          f"site-b lists its own and all's: {listed}")
    ok(r("remote-server4-set", {"servers": [{"server-tag": "spare"}]}), "server spare")
    ok(r("remote-subnet4-set", dict(subnet(21, "198.51.100.0/24"), **{"server-tags": ["spare"]})),
       "subnet for spare")
    ok(r("remote-server4-del", {"servers": [{"server-tag": "spare"}]}), "del spare")
    listed = ok(r("remote-subnet4-list", {"server-tags": [None]}), "list unassigned")
    check([s["id"] for s in listed["arguments"]["subnets"]] == [21],
          f"a deleted server's subnet is unassigned: {listed}")
    ok(r("remote-subnet4-del-by-prefix", {"subnets": [{"subnet": "198.51.100.0/24"}]}),
       "del by prefix", "1 IPv4 subnet(s) deleted.")
    listed = ok(r("remote-network4-list", {"server-tags": ["site-a"]}), "network list",
                "1 IPv4 shared network(s) found.")
    ok(r("remote-network4-del", {"shared-networks": [{"name": "floor1"}],
                                 "subnets-action": "keep"}),
       "network del keep", "1 IPv4 shared network(s) deleted.")
    got = ok(r("remote-subnet4-get-by-id", {"subnets": [{"id": 10}]}), "kept subnet")
    check(got["arguments"]["subnets"][0]["shared-network-name"] is None,
          f"a kept subnet leaves its deleted network: {got}")
    ok(r("remote-subnet4-del-by-id", {"subnets": [{"id": 20}]}), "del by id")


def test_classes(r):
    ok(r("remote-class4-set", {"client-classes": [{"name": "phones",
                                                   "test": "substring(option[60].hex,0,4) == 'SIP/'"}],
                               "server-tags": ["all"]}),
       "class set", "DHCPv4 client class successfully set.")
    ok(r("remote-class4-set", {"client-classes": [{"name": "voice",
                                                   "test": "member('phones') and member('KNOWN')"}],
                               "server-tags": ["all"]}), "dependent class")
    ok(r("remote-class4-set", {"client-classes": [{"name": "printers", "test": "option[60].exists"}],
                               "follow-class-name": "phones", "server-tags": ["site-a"]}),
       "class after phones")
    every = ok(r("remote-class4-get-all", {"server-tags": ["site-a"]}), "class get-all",
               "3 DHCPv4 client class(es) found.")
    check([c["name"] for c in every["arguments"]["client-classes"]] ==
          ["phones", "printers", "voice"], f"follow-class-name places the class: {every}")
    refused(r("remote-class4-set", {"client-classes": [{"name": "early",
                                                        "test": "member('late')"}],
                                    "server-tags": ["all"]}),
            "undefined dependency", "depends on client class 'late'")
    refused(r("remote-class4-del", {"client-classes": [{"name": "phones"}]}), "class in use",
            "client class 'phones' is used by client class 'voice'")
    ok(r("remote-subnet4-set", dict(subnet(30, "10.30.0.0/24", **{"client-class": "printers"}),
                                    **{"server-tags": ["site-a"]})), "guarded subnet")
    refused(r("remote-class4-del", {"client-classes": [{"name": "printers"}]}),
            "class guarding a subnet", "used by subnet 10.30.0.0/24 (id 30)")
    got = ok(r("remote-class4-get", {"client-classes": [{"name": "voice"}]}), "class get",
             "DHCPv4 client class 'voice' found.")
    check(got["arguments"]["client-classes"][0]["metadata"] == {"server-tags": ["all"]},
          f"class get: {got}")
    ok(r("remote-subnet4-del-by-id", {"subnets": [{"id": 30}]}), "unguard")
    ok(r("remote-class4-del", {"client-classes": [{"name": "printers"}]}), "class del",
       "1 DHCPv4 client class(es) deleted.")
    ok(r("remote-class4-del", {"client-classes": [{"name": "voice"}]}), "class del voice")
    ok(r("remote-class4-del", {"client-classes": [{"name": "phones"}]}), "class del phones")


def test_one_revision_per_write(r, database):
    before = revision_count(None, database)
    ok(r("remote-network4-set", {"shared-networks": [{"name": "rev"}],
                                 "server-tags": ["site-a", "site-b"]}), "network for revision")
    after = revision_count(None, database)
    check(after == before + 1, f"one write, one revision: {before} -> {after}")
    rows = database.query(f"SELECT command, actor FROM config4_revision WHERE revision = {after}")
    check(rows and rows[0][0] == "remote-network4-set" and rows[0][1].startswith("api@"),
          f"the revision names the command and its author: {rows}")
    changes = database.query(f"SELECT COUNT(*) FROM config4_change WHERE revision = {after}")
    check(int(changes[0][0]) >= 3, f"the network and its two bindings under one revision: {changes}")
    ok(r("remote-network4-del", {"shared-networks": [{"name": "rev"}]}), "cleanup")
    last = revision_count(None, database)
    page = ok(r("config-history-get", {"limit": 2}), "history page 1", "2 revision(s) found.")
    revs = page["arguments"]["revisions"]
    check([v["revision"] for v in revs] == [last, last - 1] and
          revs[0]["command"] == "remote-network4-del" and
          revs[1]["command"] == "remote-network4-set" and
          {"object-type": "shared-network", "object-key": "rev", "server-tag": "site-b"}
          in revs[1]["changes"], f"history, newest first, with the objects: {page}")
    check(page["arguments"]["next"] == last - 1, f"history names the next page: {page}")
    older = ok(r("config-history-get", {"before": page["arguments"]["next"], "limit": 1}),
               "history page 2")
    check(older["arguments"]["revisions"][0]["revision"] == last - 2, f"page 2: {older}")
    refused(r("config-history-get", {"limit": 0}), "history limit", "'limit' must be")


def test_racing_writers(node_a, node_b, database):
    """Two writers through two nodes race to put overlapping subnets on one
    server; whatever commits, no two overlap."""
    errors = []

    def writer(server, base, count):
        for i in range(count):
            # node A writes /24s, node B the /23 that covers two of them.
            if base == "a":
                args = subnet(1000 + i, f"10.77.{2 * i}.0/24")
            else:
                args = subnet(2000 + i, f"10.77.{2 * i}.0/23")
            args["server-tags"] = ["site-a"]
            reply = server.http("remote-subnet4-set", args)
            if reply["result"] not in (0, 1):
                errors.append(reply)
    threads = [threading.Thread(target=writer, args=(node_a, "a", 40)),
               threading.Thread(target=writer, args=(node_b, "b", 40))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(not errors, f"unexpected replies: {errors[:3]}")
    rows = database.query("SELECT s.subnet_id, s.prefix FROM config4_subnet s "
                          "WHERE s.prefix LIKE '10.77.%'")
    spans = []
    for sid, prefix in rows:
        addr, length = prefix.split("/")
        a = sum(int(x) << (8 * (3 - i)) for i, x in enumerate(addr.split(".")))
        spans.append((a, a + (1 << (32 - int(length))) - 1, sid, prefix))
    spans.sort()
    for x, y in zip(spans, spans[1:]):
        check(y[0] > x[1], f"overlapping subnets committed by racing writers: {x} and {y}")
    check(len(spans) >= 40, f"every non-conflicting write committed: {len(spans)} subnets")
    print(f"racing writers: {len(spans)} subnets committed, none overlapping", flush=True)


def start_authenticated(server):
    """ApiServer.start() probes without credentials; this waits for the log."""
    log = open(server.log_path, "ab")
    server.proc = subprocess.Popen([netlab.shoal_binary(), "-c", server.config_path],
                                   stdout=log, stderr=subprocess.STDOUT, cwd=server.workdir)
    log.close()

    def ready():
        check(server.proc.poll() is None, f"shoal-dhcp4 exited at start-up:\n{server.log()}")
        if "serving with" not in server.log():
            return False
        try:
            return curl_as(server, "admin", "secret", "list-commands")[0] == 200
        except TestFailure:
            return False
    wait_for(ready, 30, "the authenticated node to start")


def curl_as(server, user, password, command, arguments=None):
    """Sends one command with basic authentication; returns (HTTP status, body)."""
    request = {"command": command}
    if arguments is not None:
        request["arguments"] = arguments
    result = subprocess.run(
        ["curl", "-sS", "-u", f"{user}:{password}", "-o", "-", "-w", "\n%{http_code}",
         "-H", "Content-Type: application/json", "--data-binary", json.dumps(request),
         f"http://127.0.0.1:{server.http_port}/"], capture_output=True, text=True, timeout=60)
    check(result.returncode == 0, f"curl failed: {result.stderr}")
    body, status = result.stdout.rsplit("\n", 1)
    return int(status), json.loads(body)


def test_read_only_client(node_c, database):
    status, reply = curl_as(node_c, "viewer", "look", "remote-subnet4-list",
                            {"server-tags": ["all"]})
    check(status == 200 and reply["result"] in (0, 3), f"a read-only client lists: {reply}")
    status, reply = curl_as(node_c, "viewer", "look", "config-history-get", {"limit": 1})
    check(status == 200 and reply["result"] == 0, f"a read-only client reads history: {reply}")
    before = revision_count(None, database)
    status, reply = curl_as(node_c, "viewer", "look", "remote-subnet4-set",
                            dict(subnet(500, "198.18.5.0/24"), **{"server-tags": ["all"]}))
    check(status == 403 and "may only read" in reply.get("text", ""),
          f"a read-only client's write is refused with 403: {status} {reply}")
    status, reply = curl_as(node_c, "viewer", "look", "config-set", {"Dhcp4": {}})
    check(status == 403, f"config-set is a write too: {status} {reply}")
    check(revision_count(None, database) == before, "the refused write changed nothing")
    status, reply = curl_as(node_c, "admin", "secret", "remote-subnet4-set",
                            dict(subnet(500, "198.18.5.0/24"), **{"server-tags": ["all"]}))
    check(status == 200 and reply["result"] == 0, f"a full client writes: {reply}")
    rows = database.query("SELECT actor FROM config4_revision ORDER BY revision DESC LIMIT 1")
    check(rows[0][0] == f"admin@{socket.gethostname()}",
          f"the write is recorded under the authenticated user: {rows}")
    status, reply = curl_as(node_c, "viewer", "wrong", "remote-subnet4-list",
                            {"server-tags": ["all"]})
    check(status == 401, f"a wrong password is 401: {status}")


def main():
    dialect = sqlcluster.dialect_from_argv(sys.argv, "test_remote_commands.py")
    env = sqlcluster.DbEnv(dialect)
    database = sqlcluster.ScratchDatabase(env, "remote")
    try:
        with apilab.Scratch() as workdir:
            dirs = {}
            for tag in ("site-a", "site-b", "site-c"):
                dirs[tag] = os.path.join(workdir, tag)
                os.mkdir(dirs[tag])
            node_a = apilab.ApiServer(dirs["site-a"],
                                      thin_config(env, database, dirs["site-a"], "site-a"))
            node_b = apilab.ApiServer(dirs["site-b"],
                                      thin_config(env, database, dirs["site-b"], "site-b"))
            node_c = apilab.ApiServer(dirs["site-c"], thin_config(
                env, database, dirs["site-c"], "site-c", auth_clients=[
                    {"user": "admin", "password": "secret"},
                    {"user": "viewer", "password": "look", "read-only": True}]))
            try:
                node_a.start()
                node_b.start()
                listed = node_a.http("list-commands")["arguments"]
                missing = [c for c in COMMANDS if c not in listed]
                check(not missing, f"commands not listed: {missing}")
                r = Remote(node_a)
                test_servers(r)
                test_tag_policies(r, env)
                test_globals_and_options(r, database)
                test_networks_and_subnets(r, node_a)
                test_classes(Remote(node_b))
                test_one_revision_per_write(r, database)
                test_racing_writers(node_a, node_b, database)
                start_authenticated(node_c)
                test_read_only_client(node_c, database)
            finally:
                node_a.stop()
                node_b.stop()
                node_c.stop()
    finally:
        database.drop()


if __name__ == "__main__":
    apilab.run_main(f"test_remote_commands {sys.argv[1:]}", main)
