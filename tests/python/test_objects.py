"""JS objects, arrays, functions and builtins in real core dumps of every
Node version: the JS view against util.inspect and the V8 view against
%DebugPrint of the same objects in the same process; structured display
through `set print pretty on` and GDB/MI."""

import re
import subprocess

import pytest

from conftest import assert_no_traceback, fixtures, holder_slots

HEX = r"0x[0-9a-f]+"


def _word_expr(slot):
    return "*(unsigned long *)%#x" % slot


@pytest.mark.parametrize("fixture", ["objects", "objects_zoo"])
def test_js_view_equals_util_inspect(fixture, version, request):
    gdb, expect, blocks = request.getfixturevalue(fixture)
    slots = holder_slots(blocks, len(expect))
    got = gdb.outputs(["v8 print " + _word_expr(slot) for slot in slots])
    assert len(got) == len(expect)
    mismatches = [(e["name"], e["inspect"][:400], g[:400]) for e, g in zip(expect, got) if e["inspect"] != g]
    assert not mismatches, "\n".join("%s:\n  node: %s\n  gdb:  %s" % m for m in mismatches)


def test_fixture_covers_every_elements_kind_and_property_store(objects):
    _, _, blocks = objects
    text = "\n".join(blocks[1:])
    for kind in ("PACKED_SMI_ELEMENTS", "PACKED_DOUBLE_ELEMENTS", "HOLEY_ELEMENTS", "HOLEY_DOUBLE_ELEMENTS",
                 "DICTIONARY_ELEMENTS", "PACKED_ELEMENTS"):
        assert "[%s" % kind in text, kind
    assert "[DictionaryProperties]" in text
    assert "location: properties[" in text  # out-of-object fields
    assert "location: in-object" in text


def _debug_print_items(expect, blocks):
    out = []
    for e, block in zip(expect, blocks[1:]):
        m = re.match(r"DebugPrint: (%s): \[(\w+)\]" % HEX, block)
        if m:
            out.append((e["name"], int(m.group(1), 16), m.group(2), block))
    return out


def _field(block, name):
    m = re.search(r"^ - %s: (%s)" % (re.escape(name), HEX), block, re.M)
    return int(m.group(1), 16) if m else None


def _own_properties(block):
    """{name: (value text, location)} from a DebugPrint's own-properties list."""
    props = {}
    body = re.search(r"All own properties \(excluding elements\): \{\n(.*?)\n \}", block, re.S)
    if not body:
        return props
    for line in body.group(1).splitlines():
        fast = re.match(r"\s+%s: \[String\][^#]*#(.*?): (.*) \((?:const )?(?:data|accessor) (?:field \d+|descriptor)"
                        r".*?\)(?: @ \w+)?, location: (.*)$" % HEX, line)
        slow = re.match(r"\s+(\S+): (.*) \((?:data|accessor), dict_index: \d+", line)
        if fast:
            props[fast.group(1)] = (fast.group(2), fast.group(3))
        elif slow:
            props[slow.group(1)] = (slow.group(2), "dictionary")
    return props


def _value_key(text):
    """A property value as both tools print it: a Smi, or the address."""
    m = re.match(r"(%s)" % HEX, text)
    return int(m.group(1), 16) if m else text.strip()


def test_v8_view_matches_debug_print(objects):
    gdb, expect, blocks = objects
    items = [i for i in _debug_print_items(expect, blocks) if i[2] not in ("Function", "JSBoundFunction")]
    got = gdb.outputs(["v8 inspect %#x" % address for _, address, _, _ in items])
    assert len(got) == len(items)
    for (name, address, kind, block), text in zip(items, got):
        first = text.splitlines()[0]
        assert first.startswith("%#x: [%s]" % (address, kind)), (name, first, block[:300])
        for field in ("map", "prototype", "elements", "properties", "buffer", "table", "result"):
            expected = _field(block, field)
            if expected is not None:
                assert _field(text, field) == expected, (name, field, text[:1500], block[:1500])
        m = re.search(r"^ - elements: %s <\w+\[\d+\]> \[(\w+)" % HEX, block, re.M)
        if m:
            assert "[%s]" % m.group(1) in text, (name, m.group(1), text[:600])
        for field in ("length", "byte_length", "byte_offset", "status"):
            m = re.search(r"^ - %s: (\w+)" % field, block, re.M)
            if m:
                assert " - %s: %s\n" % (field, m.group(1)) in text, (name, field, text[:900])
        theirs = _own_properties(block)
        ours = _own_properties(text.replace(": #", ": [String] #"))
        assert set(theirs) == set(ours), (name, theirs, ours, text)
        for key, (value, location) in theirs.items():
            assert _value_key(ours[key][0]) == _value_key(value), (name, key, ours[key], value)
            assert ours[key][1] == location, (name, key, ours[key], location)


def test_v8_view_of_maps(objects):
    gdb, expect, blocks = objects
    items = _debug_print_items(expect, blocks)[:12]
    maps = [(name, _field(block, "map"), block) for name, _, _, block in items]
    got = gdb.outputs(["v8 inspect %#x" % m for _, m, _ in maps])
    for (name, address, block), text in zip(maps, got):
        # %DebugPrint of an object prints its map right after it.
        m = re.search(r"^%#x: \[Map\].*?(?=^\S|\Z)" % address, block, re.M | re.S)
        assert m, (name, block)
        theirs = m.group(0)
        assert text.startswith("%#x: [Map]" % address), text
        for field in ("type", "instance size", "inobject properties", "elements kind"):
            mt = re.search(r"^ - %s: (\S+)" % field, theirs, re.M)
            if mt:
                assert " - %s: %s\n" % (field, mt.group(1)) in text, (name, field, text, theirs)
        for field in ("prototype", "constructor"):
            assert _field(text, field) == _field(theirs, field), (name, field, text, theirs)


