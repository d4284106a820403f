"""node-info, node-environments, node-handles and node-requests on real
cores and a live process of every Node version, against what the same
process said about itself just before it aborted (tests/fixtures/node_env.js
writes process._getActiveHandles(), _getActiveRequests() and
getActiveResourcesInfo() of the main thread and of its Worker).

Ref'd handles must match process._getActiveHandles() exactly (count, kind,
fd / pid / path); unref'd ones (a server, the signal handle) must be listed
too; requests must match _getActiveRequests(); the C++ classes must give
getActiveResourcesInfo()'s names."""

import collections
import os
import re
import subprocess

import pytest

import fixtures
from conftest import Gdb, assert_no_traceback

HEX = r"0x[0-9a-f]+"
HANDLE = re.compile(r"^  (%s)\s+(\S+)\s+(ref|unref)\s+(active|inactive|closing|closed)\s+(.*?)\s*"
                    r"(?:<(\S+) (%s)>|<no JS object>)(?:  (.+?), uv_handle_t (%s) (\S+) flags (%s))?(?:  \((.*)\))?$"
                    % (HEX, HEX, HEX, HEX))
REQUEST = re.compile(r"^  (%s)\s+(\S+)\s+(.*?)\s*(?:<(\S+) (%s)>|<no JS object>)(?:  (.+?), uv_req_t (%s) (\S+))?"
                     r"(?:  \((.*)\))?$" % (HEX, HEX, HEX))
LOOP = re.compile(r"^  libuv loop (%s): (\d+) active ref'd handles?, (\d+) active requests?( keep it running|: nothing keeps it running)$"
                  % HEX)
LOOP_HANDLE = re.compile(r"^  (%s)\s+(uv_\w+_t)\s+ref\s+active\s+(.*?)(?:  flags (%s))?$" % (HEX, HEX))
ENV = re.compile(r"^Environment (%s) \((main thread|worker thread|thread unknown)\): (\d+) (handles?|requests?)"
                 r"(?:, (\d+) ref'd)?$" % HEX)


class Parsed:
    def __init__(self, text, pattern):
        self.envs = collections.OrderedDict()  # address -> (thread, header numbers, [lines])
        self.errors = []
        current = None
        for line in text.splitlines():
            m = ENV.match(line)
            if m:
                current = int(m.group(1), 16)
                self.envs[current] = {"thread": m.group(2), "count": int(m.group(3)),
                                      "ref": int(m.group(5)) if m.group(5) else None, "items": [], "loop": None,
                                      "loop_handles": []}
                continue
            if current is None or not line.startswith("  "):
                continue
            m = pattern.match(line)
            if m:
                self.envs[current]["items"].append(m)
                continue
            m = LOOP.match(line)
            if m:
                self.envs[current]["loop"] = m
                continue
            m = LOOP_HANDLE.match(line)
            if m:
                self.envs[current]["loop_handles"].append(m)
            else:
                self.errors.append(line)

    def by_thread(self, thread):
        found = [e for e in self.envs.values() if e["thread"] == thread]
        assert len(found) == 1, (thread, list(self.envs.values()))
        return found[0]


def details(m):
    return m.group(5)


def resource_name(cpp_class, listening):
    """getActiveResourcesInfo()'s name (MemoryInfoName) from the C++ class."""
    base = re.sub(r"<.*$", "", cpp_class.split("::")[-1]) if "<" not in cpp_class else \
        re.sub(r"<.*$", "", cpp_class).split("::")[-1]
    if base == "TCPWrap":
        return "TCPServerWrap" if listening else "TCPSocketWrap"
    if base == "PipeWrap" and listening:
        return "PipeServerWrap"
    return base


