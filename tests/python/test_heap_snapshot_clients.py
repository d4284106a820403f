"""Real clients of the .heapsnapshot format load our file (issue 14): memlab's
heap loader (npm @memlab/core) and the heap snapshot model DevTools runs in
its worker (npm chrome-devtools-frontend), each given our file and V8's own
file of the same heap (the core of tests/fixtures/heap_snapshot.js, which
calls v8.writeHeapSnapshot() just before it aborts). The node scripts are
tests/fixtures/snapshot_clients.js (memlab) and snapshot_devtools.mjs
(DevTools).

The packages are installed into build/npm-clients (never the repository),
once; the tests skip only when npm cannot reach the registry. Where ours
differs from V8's (V8's root knows more GC roots, and its file has embedder
nodes ours has not: see README, "Heap snapshots"), the tests assert what is
equal and print the difference."""

import json
import os
import shutil
import subprocess

import pytest

from conftest import fixtures

CLI = os.path.join(fixtures.BUILD, "node-gdb-cli")
CLIENTS = os.path.join(fixtures.BUILD, "npm-clients")
PACKAGES = ("@memlab/core@2.0.5", "chrome-devtools-frontend@1.0.1705227")
MEMLAB_SCRIPT = os.path.join(fixtures.FIXTURES, "snapshot_clients.js")
DEVTOOLS_SCRIPT = os.path.join(fixtures.FIXTURES, "snapshot_devtools.mjs")
# DevTools' sources need --experimental-transform-types (they use enums),
# which Node 24 has and Node 26 dropped; Node 20 and 22 lack the module hooks.
DEVTOOLS_NODE = "24"
NETWORK_ERRORS = ("ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ETIMEDOUT", "ECONNRESET", "ENETUNREACH",
                  "network request", "getaddrinfo")
FIXTURE_CLASSES = (("object:Widget", "widgets"), ("object:Gadget", "gadgets"), ("closure:tick", "ticks"))


def _installed():
    for package in PACKAGES:
        name, version = package.rsplit("@", 1)
        manifest = os.path.join(CLIENTS, "node_modules", name, "package.json")
        if not os.path.isfile(manifest):
            return False
        with open(manifest, encoding="utf-8") as f:
            if json.load(f).get("version") != version:
                return False
    return True


@pytest.fixture(scope="session")
def clients():
    """build/npm-clients with the two packages, and DevTools' front_end
    copied out of node_modules (Node does not strip types there)."""
    if not _installed():
        os.makedirs(CLIENTS, exist_ok=True)
        manifest = os.path.join(CLIENTS, "package.json")
        if not os.path.isfile(manifest):
            with open(manifest, "w") as f:
                json.dump({"name": "node-gdb-npm-clients", "private": True}, f)
        r = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix", CLIENTS]
                           + list(PACKAGES), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=900)
        if r.returncode != 0:
            if any(e in r.stdout for e in NETWORK_ERRORS):
                pytest.skip("npm cannot reach the registry to install %s: %s" % (" ".join(PACKAGES),
                                                                                  r.stdout.strip()[-300:]))
            pytest.fail("npm install %s failed:\n%s" % (" ".join(PACKAGES), r.stdout[-2000:]))
    front_end = os.path.join(CLIENTS, "devtools", "front_end")
    stamp = os.path.join(CLIENTS, "devtools", "copied-from")
    source = os.path.join(CLIENTS, "node_modules", "chrome-devtools-frontend", "front_end")
    if not os.path.isfile(stamp) or open(stamp).read() != PACKAGES[1]:
        shutil.rmtree(os.path.join(CLIENTS, "devtools"), ignore_errors=True)
        # What the worker imports: core/, models/heap_snapshot, the worker, and third_party (CodeMirror,
        # which text_utils imports).
        for part in ("core", "third_party", os.path.join("models", "heap_snapshot"),
                     os.path.join("entrypoints", "heap_snapshot_worker")):
            shutil.copytree(os.path.join(source, part), os.path.join(front_end, part))
        with open(stamp, "w") as f:
            f.write(PACKAGES[1])
    return front_end