@pytest.mark.parametrize("mode", ["pretty", "mi"])
def test_structured_display(objects, version, mode):
    gdb, expect, blocks = objects
    slots = dict(zip([e["name"] for e in expect], holder_slots(blocks, len(expect))))
    typed = "*(volatile unsigned long * volatile *)%#x"
    if mode == "pretty":
        out = gdb.run(["set print pretty on", "print " + typed % slots["class_instance"],
                       "print " + typed % slots["array_smi"], "print " + typed % slots["map"]])
        # GDB's layout of a summary with children: "summary = {children}".
        assert re.search(r"= Point = \{\n\s+x = 1,\n\s+y = 2\n\}", out), out
        assert re.search(r"= Array\(3\) = \{1, 2, 3\}", out), out
        assert "Map(2)" in out and "'k'" in out, out
        return
    # GDB/MI, as IDEs drive it: create a varobj and expand it lazily.
    script = "\n".join([
        "-interpreter-exec console \"source %s\"" % fixtures.GDB_PYTHON_ENTRY,
        "-enable-pretty-printing",
        "-var-create v * \"%s\"" % (typed % slots["nested"]),
        "-var-list-children --all-values v",
        "-var-list-children --all-values v.a",
        "-var-create arr * \"%s\"" % (typed % slots["array_long"]),
        "-var-list-children --all-values arr 0 5",
        "-gdb-exit",
    ]) + "\n"
    r = subprocess.run(["gdb", "--interpreter=mi", "-nx", "-q", gdb.binary, gdb.core], input=script,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300, env=fixtures.gdb_env())
    out = r.stdout
    assert_no_traceback(out)
    # GDB/MI shows every varobj that has children as "{...}"; leaves show their text.
    assert re.search(r'\^done,name="v",numchild="0",value="\{\.\.\.\}",.*dynamic="1",has_more="1"', out), out
    assert re.search(r'name="v\.a",exp="a",numchild="0",value="\{\.\.\.\}"', out), out
    assert re.search(r'name="v\.list",exp="list",numchild="0",value="\{\.\.\.\}"', out), out
    assert re.search(r'name="v\.a\.b",exp="b"', out), out
    assert re.search(r'name="arr\.\[4\]",exp="\[4\]",numchild="0",value="4"', out), out
    assert re.search(r'\^done,numchild="5".*has_more="1"', out), out


def test_limits_are_gdb_parameters(objects):
    gdb, expect, blocks = objects
    slots = dict(zip([e["name"] for e in expect], holder_slots(blocks, len(expect))))
    word = _word_expr(slots["deep"])
    got = gdb.outputs(["v8 print " + word, "set v8 depth 0", "v8 print " + word, "set v8 depth unlimited",
                       "v8 print " + word, "set v8 depth 2", "set v8 array-length 3",
                       "v8 print " + _word_expr(slots["array_long"]), "set v8 array-length 100",
                       "set print elements 4", "v8 print " + _word_expr(slots["array_long"]),
                       "set print elements 200", "set v8 string-length 2", "v8 print " + _word_expr(slots["literal"]),
                       "help set v8 depth", "show v8 array-length"])
    assert got[0] == "{ l1: { l2: { l3: [Object] } } }"
    assert got[2] == "{ l1: [Object] }"
    assert got[4] == "{\n  l1: { l2: { l3: { l4: 'deep' } } }\n}" or "l4: 'deep'" in got[4], got[4]
    assert got[7] == "[ 0, 1, 2, ... 147 more items ]", got[7]
    assert got[10] == "[ 0, 1, 2, 3, ... 146 more items ]", got[10]
    assert got[13] == "{ x: 1, y: 'st'... 1 more character }", got[13]
    assert "util.inspect's depth" in got[14]
    assert "100" in got[15]


def _array_entries(text):
    """{index: first token of the value} from a FixedArray listing ("  3-5: 0x... <...>")."""
    entries = {}
    for m in re.finditer(r"^\s+(\d+)(?:-(\d+))?: (\S+)", text, re.M):
        first, last = int(m.group(1)), int(m.group(2) or m.group(1))
        for i in range(first, last + 1):
            token = m.group(3)
            entries[i] = int(token, 16) if token.startswith("0x") else token
    return entries


def test_v8_view_of_fixed_array(objects):
    gdb, expect, blocks = objects
    m = re.search(r" - elements: (%s) <FixedArray\[(\d+)\]> \{\n(.*?)\n \}" % HEX, blocks[0], re.S)
    assert m, blocks[0][:1000]
    theirs = _array_entries(m.group(3))
    text = gdb.outputs(["v8 inspect %s" % m.group(1)])[0]
    assert text.startswith("%#x: [FixedArray]" % int(m.group(1), 16)), text[:200]
    assert " - length: %s\n" % m.group(2) in text
    ours = _array_entries(text)
    shown = [i for i in theirs if i < 100]
    assert shown and all(ours.get(i) == theirs[i] for i in shown), [(i, ours.get(i), theirs[i]) for i in shown
                                                                     if ours.get(i) != theirs[i]][:5]
