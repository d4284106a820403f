"""Heap walks through GDB on real core dumps and live processes of every
Node version: `v8 findjsobjects`, `v8 findjsinstances`, `v8 findrefs`.

tests/fixtures/heap_census.js makes exact numbers of instances of several
classes, lets others die (collected before the abort, some of them left on
pages the sweeper has not reached), holds one object in every way findrefs
names, takes a heap snapshot of the same heap, and records what it made and
the snapshot's per-class counts in expect.json. It runs twice per version:
with V8's default concurrent sweeping, and with --no-concurrent-sweeping so
the garbage certainly sits on unswept pages (read through mark bits).
"""

import os
import re

import pytest

from conftest import Gdb, assert_no_traceback, fixtures

HEX = r"0x[0-9a-f]+"
CLASSES = ("HeldWidget", "Gadget", "Sprocket", "Lonely")
SWEEPING = {"concurrent": (), "unswept": ("--no-concurrent-sweeping",)}


class Census:
    """A heap_census core and what its program recorded."""

    def __init__(self, version, sweeping, arch="x64"):
        node_args = ("--expose-gc", "--allow-natives-syntax") + SWEEPING[sweeping]
        workdir, core = fixtures.make_core(version, "heap_census.js", name="heap_census_" + sweeping,
                                           node_args=node_args, arch=arch)
        self.gdb = Gdb(fixtures.node_binary(version, arch), core, arch)
        self.expect = fixtures.load_json(os.path.join(workdir, "expect.json"))
        with open(os.path.join(workdir, "stdout.txt"), encoding="utf-8", errors="replace") as f:
            text = f.read()
        # "=== label" then "DebugPrint: 0x...": the addresses findrefs must report.
        self.printed = {label: int(addr, 16) for label, addr in
                        re.findall(r"(?m)^=== (\w+)\nDebugPrint: (%s)" % HEX, text)}
        blocks = fixtures.parse_debug_print(text)
        closure = next(b for b in blocks if b.startswith("DebugPrint: %#x" % self.printed["closure"]))
        self.closure_context = int(re.search(r"^ - context: (%s)" % HEX, closure, re.M).group(1), 16)
        self._findjsobjects = None

    def findjsobjects(self):
        if self._findjsobjects is None:
            self._findjsobjects = self.gdb.run(["v8 findjsobjects"])
        return self._findjsobjects


@pytest.fixture(scope="session", params=sorted(SWEEPING))
def census(request, version, module_built):
    return Census(version, request.param)


def counts(output):
    """{name: (instances, bytes)} from `v8 findjsobjects` rows."""
    rows = {}
    for m in re.finditer(r"^ +([\d,]+) +([\d,]+) (\S.*)$", output, re.M):
        rows[m.group(3)] = (int(m.group(1).replace(",", "")), int(m.group(2).replace(",", "")))
    return rows


def test_counts_are_exact(census):
    rows = counts(census.findjsobjects())
    for name, expected in census.expect["counts"].items():
        got = rows.get(name, (0, 0))[0]
        assert got == expected, (name, got, expected, census.findjsobjects()[-3000:])


def test_counts_agree_with_heap_snapshot(census):
    rows = counts(census.findjsobjects())
    snapshot = census.expect["snapshot"]
    for name in CLASSES:
        assert rows.get(name, (0, 0))[0] == snapshot.get(name, 0), (name, rows.get(name), snapshot.get(name))


def test_whole_heap_is_walked(census):
    out = census.findjsobjects()
    assert "Could not walk" not in out, out[-3000:]
    m = re.search(r"^Walked .*: ([\d,]+) objects", out, re.M)
    assert m, out[-2000:]
    rows = counts(out)
    total = rows.pop(next(k for k in rows if k.endswith(" types")))
    assert total[0] == sum(c for c, _ in rows.values()) == int(m.group(1).replace(",", ""))
    # Internals are named as V8 types, JS objects by class.
    for name in ("(Map)", "(FixedArray)", "(SharedFunctionInfo)", "Object", "Array", "Function"):
        assert name in rows, name
    # Sorted by size, biggest first.
    sizes = [b for _, b in rows.values()]
    assert sizes == sorted(sizes, reverse=True)


