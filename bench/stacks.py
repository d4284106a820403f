#!/usr/bin/env python3
"""Benchmark: whole stacks. `v8 bt` and GDB's `bt` on the core of
tests/fixtures/deep_stack.js: 10,000 recursive JS frames above an async
function that 1,000 others await, so `v8 bt` also follows the chain of
1,000 awaiting functions (the "at async" lines); and `v8 async` on the
same core, which lists that chain as suspended functions.

    /usr/bin/python3 bench/stacks.py [--version 20] [--rounds 3]

Each round is one GDB with the core loaded and the Target made (not
timed); each command is timed once, fresh (the frame caches are dropped
between commands). Prints the median of the rounds.
Targets (issue 15): v8 bt of a 10,000-frame JS stack under 2 s, the async
chain of 1,000 awaiting functions under 1 s.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixtures  # noqa: E402
import gdb_rounds  # noqa: E402

GDB_SCRIPT = r"""
python
import json, time, gdb
gdb.execute("source %(entry)s", to_string=True)
from node_gdb import session, stack
session.target()
times = {}
for command in %(commands)r:
    gdb.execute("flushregs", to_string=True)  # GDB's frame cache, and node-gdb's with it
    t0 = time.perf_counter()
    out = gdb.execute(command, to_string=True)
    times[command] = time.perf_counter() - t0
    times[command + " lines"] = out.count("\n")
frames = [f for f in [gdb.newest_frame()]]
f = frames[0]
while f is not None:
    frames.append(f)
    f = f.older()
t0 = time.perf_counter()
found = stack.async_frames(frames)
times["async frames alone"] = time.perf_counter() - t0
times["async frames alone lines"] = len(found)
print("RESULT " + json.dumps(times))
end
"""

COMMANDS = ["v8 bt", "bt", "v8 async"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", default="20")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    node = fixtures.node_binary(args.version)
    _, core = fixtures.make_core(args.version, "deep_stack.js", node_args=("--stack-size=20000",))
    rounds = gdb_rounds.run_rounds(node, core, "stacks", GDB_SCRIPT % {"entry": fixtures.GDB_PYTHON_ENTRY,
                                                                      "commands": COMMANDS}, args.rounds)
    for command in COMMANDS + ["async frames alone"]:
        print(gdb_rounds.median_line(command, [r[command] for r in rounds],
                                     extra="; %d lines" % rounds[0][command + " lines"]))


if __name__ == "__main__":
    main()
