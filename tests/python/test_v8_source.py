"""`v8 source` on the stack fixture's cores, on every Node version: the
lines it lists are tests/fixtures/stack.js's own lines (read here from the
file), numbered as the file numbers them, and the line it marks is the line
`v8 bt` and the program's own `new Error().stack` give for that frame.

Frames: every JavaScript frame of stack.js in the sync core (each tier) and
the timer core (a callback under Node's own timers code); the window (-l),
the default frame (the selected one, else the first JavaScript frame
outward), native and builtin frames (one line), bad input (one line), the
whole-function form on function values (frame functions, a method through a
JS path), and the same through GDB/MI.
"""

import ast
import os
import re
import subprocess

import pytest

import fixtures
from conftest import Gdb, assert_no_traceback
from test_stack import ROWS_SCRIPT, error_stack, rows, stack_core

STACK_JS = os.path.join(fixtures.FIXTURES, "stack.js")
with open(STACK_JS, encoding="utf-8") as _f:
    FILE_LINES = _f.read().split("\n")  # FILE_LINES[n - 1] is line n

LISTED = re.compile(r"^(=> |   )(\d+)\t(.*)$")
HEADER = re.compile(r"^(#\d+ .*|function .*) at (.+):(\d+):(\d+)(.*)$")


@pytest.fixture(scope="session")
def stack_addon(version, module_built):
    return fixtures.build_addon(version, sources=("addon/stack_addon.cc",))


def parse(text):
    """(header match, [(marked, number, text)]) of one listing."""
    lines = text.split("\n")
    header = HEADER.match(lines[0])
    assert header, text
    listed = []
    for line in lines[1:]:
        m = LISTED.match(line)
        assert m, (line, text)
        listed.append((m.group(1) == "=> ", int(m.group(2)), m.group(3)))
    return header, listed


def check_file_lines(listed, text):
    """Every listed line is stack.js's line of that number, numbered in order."""
    numbers = [n for _, n, _ in listed]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), text
    for _, number, line in listed:
        assert line == FILE_LINES[number - 1], (number, line, text)


def marked(listed):
    lines = [n for m, n, _ in listed if m]
    assert len(lines) == 1, listed
    return lines[0]


def fixture_frames(frame_rows):
    """The JavaScript frames of stack.js itself."""
    return [r for r in frame_rows if r["kind"] == "javascript" and r["script"] == STACK_JS]


@pytest.fixture(scope="session", params=("sync", "timer"))
def session_core(request, version, stack_addon):
    core, program_output = stack_core(version, request.param, stack_addon)
    gdb = Gdb(fixtures.node_binary(version), core)
    frame_rows = rows(gdb.run(ROWS_SCRIPT))
    return request.param, gdb, frame_rows, program_output


def test_frames_list_the_fixture_lines(session_core):
    """Each stack.js frame: 10 lines of the file around the frame's line,
    that line marked, the header naming frame, function and position."""
    scenario, gdb, frame_rows, program_output = session_core
    frames = fixture_frames(frame_rows)
    assert len(frames) >= (8 if scenario == "sync" else 4), frame_rows
    outs = gdb.outputs(["v8 source %d" % r["level"] for r in frames])
    for r, out in zip(frames, outs):
        header, listed = parse(out)
        assert header.group(1) == "#%d %s" % (r["level"], r["name"]), out
        assert header.group(2) == STACK_JS and int(header.group(3)) == r["line"], (r, out)
        assert int(header.group(4)) == r["column"], (r, out)
        assert len(listed) == 10, out
        check_file_lines(listed, out)
        assert marked(listed) == r["line"], (r, out)
        # GDB's `list` centring: five lines before the marked one.
        assert listed[0][1] == r["line"] - 5, out

    # The marked lines are those of the program's own Error.stack.
    expected = [e for e in error_stack(program_output) if e[1] == STACK_JS]
    visible = [r for r in frames if r["visible"]]
    assert [(r["name"], r["line"]) for r in visible] == [(e[0], e[2]) for e in expected]
    for r, out in zip(frames, outs):
        if r["visible"]:
            assert marked(parse(out)[1]) == next(e[2] for e in expected if e[0] == r["name"]), out


