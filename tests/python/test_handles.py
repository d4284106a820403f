"""Printers for V8 handles in a -g addon: a live process stopped inside the
addon, and a gcore'd core of that same moment, on every Node version."""

import os
import re

import pytest

import fixtures
from conftest import Gdb, assert_no_traceback

LOCALS = ["name", "maybe", "maybe_full", "first", "second", "number", "smi", "undef", "yes",
          "empty_local", "global", "persistent", "empty_global", "eternal", "symbol", "object"]


INTERNAL = ["handle", "maybe_full", "maybe_empty", "direct", "tagged", "smi"]


def expected(expect):
    return {
        "name": "'from C++ ☃'",
        "maybe": "<empty>",
        "maybe_full": expect["first"],
        "first": expect["first"],
        "second": expect["second"],
        "number": "1.5",
        "smi": "42",
        "undef": "undefined",
        "yes": "true",
        "empty_local": "<empty>",
        "global": "'from C++ ☃'",
        "persistent": expect["first"],
        "empty_global": "<empty>",
        "eternal": "'from C++ ☃'",
        "symbol": "Symbol(from C++ ☃)",
        "object": expect["object"],
    }


def printed(output):
    """{variable: text} from `print VAR` lines ($N = text) in order of LOCALS."""
    values = re.findall(r"^\$\d+ = (.*)$", output, re.M)
    return dict(zip(LOCALS, values))


@pytest.fixture(scope="session")
def live_session(version, module_built, tmp_path_factory):
    """Runs the addon under GDB to the breakpoint, prints every local, and
    writes a core there with gcore. Returns (output, core path, expect)."""
    node = fixtures.node_binary(version)
    addon = fixtures.build_addon(version)
    workdir = os.path.join(fixtures.BUILD, "fixtures", version, "live")
    os.makedirs(workdir, exist_ok=True)
    core = os.path.join(workdir, "gcore.core")
    if os.path.exists(core):
        os.unlink(core)
    commands = ["set breakpoint pending on", "break node_gdb_test_break", "run", "up"]
    commands += ["print %s" % v for v in LOCALS]
    commands += ["v8 print name", "v8 inspect name", "v8 print first", "v8 info", "gcore %s" % core]
    # Structured display of the same object (what IDEs and `print pretty` see).
    commands += ["echo PRETTY\\n", "set print pretty on", "print object", "set print pretty off", "echo END_PRETTY\\n"]
    commands += ["echo CONTEXT\\n", "print context", "echo END_CONTEXT\\n"]
    # The native function's own arguments (a FunctionCallbackInfo reference).
    commands += ["echo ARGS\\n", "print args", "set print pretty on", "print args", "set print pretty off",
                 "echo END_ARGS\\n"]
    # V8's internal handle types around the same value (internal_handles.cc).
    commands += ["break node_gdb_internal_break", "continue", "up", "echo INTERNAL\\n"]
    commands += ["print %s" % v for v in INTERNAL]
    # The same through GDB's own memory reads (what remote targets use).
    commands += ["python import os, node_gdb.session as s; os.environ['NODE_GDB_MEMORY'] = 'gdb'; s.invalidate()",
                 "echo VIA_GDB\\n", "print handle", "v8 info"]
    commands += ["kill"]
    out = fixtures.run_gdb(["--args", node, os.path.join(fixtures.FIXTURES, "addon_main.js"), addon],
                           commands, cwd=workdir, timeout=600)
    assert_no_traceback(out)
    expect = fixtures.load_json(os.path.join(workdir, "expect.json"))
    return out, core, expect


def test_printers_in_live_process(live_session, version):
    out, _, expect = live_session
    assert "memory: live process" in out, out[-3000:]
    got = printed(out)
    assert got == expected(expect), out[-4000:]


def test_internal_handle_printers(live_session):
    out, _, _ = live_session
    assert "INTERNAL" in out, out[-3000:]
    values = re.findall(r"^\$\d+ = (.*)$", out[out.index("INTERNAL"):], re.M)
    assert dict(zip(INTERNAL, values)) == {
        "handle": "'from C++ ☃'", "maybe_full": "'from C++ ☃'", "maybe_empty": "<empty>",
        "direct": "'from C++ ☃'", "tagged": "'from C++ ☃'", "smi": "7"}, out[-3000:]


