#!/usr/bin/env python3
"""Benchmark: `v8 findjsobjects` on a big heap, against llnode's.

    /usr/bin/python3 bench/heap_walk.py [--version 20] [--orders 1200000]
        [--note-length 600] [--llnode PATH] [--no-llnode] [--rounds 3]

bench/heap_big.js builds the heap (ORDERS orders with a note string of
NOTE_LENGTH characters, three line items and a shared customer each; the
defaults make a core over 1 GB with about 11 million objects; --orders
3000000 --note-length 0 makes a denser one, about 42 million objects in
1.3 GB) and aborts; the core is cached under build/fixtures (delete it when
done: it is big).

In one GDB per round: the node binary and the core are loaded and the
Target made (not timed), then `v8 findjsobjects` is timed cold (the walk),
warm (the cached result) and once more as a fresh walk (`v8 findjsinstances`
of a class, which walks again with every map already named). GDB's peak
resident memory comes from /proc (VmHWM), before and after the walks.

llnode (an LLDB plugin: Debian's lldb, and the llnode package from the npm
registry installed in a temporary folder, never in this repository) runs
`v8 findjsobjects` on the same core when it is found; its time and peak
memory are those of the whole lldb process, and a run of lldb that only
loads the core and the plugin is timed too, to show what the command took.
"""

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))
import fixtures  # noqa: E402
import gdb_rounds  # noqa: E402

BENCH = os.path.dirname(os.path.abspath(__file__))

GDB_SCRIPT = gdb_rounds.GDB_PREAMBLE + r"""
from node_gdb import heap_commands
before = hwm()
t0 = time.perf_counter()
cold_text = gdb.execute("v8 findjsobjects", to_string=True)
t1 = time.perf_counter()
warm_text = gdb.execute("v8 findjsobjects", to_string=True)
t2 = time.perf_counter()
gdb.execute("v8 findjsinstances %(cls)s -n 1", to_string=True)
t3 = time.perf_counter()
after = hwm()
report = heap_commands._heap().census_report()
report["skipped"] = dict(report["skipped"]); report["failed"] = dict(report["failed"])
print("RESULT " + json.dumps({"cold": t1 - t0, "warm": t2 - t1, "rewalk": t3 - t2,
                              "hwm_before": before[0], "rss_before": before[1], "hwm_after": after[0],
                              "report": report, "table": cold_text}))
end
"""


def run_gdb(node, core, cls, timeout):
    return gdb_rounds.run_once(node, core, "heap_walk", GDB_SCRIPT % {"entry": fixtures.GDB_PYTHON_ENTRY, "cls": cls},
                               timeout)


def find_llnode(path):
    if path:
        return path if os.path.isfile(path) else None
    candidates = glob.glob("/tmp/*/node_modules/llnode/llnode.so") + glob.glob(
        os.path.expanduser("~/.npm-global/lib/node_modules/llnode/llnode.so"))
    return candidates[0] if candidates else None


def run_lldb(node, core, plugin, commands, timeout):
    lldb = shutil.which("lldb")
    cmd = ["/usr/bin/time", "-f", "TIME %e %M", lldb, "--batch", "-o", "plugin load " + plugin]
    for c in commands:
        cmd += ["-o", c]
    cmd += ["-c", core, node]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    wall = time.perf_counter() - t0
    m = re.search(r"^TIME ([\d.]+) (\d+)$", r.stdout, re.M)
    rss = int(m.group(2)) * 1024 if m else 0
    return wall, rss, r.stdout


