#!/usr/bin/env python3
"""Benchmark: the "why is it still running / what waits" commands
(`v8 async`, `node-why`, and `node-timers` where it exists) on the big heap
core of bench/heap_big.js (the same core bench/heap_walk.py makes and caches
under build/fixtures), against the census walk on the same core as the read
floor's stand-in (v8 findjsobjects: one pass over every object).

    /usr/bin/python3 bench/waits.py [--version 20] [--orders 1200000] [--note-length 600] [--rounds 3]

Each round is one GDB: the core is loaded and the Target made (not timed),
then each command is timed once, fresh (no cached walk: every command here
walks the heap or the Environments itself). Prints the median of the rounds.
Targets (issue 16): node-timers and node-why under 1 s, v8 async under 2 s
on the 1.27 GB core.
"""

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
from node_gdb import session, node_commands
session.target()
node_commands.environments()  # the Environment search is shared by every node-* command: made once, not timed
times = {}
for command in %(commands)r:
    try:
        gdb.execute("help " + command, to_string=True)
    except gdb.error:
        continue  # not in this build
    t0 = time.perf_counter()
    gdb.execute(command, to_string=True)
    times[command] = time.perf_counter() - t0
print("RESULT " + json.dumps(times))
end
"""

COMMANDS = ["v8 findjsobjects", "v8 async", "node-why", "node-timers"]


def main():
    args = gdb_rounds.big_heap_arguments().parse_args()
    node, core = gdb_rounds.big_heap_core(args)
    print("core: %s (%.0f MiB)" % (core, os.path.getsize(core) / (1 << 20)), flush=True)
    rounds = gdb_rounds.run_rounds(node, core, "waits", GDB_SCRIPT % {"entry": fixtures.GDB_PYTHON_ENTRY,
                                                                     "commands": COMMANDS}, args.rounds)
    for command in COMMANDS:
        values = [r[command] for r in rounds if command in r]
        if values:
            print(gdb_rounds.median_line(command, values, width=18))
        else:
            print("%-18s not in this build" % command)


if __name__ == "__main__":
    main()
