"""-json on node-info, node-environments, node-handles, node-requests,
node-http, node-timers and node-why, and node-gdb-cli's --json, --help and
exit codes, on the cores of the fixtures the text commands are tested on
(node_env.js, node_timers.js, node_http.js), on every Node version.

The oracle is what the same process said about itself before it aborted
(expect.json: process._getActiveHandles(), _getActiveRequests(),
getActiveResourcesInfo(), each Timeout's fields, the HTTP requests, the
Worker's threadId), compared with the JSON's fields, not its text; the
CLI's --json must be the GDB command's JSON for the same core."""

import collections
import json
import os
import re
import subprocess

import pytest

import fixtures
from conftest import Gdb, assert_no_traceback

ADDRESS = re.compile(r"^0x[0-9a-f]{16}$")
ADDRESS_KEYS = {"address", "loop", "wrap", "js_object", "uv_handle", "uv_req", "stream", "owner", "object",
                "function", "task", "microtask_queue", "message", "response", "request", "agent", "worker",
                "handle", "process_object", "awaited"}
CLI = os.path.join(fixtures.BUILD, "node-gdb-cli")
TIMERS_SCRIPT = "node_timers.js"
HTTP_WORKER = os.path.join(fixtures.FIXTURES, "node_http_worker.js")


def check_addresses(value, where="$"):
    """Every address field anywhere is null or "0x%016x"; lists of native contexts too."""
    if isinstance(value, dict):
        for key, v in value.items():
            if key in ADDRESS_KEYS and not isinstance(v, (dict, list)):
                assert v is None or ADDRESS.match(v), (where + "." + key, v)
            if key == "native_contexts":
                assert all(ADDRESS.match(c) for c in v), (where, v)
            check_addresses(v, where + "." + key)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            check_addresses(v, "%s[%d]" % (where, i))


def documents(outputs):
    """Each output as one JSON document, its addresses checked."""
    docs = []
    for out in outputs:
        assert_no_traceback(out)
        doc = json.loads(out)
        check_addresses(doc)
        docs.append(doc)
    return docs


def by_thread(doc, thread):
    found = [e for e in doc["environments"] if e["thread"] == thread + " thread"]
    assert len(found) == 1, (thread, [e["thread"] for e in doc["environments"]])
    return found[0]


def resource_name(cpp_class, listening):
    """getActiveResourcesInfo()'s name (MemoryInfoName) from the C++ class."""
    base = re.sub(r"<.*$", "", cpp_class).split("::")[-1]
    if base == "TCPWrap":
        return "TCPServerWrap" if listening else "TCPSocketWrap"
    if base == "PipeWrap" and listening:
        return "PipeServerWrap"
    return base


def listening(handle):
    return any(d.startswith("listening ") for d in handle["details"])


def cli(version, core, *args):
    return subprocess.run([CLI, fixtures.node_binary(version), core] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=300)


# ---- node_env.js: environments, handles, requests, info, why ----

ENV_COMMANDS = ["node-environments -json", "node-handles -json", "node-requests -json", "node-info -json",
                "node-why -json"]


@pytest.fixture(scope="module")
def env_core(version, module_built):
    workdir, core = fixtures.make_core(version, "node_env.js")
    expect = fixtures.load_json(os.path.join(workdir, "expect.json"))
    gdb = Gdb(fixtures.node_binary(version), core)
    out = gdb.outputs(ENV_COMMANDS + ["node-handles -json 0x1234", "node-info -json extra", "node-handles -json -q",
                                      "node-environments -v"])
    return expect, core, gdb, documents(out[:len(ENV_COMMANDS)]), out[len(ENV_COMMANDS):]


def test_environments_json_names_the_worker(env_core):
    expect, _, _, (envs, *_), _ = env_core
    assert envs["search"]["summary"].startswith("2 Environments (main thread, 1 worker)"), envs["search"]
    assert [e["thread"] for e in envs["environments"]] == ["main thread", "worker thread"]
    main, worker = envs["environments"]
    assert main["worker"] is None and main["loop"] and worker["loop"] != main["loop"]
    w = worker["worker"]
    assert w["thread_id"] == expect["worker"]["threadId"], w
    assert w["script"] == expect["argv"][1] and w["lwp"] > 0 and w["error"] is None, w
    contexts = [c for e in envs["environments"] for c in e["native_contexts"]]
    assert sorted(contexts) == sorted(envs["search"]["native_contexts"]), envs