def mib(n):
    return n / (1 << 20)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", default="20")
    ap.add_argument("--orders", type=int, default=1200000)
    ap.add_argument("--note-length", type=int, default=600)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--llnode", default=None, help="path of llnode.so")
    ap.add_argument("--no-llnode", action="store_true")
    ap.add_argument("--timeout", type=int, default=3600)
    ap.add_argument("--drop-caches", action="store_true",
                    help="empty the OS page cache before each run (root; disk-cold figures)")
    args = ap.parse_args()

    node = fixtures.node_binary(args.version)
    name = "heap_big_%d_%d" % (args.orders, args.note_length)
    print("building the heap (%d orders, %d-character notes) with Node %s..." % (
        args.orders, args.note_length, fixtures.node_version(node)), flush=True)
    workdir, core = fixtures.make_core(args.version, os.path.join(BENCH, "heap_big.js"), name=name,
                                       node_args=("--expose-gc", "--max-old-space-size=8000"),
                                       script_args=(str(args.orders), str(args.note_length)))
    core_size = os.path.getsize(core)
    print("core: %s (%.0f MiB)" % (core, mib(core_size)), flush=True)

    def drop():
        if args.drop_caches:
            subprocess.run(["sync"])
            with open("/proc/sys/vm/drop_caches", "w") as f:
                f.write("1\n")

    rounds = []
    for _ in range(args.rounds):
        drop()
        rounds.append(run_gdb(node, core, "Order", args.timeout))
    best = sorted(rounds, key=lambda r: r["cold"])[len(rounds) // 2]  # the median round
    rep = best["report"]
    walked = rep["walked_bytes"]
    print("\nnode-gdb `v8 findjsobjects` (%d rounds, each in a fresh GDB; the median shown%s)" % (
        args.rounds, "; OS page cache emptied before each" if args.drop_caches else
        "; the core in the OS page cache"))
    print("  heap: %d pages, %.0f MiB of page area; walked %.0f MiB, %s objects; not walked %d bytes" % (
        rep["pages"], mib(rep["area_bytes"]), mib(walked), "{:,}".format(rep["objects"]), rep["failed_bytes"]))
    print("  cold (walk + names): %.2f s  (every round: %s)" % (
        best["cold"], ", ".join("%.2f" % r["cold"] for r in rounds)))
    print("    = %.0f MB/s of heap walked, %.1f million objects/s" % (
        walked / 1e6 / best["cold"], rep["objects"] / 1e6 / best["cold"]))
    print("  warm (cached): %.3f s" % best["warm"])
    print("  another full walk (v8 findjsinstances Order): %.2f s = %.0f MB/s" % (
        best["rewalk"], walked / 1e6 / best["rewalk"]))
    print("  GDB peak resident memory: %.0f MiB after the walks, %.0f MiB before (core and node binary "
          "loaded); core file %.0f MiB" % (mib(best["hwm_after"]), mib(best["hwm_before"]), mib(core_size)))
    table = best["table"].splitlines()
    print("  top of the table:\n    " + "\n    ".join(table[:8]))

    results = {"core_bytes": core_size, "node": fixtures.node_version(node), "rounds": rounds}
    plugin = None if args.no_llnode else find_llnode(args.llnode)
    if plugin and shutil.which("lldb"):
        print("\nllnode (%s) `v8 findjsobjects` on the same core..." % plugin, flush=True)
        drop()
        base_wall, base_rss, _ = run_lldb(node, core, plugin, [], args.timeout)
        drop()
        wall, rss, out = run_lldb(node, core, plugin, ["v8 findjsobjects"], args.timeout)
        command = max(wall - base_wall, 1e-9)
        rows = re.findall(r"^ +(\d+) +(\d+) (.*)$", out, re.M)
        names = [n for _, _, n in rows if n.strip() and not n.startswith("(")]
        print("  lldb total %.1f s (loading core and plugin alone: %.1f s) -> the command: %.1f s" % (
            wall, base_wall, command))
        print("  lldb peak resident memory: %.0f MiB (loading alone: %.0f MiB)" % (mib(rss), mib(base_rss)))
        print("  llnode named %d JS types: %s" % (len(names), ", ".join(names[:12])))
        print("  node-gdb is %.0fx faster (cold walk vs llnode's command)" % (command / best["cold"]))
        results["llnode"] = {"total": wall, "load_only": base_wall, "command": command, "peak_rss": rss,
                             "load_only_rss": base_rss, "output": out[-6000:]}
    else:
        print("\nllnode: not run (%s)" % ("--no-llnode" if args.no_llnode else
                                          "no lldb or llnode.so found; see the docstring"))
    out_path = os.path.join(fixtures.BUILD, "bench", "heap_walk_%s.json" % name)
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, "w") as f:
        json.dump(results, f, indent=1)
    print("\nresults: %s" % out_path)


if __name__ == "__main__":
    main()
