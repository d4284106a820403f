"""xmethods on V8's API types in a -g addon (python/node_gdb/xmethods.py):
`args[0]`, `args.Length()`, `args.This()`, `args.Holder()`, `*local`,
`local.IsEmpty()`, `maybe.IsEmpty()`, `maybe.ToLocalChecked()`, in a live
process stopped in the addon and in a gcore'd core of that moment (where
nothing can be called), against what the program passed (util.inspect in the
same process), on every Node version; and under GDB/MI."""

import os
import re
import subprocess

import pytest

import fixtures
from conftest import Gdb, assert_no_traceback

EXPRESSIONS = ["args[0]", "args[1]", "args[2]", "args[3]", "args.Length()", "args.This()", "args.Holder()",
               "*first", "first.IsEmpty()", "empty_local.IsEmpty()", "maybe.IsEmpty()", "maybe_full.IsEmpty()",
               "maybe_full.ToLocalChecked()", "name.IsEmpty()", "*name"]


def expected(expect):
    return [expect["first"], expect["second"], "false", expect["object"], "4", "{ hold: [Function: hold] }",
            "{ hold: [Function: hold] }", expect["first"], "false", "true", "true", "false", expect["first"],
            "false", "'from C++ ☃'"]


def printed(out, marker):
    section = out[out.index(marker + "\n"):]
    return re.findall(r"^\$\d+ = (.*)$", section, re.M)[:len(EXPRESSIONS)]


@pytest.fixture(scope="module")
def xmethod_session(version, module_built):
    node = fixtures.node_binary(version)
    addon = fixtures.build_addon(version)
    workdir = os.path.join(fixtures.BUILD, "fixtures", version, "xmethods")
    os.makedirs(workdir, exist_ok=True)
    core = os.path.join(workdir, "gcore.core")
    if os.path.exists(core):
        os.unlink(core)
    commands = ["set breakpoint pending on", "break node_gdb_test_break", "run", "up", "echo LIVE\\n"]
    commands += ["print %s" % e for e in EXPRESSIONS]
    commands += ["echo EDGES\\n", "print args[7]", "print maybe.ToLocalChecked()", "print *empty_local", "echo END\\n",
                 "v8 print args[3].point", "gcore %s" % core, "kill"]
    out = fixtures.run_gdb(["--args", node, os.path.join(fixtures.FIXTURES, "addon_main.js"), addon],
                           commands, cwd=workdir, timeout=600)
    assert_no_traceback(out)
    expect = fixtures.load_json(os.path.join(workdir, "expect.json"))
    return out, core, expect, node


def test_xmethods_in_a_live_process(xmethod_session):
    out, _, expect, _ = xmethod_session
    assert printed(out, "LIVE") == expected(expect), out[-4000:]
    assert "\nPoint { x: 1, y: 2 }\n" in out  # a JS path after an xmethod


def test_xmethods_past_the_arguments_and_on_empty_handles(xmethod_session):
    """args[i] past Length() is undefined, as V8 gives it; an empty
    MaybeLocal's ToLocalChecked() and an empty Local's * print <empty>."""
    out, _, _, _ = xmethod_session
    section = out[out.index("EDGES\n"):out.index("END\n")]
    assert re.findall(r"^\$\d+ = (.*)$", section, re.M) == ["undefined", "<empty>", "<empty>"], section


def test_xmethods_in_a_core(xmethod_session):
    """No process: the results come from memory alone."""
    _, core, expect, node = xmethod_session
    out = Gdb(node, core).run(["up", "echo CORE\\n"] + ["print %s" % e for e in EXPRESSIONS])
    assert printed(out, "CORE") == expected(expect), out[-4000:]


def test_xmethods_under_mi(xmethod_session):
    """What an IDE's watch window asks: -data-evaluate-expression args[0]."""
    _, core, expect, node = xmethod_session
    script = "\n".join(["-gdb-set pagination off", "-interpreter-exec console \"source %s\"" % fixtures.GDB_PYTHON_ENTRY,
                        "-enable-pretty-printing", "-interpreter-exec console \"up\"",
                        "-data-evaluate-expression \"args[0]\"", "-data-evaluate-expression \"args.Length()\"",
                        "-gdb-exit"]) + "\n"
    r = subprocess.run(["gdb", "-nx", "--interpreter=mi2", node, core], input=script, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=300, env=fixtures.gdb_env())
    # MI's C strings: octal escapes of the UTF-8 bytes.
    values = [v.encode("ascii").decode("unicode_escape").encode("latin-1").decode("utf-8")
              for v in re.findall(r'^\^done,value="(.*)"$', r.stdout, re.M)]
    assert values[:2] == [expect["first"], "4"], r.stdout[-3000:]
