"""node-timers (and the timers in node-why) on the node_timers fixture: a
main thread and a Worker with timers of every kind, and immediates, nextTick
callbacks and microtasks queued inside a native callback right before
process.abort(). The oracle is the same process: each Timeout's
_idleTimeout, _repeat, _idleStart and hasRef(), the callbacks' names and
V8's [[FunctionLocation]] (from the inspector), and the timer clock read by
a probe timer just before the abort. On a kernel core, a live process
stopped at its abort, and the gcore of that live process, on every Node
version; then a process with nothing pending, and bad input."""

import os
import re

import pytest

import fixtures
from conftest import Gdb, assert_no_traceback

SCRIPT = "node_timers.js"
HEADER = re.compile(r"^Environment (0x[0-9a-f]+) \((main|worker) thread\), Node's timer clock at (\d+) ms "
                    r"\(loop time (\d+) ms\):$")
CALLBACK = r"(?P<name>.+?) \((?P<file>[^()]+):(?P<line>\d+):(?P<column>\d+)\)(?:  \((?P<args>\d+) arguments?\))?"
TIMER = re.compile(r"^ +(?P<kind>setInterval|setTimeout) +(?P<duration>\d+) ms +(?P<due>due in|overdue by) "
                   r"(?P<when>\d+) ms +(?P<ref>ref'd|unref'd) +" + CALLBACK +
                   r"  Timeout (?P<object>0x[0-9a-f]+)(?:  started at (?P<start>\d+) ms)?$")
IMMEDIATE = re.compile(r"^ +setImmediate +queued +(?P<ref>ref'd|unref'd) +" + CALLBACK +
                       r"  Immediate (?P<object>0x[0-9a-f]+)$")
TICK = re.compile(r"^    " + CALLBACK + r"  (?P<object>0x[0-9a-f]+)$")
MICROTASK = re.compile(r"^    (?P<kind>promise fulfill reaction|promise reject reaction|callable \(queueMicrotask\)|"
                       r"resolve thenable|native callback) +(?P<what>.+)  (?P<object>0x[0-9a-f]+)$")


def parse(text):
    """{thread: {"now", "timers", "immediates", "ticks", "microtasks", "other"}} from node-timers -v."""
    envs, current, section = {}, None, None
    for line in text.splitlines():
        m = HEADER.match(line)
        if m:
            current = envs[m.group(2)] = {"now": int(m.group(3)), "timers": [], "immediates": [], "ticks": [],
                                          "microtasks": [], "other": []}
            continue
        if current is None:
            continue
        head = re.match(r"^  (timers|immediates|nextTick queue|microtasks): ", line)
        if head:
            section = head.group(1)
            continue
        for name, pattern, key in (("timers", TIMER, "timers"), ("immediates", IMMEDIATE, "immediates"),
                                   ("nextTick queue", TICK, "ticks"), ("microtasks", MICROTASK, "microtasks")):
            m = pattern.match(line)
            if section == name and m:
                current[key].append(m)
                break
        else:
            current["other"].append(line)
    return envs


def _where(m):
    return {"line": int(m.group("line")), "column": int(m.group("column"))}


def check_timers(env, expect, script, now_slack=5):
    """now_slack: how many ms the loop's clock may have moved on between the
    thread's record and the abort."""
    assert 0 <= env["now"] - expect["now"] <= now_slack, (env["now"], expect["now"])
    got = sorted((m.group("kind") == "setInterval", int(m.group("duration")), int(m.group("start")),
                  m.group("ref") == "ref'd", m.group("name"), _where(m)["line"], _where(m)["column"],
                  int(m.group("args") or 0), m.group("file")) for m in env["timers"])
    want = sorted((t["repeat"], t["duration"], t["start"], t["refed"], t["name"] or "<anonymous>",
                   t["where"]["line"], t["where"]["column"], t["args"], script) for t in expect["timers"])
    assert got == want
    for m in env["timers"]:
        due = int(m.group("start")) + int(m.group("duration")) - env["now"]
        assert int(m.group("when")) * (1 if m.group("due") == "due in" else -1) == due, m.group(0)
    # Soonest first.
    dues = [int(m.group("start")) + int(m.group("duration")) for m in env["timers"]]
    assert dues == sorted(dues)


def check_queues(main, expect):
    assert [(m.group("ref") == "ref'd", m.group("name"), _where(m), int(m.group("args") or 0))
            for m in main["immediates"]] == \
        [(i["refed"], i["name"] or "<anonymous>", i["where"], i["args"]) for i in expect["immediates"]]
    assert [(m.group("name"), _where(m), int(m.group("args") or 0)) for m in main["ticks"]] == \
        [(t["name"] or "<anonymous>", t["where"], t["args"]) for t in expect["ticks"]]
    assert len(main["microtasks"]) == len(expect["microtasks"]), [m.group(0) for m in main["microtasks"]]
    for m, want in zip(main["microtasks"], expect["microtasks"]):
        assert m.group("kind") == want["kind"], m.group(0)
        if "resumes" in want:
            assert re.match(r"resumes async function %s \(.*%s:\d+:\d+\)$" % (want["resumes"], SCRIPT),
                            m.group("what")), m.group(0)
        else:
            loc = "%s (%s:%d:%d)" % (want["name"], os.path.join(fixtures.FIXTURES, SCRIPT),
                                     want["where"]["line"], want["where"]["column"])
            assert m.group("what") == loc, m.group(0)


