"""JavaScript stacks through GDB, on every Node version: GDB's own bt goes
through V8's frames down to main and names them, and `v8 bt` lists the same
frames. The ground truth is `new Error().stack`, which tests/fixtures/stack.js
prints (every frame) right where it aborts or stops: the JavaScript frames
V8 would list must come out with the same names, in the same order, at the
same file:line.

Kernel cores of each scenario (sync with forced tiers, timer, promise,
async, a native addon calling back into JS), and live processes: stopped at
a breakpoint in the addon under JS frames, and interrupted in a hot loop.
"""

import json
import os
import re

import pytest

import fixtures
from conftest import Gdb, assert_no_traceback

CORE_SCENARIOS = ("sync", "timer", "promise", "async", "addon")
NODE_ARGS = ("--allow-natives-syntax",)
JS_TIERS = ("interpreted", "baseline", "maglev", "turbofan", "optimized")

# `python` lines run inside GDB: what the core says each V8 frame is.
ROWS_SCRIPT = [
    "python import json, gdb; from node_gdb import stack as _s",
    "python _f = gdb.newest_frame(); _rows = []",
    "python exec('while _f is not None:\\n _i = _s.describe_frame(_f)\\n if _i: _i[\"level\"] = _f.level(); _rows.append(_i)\\n _f = _f.older()')",
    "python print('ROWS ' + json.dumps(_rows))",
]


@pytest.fixture(scope="session")
def stack_addon(version, module_built):
    return fixtures.build_addon(version, sources=("addon/stack_addon.cc",))


def stack_core(version, scenario, addon):
    workdir, core = fixtures.make_core(version, "stack.js", name="stack-" + scenario, node_args=NODE_ARGS,
                                       script_args=(scenario, addon), extra_inputs=(addon,))
    with open(os.path.join(workdir, "stdout.txt"), encoding="utf-8", errors="replace") as f:
        return core, f.read()


# ---- parsing ----

def error_stack(text):
    """[(name, file, line)] of the JavaScript frames `new Error().stack`
    printed between the markers (async frames, which are not on the machine
    stack, left out). Builtins have file '<anonymous>' and line None."""
    m = re.search(r"STACK-BEGIN\n(.*?)\nSTACK-END", text, re.S)
    assert m, "the program printed no stack:\n" + text[-3000:]
    frames = []
    for line in m.group(1).splitlines()[1:]:
        line = line.strip()
        assert line.startswith("at "), line
        body = line[3:]
        if body.startswith("async "):
            continue
        named = re.fullmatch(r"(.*?) \((.*)\)", body)
        name, where = (named.group(1), named.group(2)) if named else ("", body)
        loc = re.fullmatch(r"(.*):(\d+):(\d+)", where)
        frames.append((name, loc.group(1), int(loc.group(2))) if loc else (name, where, None))
    return frames


def rows(output):
    m = re.search(r"^ROWS (.*)$", output, re.M)
    assert m, output[-3000:]
    return json.loads(m.group(1))


def visible_frames(frame_rows):
    """The frames V8's Error.stack would list, as (name, file, line)."""
    out = []
    for r in frame_rows:
        if not r["visible"]:
            continue
        if r["kind"] == "builtin":
            out.append((r["name"], "<anonymous>", None))
        elif r["kind"] == "javascript":
            out.append((r["name"], r["script"], r["line"]))
    return out


BT_LINE = re.compile(r"^#(\d+)\s+(?:0x[0-9a-f]+ in )?(.*)$")


def bt_frames(text):
    """{level: text after 'in '} of a bt / v8 bt listing."""
    frames = {}
    for line in text.splitlines():
        m = BT_LINE.match(line)
        if m:
            frames[int(m.group(1))] = m.group(2)
    return frames


