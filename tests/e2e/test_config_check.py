#!/usr/bin/env python3
"""e2e: `shoal-dhcp4 -t FILE` checks a configuration file.

The example configuration and a small valid file must pass (exit 0). Broken
files must fail (exit 1) with a message that names the offending key or
value and its location (file:line:column)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netlab  # noqa: E402
from netlab import check  # noqa: E402

GOOD = """// a comment
{
  "Dhcp4": {
    "interfaces-config": { "interfaces": [ "eth0" ] },
    # another comment
    "lease-database": { "type": "memfile", "name": "leases4.csv" },
    "valid-lifetime": 4000,
    "subnet4": [
      {
        "id": 1,
        "subnet": "192.0.2.0/24",
        "pools": [ { "pool": "192.0.2.100 - 192.0.2.200" } ],
        "option-data": [ { "name": "routers", "data": "192.0.2.1" } ]
      }
    ]
  }
}
"""

# (name, replace this, with this, texts the error must contain; {path} and
# {line} are filled in; the line is where the replacement lands)
BAD = [
    ("unknown key", '"valid-lifetime": 4000,', '"valid-lifetme": 4000,', ["valid-lifetme"]),
    ("wrong type", '"valid-lifetime": 4000,', '"valid-lifetime": "forever",', ["valid-lifetime"]),
    ("bad address", '"subnet": "192.0.2.0/24",', '"subnet": "192.0.2.300/24",', ["192.0.2.300"]),
    ("bad pool", '"192.0.2.100 - 192.0.2.200"', '"192.0.2.200 - 192.0.2.100"', ["pool"]),
    ("unknown option", '"name": "routers"', '"name": "no-such-option"', ["no-such-option"]),
    ("syntax error", '"valid-lifetime": 4000,', '"valid-lifetime": 4000', []),
    ("unknown subnet key", '"id": 1,', '"id": 1, "colour": "blue",', ["colour"]),
]


def line_of(text, needle):
    return text[:text.index(needle)].count("\n") + 1


def body(lab):
    binary = netlab.shoal_binary()
    source = os.environ.get("SHOAL_SOURCE_DIR", os.path.join(netlab.HERE, "..", ".."))
    example = os.path.join(source, "examples", "shoal-dhcp4-memfile.json")

    for path in (example, lab.path("good.json")):
        if path.endswith("good.json"):
            with open(path, "w") as f:
                f.write(GOOD)
        result = netlab.run([binary, "-t", path], check_rc=False)
        check(result.returncode == 0, f"shoal-dhcp4 -t {path} exited {result.returncode}, "
              f"expected 0:\n{result.stdout}{result.stderr}")
        print(f"ok: {path} is valid: {result.stdout.strip()}")

    for name, old, new, needles in BAD:
        check(old in GOOD, f"test bug: '{old}' is not in the good config")
        text = GOOD.replace(old, new, 1)
        path = lab.path(name.replace(" ", "-") + ".json")
        with open(path, "w") as f:
            f.write(text)
        result = netlab.run([binary, "-t", path], check_rc=False)
        message = result.stdout + result.stderr
        check(result.returncode == 1, f"{name}: shoal-dhcp4 -t exited {result.returncode}, "
              f"expected 1:\n{message}")
        for needle in needles:
            check(needle in message, f"{name}: the error does not name '{needle}':\n{message}")
        # The location: the file and a line number; the broken line itself,
        # or for the syntax error the line after it, where the parser notices.
        line = line_of(text, new)
        lines = {line, line + 1} if name == "syntax error" else {line}
        located = any(f"{path}:{n}:" in message for n in lines)
        check(located, f"{name}: the error does not give the location {path}:{line}:<column>:\n"
              f"{message}")
        print(f"ok: {name}: {message.strip()}")

    missing = lab.path("does-not-exist.json")
    result = netlab.run([binary, "-t", missing], check_rc=False)
    check(result.returncode == 1 and missing in result.stdout + result.stderr,
          f"-t on a missing file: exit {result.returncode}, output:\n{result.stdout}{result.stderr}")


if __name__ == "__main__":
    netlab.run_test("e2e_config_check", body)