class Files:
    """Our file (node-gdb-cli heapsnapshot: the same bytes as `v8 heapsnapshot`, test_heap_snapshot.py) and
    V8's, of one core."""

    def __init__(self, version):
        self.workdir, self.core = fixtures.make_core(version, "heap_snapshot.js")
        self.expect = fixtures.load_json(os.path.join(self.workdir, "expect.json"))
        self.v8 = self.expect["snapshot"]
        self.ours = os.path.join(self.workdir, "clients.heapsnapshot")
        r = subprocess.run([CLI, fixtures.node_binary(version), self.core, "heapsnapshot", self.ours],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
        with open(self.ours, encoding="utf-8") as f:
            self.header = json.load(f)["snapshot"]


@pytest.fixture(scope="session")
def files(version, module_built):
    return Files(version)


def _run(cmd, env=None):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600,
                       env=dict(os.environ, **(env or {})))
    assert r.returncode == 0, "%s failed:\n%s" % (" ".join(cmd), r.stderr[-3000:])
    lines = [json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")]
    return lines, r.stderr


def test_memlab_loads_ours_like_v8s(files, clients):
    (ours, v8), _ = _run([fixtures.node_binary("20"), MEMLAB_SCRIPT, files.ours, files.v8],
                         env={"NODE_GDB_NPM_CLIENTS": CLIENTS})
    print("\nmemlab, ours: %s\nmemlab, V8's: %s" % (json.dumps(ours), json.dumps(v8)))
    assert "error" not in ours and "error" not in v8, (ours, v8)
    # memlab reads every node and edge the header announces.
    assert ours["nodes"] == files.header["node_count"] and ours["edges"] == files.header["edge_count"]
    # The fixture's classes, counted by memlab in both files.
    assert ours["counts"] == v8["counts"]
    for key, expected in FIXTURE_CLASSES:
        assert ours["counts"][key] == files.expect[expected], key
    # memlab's retainer analysis of the probe: the same object and retained size, and a shortest path that
    # ends with the global object's .probe in both. The path before the global object may differ: ours
    # starts at the root's shortcut to the global; V8's root also reaches it through its embedder nodes
    # (from Node 26 memlab's path goes (root) -> Node / Environment -> primordials -> ... -> global).
    for k in ("type", "name", "self_size", "retained_size"):
        assert ours["probe"][k] == v8["probe"][k], k
    assert ours["widgets"] == v8["widgets"]
    path = lambda p: [(s["edge_type"], s["edge"], s["to"]["name"]) for s in p["path"]]  # noqa: E731
    for p in (ours, v8):
        assert path(p["probe"])[-1] == ("property", "probe", "Gadget")
        assert p["probe"]["path"][-1]["from"] == p["global"]
    assert [(t, to) for t, _, to in path(ours["probe"])] == [("shortcut", "global"), ("property", "Gadget")]
    if path(ours["probe"]) != path(v8["probe"]):
        print("memlab's path to the probe: ours %s, V8's %s" % (path(ours["probe"]), path(v8["probe"])))
    # The probe's dominator differs: in ours only the global object reaches it (the root knows only the
    # native contexts and their globals); V8's root has other ways in.
    if ours["probe"]["dominator"] != v8["probe"]["dominator"]:
        print("probe's dominator: ours %s, V8's %s" % (ours["probe"]["dominator"], v8["probe"]["dominator"]))
    print("memlab nodes: ours %d, V8's %d; edges: ours %d, V8's %d; load: ours %.2f s, V8's %.2f s" % (
        ours["nodes"], v8["nodes"], ours["edges"], v8["edges"], ours["load_seconds"], v8["load_seconds"]))


def test_devtools_summary_of_ours_like_v8s(files, clients):
    node = fixtures.node_binary(DEVTOOLS_NODE)
    results, stderrs = [], []
    for path in (files.ours, files.v8):
        (result,), stderr = _run([node, "--experimental-transform-types", "--no-warnings", DEVTOOLS_SCRIPT,
                                  clients, path])
        results.append(result)
        stderrs.append([l for l in stderr.splitlines() if "unreachable" in l])
    ours, v8 = results
    print("\nDevTools, ours: %s\nDevTools, V8's: %s" % (json.dumps(ours), json.dumps(v8)))
    print("DevTools on ours: %s\nDevTools on V8's: %s" % (stderrs[0], stderrs[1]))
    assert ours["nodes"] == files.header["node_count"]
    # The constructor summary (the Memory tab's Summary): the fixture's classes have the same count, shallow
    # size and retained size; Map and Context the same count.
    for name in ("Widget", "Gadget"):
        assert ours["summary"][name] == v8["summary"][name], name
    assert ours["summary"]["Widget"]["count"] == files.expect["widgets"]
    for name in ("Map", "system / Context"):
        assert ours["summary"][name]["count"] == v8["summary"][name]["count"], name
    for name in sorted(set(ours["summary"]) | set(v8["summary"])):
        a, b = ours["summary"].get(name), v8["summary"].get(name)
        if a != b:
            print("summary %-18s ours %s, V8's %s" % (name, a, b))
