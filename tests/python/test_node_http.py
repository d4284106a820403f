"""node-http, the client sockets of node-handles and the Worker details of
node-environments, on real cores and a live process of every Node version,
against what the same process said just before it aborted
(tests/fixtures/node_http.js: two HTTP servers with four requests in their
handlers, the ClientRequests that sent them and one queued in its agent, an
idle keep-alive connection, and a Worker).

What memory holds is compared with what Node said: each IncomingMessage's
method and URL under the server whose connection carries it, each
ClientRequest's method, host:port and path on the socket with its fd, the
Worker's threadId and script, and the Worker's LWP is the thread running
node::worker::Worker::Run. In a live process the kernel's socket tables
give the client sockets' local ports, which only the kernel knows."""

import os
import re

import pytest

import fixtures
from conftest import Gdb, assert_no_traceback

HEX = r"0x[0-9a-f]+"
ENDPOINTS = r"(?: (\S+) -> (\S+))?"
SERVER = re.compile(r"^  server <(\w+) (%s)> fd (\d+)  listening (\S+)(?: \((.*)\))?: (\d+) requests?$" % HEX)
INCOMING = re.compile(r"^    (\S+) (\S+)(\s+)socket fd (\d+)%s  <IncomingMessage (%s)>(?:  receiving for (\d+) ms)?$"
                      % (ENDPOINTS, HEX))
OUTGOING = re.compile(r"^    (\S+) (\S+) (\S+)(\s+)(?:socket fd (\d+)%s|(no socket yet: queued in its agent))  "
                      r"<ClientRequest (%s)>$" % (ENDPOINTS, HEX))
HEADER = re.compile(r"^Environment (%s) \((main thread|worker thread)\): (\d+) servers?, (\d+) requests? being handled, "
                    r"(\d+) outgoing$" % HEX)
ENV_LINE = re.compile(r"^  (%s)(\s+)(main thread|worker thread)(\s+)loop (%s)(\s+)native context (%s)(?:(\s+)(.*))?$"
                      % (HEX, HEX, HEX))
WORKER = re.compile(r'^threadId (\d+) "(.*)" LWP (\d+)$')
WORKER_SCRIPT = os.path.join(fixtures.FIXTURES, "node_http_worker.js")


def make_core(version, arch="x64"):
    return fixtures.make_core(version, "node_http.js", extra_inputs=(WORKER_SCRIPT,), arch=arch)


def parse_http(text):
    """{thread: {"header": m, "servers": [(m, [incoming m])], "outgoing": [m]}} and the unparsed lines."""
    envs, unparsed, current = {}, [], None
    for line in text.splitlines():
        m = HEADER.match(line)
        if m:
            current = envs[m.group(2)] = {"header": m, "servers": [], "outgoing": []}
            continue
        if current is None or line in ("  outgoing requests:",):
            continue
        m = SERVER.match(line)
        if m:
            current["servers"].append((m, []))
            continue
        m = INCOMING.match(line)
        if m and current["servers"]:
            current["servers"][-1][1].append(m)
            continue
        m = OUTGOING.match(line)
        if m:
            current["outgoing"].append(m)
            continue
        unparsed.append(line)
    return envs, unparsed


class Fixture:
    def __init__(self, version, arch="x64"):
        self.version = version
        self.workdir, self.core = make_core(version, arch)
        self.expect = fixtures.load_json(os.path.join(self.workdir, "expect.json"))
        self.gdb = Gdb(fixtures.node_binary(version, arch), self.core, arch)
        self.http, self.verbose_http, self.handles, self.environments, self.threads = self.gdb.outputs(
            ["node-http", "node-http -v", "node-handles", "node-environments", "info threads"])
        self.envs, self.unparsed = parse_http(self.http)


@pytest.fixture(scope="session")
def nh(version, module_built):
    return Fixture(version)


def check_incoming(main, expect, where):
    """Each server's requests are exactly the IncomingMessages Node handed
    to that server's handler; endpoints, where shown, are the sockets'."""
    assert len(main["servers"]) == len(expect["servers"]), (where, main)
    for server in expect["servers"]:
        found = [(m, reqs) for m, reqs in main["servers"] if int(m.group(3)) == server["fd"]]
        assert len(found) == 1, (where, server, main["servers"])
        m, reqs = found[0]
        assert m.group(1) == "Server", m.group(0)
        assert m.group(4) == "127.0.0.1:%d" % server["port"], (where, m.group(0), server)
        wanted = sorted((i["method"], i["url"], i["fd"]) for i in expect["incoming"] if i["server_port"] == server["port"])
        assert sorted((r.group(1), r.group(2), int(r.group(4))) for r in reqs) == wanted, (where, m.group(0), reqs)
        assert int(m.group(6)) == len(wanted), m.group(0)
        for r in reqs:
            i = [i for i in expect["incoming"] if i["fd"] == int(r.group(4))][0]
            # A message still arriving says for how long (from its Parser's
            # start and the loop's clock): within 25 ms of the handler's
            # own hrtime, about 300 ms; a complete one has no start time.
            if i["complete"]:
                assert r.group(8) is None, (where, r.group(0), i)
            else:
                assert r.group(8) is not None and abs(int(r.group(8)) - i["arriving_ms"]) <= 25, (where, r.group(0), i)
            if r.group(5):
                assert (r.group(5), r.group(6)) == ("127.0.0.1:%d" % i["server_port"], "127.0.0.1:%d" % i["peer_port"]), \
                    (where, r.group(0), i)
    total = sum(len(reqs) for _, reqs in main["servers"])
    assert int(main["header"].group(3)) == len(expect["servers"]) and int(main["header"].group(4)) == total, where


