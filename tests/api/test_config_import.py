#!/usr/bin/env python3
"""admin: shoal-admin config-import and config-export.

Usage: test_config_import.py mysql|postgresql

1. Every Kea example configuration in /usr/share/doc/kea/examples/kea4/
   (package kea-doc) is imported under a server tag. A file shoal-dhcp4 -t
   accepts imports, and what the database cannot hold (host reservations,
   structured and node-local parameters) is listed; a file it refuses is
   refused whole, with the reason, and changes nothing. The export of each
   imported tag passes kea-dhcp4 -t and shoal-dhcp4 -t, and importing the
   export again into an empty database exports the same configuration
   (nothing the model holds is lost in the round trip).
2. A file with conflicts (overlapping subnets, a pool outside its subnet)
   is refused whole and every conflict is listed.
3. An import is one revision; an imported subnet id clashing with the
   database is a conflict."""

import glob
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import apilab  # noqa: E402
import netlab  # noqa: E402
import sqlcluster  # noqa: E402
from netlab import check  # noqa: E402

EXAMPLES = "/usr/share/doc/kea/examples/kea4"
CONFIG_TABLES = ["config4_subnet_server", "config4_subnet", "config4_shared_network_server",
                 "config4_shared_network", "config4_client_class_server", "config4_client_class",
                 "config4_option", "config4_option_def", "config4_global_parameter"]


class Admin:
    def __init__(self, env, database):
        self.env = env
        self.database = database
        self.binary = os.path.join(os.environ["SHOAL_BINARY_DIR"], "bin", "shoal-admin")

    def __call__(self, *args):
        backend = "mysql" if self.env.dialect == "mysql" else "pgsql"
        argv = [self.binary, args[0], backend, "-u", self.env.user, "-p", self.env.password,
                "-n", self.database.name, "-h", self.env.host, "-P", str(self.env.port)]
        return subprocess.run(argv + list(args[1:]), capture_output=True, text=True, timeout=300)


def wipe(database):
    for table in CONFIG_TABLES:
        database.query(f"DELETE FROM {table}")
    database.query("DELETE FROM config4_server WHERE tag <> 'all'")


def head(database):
    return int(database.query("SELECT revision FROM config4_head WHERE id = 1")[0][0])


def syntax_check(binary, path, namespace=None):
    argv = [binary, "-t", path]
    if namespace is not None:
        argv = namespace.cmd(argv)
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    return result.returncode, result.stdout + result.stderr


def test_examples(admin, database, workdir, lab):
    # kea-dhcp4 -t refuses a subnet whose interface the machine lacks, so the
    # exports are checked in a namespace holding every interface the examples
    # name (veth pairs: this kernel has no dummy links).
    interfaces = lab.namespace("import")
    names = set()
    for path in glob.glob(os.path.join(EXAMPLES, "*.json")):
        names.update(re.findall(r'"interface"\s*:\s*"([^"]+)"', open(path).read()))
    for index, name in enumerate(sorted(names)):
        interfaces.ip("link", "add", name, "type", "veth", "peer", "name", f"peer{index}")
        interfaces.ip("link", "set", name, "up")
    rows = []
    for path in sorted(glob.glob(os.path.join(EXAMPLES, "*.json"))):
        name = os.path.basename(path)
        wipe(database)
        accepted, why = syntax_check(netlab.shoal_binary(), path)
        before = head(database)
        imported = admin("config-import", "-i", path, "-t", "site-a")
        refused_key = re.search(r"configuration error in [^:]+: ([\w-]+)", why)
        if accepted != 0 and imported.returncode == 0 and refused_key:
            # shoal refuses the file for a node-local key that the import
            # leaves out, and must list as not imported.
            check(f"  {refused_key.group(1)}:" in imported.stdout,
                  f"{name}: shoal-dhcp4 -t refuses {refused_key.group(1)}, which the import "
                  f"neither refused nor listed:\n{imported.stdout}")
            accepted = 0
        elif accepted != 0:
            check(imported.returncode != 0,
                  f"{name}: shoal-dhcp4 -t refuses it, so must config-import:\n{imported.stdout}")
            check(head(database) == before, f"{name}: a refused import changed the database")
            rows.append((name, "refused", (imported.stderr.strip().splitlines() or ["?"])[-1][:90]))
            continue
        check(imported.returncode == 0,
              f"{name}: shoal-dhcp4 -t accepts it but config-import failed:\n"
              f"{imported.stdout}{imported.stderr}")
        check(head(database) == before + 1,
              f"{name}: an import is one revision ({before} -> {head(database)})")
        exported_path = os.path.join(workdir, f"export-{name}")
        exported = admin("config-export", "-t", "site-a", "-o", exported_path)
        check(exported.returncode == 0, f"{name}: config-export failed: {exported.stderr}")
        for binary in ("/usr/sbin/kea-dhcp4", netlab.shoal_binary()):
            rc, out = syntax_check(binary, exported_path, interfaces)
            check(rc == 0, f"{name}: {binary} -t refuses the export:\n{out}\n"
                           f"{open(exported_path).read()[:3000]}")
        wipe(database)
        again = admin("config-import", "-i", exported_path, "-t", "site-a")
        check(again.returncode == 0, f"{name}: re-importing the export failed: {again.stderr}")
        second = admin("config-export", "-t", "site-a", "-o", "-")
        with open(exported_path) as f:
            first_json = json.load(f)
        check(json.loads(second.stdout) == first_json,
              f"{name}: the round trip changed the configuration:\n{first_json}\n"
              f"{second.stdout}")
        listed = [line.strip() for line in imported.stdout.splitlines()[2:]]
        rows.append((name, "imported", imported.stdout.splitlines()[0][9:70] +
                     (f"; {len(listed)} not held" if listed else "")))
        if re.search(r'"reservations"\s*:', open(path).read()):
            check("host reservation" in imported.stdout,
                  f"{name}: its host reservations must be listed as not imported:\n"
                  f"{imported.stdout}")
    print("example                          result    detail")
    for name, result, detail in rows:
        print(f"{name:32} {result:9} {detail}")
    check(sum(1 for r in rows if r[1] == "imported") >= 10,
          "most of Kea's examples hold objects the database takes")