def gdb_bt_text(r):
    """What GDB's bt prints after "in " for a V8 frame row: the summary, the
    JS arguments (non-scalar values print as "..." under GDB's default
    `print frame-arguments scalars`: the receiver unless it is the global
    proxy, then each argument by its parameter name) and the JS file:line."""
    args = []
    if r["kind"] in ("javascript", "builtin"):
        if r["receiver"] and not r["receiver_is_global"]:
            args.append("this")
        names = r["parameter_names"]
        for i in range(len(r["arguments"])):
            args.append(names[i] if i < len(names) and not names[i].startswith("...") else "arguments[%d]" % i)
    text = "%s (%s)" % (r["summary"], ", ".join(n + "=..." for n in args))
    if r["script"] and r["line"]:
        text += " at %s:%d" % (r["script"], r["line"])
    return text


def check_stack(output, program_output, scenario, unnamed_libc=False):
    """The checks every stack (core or live) must pass; returns the rows.
    unnamed_libc: frames in a libc without symbols (the arm64 cross libc)
    may be `??`, and GDB's own unwinding may stop after _start there."""
    assert_no_traceback(output)
    parts = output.split("@@@\n")
    bt, v8bt = parts[1], parts[2]
    frame_rows = rows(output)
    expected = error_stack(program_output)
    got = visible_frames(frame_rows)
    assert got == expected, "v8 bt's JavaScript frames differ from Error.stack:\n%s\nvs\n%s\n\n%s" % (
        "\n".join(map(str, got)), "\n".join(map(str, expected)), v8bt)

    # GDB's bt goes through every frame down to main, naming V8's frames
    # exactly as v8 bt does.
    if unnamed_libc:
        bt = re.sub(r"\?\? \(\) (from|at) \S*/libc\.so\.6", "libc ()", bt)
        bt = bt.replace("Backtrace stopped: previous frame identical to this frame (corrupt stack?)\n", "") \
            if re.search(r" in _start \(\)\nBacktrace stopped: previous frame identical", bt) else bt
    assert "corrupt stack" not in bt and "Backtrace stopped" not in bt, bt
    assert "?? ()" not in bt, bt
    assert re.search(r" in (__libc_start_main\w*|_start) ", bt), bt
    gdb_frames, ours = bt_frames(bt), bt_frames(v8bt)
    assert sorted(gdb_frames) == sorted(ours), (bt, v8bt)
    for r in frame_rows:
        assert gdb_frames[r["level"]] == gdb_bt_text(r), (r, bt)
        assert ours[r["level"]] == r["summary"], (r, v8bt)
    # JavaScript frames read as "name (script:line:column) [tier]".
    for r in frame_rows:
        if r["kind"] == "javascript":
            assert r["tier"] in JS_TIERS, r
            assert re.fullmatch(r".* \(.+:\d+:\d+(, [a-z ]+)?\) \[(%s)(, .*)?\]" % "|".join(JS_TIERS), r["summary"]), r
    return frame_rows


def commands_for(frame_level=None):
    cmds = ["bt", "v8 bt"]
    return cmds


# ---- cores ----

@pytest.fixture(scope="session", params=CORE_SCENARIOS)
def core_session(request, version, stack_addon):
    scenario = request.param
    core, program_output = stack_core(version, scenario, stack_addon)
    gdb = Gdb(fixtures.node_binary(version), core)
    script = ["echo @@@\\n", "bt", "echo @@@\\n", "v8 bt", "echo @@@\\n", "v8 bt -a", "echo @@@\\n"]
    script += ROWS_SCRIPT
    output = gdb.run(script)
    return scenario, output, program_output, gdb


def registers_round_trip(regs):
    """GDB commands printing `REGS <function> True` when the registers
    `regs` (a tuple's text) unwound through every JS frame to JSEntry's
    caller equal what they are once JSEntry returns there."""
    return [
        "python _f = gdb.newest_frame()",
        "python exec('while \"Invoke\" not in (_f.name() or \"\"):\\n _f = _f.older()')",
        "python _unwound = {r: int(_f.read_register(r)) for r in %s}" % regs,
        "python _f.newer().select(); gdb.execute('finish', to_string=True)",
        "python _g = gdb.selected_frame(); print('REGS', _g.name(), _unwound == {r: int(_g.read_register(r)) for r in %s})" % regs,
    ]