def test_window_sizes(session_core):
    """-l LINES: that many lines around the frame's line (GDB's centring),
    moved to stay inside the file at its first lines."""
    _, gdb, frame_rows, _ = session_core
    inner = next(r for r in frame_rows if r["name"] == "innerDeep")
    level, line = inner["level"], inner["line"]
    outs = gdb.outputs(["v8 source -l 3 %d" % level, "v8 source -lines 21 %d" % level, "v8 source -l 1 %d" % level,
                        "v8 source -l 0 %d" % level, "v8 source -l unlimited %d" % level,
                        "v8 source -l %d %d" % (10 ** 30, level)])
    expect = [(line - 1, 3), (line - 10, 21), (line, 1)]
    for out, (first, count) in zip(outs, expect):
        _, listed = parse(out)
        assert [n for _, n, _ in listed] == list(range(first, first + count)), out
        check_file_lines(listed, out)
        assert marked(listed) == line, out
    assert parse(outs[3])[1] == [] and len(outs[3].splitlines()) == 1, outs[3]
    _, everything = parse(outs[4])
    assert len(everything) == len(FILE_LINES), len(everything)
    check_file_lines(everything, outs[4])
    assert outs[5] == outs[4], outs[5][:300]
    # Near the top of the file the window moves down instead of shrinking.
    top = [r for r in fixture_frames(frame_rows) if r["line"] < 50]
    assert top, frame_rows
    for r in top:
        _, listed = parse(gdb.outputs(["v8 source -l 100 %d" % r["level"]])[0])
        assert listed[0][1] == 1 and len(listed) == 100 and marked(listed) == r["line"], listed[:3]


def test_default_frame(session_core):
    """No N: the selected frame if it is JavaScript, else the first
    JavaScript frame outward from it (frame 0 is abort's, in libc)."""
    _, gdb, frame_rows, _ = session_core
    js = fixture_frames(frame_rows)
    first = next(r for r in frame_rows if r["kind"] == "javascript")
    second = js[1]
    native_above = max(l for l in range(first["level"]) if l not in {r["level"] for r in frame_rows})
    outs = gdb.outputs(["v8 source", "v8 source %d" % first["level"],
                        "frame %d" % second["level"], "v8 source", "v8 source %d" % second["level"],
                        "frame %d" % native_above, "v8 source"])
    assert outs[0] == outs[1], outs[:2]
    assert outs[3] == outs[4] and outs[3].startswith("#%d " % second["level"]), outs[3:5]
    assert outs[6] == outs[1], (outs[5], outs[6])


def test_frames_without_source(session_core):
    """Native, builtin and V8's own frames: one line saying so."""
    scenario, gdb, frame_rows, _ = session_core
    levels = {r["level"]: r for r in frame_rows}
    native = [l for l in range(max(levels)) if l not in levels][:2]
    typed = next(r for r in frame_rows if r["kind"] == "typed")
    commands = ["v8 source %d" % l for l in native] + ["v8 source %d" % typed["level"]]
    builtin = [r for r in frame_rows if r["kind"] == "builtin"]
    if scenario == "sync":
        assert builtin and builtin[0]["name"] == "Array.map", frame_rows
    commands += ["v8 source %d" % r["level"] for r in builtin]
    outs = gdb.outputs(commands)
    for command, out in zip(commands, outs):
        assert len(out.splitlines()) == 1, (command, out)
        assert out.startswith("#%s " % command.split()[-1]) and "no JavaScript source" in out, (command, out)
    for out in outs[:len(native)]:
        assert "is not a JavaScript frame" in out, out


def test_bad_input_is_one_line(session_core):
    _, gdb, _, _ = session_core
    outs = gdb.outputs(["v8 source 9999", "v8 source -l x", "v8 source -l x 3", "v8 source 0x1",
                        "v8 source -q", "v8 source -l", "v8 source no_such_symbol"])
    for out in outs:
        assert len(out.splitlines()) == 1, out
        assert_no_traceback(out)
    assert outs[0] == "No frame at level 9999.", outs[0]
    assert outs[1] == outs[2] == "-lines takes a number or `unlimited`, not x", outs[1]
    assert outs[3].startswith("0x1 is not a JSFunction or SharedFunctionInfo"), outs[3]
    assert outs[4].startswith("Unrecognized option at: -q"), outs[4]
    assert outs[5] == "-lines requires an argument", outs[5]
    assert "no_such_symbol" in outs[6], outs[6]


def function_listing_lines(name):
    """The lines of stack.js from `function NAME(` to its closing brace."""
    start = next(i for i, l in enumerate(FILE_LINES) if l.startswith("function %s(" % name)) + 1
    end = next(i for i in range(start, len(FILE_LINES)) if FILE_LINES[i - 1] == "}")
    return start, end


