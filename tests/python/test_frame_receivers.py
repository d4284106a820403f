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
    gdb = Gdb(fixtures.node_binary(version), core)
    v8_bt, bt, args, args0, frame_cmd = gdb.outputs(["v8 bt", "bt", "v8 bt -a", "v8 bt -a -depth 0", "v8 bt -q"])
    return expect, v8_bt, bt, (args, args0, frame_cmd)


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
    expect, v8_bt, bt, _ = receivers
    want = _v8_names(expect["stack"])
    got = _our_frames(v8_bt if which == "v8 bt" else bt)
    # The innermost frame aborts a few columns after its `new Error()`.
    assert got[0][0] == want[0][0] == "Child.viaBase", (got[:3], want[:3])
    user = [w for w in want if "frame_receivers.js" in w[1]]
    ours = [g for g in got if "frame_receivers.js" in g[1]]
    assert [n for n, _ in ours] == [n for n, _ in user], (ours, user)
    assert ours[1:] == user[1:], (ours, user)


def test_bt_arguments_follow_the_depth_setting_and_option(receivers):
    """`v8 bt -a` shows arguments as deep as `set v8 depth` (2) says, and
    `-depth 0` for one call: util.inspect of the same object at those depths."""
    expect, _, _, (args, args0, bad) = receivers
    assert re.search(r"^    child = %s$" % re.escape(expect["child"]["depth2"]), args, re.M), args[-3000:]
    assert re.search(r"^    child = %s$" % re.escape(expect["child"]["depth0"]), args0, re.M), args0[-3000:]
    assert bad == "Unrecognized option at: -q"
