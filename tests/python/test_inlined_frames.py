"""Inlined frames: a Turbofan frame of outer with mid and inner inlined
into it shows inner, mid and outer as their own frames, innermost first,
each at the file:line:col Error.stack gives at the same moment (from the
code's source positions, their inlining ids and the DeoptimizationData's
inlining positions and inlined SharedFunctionInfos); in v8 bt, and in GDB's
bt as the frame and its elided frames. Every Node version."""

import os
import re

import pytest

import fixtures
from conftest import Gdb

SCRIPT = "inlined.js"


@pytest.fixture(scope="module")
def inlined(version, module_built):
    workdir, core = fixtures.make_core(version, SCRIPT, node_args=("--allow-natives-syntax",))
    stack = open(os.path.join(workdir, "error_stack.txt")).read().splitlines()[1:]
    out = Gdb(fixtures.node_binary(version), core).outputs(["v8 bt", "bt"])
    return [l.strip()[3:] for l in stack], out


def test_v8_bt_lists_the_inlined_functions_as_error_stack_does(inlined):
    stack, (v8bt, _) = inlined
    assert stack[1].startswith("inner (") and stack[2].startswith("mid (") and stack[3].startswith("outer ("), stack
    lines = v8bt.splitlines()
    at = next(i for i, l in enumerate(lines) if " in " + stack[1] + " [inlined into outer]" in l)
    assert re.match(r"^#\d+ +0x[0-9a-f]+ in ", lines[at]), lines[at]
    assert lines[at + 1] == "    %s [inlined into outer]" % stack[2], lines[at:at + 3]
    assert re.match(r"^    %s \[(turbofan|maglev)\]$" % re.escape(stack[3]), lines[at + 2]), lines[at:at + 3]
    # The frame before it is hook's, at its own position.
    assert re.search(r" in hook \(", lines[at - 1]), lines[at - 1]


def test_bt_shows_the_outer_ones_as_elided_frames(inlined):
    stack, (_, bt) = inlined
    lines = bt.splitlines()
    at = next(i for i, l in enumerate(lines) if " in " + stack[1] + " [inlined into outer]" in l)
    script = os.path.join(fixtures.FIXTURES, SCRIPT)
    line = lambda s: int(re.search(r":(\d+):\d+\)$", s).group(1))  # noqa: E731
    assert lines[at].endswith(" () at %s:%d" % (script, line(stack[1]))), lines[at]
    assert lines[at + 1] == "    %s [inlined into outer] () at %s:%d" % (stack[2], script, line(stack[2])), lines[at + 1]
    assert re.match(r"^    %s \[(turbofan|maglev)\] \(this=\.\.\., x=\.\.\.\) at %s:%d$" % (
        re.escape(stack[3]), re.escape(script), line(stack[3])), lines[at + 2]), lines[at + 2]


def test_live_process(version, module_built, tmp_path):
    out = fixtures.run_gdb(["--args", fixtures.node_binary(version), "--allow-natives-syntax",
                            os.path.join(fixtures.FIXTURES, SCRIPT)],
                           ["run", "echo @@@\\n", "v8 bt", "echo @@@\\n", "kill"], cwd=str(tmp_path), timeout=300)
    v8bt = out.split("@@@\n")[1]
    stack = [l.strip()[3:] for l in open(os.path.join(str(tmp_path), "error_stack.txt")).read().splitlines()[1:]]
    assert (" in %s [inlined into outer]" % stack[1]) in v8bt and ("    %s [inlined into outer]\n" % stack[2]) in v8bt, v8bt