def check_handles(env, snapshot, facts, where):
    handles = env["handles"]
    ref = [h for h in handles if h["ref"]]
    assert env["handle_count"] == len(handles) and env["ref_count"] == len(ref), where
    # Exactly the handles process._getActiveHandles() listed.
    assert len(ref) == len(snapshot["handles"]), (where, ref, snapshot["handles"])
    by_fd = {h["fd"]: h for h in handles if h["fd"] is not None}
    for h in snapshot["handles"]:
        if "fd" in h:
            ours = by_fd.get(h["fd"])
            assert ours is not None and ours["ref"], (where, h)
            wanted = {"Server": ("TCP",), "Socket": ("TCP", "Pipe", "UDP")}[h["class"]]
            assert ours["class"] in wanted and ours["js_class"] == ours["class"], (where, h, ours)
            assert listening(ours) == (h["class"] == "Server"), (where, h, ours)
        elif h["class"] == "ChildProcess":
            assert [o for o in handles if o["class"] == "Process" and o["ref"] and
                    "pid %d" % h["pid"] in o["details"]], (where, h)
        elif h["class"] == "FSWatcher":
            assert [o for o in handles if o["class"] == "FSEvent" and o["details"] == ["watching " + facts["watched_dir"]]]
        elif h["class"] == "StatWatcher":
            assert [o for o in handles if o["class"] == "StatWatcher" and o["details"] == ["polling " + facts["polled_file"]]]
        else:
            pytest.fail("unexpected active handle %r" % h)
    resources = snapshot["resources"][len(snapshot["requests"]):]
    resources = [r for r in resources if r not in ("Timeout", "Immediate")]
    assert collections.Counter(resource_name(h["cpp_class"], listening(h)) for h in ref) == \
        collections.Counter(resources), where
    for h in handles:
        assert h["error"] is None and h["js_object"] and h["uv_handle"] and h["state"], (where, h)
    # libuv's own count: the active ref'd wraps and the loop's other handles.
    loop = env["libuv_loop"]
    assert loop["error"] is None and loop["address"] == env["loop"], (where, loop)
    assert loop["active_handles"] == len([h for h in ref if h["active"]]) + len(loop["others"]), (where, loop)
    assert loop["active_requests"] == len(snapshot["requests"]), (where, loop)
    timers = [o for o in loop["others"] if "JS timers" in o["what"]]
    assert (len(timers) == 1 and timers[0]["type"] == "uv_timer_t") == ("Timeout" in snapshot["resources"]), loop


def test_handles_json_agree_with_get_active_handles(env_core):
    expect, _, _, (_, handles, *_), _ = env_core
    main, worker = by_thread(handles, "main"), by_thread(handles, "worker")
    facts = expect["main"]
    check_handles(main, facts, facts, "main thread")
    check_handles(worker, expect["worker"], expect["worker"], "worker")
    by_fd = {h["fd"]: h for h in main["handles"] if h["fd"] is not None}
    server_b = by_fd[facts["serverB"]["fd"]]
    assert not server_b["ref"] and server_b["class"] == "TCP" and listening(server_b), server_b
    signal = [h for h in main["handles"] if h["class"] == "Signal"]
    assert len(signal) == 1 and not signal[0]["ref"] and signal[0]["details"] == ["SIGUSR2"], signal
    # The requests in flight on a handle are listed with it, as in the text.
    assert [r["what"] for r in by_fd[facts["writer_fd"]]["pending_requests"]] == ["write"]
    assert [r["what"] for r in by_fd[facts["closer_fd"]]["pending_requests"]] == ["shutdown"]
    assert [r["what"] for r in by_fd[facts["connecting_fd"]]["pending_requests"]] == ["connect"]
    child = [h for h in main["handles"] if h["class"] == "Process"][0]
    assert child["details"][0] == "pid %d" % facts["child_pid"], child


