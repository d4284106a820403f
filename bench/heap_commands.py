#!/usr/bin/env python3
"""Benchmark: every command that reads the whole heap, against the read floor.

    /usr/bin/python3 bench/heap_commands.py [--version 20] [--sizes 300000,1200000,4000000]
        [--note-length 600] [--rounds 3]

For each size (orders of bench/heap_big.js: 300,000 make a core of about
0.4 GB, 1,200,000 about 1.3 GB, 4,000,000 about 4 GB; cached under
build/fixtures/VERSION/heap_big_ORDERS_NOTE, delete them when done), each
command runs in a fresh `node-gdb-cli` process per round, the median of the
rounds kept with the process's peak resident memory (wait4's ru_maxrss).
The set-up every command pays (loading the binary's symbols and the core,
finding the heap pages) is `heappages`, timed the same way; a command's own
time is its time minus that.

The read floor is measured in the same run: the bytes the walk reads (each
walked page from its area start to its walk end, as `heappages` lists them)
read with pread from the core file, in the page cache as for the commands
(the best of two passes). The ratio is a command's own time over the floor.
objects/s counts the objects one walk visits (`heapwalk`'s total).
"""

import argparse
import json
import os
import re
import statistics
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))
import fixtures  # noqa: E402

BENCH = os.path.dirname(os.path.abspath(__file__))
CLI = os.path.join(fixtures.BUILD, "node-gdb-cli")


def run(node, core, args, timeout=3600):
    """(seconds, peak RSS bytes, stdout) of one node-gdb-cli run."""
    t0 = time.perf_counter()
    p = subprocess.Popen([CLI, node, core] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.perf_counter() - t0
    if os.WEXITSTATUS(status) != 0:
        raise SystemExit("%s failed:\n%s" % (" ".join(args), out.decode(errors="replace")[-2000:]))
    return seconds, usage.ru_maxrss * 1024, out.decode(errors="replace")


def loads(core):
    """The core's PT_LOAD segments: (vaddr, file offset, file size)."""
    with open(core, "rb") as f:
        head = f.read(64)
        phoff, = struct.unpack_from("<Q", head, 32)
        phentsize, phnum = struct.unpack_from("<HH", head, 54)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    segments = []
    for i in range(phnum):
        p_type, _, offset, vaddr, _, filesz = struct.unpack_from("<IIQQQQ", table, i * phentsize)
        if p_type == 1 and filesz:
            segments.append((vaddr, offset, filesz))
    return segments


def walked_ranges(pages_text):
    """(start, end) of each page the walk reads, from `heappages`."""
    ranges = []
    for line in pages_text.splitlines():
        m = re.match(r"(0x[0-9a-f]+) .* area \+(0x[0-9a-f]+)\.\.\+0x[0-9a-f]+ \S+ plan 0 end \+(0x[0-9a-f]+)", line)
        if m:
            chunk = int(m.group(1), 16)
            ranges.append((chunk + int(m.group(2), 16), chunk + int(m.group(3), 16)))
    return ranges


def read_floor(core, ranges):
    """Seconds to pread every walked range from the core (best of two), and the bytes."""
    segments = loads(core)
    pieces = []
    for start, end in ranges:
        for vaddr, offset, filesz in segments:
            if vaddr <= start < vaddr + filesz:
                pieces.append((offset + start - vaddr, min(end, vaddr + filesz) - start))
                break
    fd = os.open(core, os.O_RDONLY)
    best = None
    try:
        for _ in range(2):
            t0 = time.perf_counter()
            for offset, size in pieces:
                os.pread(fd, size, offset)
            t = time.perf_counter() - t0
            best = t if best is None else min(best, t)
    finally:
        os.close(fd)
    return best, sum(size for _, size in pieces)


def first_address(text):
    m = re.search(r"^(0x[0-9a-f]+) ", text, re.M)
    return m.group(1) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", default="20")
    ap.add_argument("--sizes", default="300000,1200000,4000000")
    ap.add_argument("--note-length", type=int, default=600)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    node = fixtures.node_binary(args.version)
    results = []
    for orders in [int(s) for s in args.sizes.split(",")]:
        name = "heap_big_%d_%d" % (orders, args.note_length)
        print("building the heap (%d orders) with Node %s..." % (orders, fixtures.node_version(node)), flush=True)
        _, core = fixtures.make_core(args.version, os.path.join(BENCH, "heap_big.js"), name=name,
                                     node_args=("--expose-gc", "--max-old-space-size=8000"),
                                     script_args=(str(orders), str(args.note_length)))
        _, _, pages = run(node, core, ["heappages"])
        floor, walked = read_floor(core, walked_ranges(pages))
        _, _, walk = run(node, core, ["heapwalk"])
        objects = sum(int(n) for n in re.findall(r"^\s+space .*?(\d+) objects", walk, re.M))
        order = first_address(run(node, core, ["findjsinstances", "Order", "1"])[2])
        snapshot = os.path.join(fixtures.BUILD, "bench", "heap_commands.heapsnapshot")
        os.makedirs(os.path.dirname(snapshot), exist_ok=True)
        commands = [
            ("set-up (heappages)", ["heappages"]),
            ("findjsobjects", ["findjsobjects"]),
            ("findjsinstances Order 1", ["findjsinstances", "Order", "1"]),
            ("findrefs ORDER 1", ["findrefs", order, "1"]),
            ("findrefs -n note 1", ["findrefs", "-n", "note", "1"]),
            ("handles (no walk)", ["handles"]),
            ("heapsnapshot", ["heapsnapshot", snapshot]),
            ("retainers ORDER", ["retainers", order]),
        ]
        size = {"orders": orders, "core_bytes": os.path.getsize(core), "walked_bytes": walked, "floor": floor,
                "objects": objects, "commands": []}
        for label, command in commands:
            rounds = [run(node, core, command)[:2] for _ in range(args.rounds)]
            if os.path.exists(snapshot):
                os.unlink(snapshot)
            seconds = statistics.median(r[0] for r in rounds)
            size["commands"].append({"command": label, "seconds": seconds, "rounds": [r[0] for r in rounds],
                                     "peak_rss": max(r[1] for r in rounds)})
        setup = size["commands"][0]["seconds"]
        print("\ncore %.2f GB (%d orders), walked %.2f GB, %.1f M objects; read floor (pread) %.3f s" % (
            size["core_bytes"] / 1e9, orders, walked / 1e9, objects / 1e6, floor))
        print("  %-26s %9s %9s %7s %12s %10s" % ("command", "time", "own", "ratio", "objects/s", "peak RSS"))
        for c in size["commands"]:
            own = max(c["seconds"] - setup, 1e-6) if c is not size["commands"][0] else c["seconds"]
            c["own"] = own
            walks = c is not size["commands"][0] and "no walk" not in c["command"]
            ratio = "%.2fx" % (own / floor) if walks else ""
            rate = "%.1f M" % (objects / own / 1e6) if walks else ""
            print("  %-26s %8.2fs %8.2fs %7s %12s %7.0f MiB" % (c["command"], c["seconds"], own, ratio, rate,
                                                               c["peak_rss"] / 2**20))
        results.append(size)
    out = os.path.join(fixtures.BUILD, "bench", "heap_commands.json")
    with open(out, "w") as f:
        json.dump(results, f, indent=1)
    print("\nresults: %s" % out)


if __name__ == "__main__":
    main()