def test_findjsinstances_lists_every_instance(census):
    out = census.gdb.run(["v8 findjsinstances HeldWidget -n all"])
    ids = sorted(int(i) for i in re.findall(r"^%s HeldWidget \{ id: (\d+), label: 'widget \d+' \}$" % HEX, out, re.M))
    assert ids == list(range(census.expect["counts"]["HeldWidget"])), out[-2000:]
    assert "1,234 instances of HeldWidget, shown 1-1234\n" in out
    assert census.printed["widget0"] in {int(a, 16) for a in re.findall(r"^(%s) HeldWidget" % HEX, out, re.M)}


def test_findjsinstances_pages(census):
    out = census.gdb.outputs(["v8 findjsinstances HeldWidget", "v8 findjsinstances HeldWidget -s 1230 -n 10",
                              "v8 findjsinstances Lonely", "v8 findjsinstances '(Map)' -n 2"])
    assert len(re.findall(r"^%s HeldWidget \{" % HEX, out[0], re.M)) == 50
    assert out[0].endswith("1,234 instances of HeldWidget, shown 1-50; next: v8 findjsinstances HeldWidget -s 50")
    assert len(re.findall(r"^%s HeldWidget \{" % HEX, out[1], re.M)) == 4
    assert out[1].endswith("shown 1231-1234")
    assert re.match(r"^%#x Lonely \{ alone: true \}\n1 instance of Lonely" % census.printed["lonely"], out[2])
    assert len(re.findall(r"^%s " % HEX, out[3], re.M)) == 2 and "next: v8 findjsinstances '(Map)' -s 2 -n 2" in out[3]


def test_findrefs_names_every_holder(census):
    p = census.printed
    out = census.gdb.run(["v8 findrefs %#x" % p["lonely"]])
    refs = {}
    for m in re.finditer(r"^(%s) (\S+)" % HEX, out, re.M):
        refs.setdefault(m.group(2), set()).add(int(m.group(1), 16))
    expected = {
        "Object.lonely": p["holder"],
        "Object.far": p["manyProps"],
        "Object.lonelyInDict": p["dict"],
        "Array[0]": p["list"],
        "Context.someVar": census.closure_context,
        "Map.get('key')": p["byKey"],
    }
    for slot, holder in expected.items():
        assert holder in refs.get(slot, set()), (slot, hex(holder), out)
    assert "global.globalLonely" in refs, out
    assert re.search(r"^\d+ references to %#x Lonely \{ alone: true \}$" % p["lonely"], out, re.M), out


def test_findrefs_by_property_name(census):
    p = census.printed
    out = census.gdb.outputs(["v8 findrefs -n lonely", "v8 findrefs -n lonelyInDict", "v8 findrefs -n noSuchName"])
    assert "%#x Object.lonely = Lonely { alone: true }" % p["holder"] in out[0], out[0]
    assert "%#x Object.lonelyInDict = Lonely { alone: true }" % p["dict"] in out[1], out[1]
    assert out[2] == "0 objects with a property noSuchName"


def test_results_are_cached_in_a_session(census):
    out = census.gdb.run([
        "python import time; t = time.monotonic()",
        "v8 findjsobjects",
        "python first = time.monotonic() - t; t = time.monotonic()",
        "v8 findjsobjects",
        "python second = time.monotonic() - t; print('TIMES', first, second)",
    ])
    first, second = map(float, re.search(r"TIMES ([\d.e-]+) ([\d.e-]+)", out).groups())
    assert second < first, (first, second)
    halves = out.split("Walked")
    assert len(halves) == 3


def test_ctrl_c_stops_a_walk_cleanly(census):
    # SIGINT to GDB itself while the walk runs, as a terminal's Ctrl-C sends:
    # sent from the progress callback, so it lands mid-walk.
    script = [
        "python import os, signal; from node_gdb import heap_commands as h; orig = h._Progress.__call__",
        "python h._Progress.__call__ = lambda self, *a: (os.kill(os.getpid(), signal.SIGINT), True)[1]",
        "v8 findjsobjects",
        "echo AFTER\\n",
        "python h._Progress.__call__ = orig",
        "v8 findjsobjects",
    ]
    out = census.gdb.run(script)
    before, after = out.split("AFTER\n")
    assert re.search(r"v8 findjsobjects: interrupted after walking \d+ of \d+ MiB; nothing was kept", before), before[-2000:]
    assert "Walked" not in before
    assert "HeldWidget" in after and "Walked" in after


