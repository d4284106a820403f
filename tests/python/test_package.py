"""The Debian package, as a distribution would ship node-gdb: `cpack -G DEB`
builds it from the build folder, dpkg installs it on this machine, and GDB
run with no `source` (and no ~/.gdbinit) loads node-gdb for a node core
through the system gdbinit hook, and stays silent for other programs. The
package is removed again at the end."""

import json
import os
import shutil
import subprocess
import time

import pytest

import fixtures
from conftest import _holder_fixture, assert_no_traceback, holder_slots

PACKAGE = "node-gdb"


def _installed():
    r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", PACKAGE], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True)
    return r.returncode == 0 and "installed" in r.stdout and "not-installed" not in r.stdout


@pytest.fixture(scope="module")
def installed_package(tmp_path_factory, module_built):
    if os.geteuid() != 0 or not shutil.which("dpkg") or not shutil.which("cpack"):
        pytest.skip("installing the package needs root, dpkg and cpack")
    if _installed():
        pytest.skip("node-gdb is already installed from a package here; this test would replace it")
    out = tmp_path_factory.mktemp("deb")
    r = subprocess.run(["cpack", "-G", "DEB", "--config", os.path.join(fixtures.BUILD, "CPackConfig.cmake"),
                        "-B", str(out)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    debs = [n for n in os.listdir(out) if n.endswith(".deb")]
    assert r.returncode == 0 and len(debs) == 1, r.stdout[-3000:]
    deb = os.path.join(out, debs[0])
    assert debs[0] == "%s_%s_amd64.deb" % (PACKAGE, fixtures.project_version())
    r = subprocess.run(["dpkg", "-i", deb], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert r.returncode == 0, r.stdout
        yield deb
    finally:
        subprocess.run(["dpkg", "-r", PACKAGE], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert not os.path.exists("/etc/gdb/gdbinit.d/node-gdb.py")


def _plain_gdb(tmp_path, args, commands):
    """GDB as a user runs it: system gdbinit files read, no ~/.gdbinit."""
    cmd = ["gdb", "-batch", "-iex", "set pagination off"]
    for c in commands:
        cmd += ["-ex", c]
    env = dict(fixtures.gdb_env(), HOME=str(tmp_path))
    r = subprocess.run(cmd + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                       timeout=300)
    return r.stdout


def test_the_package_loads_node_gdb_without_source(installed_package, tmp_path):
    gdb, expect, blocks = _holder_fixture("20", "primitives.js")
    slot = holder_slots(blocks, len(expect))[-1]
    out = _plain_gdb(tmp_path, ["/usr/bin/node", gdb.core], ["v8 print *(unsigned long *)%#x" % slot,
                                                             "python import _nodegdb; print(_nodegdb.__file__)"])
    assert_no_traceback(out)
    assert "node-gdb %s: " % fixtures.project_version() in out, out[-2000:]
    assert "\n%s\n" % expect[-1]["inspect"] in out, out[-2000:]
    assert out.rstrip().splitlines()[-1].startswith("/usr/share/node-gdb/python/_nodegdb"), out[-2000:]


def test_the_package_stays_silent_for_other_programs(installed_package, tmp_path):
    start = time.monotonic()
    out = _plain_gdb(tmp_path, ["/bin/true"], ["info pretty-printer", "echo done\\n"])
    assert "node-gdb" not in out, out
    assert out.rstrip().endswith("done"), out
    assert time.monotonic() - start < 10


def test_the_package_installs_the_cli_and_the_gdbinit_line(installed_package):
    r = subprocess.run(["/usr/bin/node-gdb-cli", "--version"], stdout=subprocess.PIPE, text=True)
    assert r.stdout.strip() == "node-gdb-cli %s" % fixtures.project_version()
    with open("/usr/share/node-gdb/gdbinit", encoding="utf-8") as f:
        assert "source /usr/share/node-gdb/python/node-gdb.py" in f.read()
    for name in ("LICENSE", "CHANGELOG.md"):
        assert os.path.isfile("/usr/share/node-gdb/" + name)


def test_the_package_installs_node_gdb_report(installed_package):
    r = subprocess.run(["/usr/bin/node-gdb", "--version"], stdout=subprocess.PIPE, text=True)
    assert r.stdout.strip() == "node-gdb %s" % fixtures.project_version()
    workdir, core = fixtures.make_core("20", "node_report.js")
    r = subprocess.run(["/usr/bin/node-gdb", "report", "--json", "--no-heap", "/usr/bin/node", core],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    expect = fixtures.load_json(os.path.join(workdir, "expect.json"))
    assert json.loads(r.stdout)["environmentVariables"] == expect["environmentVariables"]