def test_whole_functions(session_core):
    """v8 source FUNCTION: a frame's JSFunction, its SharedFunctionInfo, a
    method found through a JS path on a receiver; -l bounds it."""
    scenario, gdb, frame_rows, _ = session_core
    by_name = {r["name"]: r for r in frame_rows}
    inner = by_name["innerDeep"]
    sfi = re.search(r"^ - shared_info: (0x[0-9a-f]+) <SharedFunctionInfo innerDeep>$",
                    gdb.outputs(["v8 inspect %#x" % inner["function"]])[0], re.M)
    assert sfi, "no shared_info in v8 inspect"
    commands = ["v8 source %#x" % inner["function"], "v8 source %s" % sfi.group(1),
                "v8 source -l 2 %#x" % inner["function"]]
    if scenario == "sync":
        receiver = by_name["Widget.run"]["receiver"]
        commands += ["v8 source %#x.run" % receiver, "v8 source %#x" % by_name["Object.<anonymous>"]["function"],
                     "v8 source %#x.how" % receiver]
    outs = gdb.outputs(commands)
    first, last = function_listing_lines("innerDeep")
    for out in outs[:2]:
        header, listed = parse(out)
        assert header.group(1) == "function innerDeep", out
        assert (header.group(2), int(header.group(3))) == (STACK_JS, first), out
        assert header.group(5) == ", lines %d-%d" % (first, last), out
        assert [n for _, n, _ in listed] == list(range(first, last + 1)), out
        check_file_lines(listed, out)
        assert marked(listed) == first, out
    assert outs[0] == outs[1]
    cut = outs[2].splitlines()
    assert cut[-1] == "... %d more lines (-l %d for all)" % (last - first + 1 - 2, last - first + 1), outs[2]
    _, listed = parse("\n".join(cut[:-1]))
    assert len(listed) == 2
    check_file_lines(listed, outs[2])
    if scenario == "sync":
        run = FILE_LINES.index("  run(list) {") + 1
        header, listed = parse(outs[3])
        assert header.group(1) == "function run" and [n for _, n, _ in listed] == [run, run + 1, run + 2], outs[3]
        check_file_lines(listed, outs[3])
        # The module's own function is the whole file: 200 lines at most.
        lines = outs[4].splitlines()
        _, listed = parse("\n".join(lines[:-1] if lines[-1].startswith("...") else lines))
        assert listed[0][1] == 1 and len(listed) >= len(FILE_LINES) - 1, outs[4][:300]
        check_file_lines(listed, outs[4])
        assert len(outs[5].splitlines()) == 1 and "is not a JSFunction or SharedFunctionInfo" in outs[5], outs[5]


def test_under_mi(session_core, version):
    """An IDE's console: the listing as console stream records, and an
    error as ^error."""
    _, gdb, frame_rows, _ = session_core
    inner = next(r for r in frame_rows if r["name"] == "innerDeep")
    script = "\n".join(["-gdb-set pagination off",
                        '-interpreter-exec console "source %s"' % fixtures.GDB_PYTHON_ENTRY,
                        '-interpreter-exec console "v8 source -l 3 %d"' % inner["level"],
                        '-interpreter-exec console "v8 source 9999"',
                        "-gdb-exit"]) + "\n"
    r = subprocess.run(["gdb", "-nx", "--interpreter=mi2", gdb.binary, gdb.core], input=script,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300, env=fixtures.gdb_env())
    console = "".join(ast.literal_eval('"%s"' % m) for m in re.findall(r'^~"(.*)"$', r.stdout, re.M))
    want = gdb.outputs(["v8 source -l 3 %d" % inner["level"]])[0]
    assert want + "\n" in console, (want, r.stdout[-3000:])
    _, listed = parse(want)
    assert marked(listed) == inner["line"] and len(listed) == 3, want
    assert '^error,msg="No frame at level 9999."' in r.stdout, r.stdout[-3000:]
    assert_no_traceback(r.stdout)


def test_cli_same_as_gdb(session_core):
    """node-gdb-cli NODE CORE source: the same text as v8 source FUNCTION."""
    _, gdb, frame_rows, _ = session_core
    inner = next(r for r in frame_rows if r["name"] == "innerDeep")
    cli = os.path.join(fixtures.BUILD, "node-gdb-cli")
    r = subprocess.run([cli, gdb.binary, gdb.core, "source", "-l", "3", "%#x" % inner["function"]],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    assert r.returncode == 0, r.stdout
    assert r.stdout.rstrip("\n") == gdb.outputs(["v8 source -l 3 %#x" % inner["function"]])[0], r.stdout