def test_core_stacks_match_error_stack(core_session):
    scenario, output, program_output, _ = core_session
    frame_rows = check_stack(output, program_output, scenario)
    names = [r["name"] for r in frame_rows if r["kind"] == "javascript"]
    # The functions each scenario is about, innermost first.
    expect = {
        "sync": ["stopHere", "innerDeep", "viaTurbofan", "viaBaseline", "viaMaglev", "Widget.mapper",
                 "Widget.run", "new Widget", "Object.<anonymous>"],
        "timer": ["stopHere", "innerDeep", "level2", "level1", "Timeout.onTimeout [as _onTimeout]", "listOnTimeout"],
        "promise": ["stopHere", "innerDeep", "level2", "level1", "onResolved"],
        "async": ["stopHere", "innerDeep", "level2", "level1", "asyncWork"],
        "addon": ["stopHere", "innerDeep", "level2", "level1", "fromNative", "Object.<anonymous>"],
    }[scenario]
    assert names[:len(expect)] == expect, names


def test_core_tiers(version, stack_addon):
    """Interpreted, baseline, Maglev (Node 24+) and Turbofan frames are named
    by tier as V8's own %GetOptimizationStatus says they are, and optimized
    frames still get their script:line."""
    core, program_output = stack_core(version, "sync", stack_addon)
    tiers = json.loads(re.search(r"^TIERS (.*)$", program_output, re.M).group(1))
    output = Gdb(fixtures.node_binary(version), core).run(ROWS_SCRIPT)
    by_name = {r["name"]: r for r in rows(output)}
    for name, tier in tiers.items():
        assert by_name[name]["tier"] == tier, (name, by_name[name])
        assert by_name[name]["line"] > 0 and not by_name[name]["location_is_function_start"], by_name[name]
    assert tiers["viaTurbofan"] == "turbofan"
    assert tiers["viaBaseline"] == "baseline"
    if version in ("24", "26"):
        assert tiers["viaMaglev"] == "maglev"
    assert by_name["Array.map"]["kind"] == "builtin" and by_name["Array.map"]["builtin"] == "Builtins_ArrayMap"


def test_core_frame_markers(core_session):
    """Entry and exit frames are marked; the exit frame into process.abort
    names the function it called where V8 keeps it."""
    scenario, output, _, _ = core_session
    v8bt = output.split("@@@\n")[2]
    assert re.search(r" in Builtins_JSEntry \[entry frame\]", v8bt) or re.search(
        r" in Builtins_JSRunMicrotasksEntry \[entry frame\]", v8bt), v8bt
    assert re.search(r" in Builtins_\w+ \[exit frame(: \w+)?\]", v8bt), v8bt
    if scenario == "sync":
        assert re.search(r"\[exit frame: abort\]", v8bt), v8bt
        assert re.search(r"\[construct frame\]", v8bt), v8bt


def test_core_arguments(core_session):
    """v8 bt -a: the receiver and arguments of JS frames through the JS view."""
    scenario, output, _, _ = core_session
    with_args = output.split("@@@\n")[3]
    blocks = re.split(r"^(?=#\d+ )", with_args, flags=re.M)
    inner = next(b for b in blocks if re.search(r" in innerDeep \(", b))
    assert re.search(r"^    this = undefined$", inner, re.M), inner
    assert re.search(r"^    x = \d+$", inner, re.M), inner
    assert re.search(r"^    how = '(abort|addon)'$", inner, re.M), inner
    # The frame's function and receiver words, to follow with v8 inspect.
    row = next(r for r in rows(output) if r["name"] == "innerDeep")
    assert "    function = 0x%x, receiver = 0x%x\n" % (row["function"], row["receiver"]) in inner, inner
    if scenario == "sync":
        run = next(b for b in blocks if re.search(r" in Widget\.run \(", b))
        assert re.search(r"^    this = Widget \{ how: 'abort' \}$", run, re.M), run
        assert re.search(r"^    list = \[ 1 \]$", run, re.M), run


