"""The async frames V8's Error.stack appends after the machine frames
("at async middle (file:line:col)", "at async Promise.all (index 1)"), in
v8 bt and at the end of GDB's bt, against Error.stack captured at the same
point of the same process; and the JS frames as GDB and IDEs see them: bt's
"at file:line", `bt -frame-arguments all` with the JS arguments, and GDB/MI
-stack-list-frames with frame filters giving the file and line. On a
core and a live process of every Node version."""

import os
import re
import subprocess

import pytest

import fixtures
from conftest import Gdb, assert_no_traceback

SCRIPT = "async_stack.js"


def error_stack_async(workdir):
    text = open(os.path.join(workdir, "error_stack.txt")).read()
    return [l.strip()[3:] for l in text.splitlines() if l.strip().startswith("at async ")]


@pytest.fixture(scope="module")
def core_run(version, module_built):
    workdir, core = fixtures.make_core(version, SCRIPT)
    out = Gdb(fixtures.node_binary(version), core).outputs(["v8 bt", "bt", "bt -frame-arguments all", "v8 bt 3"])
    return workdir, core, out


def test_v8_bt_ends_with_the_async_frames_of_error_stack(core_run):
    workdir, _, (v8bt, _, _, _) = core_run
    want = error_stack_async(workdir)
    assert len(want) == 4 and want[1] == "async Promise.all (index 1)", want
    got = [l.strip()[3:] for l in v8bt.splitlines() if l.startswith("    at async ")]
    assert got == want, v8bt
    # After every machine frame.
    assert v8bt.rstrip().splitlines()[-len(want):] == ["    at " + w for w in want], v8bt


def test_a_partial_v8_bt_has_no_async_frames(core_run):
    _, _, (_, _, _, first3) = core_run
    assert "at async" not in first3 and "(More stack frames follow...)" in first3, first3


def test_bt_shows_them_as_elided_frames_of_the_outermost(core_run):
    workdir, _, (_, bt, _, _) = core_run
    want = error_stack_async(workdir)
    tail = bt.rstrip().splitlines()[-len(want):]
    for line, w in zip(tail, want):
        m = re.match(r"^    (.*) \[async\] \(\)(?: at (\S+):(\d+))?$", line)
        assert m and m.group(1) == w, (line, w, bt)
        place = re.search(r"\((.+):(\d+):\d+\)$", w)
        if place:
            assert (m.group(2), m.group(3)) == (place.group(1), place.group(2)), line
        else:
            assert m.group(2) is None, line


def test_bt_gives_js_file_line_and_arguments(core_run):
    workdir, _, (_, bt, bt_all, _) = core_run
    expect = fixtures.load_json(os.path.join(workdir, "expect.json"))
    script = os.path.join(fixtures.FIXTURES, SCRIPT)
    leaf = [l for l in bt.splitlines() if re.match(r"^#\d+ .* in leaf \(", l)]
    assert len(leaf) == 1, bt
    # Default `print frame-arguments scalars`: the JS values are not scalars.
    # (this: the strict function's receiver, undefined.)
    assert re.search(r"\[interpreted\] \(this=\.\.\., count=\.\.\., label=\.\.\.\) at %s:23$" % re.escape(script),
                     leaf[0]), leaf[0]
    leaf_all = [l for l in bt_all.splitlines() if re.match(r"^#\d+ .* in leaf \(", l)][0]
    assert '(this="undefined", count="%s", label="%s")' % (expect["count"], expect["label"]) in leaf_all, leaf_all


def test_mi_stack_list_frames_has_the_js_file_and_line(version, core_run):
    _, core, _ = core_run
    node = fixtures.node_binary(version)
    script = "\n".join(["-gdb-set pagination off",
                        "-interpreter-exec console \"source %s\"" % fixtures.GDB_PYTHON_ENTRY,
                        "-enable-frame-filters", "-stack-list-frames", "-gdb-exit"]) + "\n"
    r = subprocess.run(["gdb", "-nx", "--interpreter=mi2", node, core], input=script, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=300, env=fixtures.gdb_env())
    frames = re.findall(r'frame=\{([^{}]*)\}', r.stdout)
    leaf = [f for f in frames if 'func="leaf (' in f]
    assert len(leaf) == 1, r.stdout[-3000:]
    path = os.path.join(fixtures.FIXTURES, SCRIPT)
    # GDB 13's frame filters give MI the decorator's file (its fullname
    # field is written only for frames with a symtab).
    assert 'file="%s"' % path in leaf[0] and 'line="23"' in leaf[0], leaf[0]


