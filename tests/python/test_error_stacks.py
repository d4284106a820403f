"""Errors whose stack nobody read, in real core dumps of every Node version:
V8 keeps their call sites unformatted (CallSiteInfo records, or V8 13+'s raw
capture arrays, or an ErrorStackData), and `v8 print` writes the stack as
V8 and util.inspect would. Each case's oracle is util.inspect of a twin made
at the same site whose stack the fixture read (tests/fixtures/error_stacks.js)."""

import os
import re

import pytest

from conftest import _holder_fixture, fixtures, holder_slots

HEX = r"0x[0-9a-f]+"


@pytest.fixture(scope="session")
def error_stacks(version, module_built):
    return _holder_fixture(version, "error_stacks.js")


def _word_expr(slot):
    return "*(unsigned long *)%#x" % slot


def _slots(error_stacks):
    _, expect, blocks = error_stacks
    # The unread twins, then the error without a twin and the CallSite array.
    return holder_slots(blocks, len(expect["cases"]) + 2)


def test_unread_stack_prints_as_util_inspect_of_its_read_twin(error_stacks):
    gdb, expect, _ = error_stacks
    cases = expect["cases"]
    got = gdb.outputs(["v8 print " + _word_expr(slot) for slot in _slots(error_stacks)[:len(cases)]])
    assert len(got) == len(cases)
    mismatches = [(e["name"], e["inspect"], g) for e, g in zip(cases, got) if e["inspect"] != g]
    assert not mismatches, "\n".join("%s:\n  node:\n%s\n  gdb:\n%s" % m for m in mismatches)


def test_fixture_covers_every_shape(error_stacks):
    """The read twins' stacks show each shape the serialization has a rule for."""
    _, expect, _ = error_stacks
    stacks = {e["name"]: e["stack"] for e in expect["cases"]}
    assert "    at new Widget (" in stacks["constructor"]
    assert "    at Shape.area (" in stacks["method"]
    assert "    at Square.area (" in stacks["inherited_method"]
    assert " [as run] (" in stacks["method_other_name"]
    assert "    at async asyncOuter (" in stacks["async"]
    assert "    at async Promise.all (index 0)" in stacks["promise_all"]
    assert re.search(r"\n    at /\S+error_stacks\.js:\d+:\d+\n", stacks["anonymous"])
    assert "    at Object.<anonymous> (" in stacks["top_level"]
    assert "    at Array.map (<anonymous>)" in stacks["through_builtin"]
    assert "    at String.value (" in stacks["primitive_receiver"]  # named after its descriptor
    assert "eval at " in stacks["eval"]
    assert stacks["node_error"].startswith("TypeError [ERR_INVALID_ARG_TYPE]: ")


def test_error_stack_holders_of_each_version(error_stacks, version):
    """What the unread twins keep: CallSiteInfo arrays (V8 11-12) or raw
    capture arrays (V8 13+), and an ErrorStackData with an inspector session."""
    gdb, expect, blocks = error_stacks
    names = [e["name"] for e in expect["cases"]]
    error_blocks = blocks[1:len(names) + 1]
    plain = error_blocks[names.index("plain")]
    m = re.search(r"<Symbol: \(error_stack_symbol\)>: (%s) <FixedArray\[(\d+)\]>" % HEX, plain)
    assert m, plain[:1500]
    array = gdb.run(["v8 inspect %s" % m.group(1)])
    if int(version) <= 22:
        assert "<CallSiteInfo>" in array
    else:
        assert "<BytecodeWrapper" in array or "BYTECODE_WRAPPER_TYPE" in array
        assert int(m.group(2)) % 6 == 0
    session = error_blocks[names.index("inspector_session")]
    assert re.search(r"<Symbol: \(error_stack_symbol\)>: %s <ErrorStackData>" % HEX, session), session[:1500]


def _position_of(text, needle):
    """1-based line and column of `needle` in `text`."""
    offset = text.index(needle)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def test_error_without_twin_is_placed_from_its_source_positions(error_stacks):
    """No stack was ever formatted through lonely() and lonelyCaller(): their
    lines and columns come from their own source position tables."""
    gdb, expect, _ = error_stacks
    with open(os.path.join(fixtures.FIXTURES, "error_stacks.js"), encoding="utf-8") as f:
        source = f.read()
    slot = _slots(error_stacks)[len(expect["cases"])]
    lines = gdb.outputs(["v8 print " + _word_expr(slot)])[0].splitlines()
    path = os.path.join(fixtures.FIXTURES, "error_stacks.js")
    assert lines[0] == "Error: lonely", lines
    assert lines[1] == "    at lonely (%s:%d:%d)" % ((path,) + _position_of(source, "new Error('lonely')")), lines
    assert lines[2] == "    at lonelyCaller (%s:%d:%d)" % ((path,) + _position_of(source, "lonely(); }")), lines
    assert lines[3] == "    at Object.<anonymous> (%s:%d:%d)" % ((path,) + _position_of(source, "lonelyCaller();")), lines


def test_v8_inspect_of_call_site_info(error_stacks):
    """A CallSite's CallSiteInfo in the V8 view: its fields, what its flags
    say, where it is, and the line V8 writes for it (String(callSite))."""
    gdb, expect, _ = error_stacks
    slot = _slots(error_stacks)[len(expect["cases"]) + 1]
    sites_block = gdb.outputs(["v8 inspect " + _word_expr(slot)])[0]
    site_addresses = re.findall(r"^\s+\d+: (%s) <" % HEX, sites_block, re.M)
    facts = expect["sites"]
    assert len(site_addresses) == len(facts), sites_block[:2000]
    site_views = gdb.outputs(["v8 inspect " + a for a in site_addresses[:3]])
    infos = []
    for view in site_views:
        m = re.search(r": (%s) <CallSiteInfo>" % HEX, view)
        assert m, view[:2000]
        infos.append(m.group(1))
    outs = gdb.outputs(["v8 inspect " + a for a in infos])
    for fact, info, out in zip(facts, infos, outs):
        assert out.startswith("%s: [CallSiteInfo]" % info), out
        for field in ("receiver_or_instance", "function", "code_object", "code_offset_or_source_position", "flags"):
            assert re.search(r"^ - %s: " % field, out, re.M), (field, out)
        if fact["functionName"]:
            assert re.search(r"^ - function: %s <JSFunction %s " % (HEX, re.escape(fact["functionName"])), out, re.M), out
        assert ("constructor" in re.search(r"^ - flag names: (.*)$", out, re.M).group(1)) == fact["constructor"], out
        assert re.search(r"^ - location: \S+:%d:%d$" % (fact["line"], fact["column"]), out, re.M), out
        assert re.search(r"^ - stack trace line: at %s$" % re.escape(fact["text"]), out, re.M), out
