"""node-report on a core and on a live process of tests/fixtures/node_report.js
(a server and a connection to it, timers, a Worker with a timer of its own,
an environment variable set at run time), against process.report.getReport()
taken by the same process in the same tick before it aborts (expect.json), on
every Node version:

- every section node-gdb writes passes the checks of Node's own report tests
  (nodejs/node test/common/report.js: section and field names, types), the
  fields a dump cannot hold being the ones nodeGdb.omitted lists;
- every value node-gdb gives equals the report's (heap sizes within what the
  last allocations changed);
- the text report leads with the signal, the crashing thread and its stacks.
"""

import json
import os
import re
import subprocess

import pytest

import fixtures
from conftest import Gdb, assert_no_traceback

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def reports(version, module_built, tmp_path_factory):
    """(our JSON, our text, getReport's JSON): one node-report run writes both."""
    workdir, core = fixtures.make_core(version, "node_report.js")
    path = tmp_path_factory.mktemp("node_report_%s" % version) / "report.json"
    text = Gdb(fixtures.node_binary(version), core).outputs(["node-report -json %s" % path])[0]
    return json.loads(path.read_text()), text, fixtures.load_json(os.path.join(workdir, "expect.json"))


@pytest.fixture(scope="module")
def report(reports):
    return reports[0], reports[2]


@pytest.fixture(scope="module")
def text_report(reports):
    return reports[1], reports[2]


# --- Node's own report checks (test/common/report.js), minus what nodeGdb.omitted lists.

SECTIONS = ["header", "nativeStack", "libuv", "environmentVariables", "sharedObjects", "resourceUsage",
            "workers", "requests", "userLimits", "uvthreadResourceUsage", "javascriptStack", "javascriptHeap"]
HEADER = ["event", "trigger", "filename", "dumpEventTime", "dumpEventTimeStamp", "processId", "commandLine",
          "nodejsVersion", "wordSize", "arch", "platform", "componentVersions", "release", "osName",
          "osRelease", "osVersion", "osMachine", "cpus", "host", "glibcVersionRuntime",
          "glibcVersionCompiler", "cwd", "reportVersion", "networkInterfaces", "threadId"]
HEAP = ["totalMemory", "executableMemory", "totalCommittedMemory", "availableMemory",
        "totalGlobalHandlesMemory", "usedGlobalHandlesMemory", "usedMemory", "memoryLimit", "mallocedMemory",
        "externalMemory", "peakMallocedMemory", "nativeContextCount", "detachedContextCount", "doesZapGarbage"]
SPACE = ["memorySize", "committedMemory", "capacity", "used", "available"]
HEX = re.compile(r"^0x[0-9a-f]+$")


def _safe_int(v):
    return isinstance(v, int) and not isinstance(v, bool) and abs(v) <= 2 ** 53 - 1


def _unknown(actual, expected, where):
    extra = [k for k in actual if k not in expected]
    assert not extra, "%s: %s not expected in a report" % (where, extra)


def _missing(actual, expected, omitted, where):
    """Every field Node's checks require is there unless node-gdb says it omits it."""
    lost = [k for k in expected if k not in actual and "%s.%s" % (where, k) not in omitted and k not in omitted]
    assert not lost, "%s: %s missing and not in nodeGdb.omitted" % (where, lost)