def test_frame_commands_on_js_frames(version, stack_addon):
    """frame N, up, down and info frame work on V8 frames."""
    core, _ = stack_core(version, "sync", stack_addon)
    gdb = Gdb(fixtures.node_binary(version), core)
    output = gdb.run(ROWS_SCRIPT)
    frame_rows = rows(output)
    turbofan = next(r for r in frame_rows if r["name"] == "viaTurbofan")
    level = turbofan["level"]
    out = gdb.outputs(["frame %d" % level, "info frame", "up", "down", "down", "v8 bt 2", "v8 bt -2",
                       "v8 frame %d" % level, "v8 frame", "v8 frame x"])
    frame, info, up, down1, down2, first2, last2, v8frame, selected, bad = out
    assert frame.startswith("#%d " % level), frame
    assert "Stack level %d, frame at " % level in info and "caller of frame at" in info, info
    assert up.startswith("#%d " % (level + 1)), up
    assert down1.startswith("#%d " % level) and down2.startswith("#%d " % (level - 1)), (down1, down2)
    assert len(bt_frames(first2)) == 2 and "(More stack frames follow...)" in first2, first2
    assert " in _start" in last2 or "__libc_start" in last2, last2
    assert v8frame.startswith("#%d " % level) and turbofan["summary"] in v8frame, v8frame
    assert re.search(r"^    this = undefined$", v8frame, re.M) and re.search(r"^    how = 'abort'$", v8frame, re.M), v8frame
    assert selected == v8frame, (selected, v8frame)
    assert bad.startswith("usage: v8 frame"), bad


# ---- live processes ----

def live_output(version, stack_addon, scenario, commands, timeout=600):
    node = fixtures.node_binary(version)
    workdir = os.path.join(fixtures.BUILD, "fixtures", version, "stack-live")
    os.makedirs(workdir, exist_ok=True)
    args = ["--args", node, *NODE_ARGS, os.path.join(fixtures.FIXTURES, "stack.js"), scenario, stack_addon]
    out = fixtures.run_gdb(args, commands, cwd=workdir, timeout=timeout)
    assert_no_traceback(out)
    return out


def test_live_stopped_in_addon(version, stack_addon):
    """A live process stopped at a breakpoint in a native addon, under JS
    frames that C++ called back into: the same checks as for cores."""
    commands = ["set breakpoint pending on", "break node_gdb_stack_break", "run",
                "echo @@@\\n", "bt", "echo @@@\\n", "v8 bt", "echo @@@\\n", "v8 bt -a", "echo @@@\\n"]
    commands += ROWS_SCRIPT
    # C++'s callee-saved registers in the caller of JSEntry, as unwound
    # through every JS frame, must be what they are once JSEntry returns.
    regs = '("rbx", "r12", "r13", "r14", "r15", "rbp", "rsp")'
    commands += registers_round_trip(regs) + ["kill"]
    out = live_output(version, stack_addon, "live", commands)
    assert "Breakpoint 1, " in out, out[-3000:]
    frame_rows = check_stack(out, out, "live")
    bt = out.split("@@@\n")[1]
    assert re.search(r"^#0 .*node_gdb_stack_break", bt, re.M), bt
    assert re.search(r"in \(anonymous namespace\)::Stop", bt) or "Stop" in bt, bt
    names = [r["name"] for r in frame_rows if r["kind"] == "javascript"]
    assert names[:5] == ["stopHere", "innerDeep", "level2", "level1", "fromNative"], names
    assert re.search(r"^REGS .*Invoke.* True$", out, re.M), out[-3000:]


