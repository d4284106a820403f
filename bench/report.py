#!/usr/bin/env python3
"""Benchmark: the whole triage report of the big heap core of
bench/heap_big.js (the core bench/heap_walk.py makes and caches under
build/fixtures), end to end as a CI job runs it: `node-gdb report --json
NODE CORE` (GDB's start, the core's loading, every thread's stack, the heap
walk, the JSON), and the text report.

    /usr/bin/python3 bench/report.py [--version 20] [--orders 1200000] [--note-length 600] [--rounds 3]

Beside it, the floor: GDB alone loading the same core and listing its
threads (`gdb -batch NODE CORE -ex 'info threads'`), time and peak memory.
Peak memory is the largest resident set of the process tree (ru_maxrss of
the waited-for children). Medians of the rounds. Targets (issue 17): the
report under 3 s, GDB's peak memory under the floor's plus 100 MB.
"""

import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixtures  # noqa: E402
import gdb_rounds  # noqa: E402
NODE_GDB = os.path.join(fixtures.REPO, "tools", "node-gdb")


def measure(cmd):
    """(seconds, peak RSS in bytes, stdout) of one fresh run of cmd, in a
    child Python so that ru_maxrss is this run's alone."""
    probe = ("import resource, subprocess, sys, time\n"
             "t = time.perf_counter()\n"
             "p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)\n"
             "t = time.perf_counter() - t\n"
             "sys.stderr.write('%f %d %d %d\\n' % (t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
             " p.returncode, len(p.stdout)))\n")
    p = subprocess.run([sys.executable, "-c", probe, *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    seconds, rss_kb, code, size = p.stderr.split()[-4:]
    if int(code) != 0:
        raise SystemExit("failed (%s): %s" % (code, " ".join(cmd)))
    return float(seconds), int(rss_kb) * 1024, int(size)


# The command alone, in a GDB with the core already loaded and node-gdb
# sourced (not timed): what a user at the prompt waits for.
GDB_SCRIPT = r"""
python
import json, time, gdb
gdb.execute("source %(entry)s", to_string=True)
from node_gdb import session
session.target()
times = {}
for name, command in (("json", "node-report -json /dev/null -output /dev/null"),
                      ("no-heap", "node-report -no-heap -json /dev/null -output /dev/null")):
    t0 = time.perf_counter()
    gdb.execute(command, to_string=True)
    times[name] = time.perf_counter() - t0
print("RESULT " + json.dumps(times))
end
"""


def main():
    args = gdb_rounds.big_heap_arguments().parse_args()
    node, core = gdb_rounds.big_heap_core(args)
    runs = {
        "GDB alone: load the core, info threads (the floor)":
            ["gdb", "-nx", "-batch", "-q", node, core, "-ex", "info threads"],
        "node-gdb report --json": [NODE_GDB, "report", "--json", node, core],
        "node-gdb report (text)": [NODE_GDB, "report", node, core],
        "node-gdb report --json --no-heap": [NODE_GDB, "report", "--json", "--no-heap", node, core],
    }
    results = {k: [measure(cmd) for _ in range(args.rounds)] for k, cmd in runs.items()}
    size = os.path.getsize(core)
    print("core: %s (%.0f MiB), Node %s, median of %d rounds" % (core, size / 2 ** 20, args.version, args.rounds))
    print("| run | time | peak RSS | output |")
    print("| --- | --- | --- | --- |")
    floor_rss = statistics.median(r[1] for r in results[next(iter(runs))])
    for k, rs in results.items():
        t = statistics.median(r[0] for r in rs)
        rss = statistics.median(r[1] for r in rs)
        print("| %s | %.2f s | %.0f MiB (%+.0f MiB) | %d bytes |" % (
            k, t, rss / 2 ** 20, (rss - floor_rss) / 2 ** 20, rs[0][2]))
    inside = gdb_rounds.run_rounds(node, core, "report", GDB_SCRIPT % {"entry": fixtures.GDB_PYTHON_ENTRY},
                                   args.rounds)
    for name in ("json", "no-heap"):
        print("| node-report %s inside GDB, the core loaded | %.2f s | | |" % (
            name, statistics.median(r[name] for r in inside)))


if __name__ == "__main__":
    main()