class Fixture:
    def __init__(self, version, arch="x64"):
        self.version = version
        self.binary = fixtures.node_binary(version, arch)
        # arm64 runs under qemu-user, whose guest cannot exec another arm64
        # binary: the child process is the machine's own node.
        env = {"NODE_GDB_CHILD_NODE": fixtures.node_binary(version)} if arch != "x64" else None
        self.workdir, self.core = fixtures.make_core(version, "node_env.js", arch=arch, env=env)
        self.expect = fixtures.load_json(os.path.join(self.workdir, "expect.json"))
        self.gdb = Gdb(self.binary, self.core, arch)
        out = self.gdb.outputs(["node-info", "node-environments", "node-handles -v", "node-requests -v",
                                "node-handles", "node-requests"])
        self.info, self.environments, self.handles_text, self.requests_text, self.plain_handles, \
            self.plain_requests = out
        self.handles = Parsed(self.handles_text, HANDLE)
        self.requests = Parsed(self.requests_text, REQUEST)


@pytest.fixture(scope="session")
def ne(version, module_built):
    return Fixture(version)


def test_environments_of_main_thread_and_worker(ne):
    first = ne.environments.splitlines()[0]
    # Found from the two isolates' global handles: no memory scanned.
    assert first == "2 Environments (main thread, 1 worker) in 2 native contexts, found from the global handles " \
        "of 2 isolates", ne.environments
    lines = ne.environments.splitlines()[1:]
    assert len(lines) == 2 and "main thread" in lines[0] and "worker thread" in lines[1], ne.environments
    for line in lines:
        assert re.match(r"^  %s\s+(main|worker) thread\s+loop %s\s+native context %s$" % (HEX, HEX, HEX), line) or \
            re.match(r'^  %s\s+worker thread\s+loop %s\s+native context %s\s+threadId %d "%s" LWP \d+$' % (
                HEX, HEX, HEX, ne.expect["worker"]["threadId"], re.escape(ne.expect["argv"][1])), line), line
    # Columns aligned although the worker's addresses are longer.
    assert len({re.search(r"(main|worker) thread", l).start() for l in lines}) == 1 and len({l.index("loop ") for l in lines}) == 1, lines
    # The same Environments everywhere.
    assert list(ne.handles.envs) == list(ne.requests.envs)
    assert [int(l.split()[0], 16) for l in lines] == list(ne.handles.envs)


def check_handles(env, snapshot, facts, where):
    items = env["items"]
    assert env["count"] == len(items), where
    ref = [m for m in items if m.group(3) == "ref"]
    assert env["ref"] == len(ref), where
    # Exactly the handles process._getActiveHandles() listed.
    assert len(ref) == len(snapshot["handles"]), (where, [m.group(0) for m in ref], snapshot["handles"])
    by_fd = {}
    for m in items:
        fd = re.search(r"\bfd (\d+)\b", details(m))
        if fd:
            by_fd[int(fd.group(1))] = m
    for h in snapshot["handles"]:
        if "fd" in h:
            m = by_fd.get(h["fd"])
            assert m is not None and m.group(3) == "ref", (where, h, env)
            expected_class = {"Server": "TCP", "Socket": ("TCP", "Pipe", "UDP")}[h["class"]]
            assert m.group(2) in (expected_class if isinstance(expected_class, tuple) else (expected_class,)), (h, m.group(0))
            if h["class"] == "Server":
                assert "listening 127.0.0.1" in details(m), m.group(0)
        elif h["class"] == "ChildProcess":
            assert any(m.group(2) == "Process" and m.group(3) == "ref" and "pid %d" % h["pid"] in details(m)
                       for m in items), (where, h)
        elif h["class"] == "FSWatcher":
            assert any(m.group(2) == "FSEvent" and m.group(3) == "ref" and
                       details(m) == "watching " + facts["watched_dir"] for m in items), (where, h)
        elif h["class"] == "StatWatcher":
            assert any(m.group(2) == "StatWatcher" and m.group(3) == "ref" and
                       details(m) == "polling " + facts["polled_file"] for m in items), (where, h)
        else:
            pytest.fail("unexpected active handle %r" % h)
    # getActiveResourcesInfo(): requests first, then ref'd handles, then timers.
    resources = snapshot["resources"][len(snapshot["requests"]):]
    resources = [r for r in resources if r not in ("Timeout", "Immediate")]
    ours = [resource_name(m.group(8), "listening" in details(m)) for m in ref]
    assert collections.Counter(ours) == collections.Counter(resources), (where, ours, resources)
    for m in items:
        assert m.group(12) is None, (where, m.group(0))  # no per-handle error
        assert m.group(6), (where, "no JS wrapper", m.group(0))
    # libuv's own count of what keeps the loop running: the active ref'd
    # wraps plus the loop's other active ref'd handles, listed after them.
    loop = env["loop"]
    assert loop, (where, "no libuv loop line")
    active_ref = [m for m in ref if m.group(4) == "active"]
    assert int(loop.group(2)) == len(active_ref) + len(env["loop_handles"]), (where, loop.group(0), env)
    assert int(loop.group(3)) == len(snapshot["requests"]), (where, loop.group(0))
    # JS timers keep the loop alive through the Environment's timer handle.
    timers = [m for m in env["loop_handles"] if "JS timers" in m.group(3)]
    if "Timeout" in snapshot["resources"]:
        assert len(timers) == 1 and timers[0].group(2) == "uv_timer_t", (where, env["loop_handles"])