def test_live_stepping_into_a_builtin(version, stack_addon):
    """Stopped on a builtin's first instructions (no frame of its own yet,
    then its frame without slots): the caller is still found, and GDB's
    breakpoint in memory does not fool the prologue check."""
    commands = ["set breakpoint pending on", "break node_gdb_stack_break", "run",
                "python from node_gdb import stack as _s",
                "python _p = gdb.newest_frame().older().older().pc()",
                "python gdb.execute('tbreak *%#x' % _s.decoder().builtin_address('ArrayMap', _p))",
                "delete 1", "continue"]
    for _ in range(4):
        commands += ["echo @@@\n", "bt 3", "stepi"]
    commands += ["echo @@@\n", "kill"]
    out = live_output(version, stack_addon, "entry", commands)
    steps = out.split("@@@\n")[1:-1]
    assert len(steps) == 4, out[-3000:]
    labels = []
    for step in steps:
        frames = bt_frames(step)
        assert "Builtins_ArrayMap" in frames[0], step
        assert re.match(r"Timeout\.later \[as _onTimeout\] \(.*stack\.js:\d+:\d+\) \[interpreted\]", frames[1]), step
        assert frames[2].startswith("listOnTimeout ("), step
        labels.append(frames[0])
    assert labels[0] == "Builtins_ArrayMap [no frame yet] ()", labels
    assert any("[entering]" in l or "Array.map [builtin" in l for l in labels[2:]), labels


def test_live_interrupted_in_hot_loop(version, stack_addon):
    """Stopped anywhere: a signal lands while the main thread spins in
    optimized (on-stack replaced) code; the innermost JS frame is found from
    the registers alone."""
    commands = ["handle SIGINT stop print nopass", "run", "thread 1",
                "echo @@@\\n", "bt", "echo @@@\\n", "v8 bt", "echo @@@\\n"]
    commands += ROWS_SCRIPT
    commands += ["kill"]
    out = live_output(version, stack_addon, "spin", commands)
    assert "SIGINT" in out, out[-3000:]
    parts = out.split("@@@\n")
    bt, v8bt = parts[1], parts[2]
    assert "?? ()" not in bt and "corrupt stack" not in bt, bt
    assert re.search(r" in (__libc_start_main\w*|_start) ", bt), bt
    frame_rows = rows(out)
    js = [r for r in frame_rows if r["kind"] == "javascript"]
    assert js and js[0]["name"] == "spin", frame_rows
    assert js[0]["script"].endswith("stack.js") and js[0]["line"] > 0, js[0]
    assert js[1]["name"] == "Object.<anonymous>", js
    for r in frame_rows:
        assert bt_frames(bt)[r["level"]] == gdb_bt_text(r), (r, bt)
        assert bt_frames(v8bt)[r["level"]] == r["summary"], (r, v8bt)


# ---- errors and other programs ----

def test_v8_bt_errors(version, stack_addon):
    core, _ = stack_core(version, "sync", stack_addon)
    gdb = Gdb(fixtures.node_binary(version), core)
    out = gdb.outputs(["v8 bt nonsense", "v8 bt 1 2 3"])
    for o in out:
        assert o.startswith("usage: v8 bt"), o


def test_other_programs_unaffected(module_built):
    """The unwinder leaves programs without V8 alone: bt as usual, and
    v8 bt says why it cannot help, in one line."""
    gdb = Gdb("/bin/sleep")
    out = gdb.run(["starti", "echo @@@\\n", "bt", "echo @@@\\n", "v8 bt", "echo @@@\\n", "kill"],
                  args=["--args", "/bin/sleep", "1"])
    parts = out.split("@@@\n")
    assert re.search(r"^#0 ", parts[1], re.M) and "Backtrace stopped" not in parts[1], parts[1]
    assert "no V8 postmortem metadata" in parts[2], parts[2]
    assert len(parts[2].strip().splitlines()) == 1, parts[2]
