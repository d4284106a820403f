"""The JS and V8 views of primitives and strings in real core dumps of every
Node version, against util.inspect and %DebugPrint of the same process."""

import re

import pytest

HEX = r"0x[0-9a-f]+"


def holder_slots(blocks, count):
    """Addresses of the holder array's element slots, from its %DebugPrint."""
    m = re.search(r" - elements: (%s) <FixedArray\[(\d+)\]>" % HEX, blocks[0])
    assert m, "no elements line in the holder's DebugPrint:\n" + blocks[0][:2000]
    elements = int(m.group(1), 16) - 1  # untag
    assert int(m.group(2)) >= count
    header = 16  # FixedArray: map and length (v8dbg_class_FixedArray__data__uintptr_t)
    return [elements + header + 8 * i for i in range(count)]


def test_banner_names_versions_and_constants(primitives, version):
    gdb, _, _ = primitives
    out = gdb.run([])
    m = re.search(r"node-gdb [\d.]+: Node v(\d+)\.\d+\.\d+, V8 [\d.]+, (\d+) v8dbg / (\d+) nodedbg constants", out)
    assert m, out
    assert m.group(1) == version
    assert int(m.group(2)) > 300 and int(m.group(3)) >= 10


def test_js_view_equals_util_inspect(primitives):
    gdb, expect, blocks = primitives
    slots = holder_slots(blocks, len(expect))
    got = gdb.outputs(["v8 print *(unsigned long *)%#x" % slot for slot in slots])
    assert len(got) == len(expect)
    mismatches = [(e["name"], e["inspect"][:300], g[:300]) for e, g in zip(expect, got) if e["inspect"] != g]
    assert not mismatches, "\n".join("%s:\n  node: %s\n  gdb:  %s" % m for m in mismatches)


def _debug_print_for(expect, blocks):
    """(name, tagged address, DebugPrint block) for each value DebugPrint
    printed with an address (Smis, and numbers on older V8, have none)."""
    out = []
    for e, block in zip(expect, blocks[1:]):
        m = re.match(r"DebugPrint: (%s): \[(\w+)\]" % HEX, block)
        if m:
            out.append((e["name"], int(m.group(1), 16), m.group(2), block))
    return out


def test_fixture_covers_every_string_representation(primitives):
    _, expect, blocks = primitives
    types = set()
    for _, _, kind, block in _debug_print_for(expect, blocks):
        m = re.search(r" - type: (\w+)", block)
        if kind == "String" and m:
            types.add(m.group(1))
    for representation in ("CONS", "SLICED", "THIN", "EXTERNAL", "INTERNALIZED"):
        assert any(representation in t for t in types), "no %s string in the fixture: %s" % (representation, types)
    assert any("TWO_BYTE" in t or t in ("STRING_TYPE", "INTERNALIZED_STRING_TYPE") for t in types), types


def test_v8_view_matches_debug_print(primitives):
    gdb, expect, blocks = primitives
    items = _debug_print_for(expect, blocks)
    got = gdb.outputs(["v8 inspect %#x" % address for _, address, _, _ in items])
    assert len(got) == len(items)
    for (name, address, kind, block), text in zip(items, got):
        first = text.splitlines()[0]
        assert first.startswith("%#x: [%s]" % (address, kind)), (name, first, block[:300])
        type_line = re.search(r" - type: (\w+)", block)
        if kind in ("String", "Symbol", "Oddball", "HeapNumber") and type_line:
            assert "(%s" % type_line.group(1) in first, (name, first, type_line.group(1))
        if kind == "String":
            # %DebugPrint: "[String] in OldSpace: #plain" ('#' = internalized)
            internalized = re.match(r"DebugPrint: \S+ \[String\][^:]*: [a-z]*#", block) is not None
            assert first.split("] ", 1)[1].startswith("#") == internalized, (name, first, block.splitlines()[0])
            length = len(expect_string(expect, name))
            assert ", length %d)" % length in first, (name, first)
        if kind == "Oddball":
            assert first.split("] ", 1)[1].startswith(name), (name, first)
        assert " - map: 0x" in text


def expect_string(expect, name):
    """The JS string value of a case, from its util.inspect text: only used
    for its length, so compare with JSON-escaped lengths."""
    import json
    text = [e["inspect"] for e in expect if e["name"] == name][0]
    more = re.search(r"\.\.\. (\d+) more characters?$", text)
    if more:
        return "x" * (10000 + int(more.group(1)))
    body = text[1:-1]
    # Undo util.inspect's escaping to count UTF-16 code units.
    unescaped = re.sub(r"\\(x[0-9A-F]{2}|u[0-9a-f]{4}|[\\'bfnrt])", lambda m: "?", body)
    return "".join(c if ord(c) < 0x10000 else "??" for c in unescaped)


def test_smis_and_bad_words_in_v8_inspect(primitives):
    gdb, _, _ = primitives
    got = gdb.outputs(["v8 inspect 0x700000000", "v8 inspect 0x1234", "v8 print 0x1234",
                       "v8 print 0xdeadbeef1", "v8 print (char*)0", "v8 print nosuchsymbol", "v8 print"])
    assert got[0] == "Smi 7 (0x700000000): not a heap object"
    assert got[1] == got[2] == "0x1234 is neither a Smi nor a tagged pointer"
    assert got[3] == "cannot read 8 bytes at 0xdeadbeef0 (not in the core or process memory)"
    assert got[4].startswith("Smi 0") or got[4] == "0", got[4]
    assert got[5] == 'No symbol "nosuchsymbol" in current context.'
    assert got[6].startswith("usage: v8 print EXPR")
    for text in got:
        assert len(text.splitlines()) == 1, text
