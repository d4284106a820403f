"""`v8 async` on tests/fixtures/async_chains.js: 37 chains of four async
functions stuck at a promise that never settles, one lone async function,
a generator and an async generator suspended at their yields. Where each
waits must be where V8's own async stack trace says (an Error.stack taken
through the same functions in the same process), on every Node version."""

import re

import pytest

import fixtures
from conftest import Gdb


@pytest.fixture(scope="module")
def async_out(version, module_built):
    workdir, core = fixtures.make_core(version, "async_chains.js")
    expect = fixtures.load_json(workdir + "/expect.json")
    gdb = Gdb(fixtures.node_binary(version), core)
    plain, verbose, bad = gdb.outputs(["v8 async", "v8 async -v", "v8 async -q"])
    return expect, plain, verbose, bad


def _blocks(text):
    """{innermost line: [awaited-by lines]} of the answer."""
    blocks, current = {}, None
    for line in text.splitlines():
        if re.match(r"^\d+ × ", line):
            current = line
            blocks[current] = []
        elif current and line.startswith("      awaited by "):
            blocks[current].append(line[len("      awaited by "):])
    return blocks


def test_the_stuck_chains_are_one_stack_at_v8s_positions(async_out):
    expect, plain, _, _ = async_out
    file = expect["file"]
    blocks = _blocks(plain)
    head = "%d × async function leaf (%s:%s) awaiting a pending Promise" % (expect["stuck"], file, expect["leaf"])
    assert head in blocks, plain
    # V8's own frames, `    at async query (file:18:3)`, in the same order.
    v8 = [re.match(r"\s+at async (\w+) \((.*)\)$", f).groups() for f in expect["asyncFrames"]]
    assert blocks[head] == ["%s (%s)" % (name, where) for name, where in v8], plain


def test_lone_functions_and_generators(async_out):
    expect, plain, _, _ = async_out
    file = expect["file"]
    assert re.search(r"^1 × async function lonely \(%s:%s\) awaiting a pending Promise 0x[0-9a-f]+$"
                     % (re.escape(file), expect["lonely"]), plain, re.M), plain
    assert "1 × generator counter (%s:%s)\n" % (file, expect["counter"]) in plain, plain
    assert "1 × async generator ticker (%s:%s)\n" % (file, expect["ticker"]) in plain, plain
    first = plain.splitlines()[0]
    assert first.startswith("%d suspended (" % (4 * expect["stuck"] + 3)), first
    assert first.endswith("in 4 stacks, innermost first:"), first


def test_verbose_lists_every_instance_and_options_are_checked(async_out):
    expect, plain, verbose, bad = async_out
    block = verbose[verbose.index("%d × async function leaf" % expect["stuck"]):]
    objects = re.search(r"^      objects: (.*)$", block, re.M).group(1).split()
    assert len(objects) == expect["stuck"] and len(set(objects)) == expect["stuck"], block[:500]
    assert bad == "Unrecognized option at: -q"
    # The first instance's arguments (named from the source) and context locals.
    for name in ("leaf", "query", "service", "handler"):
        assert "      %s arguments: gate = 'stuck'\n" % name in block, block[:2000]
    assert re.search(r"^      service locals: .*label = 'svc-stuck'", block, re.M), block[:2000]