def test_requests_json_agree_with_get_active_requests(env_core):
    expect, _, _, (_, _, requests, *_), _ = env_core
    for thread in ("main", "worker"):
        env, snapshot = by_thread(requests, thread), expect[thread]
        items = env["requests"]
        assert env["request_count"] == len(items) == len(snapshot["requests"]), thread
        assert collections.Counter(r["class"] for r in items) == \
            collections.Counter(r["class"] for r in snapshot["requests"]), thread
        assert collections.Counter(resource_name(r["cpp_class"], False) for r in items) == \
            collections.Counter(snapshot["resources"][:len(snapshot["requests"])]), thread
        assert all(r["error"] is None and r["dispatched"] for r in items), items
    main = {r["class"]: r for r in by_thread(requests, "main")["requests"]}
    facts = expect["main"]
    assert (main["FSReqCallback"]["what"], main["FSReqCallback"]["fd"]) == ("read", facts["fifo_fd"])
    assert "16 bytes" in main["FSReqCallback"]["details"]
    assert main["GetAddrInfoReqWrap"]["details"] == ["localhost"]
    assert main["TCPConnectWrap"]["fd"] == facts["connecting_fd"]
    assert "to 127.0.0.1:%d" % facts["serverA"]["port"] in main["TCPConnectWrap"]["details"]
    assert main["WriteWrap"]["fd"] == facts["writer_fd"] and main["ShutdownWrap"]["fd"] == facts["closer_fd"]
    worker = by_thread(requests, "worker")["requests"]
    assert worker[0]["what"] == "read" and worker[0]["fd"] == expect["worker"]["fifo_fd"]


def test_info_json_is_what_process_said(env_core):
    expect, _, _, (_, _, _, info, _), _ = env_core
    assert info["node_version"] == expect["version"] and info["v8_version"] == expect["v8"], info
    assert info["pid"] == expect["pid"] and info["pid_source"] == "process.pid", info
    assert info["exec_path"] == expect["execPath"], info
    assert info["argv"] == expect["argv"] and info["exec_argv"] == [], info
    assert info["process_object"] and len(info["environments"]) == 2, info


def test_why_json_against_get_active_resources_info(env_core):
    expect, _, _, (*_, why), _ = env_core
    for thread in ("main", "worker"):
        env = by_thread(why, thread)
        resources = expect[thread]["resources"]
        requests = len(expect[thread]["requests"])
        timeouts = resources.count("Timeout")
        inactive = [n for n in env["not_keeping_alive"] if n["reason"] == "inactive"]
        # Node counts every ref'd handle; libuv only the active ones.
        assert len(env["handles"]) + len(inactive) == len(resources) - requests - timeouts, (thread, env)
        assert len(env["requests"]) == requests and env["kept_alive"], thread
        assert any("timer handle" in h["what"] for h in env["loop_handles"]) == (timeouts > 0), env["loop_handles"]
        assert all(h["ref"] and h["active"] for h in env["handles"])
        assert not any(n["handle"]["ref"] and n["handle"]["active"] and n["reason"] != "closing"
                       for n in env["not_keeping_alive"])
    main = by_thread(why, "main")
    owners = {h["fd"]: h["owner_class"] for h in main["handles"]}
    assert owners[expect["main"]["serverA"]["fd"]] == "Server", owners
    assert [h for h in main["handles"] if h["class"] == "Process"][0]["owner_class"] == "ChildProcess"
    assert "FSWatcher" in [h["owner_class"] for h in main["handles"]]
    assert isinstance(why["suspended"]["functions"], int) and why["heap_walk"]["interrupted"] is False


def test_bad_input_is_one_line(env_core):
    *_, bad = env_core
    none, extra, unknown, verbose = bad
    for out in bad:
        assert len(out.splitlines()) == 1 and "Traceback" not in out, out
    assert none.startswith("0x1234 is none of the Environments found"), none
    assert extra == "node-info takes no arguments but -json", extra
    assert unknown.startswith("Unrecognized option at: -q"), unknown
    assert verbose.startswith("Unrecognized option at: -v"), verbose


def test_cli_json_equals_the_gdb_json(version, env_core):
    _, core, _, docs, _ = env_core
    for command, doc in zip(("environments", "handles", "requests", "info", "why"), docs):
        r = cli(version, core, command, "--json")
        assert r.returncode == 0, (command, r.stderr)
        assert json.loads(r.stdout) == doc, command


def test_one_environment_only(env_core):
    _, _, gdb, (envs, *_), _ = env_core
    worker = envs["environments"][1]["address"]
    out = documents(gdb.outputs(["node-handles -json %s" % worker, "node-requests -json %s" % worker]))
    assert [e["address"] for d in out for e in d["environments"]] == [worker, worker]


