"""Frame names come from the receiver, as V8's Error.stack names them
(tests/fixtures/frame_receivers.js): a method found on Base.prototype
called on a Child is `Child.baseMethod`, an EventEmitter subclass's method
`Svc.go`, on every Node version; checked in `v8 bt` and GDB's own `bt`."""

import re

import pytest

import fixtures
from conftest import Gdb

FRAME = re.compile(r"^\s+at (?:async )?(.+?) \((.+)\)$|^\s+at (.+)$")


@pytest.fixture(scope="module")
def receivers(version, module_built):
    workdir, core = fixtures.make_core(version, "frame_receivers.js")
    expect = fixtures.load_json(workdir + "/expect.json")
    v8_bt, bt = Gdb(fixtures.node_binary(version), core).outputs(["v8 bt", "bt"])
    return expect, v8_bt, bt


def _v8_names(stack):
    names = []
    for line in stack.splitlines()[1:]:
        m = FRAME.match(line)
        if m and m.group(1):
            names.append((m.group(1), m.group(2)))
    return names


def _our_frames(text):
    """(name, file:line:col) of each JS frame of a backtrace."""
    return re.findall(r" in (\S.*?) \(((?:/|node:)[^()]*:\d+:\d+)\) \[", text)


@pytest.mark.parametrize("which", ["v8 bt", "bt"])
def test_js_frames_are_named_as_error_stack_names_them(receivers, which):
    expect, v8_bt, bt = receivers
    want = _v8_names(expect["stack"])
    got = _our_frames(v8_bt if which == "v8 bt" else bt)
    # The innermost frame aborts a few columns after its `new Error()`.
    assert got[0][0] == want[0][0] == "Child.viaBase", (got[:3], want[:3])
    user = [w for w in want if "frame_receivers.js" in w[1]]
    ours = [g for g in got if "frame_receivers.js" in g[1]]
    assert [n for n, _ in ours] == [n for n, _ in user], (ours, user)
    assert ours[1:] == user[1:], (ours, user)
