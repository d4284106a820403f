"""JS property paths after an EXPR (nodejs/llnode#314): `v8 print
EXPR.locals.items[0]`, `EXPR['k 1']`, `EXPR.cache.get('key')`, against what
JavaScript itself returns for the same path in the same process
(tests/fixtures/js_paths.js), after every kind of EXPR: a slot, a
convenience variable, GDB's value history, a plain tagged address."""

import json
import os
import re
import subprocess

import pytest

import fixtures
from conftest import _holder_fixture, holder_slots


@pytest.fixture(scope="module")
def paths_core(version, module_built):
    gdb, expect, blocks = _holder_fixture(version, "js_paths.js")
    workdir = os.path.dirname(gdb.core)
    paths = fixtures.load_json(os.path.join(workdir, "paths.json"))
    slot = holder_slots(blocks, 1)[0]
    address = re.match(r"DebugPrint: (0x[0-9a-f]+)", blocks[1]).group(1)
    return gdb, "*(unsigned long *)%#x" % slot, address, paths


def test_paths_give_what_javascript_gives(paths_core):
    gdb, slot, _, paths = paths_core
    out = gdb.outputs(["v8 print %s%s" % (slot, p["path"]) for p in paths])
    for p, got in zip(paths, out):
        assert got == p["inspect"], p["path"]


def test_paths_after_every_kind_of_expr(paths_core):
    gdb, slot, address, paths = paths_core
    want = next(p["inspect"] for p in paths if p["path"] == ".locals.items[0].name")
    out = gdb.outputs(["set $app = %s" % slot, "v8 print $app.locals.items[0].name",
                       "print/x %s" % slot, "v8 print $.locals.items[0].name",
                       "v8 print %s.locals.items[0].name" % address,
                       "v8 print -depth 0 %s.locals" % address,
                       "v8 inspect %s.locals.items[0]" % address])
    assert out[1] == want
    assert out[3] == want
    assert out[4] == want
    assert out[5] == "{ items: [Array], count: 3 }"
    assert re.match(r"0x[0-9a-f]+: \[JS_OBJECT_TYPE\]", out[6]), out[6]


def test_what_a_path_cannot_reach_is_one_line(paths_core):
    gdb, slot, _, _ = paths_core
    out = gdb.outputs(["v8 print %s.nope" % slot, "v8 print %s.service.computed" % slot,
                       "v8 print %s.locals.count.x" % slot, "v8 print %s.cache.get('absent')" % slot,
                       "v8 print %s.locals.items[9]" % slot, "v8 print %s.holey[1]" % slot,
                       "v8 print %s.locals.get(1)" % slot, "v8 print %s.locals[" % slot])
    for line in out:
        assert "\n" not in line and "Traceback" not in line, out
    assert out[0].startswith("no property .nope on {"), out[0]
    assert out[1] == ".computed is an accessor on a prototype: node-gdb reads memory and never runs a getter"
    assert out[2] == "cannot look up .x on 3"
    assert out[3].startswith("no key 'absent' in Map(5) {"), out[3]
    assert out[4] == "no element [9]: the array's length is 3"
    assert out[5].startswith("no element [1] (a hole) on [ 1, <1 empty item>, 3 ]"), out[5]
    assert out[6].startswith(".get(1) needs a Map, not {"), out[6]
    assert out[7] == "bad JS path at column 9 of `.locals[`: an index or a quoted key expected after `[`"


def test_paths_under_mi(paths_core):
    """An IDE's console: the same path through GDB/MI."""
    gdb, slot, _, paths = paths_core
    want = next(p["inspect"] for p in paths if p["path"] == ".locals.items[0].name")
    script = "\n".join(["-gdb-set pagination off",
                        '-interpreter-exec console "source %s"' % fixtures.GDB_PYTHON_ENTRY,
                        '-interpreter-exec console "v8 print %s.locals.items[0].name"' % slot.replace('"', '\\"'),
                        "-gdb-exit"]) + "\n"
    r = subprocess.run(["gdb", "-nx", "--interpreter=mi2", gdb.binary, gdb.core], input=script,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300, env=fixtures.gdb_env())
    assert '~"%s\\n"' % want.replace("'", "'") in r.stdout, r.stdout[-3000:]