def test_handles_agree_with_get_active_handles(ne):
    main = ne.handles.by_thread("main thread")
    facts = ne.expect["main"]
    check_handles(main, facts, facts, "main thread")
    assert not ne.handles.errors, ne.handles.errors

    def line_with_fd(fd):
        return [m for m in main["items"] if re.search(r"\bfd %d\b" % fd, details(m))][0]

    # The unref'd server and signal handle are there, as unref.
    server_b = line_with_fd(facts["serverB"]["fd"])
    assert server_b.group(2) == "TCP" and server_b.group(3) == "unref" and \
        details(server_b).startswith("fd %d  listening 127.0.0.1" % facts["serverB"]["fd"]), server_b.group(0)
    signal = [m for m in main["items"] if m.group(2) == "Signal"]
    assert len(signal) == 1 and signal[0].group(3) == "unref" and details(signal[0]) == "SIGUSR2", signal
    # What identifies each handle.
    for fd in facts["accepted_fds"]:
        assert "accepted by server 127.0.0.1" in details(line_with_fd(fd))
    assert line_with_fd(facts["client_fd"]).group(2) == "TCP"
    assert "write pending" in details(line_with_fd(facts["writer_fd"]))
    assert "shutdown pending" in details(line_with_fd(facts["closer_fd"]))
    assert "connect pending to 127.0.0.1:%d" % facts["serverA"]["port"] in details(line_with_fd(facts["connecting_fd"]))
    assert line_with_fd(facts["child_stdin_fd"]).group(2) == "Pipe"
    child = [m for m in main["items"] if m.group(2) == "Process"][0]
    assert details(child).startswith('pid %d  "%s -e ' % (facts["child_pid"], facts["child_command"])), child.group(0)
    udp = [m for m in main["items"] if m.group(2) == "UDP"]
    assert len(udp) == 1 and udp[0].group(3) == "ref", udp


def test_worker_handles_agree_with_its_get_active_handles(ne):
    worker = ne.handles.by_thread("worker thread")
    facts = ne.expect["worker"]
    check_handles(worker, facts, facts, "worker")
    server = [m for m in worker["items"] if re.search(r"\bfd %d\b" % facts["server_fd"], details(m))]
    assert server and "listening 127.0.0.1" in details(server[0]), worker