def test_conflicts(admin, database, workdir):
    wipe(database)
    path = os.path.join(workdir, "conflicts.json")
    with open(path, "w") as f:
        json.dump({"Dhcp4": {"subnet4": [
            {"id": 1, "subnet": "10.0.0.0/16"},
            {"id": 2, "subnet": "10.0.1.0/24"},
            {"id": 3, "subnet": "10.0.2.0/24"},
            {"id": 4, "subnet": "192.0.2.0/24", "pools": [{"pool": "192.0.3.1 - 192.0.3.9"}]}]}},
            f)
    before = head(database)
    result = admin("config-import", "-i", path, "-t", "site-a")
    check(result.returncode == 5, f"a conflicting file is refused (exit 5): {result.returncode}")
    for fragment in ["subnet 10.0.1.0/24 (id 2) overlaps subnet 10.0.0.0/16 (id 1)",
                     "subnet 10.0.2.0/24 (id 3) overlaps subnet 10.0.0.0/16 (id 1)",
                     "is not inside subnet 192.0.2.0/24", "nothing was imported"]:
        check(fragment in result.stderr, f"expected {fragment!r} in:\n{result.stderr}")
    check(head(database) == before, "a refused import changes nothing")
    check(database.query("SELECT COUNT(*) FROM config4_subnet")[0][0] == "0",
          "no subnet of a refused import is left")

    ok_path = os.path.join(workdir, "one.json")
    with open(ok_path, "w") as f:
        json.dump({"Dhcp4": {"subnet4": [{"id": 7, "subnet": "198.51.100.0/24"}]}}, f)
    check(admin("config-import", "-i", ok_path, "-t", "site-a").returncode == 0, "import one")
    with open(ok_path, "w") as f:
        json.dump({"Dhcp4": {"subnet4": [{"id": 7, "subnet": "203.0.113.0/24"}]}}, f)
    clash = admin("config-import", "-i", ok_path, "-t", "site-b")
    check(clash.returncode == 5 and "subnet id 7 is 198.51.100.0/24 in the database" in clash.stderr,
          f"an id clash is a conflict: {clash.stderr}")


def main():
    dialect = sqlcluster.dialect_from_argv(sys.argv, "test_config_import.py")
    env = sqlcluster.DbEnv(dialect)
    database = sqlcluster.ScratchDatabase(env, "import")
    database.env = env
    admin = Admin(env, database)
    try:
        with tempfile.TemporaryDirectory(prefix="shoal-import-") as workdir, \
                netlab.Lab("config-import") as lab:
            test_examples(admin, database, workdir, lab)
            test_conflicts(admin, database, workdir)
    finally:
        database.drop()


if __name__ == "__main__":
    apilab.run_main(f"test_config_import {sys.argv[1:]}", main)
