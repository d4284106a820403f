"""Node's wrappers in the V8 view (tests/fixtures/wrappers.js): `v8 inspect`
of a TCP, UDP, Zlib or FSReqCallback object gives V8's own %DebugPrint
lines for an API object (`[api object] 0`, the embedder fields) and names the
node::BaseObject behind it from its vtable, which GDB's own `info symbol`
must confirm, on every Node version."""

import re

import pytest

from conftest import _holder_fixture

# The C++ class Node defines for each wrapper's JS constructor.
CLASSES = {"TCP": "node::TCPWrap", "UDP": "node::UDPWrap", "FSReqCallback": "node::fs::FSReqCallback"}


@pytest.fixture(scope="module")
def wrappers(version, module_built):
    gdb, expect, blocks = _holder_fixture(version, "wrappers.js")
    addresses = [re.match(r"DebugPrint: (0x[0-9a-f]+)", b).group(1) for b in blocks[1:1 + len(expect)]]
    out = gdb.outputs(["v8 inspect " + a for a in addresses])
    return gdb, expect, blocks[1:], addresses, out


def _embedder_lines(text):
    lines = text.splitlines()
    count = [line for line in lines if line.startswith(" - embedder fields: ")]
    start = lines.index(" - embedder fields = {")
    end = lines.index(" }", start)
    return count, lines[start:end + 1]


def test_api_objects_show_v8s_embedder_fields(wrappers):
    _, expect, blocks, addresses, out = wrappers
    for e, block, address, text in zip(expect, blocks, addresses, out):
        assert text.startswith("%s: [[api object] 0]" % address), (e["name"], text[:200])
        assert _embedder_lines(text) == _embedder_lines(block), (e["name"], text)


def test_the_cpp_object_is_named_from_its_vtable(wrappers):
    gdb, expect, _, _, out = wrappers
    found = []
    for e, text in zip(expect, out):
        m = re.search(r"^ - C\+\+ object: (\S.*?) at (0x[0-9a-f]+) \(embedder field (\d+); "
                      r"print \*\((.*?) \*\)(0x[0-9a-f]+)\)$", text, re.M)
        assert m, (e["name"], text)
        assert m.group(1) == m.group(4) and m.group(2) == m.group(5)
        if e["name"] in CLASSES:
            assert m.group(1) == CLASSES[e["name"]], text
        found.append((m.group(1), m.group(2)))
    # GDB's own symbol lookup of each object's first word: its vtable.
    symbols = gdb.outputs(["info symbol *(void **)%s" % address for _, address in found])
    for (cls, _), symbol in zip(found, symbols):
        assert symbol.startswith("vtable for %s + " % cls), (cls, symbol)