@pytest.fixture(scope="module")
def live(version, module_built, tmp_path_factory):
    node = fixtures.node_binary(version)
    workdir = str(tmp_path_factory.mktemp("async_stack_live_%s" % version))
    out = fixtures.run_gdb(["--args", node, os.path.join(fixtures.FIXTURES, SCRIPT)],
                           ["run", "echo @@@\\n", "v8 bt", "kill"], cwd=workdir, timeout=300)
    assert_no_traceback(out)
    return workdir, out.split("@@@\n")[1]


def test_live_process(live):
    workdir, v8bt = live
    got = [l.strip()[3:] for l in v8bt.splitlines() if l.startswith("    at async ")]
    assert got == error_stack_async(workdir), v8bt


def test_without_the_unwinder_only_real_v8_frames_get_js_names(version, core_run):
    """`disable unwinder global node-gdb-v8`: GDB's own unwinding through
    JIT code yields garbage frames (pcs like 0x2) whose rbp may still point
    at a JS frame; only a pc in V8's code may be named as JavaScript."""
    _, core, _ = core_run
    out = Gdb(fixtures.node_binary(version), core).outputs(["bt", "disable unwinder global node-gdb-v8", "bt"])
    named = re.compile(r"^#\d+\s+0x([0-9a-f]+) in .* \[(interpreted|baseline|maglev|turbofan|optimized|builtin [^\]]*)\]")
    real = {m.group(1) for m in map(named.match, out[0].splitlines()) if m}
    assert real, out[0]
    for line in out[2].splitlines():
        m = named.match(line)
        if m:
            assert m.group(1) in real, (line, out[2])


def test_a_deep_stack_comes_out_whole(version, module_built):
    """10,000 recursive frames above an async function awaited by 1,000
    others: every frame, then every async frame, at the await's line."""
    _, core = fixtures.make_core(version, "deep_stack.js", node_args=("--stack-size=20000",))
    v8bt = Gdb(fixtures.node_binary(version), core).outputs(["v8 bt"])[0]
    assert len(re.findall(r"^#\d+ +0x[0-9a-f]+ in down \(", v8bt, re.M)) == 10001, v8bt[-2000:]
    script = os.path.join(fixtures.FIXTURES, "deep_stack.js")
    awaits = re.findall(r"^    at async chain \((.*)\)$", v8bt, re.M)
    assert awaits == ["%s:16:5" % script] * 1000, awaits[:3]


def test_bt_full_and_mi_show_the_js_context_locals(version, module_built):
    """Locals a closure captures live in the function's context, named by its
    ScopeInfo: bt full and MI -stack-list-locals show them, as util.inspect
    prints them (depth 0) in the same process."""
    workdir, core = fixtures.make_core(version, "frame_locals.js")
    expect = fixtures.load_json(os.path.join(workdir, "expect.json"))
    node = fixtures.node_binary(version)
    full = Gdb(node, core).outputs(["bt full"])[0]
    block = re.search(r"^#\d+ .* in withClosure \(.*?\n((?:        .*\n)*)", full + "\n", re.M)
    assert block, full[-3000:]
    got = dict(re.findall(r'^        (\w+) = "(.*)"$', block.group(1), re.M))
    for name in ("total", "status", "label", "lines"):
        assert got.get(name) == expect[name].replace('"', '\\"'), (name, got, expect)
    level = int(re.search(r"^#(\d+) .* in withClosure \(", full, re.M).group(1))
    script = "\n".join(["-gdb-set pagination off", "-interpreter-exec console \"source %s\"" % fixtures.GDB_PYTHON_ENTRY,
                        "-enable-frame-filters", "-stack-list-locals --thread 1 --frame %d 1" % level, "-gdb-exit"]) + "\n"
    r = subprocess.run(["gdb", "-nx", "--interpreter=mi2", node, core], input=script, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=300, env=fixtures.gdb_env())
    names = re.findall(r'\{name="(\w+)",value=', r.stdout)
    assert {"total", "status", "label", "lines"} <= set(names), r.stdout[-2000:]
