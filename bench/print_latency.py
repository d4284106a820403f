#!/usr/bin/env python3
"""Benchmark: time from `source node-gdb.py` to the first printed value, and
the per-value latency of `v8 print`, on a kernel core of /usr/bin/node
(Node 20, 98 MB with full symbols) running tests/fixtures/primitives.js
(strings and numbers) or, with --fixture objects, tests/fixtures/objects.js
(objects, arrays, classes, Map/Set, errors ... through util.inspect's layout).

    /usr/bin/python3 bench/print_latency.py [--version 20] [--rounds 2000] [--fixture objects]

Needs a build (tools/build.sh); the core is generated and cached in build/.
"""

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))
import fixtures  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", default="20")
    ap.add_argument("--rounds", type=int, default=2000)
    ap.add_argument("--fixture", default="primitives", choices=["primitives", "objects"])
    args = ap.parse_args()

    workdir, core = fixtures.make_core(args.version, args.fixture + ".js",
                                       node_args=("--expose-gc", "--allow-natives-syntax"))
    with open(os.path.join(workdir, "stdout.txt"), encoding="utf-8", errors="replace") as f:
        addresses = re.findall(r"^DebugPrint: (0x[0-9a-f]+):", f.read(), re.M)[1:]
    node = fixtures.node_binary(args.version)
    size = os.path.getsize(node)

    script = r"""
python
import time, gdb
t0 = time.perf_counter()
gdb.execute("source %(entry)s", to_string=True)
first = gdb.execute("v8 print %(first)s", to_string=True)
t1 = time.perf_counter()
addresses = %(addresses)r
n = %(rounds)d
t2 = time.perf_counter()
for i in range(n):
    gdb.execute("v8 print " + addresses[i %% len(addresses)], to_string=True)
t3 = time.perf_counter()
from node_gdb import session
target = session.target()
words = [int(a, 16) for a in addresses]
t4 = time.perf_counter()
for i in range(n):
    target.print_value(words[i %% len(words)])
t5 = time.perf_counter()
print("RESULT first_value_ms=%%.1f command_us=%%.1f core_us=%%.1f" %% ((t1 - t0) * 1e3, (t3 - t2) / n * 1e6, (t5 - t4) / n * 1e6))
end
""" % {"entry": fixtures.GDB_PYTHON_ENTRY, "first": addresses[0], "addresses": addresses, "rounds": args.rounds}
    script_path = os.path.join(workdir, "bench.gdb")
    with open(script_path, "w") as f:
        f.write(script)
    out = fixtures.run_gdb([node, core], ["source " + script_path], source=False, timeout=900)
    m = re.search(r"RESULT first_value_ms=([\d.]+) command_us=([\d.]+) core_us=([\d.]+)", out)
    if not m:
        print(out[-3000:])
        return 1
    print("Node %s core of %s.js, binary %s (%d MB), %d distinct values, %d rounds" % (
        fixtures.node_version(node), args.fixture, node, size >> 20, len(addresses), args.rounds))
    print("  source -> first printed value: %s ms" % m.group(1))
    print("  `v8 print` per value (GDB command): %s us" % m.group(2))
    print("  decode per value (C++ core via Python): %s us" % m.group(3))
    return 0


if __name__ == "__main__":
    sys.exit(main())