# ---- node_timers.js: timers ----

@pytest.fixture(scope="module")
def timers_core(version, module_built):
    workdir, core = fixtures.make_core(version, TIMERS_SCRIPT)
    expect = fixtures.load_json(workdir + "/expect.json")
    out = Gdb(fixtures.node_binary(version), core).outputs(["node-timers -json", "node-why -json"])
    return expect, core, documents(out)


def check_timers(env, expect, script):
    assert 0 <= env["now_ms"] - expect["now"] <= 5, (env["now_ms"], expect["now"])
    assert env["loop_time_ms"] - env["timer_base_ms"] == env["now_ms"]
    got = sorted((t["repeat"], t["duration_ms"], t["start_ms"], t["ref"], t["callback"]["name"] or "<anonymous>",
                  t["callback"]["where"], t["arguments"]) for t in env["timers"])
    want = sorted((t["repeat"], t["duration"], t["start"], t["refed"], t["name"] or "<anonymous>",
                   "%s:%d:%d" % (script, t["where"]["line"], t["where"]["column"]), t["args"])
                  for t in expect["timers"])
    assert got == want
    for t in env["timers"]:
        assert t["kind"] == ("setInterval" if t["repeat"] else "setTimeout") and not t["running"], t
        assert t["due_ms"] == t["start_ms"] + t["duration_ms"] and t["due_in_ms"] == t["due_ms"] - env["now_ms"], t
    dues = [t["due_ms"] for t in env["timers"]]
    assert dues == sorted(dues)  # soonest first


def test_timers_json_against_the_process(timers_core):
    expect, _, (timers, why) = timers_core
    script = os.path.join(fixtures.FIXTURES, TIMERS_SCRIPT)
    main, worker = by_thread(timers, "main"), by_thread(timers, "worker")
    check_timers(main, expect["main"], script)
    check_timers(worker, expect["worker"], script)

    def where(c):
        return "%s:%d:%d" % (script, c["where"]["line"], c["where"]["column"])
    assert [(i["ref"], i["callback"]["name"] or "<anonymous>", i["callback"]["where"], i["arguments"])
            for i in main["immediates"]] == \
        [(i["refed"], i["name"] or "<anonymous>", where(i), i["args"]) for i in expect["immediates"]]
    assert [(t["callback"]["name"] or "<anonymous>", t["callback"]["where"], t["arguments"]) for t in main["ticks"]] == \
        [(t["name"] or "<anonymous>", where(t), t["args"]) for t in expect["ticks"]]
    assert [m["kind"] for m in main["microtasks"]] == [m["kind"] for m in expect["microtasks"]]
    for got, want in zip(main["microtasks"], expect["microtasks"]):
        if "resumes" in want:
            assert re.match(r"resumes async function %s \(.*%s:\d+:\d+\)$" % (want["resumes"], TIMERS_SCRIPT),
                            got["detail"]), got
        else:
            assert (got["callback"]["name"], got["callback"]["where"]) == (want["name"], where(want)), got
    assert not worker["immediates"] and not worker["ticks"] and not worker["microtasks"]
    assert main["problems"] == [] and worker["problems"] == [] and timers["heap_walk"]["unreadable_bytes"] == 0
    # node-why's timers are node-timers' (the ref'd ones keep the loop alive).
    for thread in ("main", "worker"):
        assert by_thread(why, thread)["timers"] == by_thread(timers, thread)["timers"]
        assert by_thread(why, thread)["ticks"] == len(by_thread(timers, thread)["ticks"])


def test_cli_timers_json_equals_the_gdb_json(version, timers_core):
    _, core, (timers, why) = timers_core
    for command, doc in (("timers", timers), ("why", why)):
        r = cli(version, core, command, "--json")
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout) == doc, command


# ---- node_http.js: http ----

@pytest.fixture(scope="module")
def http_core(version, module_built):
    workdir, core = fixtures.make_core(version, "node_http.js", extra_inputs=(HTTP_WORKER,))
    expect = fixtures.load_json(os.path.join(workdir, "expect.json"))
    out = Gdb(fixtures.node_binary(version), core).outputs(["node-http -json", "node-environments -json"])
    return expect, core, documents(out)