def check_all(text, expect, now_slack=5):
    envs = parse(text)
    assert set(envs) == {"main", "worker"}, text
    script = os.path.join(fixtures.FIXTURES, SCRIPT)
    check_timers(envs["main"], expect["main"], script, now_slack)
    check_timers(envs["worker"], expect["worker"], script, now_slack)
    check_queues(envs["main"], expect)
    worker = envs["worker"]
    assert not worker["immediates"] and not worker["ticks"] and not worker["microtasks"], text
    for env in envs.values():
        assert env["other"] == [], env["other"]


@pytest.fixture(scope="module")
def core_run(version, module_built):
    workdir, core = fixtures.make_core(version, SCRIPT)
    expect = fixtures.load_json(workdir + "/expect.json")
    out = Gdb(fixtures.node_binary(version), core).outputs(
        ["node-timers -v", "node-why", "node-timers -q", "node-timers 0x1234", "node-timers"])
    return expect, out


def test_timers_immediates_ticks_and_microtasks_against_the_process(core_run):
    expect, out = core_run
    check_all(out[0], expect)


def test_without_v_the_same_lines_lack_only_the_starts_and_objects(core_run):
    _, out = core_run
    full = [l for l in out[0].splitlines() if TIMER.match(l)]
    brief = [l for l in out[4].splitlines() if l.lstrip().startswith(("setTimeout", "setInterval"))]
    assert [re.sub(r"  started at \d+ ms$", "", l) for l in full] == brief


def test_node_why_lists_the_timers_that_keep_each_loop_alive(core_run):
    expect, out = core_run
    why = out[1]
    for thread in ("main", "worker"):
        block = re.search(r"^Environment 0x[0-9a-f]+ \(%s thread\): (.*?)(?=^Environment |^Waiting|^No async|\Z)"
                          % thread, why, re.M | re.S).group(0)
        behind = block.split("  the JS timers and immediates behind them")[1].split("\n  there without")[0]
        idle = block.split("  there without keeping it alive")[1]
        timers = expect[thread]["timers"]
        immediates = expect["immediates"] if thread == "main" else []
        refed = [t["name"] or "<anonymous>" for t in timers if t["refed"]] + \
                [i["name"] for i in immediates if i["refed"]]
        unrefed = [t["name"] or "<anonymous>" for t in timers if not t["refed"]] + \
                  [i["name"] or "<anonymous>" for i in immediates if not i["refed"]]
        def names(text):
            return sorted(m.group("name") for m in (TIMER.match(l) or IMMEDIATE.match(l) for l in text.splitlines()) if m)
        assert names(behind) == sorted(refed), block
        assert names(idle) == sorted(unrefed), block
        if thread == "main":
            assert "queued to run before the loop goes on: 2 nextTick callbacks and 3 microtasks" in block, block


def test_bad_input_is_one_line(core_run):
    _, out = core_run
    assert out[2] == "Unrecognized option at: -q"
    assert len(out[3].splitlines()) == 1 and "0x1234" in out[3], out[3]


def test_nothing_pending(version, module_built):
    _, core = fixtures.make_core(version, "primitives.js", node_args=("--expose-gc", "--allow-natives-syntax"))
    out = Gdb(fixtures.node_binary(version), core).outputs(["node-timers"])[0]
    body = [l for l in out.splitlines() if l.startswith("  ")]
    assert body == ["  timers: none", "  immediates: none", "  nextTick queue: empty", "  microtasks: none"], out


# ---------------------------------------------------------------------------
# A live process stopped by its own abort under GDB, and its gcore.

@pytest.fixture(scope="module")
def live(version, module_built, tmp_path_factory):
    node = fixtures.node_binary(version)
    workdir = str(tmp_path_factory.mktemp("node_timers_live_%s" % version))
    gcore = os.path.join(workdir, "gcore")
    commands = ["run", "echo @@@\\n", "node-timers -v", "echo @@@\\n", "gcore " + gcore, "kill"]
    out = fixtures.run_gdb(["--args", node, os.path.join(fixtures.FIXTURES, SCRIPT)], commands,
                           cwd=workdir, timeout=600)
    assert_no_traceback(out)
    expect = fixtures.load_json(os.path.join(workdir, "expect.json"))
    from_gcore = Gdb(node, gcore).outputs(["node-timers -v"])[0]
    os.remove(gcore)
    return out.split("@@@\n")[1], from_gcore, expect


def test_live_process_and_its_gcore(live):
    text, from_gcore, expect = live
    check_all(text, expect)
    # The same answer, after the search's summary (how much memory it scanned differs).
    assert from_gcore.rstrip("\n").split("\n")[1:] == text.rstrip("\n").split("\n")[1:]
    check_all(from_gcore, expect)


def test_cli_gives_the_same_answers_without_gdb(version, core_run):
    """node-gdb-cli NODE CORE timers / why: the same text as the GDB commands."""
    import subprocess
    expect, out = core_run
    workdir, core = fixtures.make_core(version, SCRIPT)
    cli = os.path.join(fixtures.BUILD, "node-gdb-cli")
    for command, gdb_text in (("timers", out[4]), ("why", out[1])):
        r = subprocess.run([cli, fixtures.node_binary(version), core, command], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        assert r.stdout.rstrip("\n") == gdb_text.rstrip("\n"), (command, r.stdout, gdb_text)