def check_requests(env, snapshot, where):
    items = env["items"]
    assert env["count"] == len(items) == len(snapshot["requests"]), (where, env, snapshot["requests"])
    assert collections.Counter(m.group(2) for m in items) == \
        collections.Counter(r["class"] for r in snapshot["requests"]), where
    resources = snapshot["resources"][:len(snapshot["requests"])]
    assert collections.Counter(resource_name(m.group(6), False) for m in items) == collections.Counter(resources), \
        (where, resources)
    for m in items:
        assert m.group(9) is None, (where, m.group(0))


def test_requests_agree_with_get_active_requests(ne):
    main = ne.requests.by_thread("main thread")
    facts = ne.expect["main"]
    check_requests(main, facts, "main thread")
    text = {m.group(2): m.group(3) for m in main["items"]}
    assert text["FSReqCallback"] == "read  fd %d  16 bytes" % facts["fifo_fd"], text
    assert text["GetAddrInfoReqWrap"] == "getaddrinfo  localhost", text
    assert text["TCPConnectWrap"] == "connect  to 127.0.0.1:%d  fd %d" % (facts["serverA"]["port"], facts["connecting_fd"])
    assert re.match(r"^write  fd %d  \d+ bytes left$" % facts["writer_fd"], text["WriteWrap"]), text
    assert text["ShutdownWrap"] == "shutdown  fd %d" % facts["closer_fd"], text
    worker = ne.requests.by_thread("worker thread")
    check_requests(worker, ne.expect["worker"], "worker")
    assert worker["items"][0].group(3) == "read  fd %d  16 bytes" % ne.expect["worker"]["fifo_fd"]


def test_plain_output_is_the_verbose_without_the_cpp_part(ne):
    plain = [l for l in ne.plain_handles.splitlines() if l.startswith("  0x")]
    verbose = [l for l in ne.handles_text.splitlines() if l.startswith("  0x")]
    assert len(plain) == len(verbose)
    for p, v in zip(plain, verbose):
        assert v.startswith(p), (p, v)
    assert "uv_handle_t" not in ne.plain_handles and "node::" not in ne.plain_requests


def test_node_info(ne):
    e = ne.expect
    fields = dict(re.findall(r"^(\w+):\s+(.*)$", ne.info, re.M))
    assert fields["Node"] == e["version"], ne.info
    assert fields["V8"] == e["v8"], ne.info
    assert fields["pid"] == str(e["pid"]), ne.info
    assert fields["execPath"] == e["execPath"], ne.info
    assert fields["argv"] == "[ %s ]" % ", ".join("'%s'" % a for a in e["argv"]), ne.info
    assert fields["execArgv"] == "[]", ne.info
    assert fields["threads"].startswith("2 Environments (main thread, 1 worker)"), ne.info


def test_wrappers_print_as_javascript(ne):
    """The JS wrapper named on each line is the object Node gave JavaScript."""
    main = ne.handles.by_thread("main thread")
    wanted = [m for m in main["items"] if m.group(2) in ("TCP", "Process", "StatWatcher")][:3]
    printed = ne.gdb.outputs(["v8 print %s" % m.group(7) for m in wanted])
    for m, text in zip(wanted, printed):
        assert re.match(r"^(<ref \*1> )?%s \{" % m.group(2), text), (m.group(0), text[:300])


def test_one_environment_and_bad_arguments(ne):
    main = list(ne.handles.envs)[0]
    out = ne.gdb.outputs(["node-handles %#x" % main, "node-requests %#x" % main, "node-handles 0x1234",
                          "node-handles --bogus", "node-requests (", ])
    assert out[0].count("Environment 0x") == 1 and ("Environment %#x (main thread)" % main) in out[0], out[0]
    assert out[1].count("Environment 0x") == 1, out[1]
    assert out[2].startswith("0x1234 is none of the Environments found (2 Environments"), out[2]
    assert out[3] == "Unrecognized option at: --bogus", out[3]  # GDB-style options
    assert len(out[4].splitlines()) == 1, out[4]


# ---------------------------------------------------------------------------
# A live process: the fixture stopped by its own abort under GDB (memory read
# through /proc/PID/mem, ranges from /proc/PID/maps), then a corrupt list.