def test_http_json_against_the_process(http_core):
    expect, _, (http, envs) = http_core
    main = by_thread(http, "main")
    assert sorted((s["fd"], s["listening"]) for s in main["servers"]) == \
        sorted((s["fd"], "127.0.0.1:%d" % s["port"]) for s in expect["servers"]), main["servers"]
    for s in main["servers"]:
        assert s["class"] == "Server", s
        port = int(s["listening"].rsplit(":", 1)[1])
        assert sorted((r["method"], r["url"], r["socket"]["fd"]) for r in s["requests"]) == \
            sorted((i["method"], i["url"], i["fd"]) for i in expect["incoming"] if i["server_port"] == port)
        for r in s["requests"]:
            i = [i for i in expect["incoming"] if i["fd"] == r["socket"]["fd"]][0]
            if i["complete"]:
                assert r["receiving_ms"] is None, r
            else:
                assert abs(r["receiving_ms"] - i["arriving_ms"]) <= 25, (r, i)
            assert r["message"] and r["socket"]["class"] == "Socket", r
    assert main["requests_of_other_servers"] == []
    got = sorted((o["method"], o["endpoint"], o["path"], "queued" if o["queued_in_agent"] else o["socket"]["fd"])
                 for o in main["outgoing"])
    want = sorted((c["method"], "%s:%d" % (c["host"], c["port"]), c["path"], "queued" if c.get("queued") else c["fd"])
                  for c in expect["clients"])
    assert got == want and "queued" in [w[3] for w in want]
    worker = by_thread(envs, "worker")["worker"]
    assert worker["thread_id"] == expect["worker"]["threadId"] and worker["script"] == expect["worker"]["script"]


def test_cli_http_json_equals_the_gdb_json(version, http_core):
    _, core, (http, envs) = http_core
    for command, doc in (("http", http), ("environments", envs)):
        r = cli(version, core, command, "--json")
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout) == doc, command


# ---- node-gdb-cli: --help, --version, exit codes ----

def table_names():
    """The subcommand names of the CLI's tables, read from its sources."""
    names = []
    for source in ("tools/cli.cc", "tools/heap_cli.cc"):
        with open(os.path.join(fixtures.REPO, source)) as f:
            names += re.findall(r'^\s+\{"([a-z0-9-]+)", "', f.read(), re.M)
    return names


