"""What the bench/ scripts share: run a GDB script (a `python ... end`
block that prints one `RESULT {json}` line) on a core, several rounds, one
fresh GDB each, and take the medians."""

import json
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))
import fixtures  # noqa: E402


# The start of a benchmark's GDB script: GDB's peak and current resident
# memory (hwm()), node-gdb loaded and its Target made, so that what follows
# times the command alone. Formatted with %(entry)s, node-gdb's entry file.
GDB_PREAMBLE = r"""
python
import json, re, time, gdb
def hwm():
    with open('/proc/self/status') as f:
        s = f.read()
    g = lambda k: int(re.search(k + r':\s+(\d+) kB', s).group(1)) * 1024
    return g('VmHWM'), g('VmRSS')
gdb.execute("source %(entry)s", to_string=True)
from node_gdb import session
session.target()
gdb.execute("v8 info", to_string=True)
"""


def run_once(node, core, name, script_text, timeout=3600):
    """The RESULT dict of one fresh GDB sourcing `script_text` (written to
    build/bench/NAME.gdb, node-gdb not preloaded), with "gdb_total": the
    whole GDB run's seconds."""
    script = os.path.join(fixtures.BUILD, "bench", name + ".gdb")
    os.makedirs(os.path.dirname(script), exist_ok=True)
    with open(script, "w") as f:
        f.write(script_text)
    t0 = time.perf_counter()
    out = fixtures.run_gdb([node, core], ["source " + script], source=False, timeout=timeout)
    total = time.perf_counter() - t0
    m = re.search(r"^RESULT (.*)$", out, re.M)
    if not m:
        raise SystemExit("GDB run failed:\n" + out[-4000:])
    result = json.loads(m.group(1))
    result["gdb_total"] = total
    return result


def run_rounds(node, core, name, script_text, rounds, timeout=3600):
    """The RESULT dict of each round, one fresh GDB each (run_once)."""
    return [run_once(node, core, name, script_text, timeout) for _ in range(rounds)]


def median_line(label, values, width=20, extra=""):
    return "%-*s median %.2f s  (min %.2f, max %.2f, %d rounds%s)" % (
        width, label, statistics.median(values), min(values), max(values), len(values), extra)


def big_heap_arguments(description=None):
    """The options every benchmark of bench/heap_big.js's core takes."""
    import argparse
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--version", default="20")
    ap.add_argument("--orders", type=int, default=1200000)
    ap.add_argument("--note-length", type=int, default=600)
    ap.add_argument("--rounds", type=int, default=3)
    return ap


def big_heap_core(args):
    """(node binary, core) of bench/heap_big.js for those options; the core
    is made once and cached under build/fixtures (it is big: delete it)."""
    node = fixtures.node_binary(args.version)
    name = "heap_big_%d_%d" % (args.orders, args.note_length)
    _, core = fixtures.make_core(args.version, os.path.join(os.path.dirname(os.path.abspath(__file__)), "heap_big.js"),
                                 name=name, node_args=("--expose-gc", "--max-old-space-size=8000"),
                                 script_args=(str(args.orders), str(args.note_length)))
    return node, core