def check_outgoing(main, expect, where, kernel=False):
    """Each ClientRequest on its socket (by fd), or queued in its agent."""
    got = sorted((m.group(1), m.group(2), m.group(3), int(m.group(5)) if m.group(5) else "queued")
                 for m in main["outgoing"])
    wanted = sorted((c["method"], "%s:%d" % (c["host"], c["port"]), c["path"], "queued" if c.get("queued") else c["fd"])
                    for c in expect["clients"])
    assert got == wanted, (where, [m.group(0) for m in main["outgoing"]], expect["clients"])
    assert "queued" in [w[3] for w in wanted], expect["clients"]
    assert int(main["header"].group(5)) == len(wanted), where
    for m in main["outgoing"]:
        if not m.group(5):
            continue
        c = [c for c in expect["clients"] if c.get("fd") == int(m.group(5))][0]
        if kernel:
            # Only the kernel knows a client socket's local port.
            assert (m.group(6), m.group(7)) == ("127.0.0.1:%d" % c["local_port"], "127.0.0.1:%d" % c["port"]), \
                (where, m.group(0), c)
        else:
            assert m.group(6) is None, (where, "endpoints a core cannot know", m.group(0))


def check_columns(lines, pattern, spacer_groups):
    """Every line's columns start at the same offsets: the spacing groups
    pad the shorter values to the longest."""
    matches = [pattern.match(l) for l in lines]
    assert all(matches), lines
    for g in spacer_groups:
        starts = {m.end(g) for m in matches if m.group(g) is not None}
        assert len(starts) == 1, (g, lines)


def test_requests_being_handled(nh):
    assert not nh.unparsed, nh.unparsed
    check_incoming(nh.envs["main thread"], nh.expect, "core")
    assert int(nh.envs["worker thread"]["header"].group(4)) == 0, nh.http


def test_outgoing_requests(nh):
    check_outgoing(nh.envs["main thread"], nh.expect, "core")


def test_idle_keep_alive_connection_is_not_in_flight(nh):
    """A request answered before the abort left its keep-alive connection
    open on both sides (the server's parser still holds the completed
    message): neither side is listed as in flight."""
    assert "/health" not in nh.http and "/health" not in nh.handles, (nh.http, nh.handles)
    line = handle_lines(nh.handles)[nh.expect["idle_client_fd"]]
    assert "request " not in line and "client of" not in line, line


def test_http_columns_line_up(nh):
    main = nh.envs["main thread"]
    incoming = [r.group(0) for _, reqs in main["servers"] for r in reqs]
    assert len({r.group(1, 2) for _, reqs in main["servers"] for r in reqs}) > 1, incoming
    check_columns(incoming, INCOMING, [3])
    check_columns([m.group(0) for m in main["outgoing"]], OUTGOING, [4])


def test_objects_named_are_the_requests(nh):
    """The IncomingMessage and ClientRequest addresses print as those objects."""
    main = nh.envs["main thread"]
    inc = main["servers"][0][1][0]
    out = main["outgoing"][0]
    printed = nh.gdb.outputs(["v8 print %s" % inc.group(7), "v8 print %s" % out.group(9)])
    assert re.match(r"^(<ref \*\d+> )?IncomingMessage \{", printed[0]) and "method: '%s'" % inc.group(1) in printed[0] and \
        "url: '%s'" % inc.group(2) in printed[0], printed[0][:2000]
    assert re.match(r"^(<ref \*\d+> )?ClientRequest \{", printed[1]) and "method: '%s'" % out.group(1) in printed[1], printed[1][:2000]


def test_verbose_adds_the_socket_and_response(nh):
    plain = [l for l in nh.http.splitlines() if l.startswith("    ")]
    verbose = [l for l in nh.verbose_http.splitlines() if l.startswith("    ")]
    served, sent = len(nh.expect["incoming"]), len(nh.expect["clients"])
    assert len(plain) == len(verbose) == served + sent, nh.verbose_http
    for p, v in zip(plain, verbose):
        assert v.startswith(p + "  <Socket 0x") or ("queued in its agent" in p and v == p), (p, v)
    responses = re.findall(r"<ServerResponse (%s)>$" % HEX, nh.verbose_http, re.M)
    assert len(responses) == served, nh.verbose_http
    printed = nh.gdb.outputs(["v8 print %s" % responses[0]])[0]
    assert re.match(r"^(<ref \*\d+> )?ServerResponse \{", printed), printed[:500]