def test_cli_help_lists_every_subcommand(module_built):
    r = subprocess.run([CLI, "--help"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert r.returncode == 0 and r.stderr == ""
    lines = r.stdout.split("commands:\n", 1)[1].splitlines()
    described = {}
    for line in lines:
        m = re.match(r"^  (\S+) (.*?)\s*\((.+)\)$", line)
        assert m, line
        described[m.group(1)] = m.group(3)
    names = table_names()
    assert len(names) > 20 and sorted(described) == sorted(names), (names, lines)
    for exit_code in ("0  done", "1  the command failed", "2  a wrong command line",
                      "3  the binary, the core or the process cannot", "4  the binary has no V8 postmortem metadata"):
        assert "\n  %s" % exit_code in r.stdout, exit_code
    for name in ("environments", "handles", "requests", "http", "why", "timers", "info"):
        assert "--json" in [l for l in lines if l.startswith("  %s " % name)][0]
    v = subprocess.run([CLI, "--version"], stdout=subprocess.PIPE, text=True)
    assert v.returncode == 0 and v.stdout.strip() == "node-gdb-cli %s" % fixtures.project_version()


def test_cli_exit_codes(version, env_core, tmp_path):
    _, core, _, _, _ = env_core
    node = fixtures.node_binary(version)
    text = tmp_path / "not-a-core"
    text.write_text("hello\n")

    def run(*args):
        r = subprocess.run([CLI] + [str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=300)
        assert len(r.stderr.splitlines()) <= 1 or r.returncode == 2, r.stderr
        return r.returncode, r.stderr

    assert run(node, core)[0] == 2  # no command
    assert run(node, core, "nosuchcommand")[0] == 2
    assert run(node, tmp_path / "missing", "nosuchcommand")[0] == 2  # the command line first
    code, err = run(node, core, "handles", "--bogus")
    assert code == 2 and "unknown argument --bogus" in err, err
    code, err = run(node, core, "findjsinstances")
    assert code == 2 and err.startswith("node-gdb-cli: usage:"), err
    code, err = run(node, tmp_path / "missing", "info")
    assert code == 3 and "cannot open" in err, err
    code, err = run(tmp_path / "missing", core, "info")
    assert code == 3 and "cannot open" in err, err
    code, err = run(node, text, "info")
    assert code == 3, err
    code, err = run(node, node, "info")  # an ELF file, not a core
    assert code == 3 and "is not a core file" in err, err
    code, err = run("/bin/ls", core, "info")
    assert code == 4 and "no V8 postmortem metadata" in err, err
    code, err = run(node, core, "handles", "--json", "0x1234")
    assert code == 1 and "0x1234 is none of the Environments found" in err, err


# ---- a damaged core: what is intact, and where each walk stopped ----

def test_damaged_queues_in_json(version, module_built):
    """tests/fixtures/corrupt.js damages the handle and request queues, the
    vm context's Environment* and two timer lists (test_robustness.py shows
    the text): every document still parses, lists what precedes the damage
    and says where each walk stopped."""
    import damaged_core
    _, core, addresses, _ = damaged_core.make(version)
    gdb = Gdb(fixtures.node_binary(version), core)
    commands = ["node-environments -json", "node-handles -json", "node-requests -json", "node-http -json",
                "node-info -json", "node-timers -json", "node-why -json"]
    envs, handles, requests, http, info, timers, why = documents(gdb.outputs(commands))
    assert [e["address"] for e in envs["environments"]] == ["0x%016x" % int(addresses["environment"], 16)]
    assert any("cannot be read" in r for r in envs["search"]["rejected"]), envs["search"]
    main = handles["environments"][0]
    assert sorted(h["class"] for h in main["handles"]) == ["FSEvent", "TCP"], main["handles"]
    assert "(a cycle that misses the head)" in main["handles_error"], main
    assert "%#x" % int(addresses["self_looped_node"], 16) in main["handles_error"], main
    reqs = requests["environments"][0]
    assert reqs["requests"][0]["class"] == "FSReqCallback" and reqs["requests"][0]["what"] == "stat"
    assert "holds 0x4141414141414140, which cannot be read" in reqs["requests_error"], reqs
    assert http["environments"][0]["servers"] == [] and http["environments"][0]["outgoing"] == []
    assert any(a.endswith("corrupt.js") for a in info["argv"]), info
    t = timers["environments"][0]
    names = [x["callback"]["name"] for x in t["timers"]]
    assert "loopy" in names and "stray" in names, names
    assert any("loops or exceeds 100000 items" in p for p in t["problems"]), t["problems"]
    assert any("which is no Timeout" in p for p in t["problems"]), t["problems"]
    w = why["environments"][0]
    assert "(a cycle that misses the head)" in w["handles_error"] and w["timers"] == t["timers"], w


# ---- a live process: the kernel's socket tables fill in what memory lacks ----

def test_live_process_json(version, module_built, tmp_path):
    """node_env.js run under GDB and stopped at its abort: the ref'd handles
    are process._getActiveHandles() (stdout and stderr are pipes there:
    Node counts them too), and the ports listen(0) and bind(0) got, which
    only the kernel knows, are in the JSON as in the text."""
    node = fixtures.node_binary(version)
    out = fixtures.run_gdb(["--args", node, os.path.join(fixtures.FIXTURES, "node_env.js")],
                           ["run", "echo @@@\\n", "node-handles -json", "echo @@@\\n", "node-info -json",
                            "echo @@@\\n", "kill"], cwd=str(tmp_path), timeout=600)
    handles, info = documents(out.split("@@@\n")[1:3])
    expect = fixtures.load_json(str(tmp_path / "expect.json"))
    main, worker = by_thread(handles, "main"), by_thread(handles, "worker")
    assert main["ref_count"] == len(expect["main"]["handles"]), main
    assert worker["ref_count"] == len(expect["worker"]["handles"]), worker
    m = expect["main"]
    by_fd = {h["fd"]: h for h in main["handles"] if h["fd"] is not None}
    for server in ("serverA", "serverB"):
        assert "listening 127.0.0.1:%d" % m[server]["port"] in by_fd[m[server]["fd"]]["details"]
    client = by_fd[m["client_fd"]]
    assert client["peer"] == "127.0.0.1:%d" % m["serverA"]["port"] and client["local"].startswith("127.0.0.1:"), client
    assert info["pid"] == expect["pid"] and info["argv"] == expect["argv"], info
