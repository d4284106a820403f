#!/usr/bin/env python3
"""Benchmark: `v8 heapsnapshot` on the big heap, against V8's own
v8.writeHeapSnapshot() of the same heap.

    /usr/bin/python3 bench/heap_snapshot.py [--version 20] [--orders 1200000]
        [--note-length 600] [--rounds 1]

bench/heap_big.js builds the heap of bench/heap_walk.py (ORDERS orders with a
note string, three line items and a shared customer each; the defaults make
about 11 million objects), and, given a file name, writes V8's heap snapshot
there with v8.writeHeapSnapshot() and times it inside the process (with the
process's peak resident memory before and after), then aborts: the core is
of the heap V8 just described. The core and V8's file are cached under
build/fixtures (heap_big_snapshot_ORDERS_NOTE: big, delete them when done).

In one GDB per round: the node binary and the core are loaded and the
Target made (not timed), then `v8 heapsnapshot FILE` is timed (two heap
walks, the file written); GDB's peak resident memory (VmHWM) is read from
/proc before and after. The file is written to build/bench and removed
after the round.
"""

import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))
import fixtures  # noqa: E402
import gdb_rounds  # noqa: E402

BENCH = os.path.dirname(os.path.abspath(__file__))

GDB_SCRIPT = gdb_rounds.GDB_PREAMBLE + r"""
before = hwm()
t0 = time.perf_counter()
text = gdb.execute("v8 heapsnapshot %(out)s", to_string=True)
t1 = time.perf_counter()
after = hwm()
print("RESULT " + json.dumps({"seconds": t1 - t0, "hwm_before": before[0], "rss_before": before[1],
                              "hwm_after": after[0], "output": text.strip()}))
end
"""


def mib(n):
    return n / (1 << 20)


def run_gdb(node, core, out, timeout):
    result = gdb_rounds.run_once(node, core, "heap_snapshot",
                                 GDB_SCRIPT % {"entry": fixtures.GDB_PYTHON_ENTRY, "out": out}, timeout)
    result["bytes"] = os.path.getsize(out) if os.path.exists(out) else 0
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", default="20")
    ap.add_argument("--orders", type=int, default=1200000)
    ap.add_argument("--note-length", type=int, default=600)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--timeout", type=int, default=3600)
    args = ap.parse_args()

    node = fixtures.node_binary(args.version)
    name = "heap_big_snapshot_%d_%d" % (args.orders, args.note_length)
    print("building the heap (%d orders, %d-character notes) with Node %s, and V8's snapshot of it..." % (
        args.orders, args.note_length, fixtures.node_version(node)), flush=True)
    workdir = os.path.join(fixtures.BUILD, "fixtures", args.version, name)
    v8_file = os.path.join(workdir, "v8.heapsnapshot")
    workdir, core = fixtures.make_core(args.version, os.path.join(BENCH, "heap_big.js"), name=name,
                                       node_args=("--expose-gc", "--max-old-space-size=8000"),
                                       script_args=(str(args.orders), str(args.note_length), v8_file))
    with open(os.path.join(workdir, "snapshot.json")) as f:
        v8 = json.load(f)
    core_size = os.path.getsize(core)
    print("core: %s (%.0f MiB)" % (core, mib(core_size)), flush=True)

    out = os.path.join(fixtures.BUILD, "bench", "heap_snapshot_bench.heapsnapshot")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    rounds = []
    for _ in range(args.rounds):
        rounds.append(run_gdb(node, core, out, args.timeout))
        if os.path.exists(out):
            os.unlink(out)
    best = sorted(rounds, key=lambda r: r["seconds"])[len(rounds) // 2]  # the median round
    print("\nnode-gdb `v8 heapsnapshot` (%d round%s, each in a fresh GDB; the median shown; the core in the "
          "OS page cache)" % (args.rounds, "" if args.rounds == 1 else "s"))
    print("  %s" % best["output"].splitlines()[-1])  # the last line; the others are the walks' progress
    print("  time: %.2f s (every round: %s); file %.0f MiB" % (
        best["seconds"], ", ".join("%.2f" % r["seconds"] for r in rounds), mib(best["bytes"])))
    print("  GDB peak resident memory: %.0f MiB after, %.0f MiB before (core and node binary loaded): +%.0f MiB" % (
        mib(best["hwm_after"]), mib(best["hwm_before"]), mib(best["hwm_after"] - best["hwm_before"])))
    print("\nV8's v8.writeHeapSnapshot() of the same heap, in the process")
    with open(v8_file, "rb") as f:  # the header's counts, from the head of the file
        head = f.read(1 << 16).decode("utf-8", "replace")
    counts = {k: int(re.search(r'"%s":\s*(\d+)' % k, head).group(1)) for k in ("node_count", "edge_count")}
    v8.update(counts)
    print("  %s nodes, %s edges" % ("{:,}".format(counts["node_count"]), "{:,}".format(counts["edge_count"])))
    print("  time: %.2f s; file %.0f MiB" % (v8["seconds"], mib(v8["bytes"])))
    print("  process peak resident memory: %.0f MiB after, %.0f MiB before (the heap): +%.0f MiB" % (
        mib(v8["peak_rss_after"]), mib(v8["peak_rss_before"]), mib(v8["peak_rss_after"] - v8["peak_rss_before"])))
    results = {"core_bytes": core_size, "node": fixtures.node_version(node), "rounds": rounds, "v8": v8}
    out_path = os.path.join(fixtures.BUILD, "bench", "heap_snapshot_%s.json" % name)
    with open(out_path, "w") as f:
        json.dump(results, f, indent=1)
    print("\nresults: %s" % out_path)


if __name__ == "__main__":
    main()