def test_bad_arguments_are_one_line(census):
    out = census.gdb.outputs(["v8 findjsinstances", "v8 findjsinstances NoSuchClass", "v8 findjsinstances A B",
                              "v8 findjsinstances HeldWidget -n x", "v8 findrefs", "v8 findrefs 0x1234",
                              "v8 findrefs nosuchsymbol", "v8 findrefs -n", "v8 findjsobjects extra",
                              # a tagged word into the middle of an object: no object starts there
                              "v8 findrefs %#x" % (census.printed["lonely"] + 8)])
    for text in out:
        assert len(text.splitlines()) == 1, out
    assert out[0].startswith("usage: v8 findjsinstances NAME")
    assert "no object in the heap is named NoSuchClass" in out[1]
    assert "is not a tagged heap object pointer" in out[5]
    assert "is not a V8 heap object" in out[9], out[9]


def test_live_process_and_cache_invalidation(version, module_built):
    node = fixtures.node_binary(version)
    workdir = os.path.join(fixtures.BUILD, "fixtures", version, "heap_live")
    os.makedirs(workdir, exist_ok=True)
    out = fixtures.run_gdb(["--args", node, os.path.join(fixtures.FIXTURES, "heap_live.js")],
                           ["handle SIGUSR2 stop print nopass", "run", "v8 info", "v8 findjsobjects",
                            "echo SECOND\\n", "continue", "v8 findjsobjects", "v8 findjsinstances Ticket -n 1 -s 149",
                            "kill"], cwd=workdir, timeout=600)
    assert_no_traceback(out)
    assert "memory: live process" in out, out[-3000:]
    first, second = out.split("SECOND\n")
    assert counts(first).get("Ticket", (0,))[0] == 100, first[-3000:]
    assert counts(second).get("Ticket", (0,))[0] == 150, second[-3000:]
    assert re.search(r"^%s Ticket \{ i: 149 \}$" % HEX, second, re.M), second[-2000:]


# Other programs: the walk must reach the end of every page, whatever V8
# made (every size formula), in each Node version.
WALKED_FIXTURES = {
    "heap_zoo.js": dict(node_args=("--expose-gc",)),
    "primitives.js": dict(node_args=("--expose-gc", "--allow-natives-syntax")),
    "objects.js": dict(node_args=("--expose-gc", "--allow-natives-syntax")),
    "objects_zoo.js": dict(node_args=("--expose-gc", "--allow-natives-syntax")),
    "functions_contexts.js": dict(node_args=("--expose-gc", "--allow-natives-syntax", "--no-flush-bytecode"),
                                  extra_inputs=(os.path.join(fixtures.FIXTURES, "functions_contexts_module.mjs"),)),
}


@pytest.mark.parametrize("script", sorted(WALKED_FIXTURES))
def test_every_page_of_other_programs_is_walked(script, version, module_built):
    workdir, core = fixtures.make_core(version, script, **WALKED_FIXTURES[script])
    out = Gdb(fixtures.node_binary(version), core).run(["v8 findjsobjects"])
    assert "Every page was walked to its end." in out, out[-3000:]
    if script == "heap_zoo.js":
        # Two isolates (the worker's heap is walked too), exact counts.
        assert re.search(r"^Heap: 2 isolates", out, re.M), out[-2000:]
        rows = counts(out)
        for name, expected in fixtures.load_json(os.path.join(workdir, "expect.json"))["counts"].items():
            assert rows.get(name, (0,))[0] == expected, (name, rows.get(name))
        for name in ("(WasmNull)", "Instance", "(ConsString)", "(BigInt)", "(FeedbackVector)", "(ScopeInfo)",
                     "(BytecodeArray)", "(NativeContext)", "(SloppyArgumentsElements)"):
            assert name in rows, (name, sorted(rows))
        if version != "20":  # V8 12+ allocate wasm type infos and dispatch tables on the heap
            assert "(WasmTypeInfo)" in rows and any(n.startswith("(WasmDispatchTable") for n in rows), sorted(rows)