@pytest.fixture(scope="session")
def live(version, module_built, tmp_path_factory):
    node = fixtures.node_binary(version)
    workdir = str(tmp_path_factory.mktemp("node_env_live_%s" % version))
    offset = "*(unsigned long*)&nodedbg_offset_HandleWrap__handle_wrap_queue___ListNode_HandleWrap"
    commands = ["run", "echo @@@\\n", "node-handles", "echo @@@\\n", "node-requests", "echo @@@\\n", "node-info",
                "echo @@@\\n",
                # Corrupt the first handle's next_ link (through GDB, as a
                # user's stray write would) and list again.
                "python import node_gdb.node_commands as n; t, s, _ = n.environments(); "
                "gdb.set_convenience_variable('env', s.environments[0][0])",
                "python import re; text = gdb.execute('node-handles $env', to_string=True); "
                "gdb.set_convenience_variable('first', int(re.search(r'^  (0x[0-9a-f]+)', text, re.M).group(1), 16))",
                "set var *(unsigned long*)($first + %s + 8) = 0x10" % offset,
                "node-handles", "echo @@@\\n", "kill"]
    out = fixtures.run_gdb(["--args", node, os.path.join(fixtures.FIXTURES, "node_env.js")], commands,
                           cwd=workdir, timeout=600)
    assert_no_traceback(out)
    expect = fixtures.load_json(os.path.join(workdir, "expect.json"))
    parts = out.split("@@@\n")
    return parts[1:5], expect


def test_live_process(live):
    (handles, requests, info, corrupt), expect = live
    parsed = Parsed(handles, HANDLE)
    main = parsed.by_thread("main thread")
    # Under GDB stdout and stderr are pipes: Node counts them too.
    assert main["ref"] == len(expect["main"]["handles"]), (handles, expect["main"]["handles"])
    worker = parsed.by_thread("worker thread")
    assert worker["ref"] == len(expect["worker"]["handles"]), handles
    req = Parsed(requests, REQUEST)
    assert req.by_thread("main thread")["count"] == len(expect["main"]["requests"]), requests
    assert re.search(r"^pid:\s+%d$" % expect["pid"], info, re.M), info
    # What only the kernel knows, from its socket tables (a live process):
    # the ports listen(0) and bind(0) got, and a connection's peer.
    m = expect["main"]
    for server in ("serverA", "serverB"):
        assert re.search(r"fd %d\s+listening 127\.0\.0\.1:%d " % (m[server]["fd"], m[server]["port"]), handles), handles
    assert re.search(r"fd %d\s+127\.0\.0\.1:\d+ -> 127\.0\.0\.1:%d " % (m["client_fd"], m["serverA"]["port"]),
                     handles), handles
    assert re.search(r"bound 127\.0\.0\.1:%d " % m["udp_port"], handles), handles
    assert "listening 127.0.0.1:%d " % expect["worker"]["server_port"] in handles, handles
    # The corrupt link: what was read, where, and a clear message; the rest
    # of the output goes on.
    m = re.search(r"^  handle_wrap_queue_ walk stopped: next_ at (%s) holds 0x10, which cannot be read$" % HEX, corrupt, re.M)
    assert m, corrupt
    after = Parsed(corrupt, HANDLE)
    assert list(after.envs)[0] == list(parsed.envs)[0]
    assert len(after.envs[list(after.envs)[0]]["items"]) == 1, corrupt
    assert after.by_thread("worker thread")["ref"] == worker["ref"], corrupt


def test_not_a_node_program(module_built):
    out = fixtures.run_gdb(["/bin/true"], ["node-handles", "node-info", "node-requests", "node-environments"])
    assert_no_traceback(out)
    lines = [l for l in out.splitlines() if l.strip() and not l.startswith("node-gdb ")]
    assert lines and all("no process or core file" in l or "no V8 postmortem metadata" in l for l in lines), out
