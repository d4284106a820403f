"""node-why on the node_env fixture (a main thread and a Worker with
servers, sockets, a child process, watchers and requests in flight) against
process.getActiveResourcesInfo() taken in the same process, and on a core
with nothing pending, on every Node version."""

import re

import pytest

import fixtures
from conftest import Gdb

KEEP = re.compile(r"^Environment (0x[0-9a-f]+) \((main|worker) thread\): its event loop is kept alive by "
                  r"(\d+) handles?, (\d+) loop handles? of Node's own and (\d+) requests? in flight:$")


def _sections(text):
    """{thread: (header match, [alive lines], [idle lines])}."""
    out, current, part = {}, None, None
    for line in text.splitlines():
        m = KEEP.match(line) or re.match(r"^Environment (0x[0-9a-f]+) \((main|worker) thread\): (.*)$", line)
        if m:
            current = m.group(2)
            out[current] = (m, [], [])
            part = 1
        elif current and line.startswith("  there without keeping it alive"):
            part = 2
        elif current and line.startswith("    "):
            out[current][part].append(line.strip())
        elif not line.startswith(" "):
            current = None
    return out


@pytest.fixture(scope="module")
def why(version, module_built):
    workdir, core = fixtures.make_core(version, "node_env.js")
    expect = fixtures.load_json(workdir + "/expect.json")
    return expect, Gdb(fixtures.node_binary(version), core).outputs(["node-why", "node-why -q"])


def test_what_keeps_each_loop_alive_against_getActiveResourcesInfo(why):
    expect, (text, bad) = why
    sections = _sections(text)
    for thread in ("main", "worker"):
        m, alive, idle = sections[thread]
        assert KEEP.match(m.group(0)), m.group(0)
        resources = expect[thread]["resources"]
        requests = len(expect[thread]["requests"])
        timeouts = resources.count("Timeout")
        handles = len(resources) - requests - timeouts
        # Node counts every ref'd handle; libuv only the active ones: together
        # with the ref'd inactive ones listed apart they are Node's count.
        inactive = [l for l in idle if l.startswith("inactive ")]
        assert int(m.group(3)) + len(inactive) == handles, (thread, resources, text)
        assert int(m.group(5)) == requests, (thread, text)
        timer_line = any("timer handle" in l for l in alive)
        assert timer_line == (timeouts > 0), (thread, resources, alive)


def test_owners_name_the_js_objects(why):
    expect, (text, _) = why
    _, alive, _ = _sections(text)["main"]
    server = [l for l in alive if "fd %d " % expect["main"]["serverA"]["fd"] in l]
    assert server and "owner Server 0x" in server[0], alive
    child = [l for l in alive if "pid %d" % expect["main"]["child_pid"] in l]
    assert child and "owner ChildProcess 0x" in child[0], alive
    assert any("owner FSWatcher 0x" in l for l in alive), alive


def test_unknown_option_is_one_line(why):
    _, (_, bad) = why
    assert bad == "Unrecognized option at: -q"


def test_a_process_with_nothing_pending_says_so(version, module_built):
    _, core = fixtures.make_core(version, "primitives.js", node_args=("--expose-gc", "--allow-natives-syntax"))
    out = Gdb(fixtures.node_binary(version), core).outputs(["node-why"])[0]
    assert re.search(r"^Environment 0x[0-9a-f]+ \(main thread\): nothing keeps its event loop alive", out, re.M), out
    assert out.rstrip().endswith("No async function or generator is suspended in the heap."), out


def test_suspended_async_functions_are_summed_up(version, module_built):
    workdir, core = fixtures.make_core(version, "async_chains.js")
    expect = fixtures.load_json(workdir + "/expect.json")
    out = Gdb(fixtures.node_binary(version), core).outputs(["node-why"])[0]
    assert ("Waiting without keeping the loop alive: %d suspended async functions and generators in 4 stacks"
            % (4 * expect["stuck"] + 3)) in out, out
    assert "  %d × leaf (%s:%s) awaiting a pending Promise, for handler" % (expect["stuck"], expect["file"],
                                                                          expect["leaf"]) in out, out