def validate(report, omitted, top=True):
    _unknown({k: v for k, v in report.items() if k != "nodeGdb" or not top}, SECTIONS, "report")
    # uvthreadResourceUsage is optional in Node's checks; requests is newer than some Node versions.
    _missing(report, [s for s in SECTIONS if s not in ("uvthreadResourceUsage", "requests")], omitted, "report")
    for s in SECTIONS:
        if s in report:
            assert isinstance(report[s], (dict, list)), s
    header = report["header"]
    _unknown(header, HEADER, "header")
    _missing(header, HEADER, omitted, "header")
    assert isinstance(header["reportVersion"], int)
    assert isinstance(header["event"], str) and isinstance(header["trigger"], str)
    assert header["filename"] is None or isinstance(header["filename"], str)
    if "dumpEventTime" in header:
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", header["dumpEventTime"]), header["dumpEventTime"]
        assert str(int(header["dumpEventTimeStamp"])) == header["dumpEventTimeStamp"]
    assert _safe_int(header["processId"])
    assert header["threadId"] is None or _safe_int(header["threadId"])
    assert isinstance(header["commandLine"], list) and all(isinstance(a, str) for a in header["commandLine"])
    assert _safe_int(header["wordSize"])
    for frame in report["nativeStack"]:
        _unknown(frame, ["pc", "symbol"], "nativeStack[]")
        assert HEX.match(frame["pc"]) and isinstance(frame["symbol"], str), frame
    if "javascriptStack" in report:
        js = report["javascriptStack"]
        _unknown(js, ["message", "stack", "errorProperties"], "javascriptStack")
        assert isinstance(js["errorProperties"], dict) and isinstance(js["message"], str)
        assert all(isinstance(f, str) for f in js.get("stack", []))
    if "javascriptHeap" in report:
        heap = report["javascriptHeap"]
        _unknown(heap, HEAP + ["heapSpaces"], "javascriptHeap")
        _missing(heap, HEAP + ["heapSpaces"], omitted, "javascriptHeap")
        for k in HEAP:
            if k in heap:
                assert _safe_int(heap[k]), k
        for name, space in heap["heapSpaces"].items():
            _unknown(space, SPACE, "heapSpaces." + name)
            _missing(space, SPACE, omitted, "javascriptHeap.heapSpaces.*")
            assert all(_safe_int(v) for v in space.values()), (name, space)
    for h in report["libuv"]:
        assert isinstance(h["type"], str) and HEX.match(h["address"]), h
        assert isinstance(h["is_active"], bool), h
        assert isinstance(h.get("is_referenced"), type(None) if h["type"] == "loop" else bool), h
    for k, v in report["environmentVariables"].items():
        assert isinstance(k, str) and isinstance(v, str)
    assert all(isinstance(s, str) for s in report["sharedObjects"])
    assert isinstance(report["workers"], list)
    for w in report["workers"]:
        validate(w, omitted, top=False)
    for r in report.get("requests", []):
        assert isinstance(r["type"], str)


def test_every_section_passes_nodes_report_checks(report):
    ours, expect = report
    omitted = set(ours["nodeGdb"]["omitted"])
    validate(ours, omitted)
    assert "requests" in ours


def test_the_checks_accept_nodes_own_report(report):
    """So that a failure above is node-gdb's, not this file's reading of Node's checks."""
    _, expect = report
    validate(expect, set())


def test_omitted_lists_only_what_node_writes(report):
    """nodeGdb.omitted names fields of Node's report, never invented ones."""
    ours, expect = report
    for field in ours["nodeGdb"]["omitted"]:
        section = field.split(".")[0].split("[")[0]
        assert section in SECTIONS, field
        if section in ("resourceUsage", "userLimits"):
            assert section in expect and section not in ours, field


# --- Values, against getReport in the same process.

def test_header_equals_getreport(report):
    ours, expect = report
    h, e = ours["header"], expect["header"]
    for key in ("reportVersion", "processId", "threadId", "commandLine", "nodejsVersion", "wordSize", "arch",
                "platform", "componentVersions", "release", "osName", "osMachine"):
        assert h[key] == e[key], (key, h[key], e[key])
    assert h["event"] and h["trigger"] and h["filename"].endswith("report.json")


def test_environment_equals_getreport(report):
    ours, expect = report
    assert ours["environmentVariables"] == expect["environmentVariables"]
    assert ours["environmentVariables"]["NODE_GDB_REPORT_MARK"] == "set at run time"


def test_shared_objects_equal_getreport(report):
    ours, expect = report
    assert ours["sharedObjects"] == expect["sharedObjects"]


LIBUV_OMITTED = ("localEndpoint", "remoteEndpoint", "sendBufferSize", "recvBufferSize", "loopIdleTimeSeconds")