def handle_lines(text):
    return {int(m.group(1)): line for line in text.splitlines() for m in [re.search(r"\bfd (\d+)\b", line)] if m}


def test_client_sockets_in_node_handles(nh):
    by_fd = handle_lines(nh.handles)
    for c in [c for c in nh.expect["clients"] if not c.get("queued")]:
        line = by_fd[c["fd"]]
        assert "fd %d  client of %s:%d  request %s %s <TCP 0x" % (c["fd"], c["host"], c["port"], c["method"], c["path"]) \
            in line, line
    for i in nh.expect["incoming"]:
        line = by_fd[i["fd"]]
        assert "accepted by server 127.0.0.1" in line and "serving %s %s <TCP" % (i["method"], i["url"]) in line, line


def test_worker_is_named(nh):
    lines = nh.environments.splitlines()[1:]
    check_columns(lines, ENV_LINE, [2, 4, 6])
    worker = [ENV_LINE.match(l) for l in lines if "worker thread" in l]
    assert len(worker) == 1, lines
    m = WORKER.match(worker[0].group(9) or "")
    assert m, worker[0].group(0)
    w = nh.expect["worker"]
    assert int(m.group(1)) == w["threadId"] == w["says"]["threadId"], (m.group(0), w)
    assert m.group(2) == w["script"] == w["says"]["argv"][1], (m.group(0), w)
    # The LWP is the thread `info threads` lists, and that thread runs the Worker.
    lwp = int(m.group(3))
    gdb_thread = re.search(r"^\*?\s+(\d+)\s+(?:Thread \S+ \(LWP %d\)|LWP %d)" % (lwp, lwp), nh.threads, re.M)
    assert gdb_thread, (lwp, nh.threads)
    bt = nh.gdb.outputs(["thread %s" % gdb_thread.group(1), "bt"])[1]
    assert "node::worker::Worker::Run" in bt, bt[-3000:]
    main = [l for l in lines if "main thread" in l][0]
    assert ENV_LINE.match(main).group(9) is None, main


def test_bad_arguments(nh):
    out = nh.gdb.outputs(["node-http 0x1234", "node-http --bogus"])
    assert out[0].startswith("0x1234 is none of the Environments found (2 Environments"), out[0]
    assert out[1] == "Unrecognized option at: --bogus", out[1]  # GDB-style options


# ---------------------------------------------------------------------------
# A live process: the fixture stopped by its own abort under GDB; the
# kernel's socket tables say the client sockets' local ports.

@pytest.fixture(scope="session")
def live(version, module_built, tmp_path_factory):
    node = fixtures.node_binary(version)
    workdir = str(tmp_path_factory.mktemp("node_http_live_%s" % version))
    commands = ["run", "echo @@@\\n", "node-http", "echo @@@\\n", "node-handles", "echo @@@\\n",
                "node-environments", "echo @@@\\n", "info threads", "echo @@@\\n", "kill"]
    out = fixtures.run_gdb(["--args", node, os.path.join(fixtures.FIXTURES, "node_http.js")], commands,
                           cwd=workdir, timeout=600)
    assert_no_traceback(out)
    expect = fixtures.load_json(os.path.join(workdir, "expect.json"))
    return out.split("@@@\n")[1:5], expect


def test_live_process(live):
    (http, handles, environments, threads), expect = live
    envs, unparsed = parse_http(http)
    assert not unparsed, unparsed
    main = envs["main thread"]
    check_incoming(main, expect, "live")
    check_outgoing(main, expect, "live", kernel=True)
    by_fd = handle_lines(handles)
    for c in [c for c in expect["clients"] if not c.get("queued")]:
        assert "fd %d  127.0.0.1:%d -> 127.0.0.1:%d  client of 127.0.0.1:%d  request %s %s <TCP " % (
            c["fd"], c["local_port"], c["port"], c["port"], c["method"], c["path"]) in by_fd[c["fd"]], by_fd[c["fd"]]
    for s in expect["servers"]:
        assert "fd %d  listening 127.0.0.1:%d " % (s["fd"], s["port"]) in by_fd[s["fd"]], by_fd[s["fd"]]
    worker = [l for l in environments.splitlines() if "worker thread" in l]
    assert len(worker) == 1 and 'threadId %d "%s" LWP ' % (expect["worker"]["threadId"], expect["worker"]["script"]) \
        in worker[0], environments
    lwp = int(worker[0].rsplit(" ", 1)[1])
    assert re.search(r"\(LWP %d\)" % lwp, threads), (lwp, threads)


def test_net_servers_are_not_http(version, module_built):
    """node_env.js's TCP servers and connections are plain `net`: no HTTP server, request or client."""
    _, core = fixtures.make_core(version, "node_env.js")
    out = Gdb(fixtures.node_binary(version), core).outputs(["node-http"])[0]
    envs, unparsed = parse_http(out)
    assert set(envs) == {"main thread", "worker thread"} and not unparsed, out
    for env in envs.values():
        assert env["header"].group(3, 4, 5) == ("0", "0", "0"), out