def test_printers_through_gdb_memory(live_session):
    out, _, _ = live_session
    tail = out[out.index("VIA_GDB"):]
    assert re.search(r"^\$\d+ = 'from C\+\+ ☃'$", tail, re.M), tail
    assert "memory: GDB's memory" in tail, tail


def test_v8_commands_take_handles(live_session):
    out, _, expect = live_session
    assert "\n'from C++ ☃'\n" in out
    assert re.search(r"^0x[0-9a-f]+: \[String\] .*from C\+\+ ☃.*length 10\)$", out, re.M), out[-3000:]
    assert "\n%s\n" % expect["first"] in out


def test_printers_in_gcore_core(live_session, version):
    _, core, expect = live_session
    assert os.path.isfile(core), "gcore wrote no core"
    gdb = Gdb(fixtures.node_binary(version), core)
    # The core's frame 0 is the breakpoint function; the locals are one up.
    # Source node-gdb after the addon's symbols are loaded from the core.
    out = gdb.run(["up"] + ["print %s" % v for v in LOCALS] + ["v8 info"])
    assert "memory: core file" in out
    assert printed(out) == expected(expect), out[-4000:]


def test_printer_collection_is_listed(live_session):
    gdb = Gdb(fixtures.node_binary("20"))
    out = gdb.run(["info pretty-printer"])
    section = out[out.index("node-gdb"):]
    for name in ("v8::Local", "v8::MaybeLocal", "v8::Global", "v8::Persistent", "v8::Eternal",
                 "v8::internal::Handle", "v8::internal::MaybeHandle", "v8::internal::DirectHandle",
                 "v8::internal::Tagged"):
        assert name in section, section


def test_structured_printing_of_an_object(live_session):
    """`set print pretty on` expands a Local<Object> into its properties, as
    deep as util.inspect would (`set v8 depth`, 2): deeper values print as
    util.inspect prints them there ([Array])."""
    out, _, _ = live_session
    section = out[out.index("PRETTY\n"):out.index("END_PRETTY")]
    assert re.search(r"= Object = \{\n  point = Point = \{\n    x = 1,\n    y = 2\n  \},\n"
                     r"  list = Array\(3\) = \{1, 2, 3\},\n  map = Map\(1\) = \{\n    \['k'\] = Object = \{\n"
                     r"      deep = \[Array\]\n    \}\n  \},\n  text = 'ok'\n\}", section), section


def test_local_context_prints_the_native_context(live_session):
    """A v8::Local<v8::Context> shows its NativeContext: the global proxy and
    Node's Environment* (embedder data slot kEnvironment)."""
    out, _, _ = live_session
    section = out[out.index("CONTEXT\n"):out.index("END_CONTEXT")]
    assert re.search(r"^\$\d+ = NativeContext \{ global_proxy: 0x[0-9a-f]+ <JSGlobalProxy>, "
                     r"environment: 0x[0-9a-f]+ \(node::Environment\*\) \}$", section, re.M), section


def test_function_callback_info(live_session):
    """`print args` in a native function: `this` and every argument as JS."""
    out, _, expect = live_session
    section = out[out.index("ARGS\n"):out.index("END_ARGS")]
    one_line, pretty = re.findall(r"^\$\d+ = (.*?)(?=^\$\d+ = |\Z)", section, re.M | re.S)
    assert one_line.strip() == ("FunctionCallbackInfo with 4 arguments = {this = { hold: [Function: hold] }, "
                                "[0] = %s, [1] = %s, [2] = false, [3] = %s}"
                                % (expect["first"], expect["second"], expect["object"])), section
    assert pretty.startswith("FunctionCallbackInfo with 4 arguments = {\n  this = Object = {\n    hold = [Function: hold]"), section
    assert "  [3] = Object = {\n    point = Point = {" in pretty, section