def _same_handles(ours, expect, where):
    theirs = {h["address"]: h for h in expect}
    mine = {h["address"]: h for h in ours}
    assert sorted(mine) == sorted(theirs), (where, ours, expect)
    for address, h in mine.items():
        e = {k: v for k, v in theirs[address].items() if k not in LIBUV_OMITTED}
        if "firesInMsFromNow" in e:
            # getReport reads the clock when it runs; the dump has the loop's
            # time of its last tick, so the two differ by that tick's age.
            assert abs(h["firesInMsFromNow"] - e["firesInMsFromNow"]) < 1000, (where, h, e)
            h = {k: v for k, v in h.items() if k != "firesInMsFromNow"}
            e = {k: v for k, v in e.items() if k != "firesInMsFromNow"}
        assert h == e, (where, h, e)


def test_libuv_equals_getreport(report):
    ours, expect = report
    _same_handles(ours["libuv"], expect["libuv"], "main")
    assert sum(h["type"] == "tcp" for h in ours["libuv"]) == 3  # the server, the client, the accepted socket


def test_heap_spaces_equal_getreport(report):
    ours, expect = report
    h, e = ours["javascriptHeap"], expect["javascriptHeap"]
    assert h["nativeContextCount"] == e["nativeContextCount"]
    assert sorted(h["heapSpaces"]) == sorted(e["heapSpaces"])
    for name, space in h["heapSpaces"].items():
        theirs = e["heapSpaces"][name]
        # Between getReport and the abort the process wrote expect.json and
        # allocated: the young generation moves by up to what that took, and
        # V8 14 commits a semi-space page only when allocation reaches it.
        grown = space["memorySize"] - theirs["memorySize"]
        if name == "new_space" and space["used"] > theirs["used"]:
            assert grown in (0, 256 * 1024), (name, space, theirs)
        else:
            assert grown == 0, (name, space, theirs)
        slack = 512 * 1024 if name in ("new_space", "new_large_object_space") else max(64 * 1024, theirs["used"] // 50)
        assert abs(space["used"] - theirs["used"]) <= slack, (name, space, theirs)
    assert h["totalMemory"] - e["totalMemory"] in (0, 256 * 1024)
    assert h["executableMemory"] == e["executableMemory"]


def test_worker_section_equals_getreport(report):
    ours, expect = report
    assert len(ours["workers"]) == len(expect["workers"]) == 1
    w, e = ours["workers"][0], expect["workers"][0]
    assert w["header"]["threadId"] == e["header"]["threadId"] == 1
    _same_handles(w["libuv"], e["libuv"], "worker")
    assert w["javascriptHeap"]["nativeContextCount"] == e["javascriptHeap"]["nativeContextCount"]
    for name, space in w["javascriptHeap"]["heapSpaces"].items():
        assert space["memorySize"] == e["javascriptHeap"]["heapSpaces"][name]["memorySize"], name


def test_stacks_are_the_aborting_thread(report):
    ours, expect = report
    js = ours["javascriptStack"]["stack"]
    # getReport's stack, taken two lines before the abort in the same function.
    theirs = [l for l in expect["javascriptStack"]["stack"] if "reportAndAbort" in l][0]
    name = theirs.split(" (")[0]
    assert any(l.startswith(name + " (") and "node_report.js:" in l for l in js), (js, theirs)
    symbols = [f["symbol"] for f in ours["nativeStack"]]
    assert any("abort" in s for s in symbols[:4]), symbols
    assert ours["nodeGdb"]["signal"] == "SIGABRT"
    crashed = [t for t in ours["nodeGdb"]["threads"] if t["crashed"]]
    assert len(crashed) == 1 and crashed[0]["lwp"] == expect["header"]["processId"], ours["nodeGdb"]["threads"]


def test_text_report_leads_with_the_crash(text_report, version):
    out, expect = text_report
    lines = [l for l in out.splitlines() if l.strip()]
    head = "\n".join(lines[:12])
    assert "SIGABRT" in head, head
    assert re.search(r"reportAndAbort .*node_report\.js:\d+:\d+", out), out[:3000]
    assert "pid %d" % expect["header"]["processId"] in out or str(expect["header"]["processId"]) in head, head
    assert "tcp" in out.lower() and "Worker" in out, out
    assert len(out.splitlines()) < 250, "a few screens at most"


def test_json_to_standard_output_and_without_the_heap(version, module_built, tmp_path):
    workdir, core = fixtures.make_core(version, "node_report.js")
    path = tmp_path / "r.json"
    alone, written = Gdb(fixtures.node_binary(version), core).outputs(
        ["node-report -no-heap -json -", "node-report -no-heap -json %s" % path])
    doc = json.loads(alone)  # -json - writes the JSON alone
    assert "JSON written to %s" % path in written, written
    from_file = json.loads(path.read_text())
    assert from_file["header"].pop("filename") == str(path) and doc["header"].pop("filename") is None
    assert doc["header"] == from_file["header"] and doc["libuv"] == from_file["libuv"]
    assert "javascriptHeap" not in doc, "-no-heap walks no heap"
    expect = fixtures.load_json(os.path.join(workdir, "expect.json"))
    assert doc["header"]["processId"] == expect["header"]["processId"]


def test_bad_input_is_one_line(version, module_built, tmp_path):
    _, core = fixtures.make_core(version, "node_report.js")
    out = Gdb("/bin/true").run(["node-report", "node-report -json"], check_traceback=True)
    assert "no V8 postmortem metadata (v8dbg_ symbols) in /usr/bin/true" in out, out
    assert "-json requires an argument" in out, out
    assert "internal error" not in out, out
    out = Gdb(fixtures.node_binary(version), core).run(["node-report -json /nonexistent/dir/r.json",
                                                        "node-report -bogus"])
    assert "cannot write /nonexistent/dir/r.json" in out, out
    assert "Unrecognized option at: -bogus" in out, out


# --- A live process: the fixture stopped by its own abort under GDB.

@pytest.fixture(scope="module")
def live(version, module_built, tmp_path_factory):
    workdir = str(tmp_path_factory.mktemp("node_report_live_%s" % version))
    out = fixtures.run_gdb(["--args", fixtures.node_binary(version),
                            os.path.join(fixtures.FIXTURES, "node_report.js")],
                           ["run", "node-report -json %s/ours.json" % workdir, "kill"], cwd=workdir, timeout=600)
    assert_no_traceback(out)
    return (fixtures.load_json(os.path.join(workdir, "ours.json")),
            fixtures.load_json(os.path.join(workdir, "expect.json")), out)


def test_live_process_report(live):
    ours, expect, out = live
    assert ours["nodeGdb"]["source"].startswith("live"), ours["nodeGdb"]["source"]
    validate(ours, set(ours["nodeGdb"]["omitted"]))
    for key in ("processId", "commandLine", "nodejsVersion", "componentVersions"):
        assert ours["header"][key] == expect["header"][key], key
    assert ours["environmentVariables"] == expect["environmentVariables"]
    assert ours["sharedObjects"] == expect["sharedObjects"]
    # Under GDB the same handles exist as in the core run.
    _same_handles(ours["libuv"], expect["libuv"], "main")
    assert len(ours["workers"]) == 1


# --- The standalone program: node-gdb report [--json] NODE CORE|PID.

def _node_gdb(*args):
    return subprocess.run([os.path.join(REPO, "tools", "node-gdb"), *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=600)


def test_node_gdb_report_program(report, version, module_built):
    ours, expect = report
    _, core = fixtures.make_core(version, "node_report.js")
    p = _node_gdb("report", "--json", fixtures.node_binary(version), core)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)  # standard output is the JSON alone
    assert doc["header"].pop("filename") is None  # written to standard output, not to a file
    assert doc["header"] == {k: v for k, v in ours["header"].items() if k != "filename"}
    assert doc["libuv"] == ours["libuv"]
    assert "Traceback" not in p.stderr
    if version == fixtures.VERSIONS[0]:  # the text path once
        p = _node_gdb("report", "--no-heap", fixtures.node_binary(version), core)
        assert p.returncode == 0 and p.stdout.startswith("node-report: Node v"), p.stdout + p.stderr
        assert "SIGABRT" in p.stdout.split("\n")[1]


def test_node_gdb_program_usage_and_bad_input(module_built, tmp_path):
    p = _node_gdb("--help")
    assert p.returncode == 0 and "report" in p.stdout, p.stdout
    p = _node_gdb("report")
    assert p.returncode == 2 and "usage" in p.stderr.lower(), p.stderr
    p = _node_gdb("report", "/usr/bin/node", str(tmp_path / "missing.core"))
    assert p.returncode != 0 and len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert "Traceback" not in p.stderr
