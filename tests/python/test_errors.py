"""Bad input gets one clear line: never a Python traceback, a crash or a hang."""

import os
import re
import shutil
import subprocess
import sys

import pytest

import fixtures
from conftest import Gdb, assert_no_traceback, holder_slots


def last_lines(out, n):
    return [l for l in out.splitlines() if l.strip()][-n:]


@pytest.fixture(scope="session")
def python_core(tmp_path_factory):
    """A core of a process that is not Node (Python aborting)."""
    workdir = os.path.join(fixtures.BUILD, "fixtures", "not-node")
    os.makedirs(workdir, exist_ok=True)
    core = os.path.join(workdir, "core")
    if not os.path.isfile(core):
        p = subprocess.Popen(["/usr/bin/python3", "-c", "import os; os.abort()"], cwd=workdir,
                             preexec_fn=fixtures._raise_core_limit)
        p.wait()
        found = fixtures._find_core(workdir, p.pid)
        if found is None:
            pytest.skip("no kernel core for a non-node process (core_pattern)")
        os.rename(found, core)
    return os.path.realpath("/usr/bin/python3"), core


def test_core_of_another_program(python_core, module_built):
    binary, core = python_core
    out = Gdb(binary, core).run(["v8 print 0x700000000", "v8 inspect 0x1"])
    lines = last_lines(out, 2)
    for line in lines:
        assert line.startswith("no V8 postmortem metadata (v8dbg_ symbols) in "), out[-2000:]


def test_no_process_yet(module_built):
    out = Gdb(fixtures.node_binary("20")).run(["v8 print 0x700000000"])
    assert "node-gdb %s: loaded; no Node process or core yet" % fixtures.project_version() in out
    assert last_lines(out, 1)[0].startswith("no process or core file:"), out


def test_core_opened_with_another_node_binary(module_built):
    """A Node 22 core read with the Node 20 binary: wrong offsets everywhere,
    but every answer is one line."""
    workdir, core = fixtures.make_core("22", "primitives.js", node_args=("--expose-gc", "--allow-natives-syntax"))
    with open(os.path.join(workdir, "stdout.txt"), encoding="utf-8", errors="replace") as f:
        addresses = re.findall(r"^DebugPrint: (0x[0-9a-f]+):", f.read(), re.M)[:15]
    out = Gdb(fixtures.node_binary("20"), core).run(["v8 print %s" % a for a in addresses] +
                                                    ["v8 inspect %s" % a for a in addresses])
    assert_no_traceback(out)
    assert "warning: " in out and "build-id" in out, out[:3000]


def _load_offset(core, address):
    """File offset of the PT_LOAD segment of `core` that holds `address`."""
    import struct
    with open(core, "rb") as f:
        header = f.read(64)
        phoff, = struct.unpack_from("<Q", header, 32)
        phentsize, phnum = struct.unpack_from("<HH", header, 54)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    for i in range(phnum):
        p_type, _, p_offset, p_vaddr, _, p_filesz, _ = struct.unpack_from("<IIQQQQQ", table, i * phentsize)
        if p_type == 1 and p_vaddr <= address < p_vaddr + p_filesz:
            return p_offset
    raise AssertionError("no segment holds %#x" % address)


def test_truncated_core(primitives, tmp_path):
    """Cut the core just before the segment that holds the first value: that
    value gets a clear read error, the rest still print."""
    gdb, expect, blocks = primitives
    addresses = re.findall(r"^DebugPrint: (0x[0-9a-f]+):", "\n".join(blocks), re.M)
    cut = _load_offset(gdb.core, int(addresses[1], 16))
    truncated = tmp_path / "core"
    with open(gdb.core, "rb") as src, open(truncated, "wb") as dst:
        dst.write(src.read(cut))
    out = Gdb(gdb.binary, str(truncated)).run(["v8 print %s" % a for a in addresses] + ["v8 info"])
    assert "truncated" in out
    assert re.search(r"cannot read \d+ bytes at 0x[0-9a-f]+", out), out[-3000:]


def test_module_not_built(tmp_path, module_built):
    """Sourcing a checkout without a build says how to build, in one line per use."""
    copy = tmp_path / "checkout"
    shutil.copytree(os.path.join(fixtures.REPO, "python"), copy / "python")
    env_dir = os.environ.pop("NODE_GDB_MODULE_DIR", None)
    try:
        out = fixtures.run_gdb([fixtures.node_binary("20")],
                               ["source %s" % (copy / "python" / "node-gdb.py"), "v8 print 1"], source=False)
    finally:
        if env_dir:
            os.environ["NODE_GDB_MODULE_DIR"] = env_dir
    assert_no_traceback(out)
    assert "the C++ module _nodegdb is not built" in out
    assert "cmake -S %s -B %s/build" % (copy, copy) in out
    assert last_lines(out, 1)[0].startswith("node-gdb: the C++ module _nodegdb is not built"), out


def test_sourcing_twice_is_harmless(primitives):
    gdb, _, _ = primitives
    out = gdb.run(["source %s" % fixtures.GDB_PYTHON_ENTRY, "v8 print 0x700000000"])
    assert last_lines(out, 1) == ["7"], out[-1000:]


@pytest.mark.parametrize("expr", ["0", "-1", "$pc", "main", "(void*)1", "1.5", "\"str\"", "$nonexistent",
                                  "0xffffffffffffffff", "&v8dbg_SmiTag"])
def test_odd_expressions_never_trace(primitives, expr):
    gdb, _, _ = primitives
    out = gdb.run(["v8 print %s" % expr, "v8 inspect %s" % expr])
    assert_no_traceback(out)


def test_installed_layout_loads(tmp_path, primitives):
    """`cmake --install` puts node-gdb.py, the package and the module in
    share/node-gdb/python; sourcing from there uses that module."""
    gdb, _, _ = primitives
    r = subprocess.run(["cmake", "--install", fixtures.BUILD, "--prefix", str(tmp_path)],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert r.returncode == 0, r.stdout
    entry = tmp_path / "share" / "node-gdb" / "python" / "node-gdb.py"
    out = fixtures.run_gdb([gdb.binary, gdb.core], ["source %s" % entry, "v8 print 0x700000000",
                                                   "python import _nodegdb; print(_nodegdb.__file__)"],
                           source=False)
    assert_no_traceback(out)
    lines = last_lines(out, 2)
    assert lines[0] == "7"
    assert lines[1].startswith(str(tmp_path)), lines


def test_core_without_the_node_binary(primitives):
    """gdb -c core: GDB has no program, but the core's NT_FILE note names the
    node binary, which is read for the metadata (with a note saying so)."""
    gdb, expect, blocks = primitives
    slot = holder_slots(blocks, len(expect))[-1]
    out = fixtures.run_gdb(["-c", gdb.core], ["v8 print *(unsigned long *)%#x" % slot, "v8 info", "bt"])
    assert_no_traceback(out)
    assert ("node-gdb: GDB was given no program; loaded %s, which the core's file list names (as `file %s` would)"
            % (gdb.binary, gdb.binary)) in out, out[-2000:]
    assert "\n%s\n" % expect[-1]["inspect"] in out, out[-2000:]
    assert "binary: %s" % gdb.binary in out, out[-2000:]
    _assert_whole_native_stack(out)


def _assert_whole_native_stack(out):
    """GDB's own `bt` with the binary's and the libraries' symbols: from
    libc's abort through node::Abort and the JS frames to _start."""
    frames = [line for line in out.splitlines() if re.match(r"#\d+ ", line)]
    text = "\n".join(frames)
    assert re.search(r"abort \(", text), text[-3000:]
    assert "node::Abort" in text, text[-3000:]
    assert re.search(r" in _start \(", text), text[-3000:]
    assert not re.search(r" in +\(\)", text), text[-3000:]  # never an empty name


def test_core_without_the_node_binary_from_gdbinit(primitives):
    """node-gdb loaded before the core (as from ~/.gdbinit), then `gdb -batch
    -c core -ex bt`: no prompt and no node-gdb command before GDB's `bt`,
    which still gets the binary's symbols and its whole stack."""
    gdb, _, _ = primitives
    out = fixtures.run_gdb(["-iex", "source " + fixtures.GDB_PYTHON_ENTRY, "-c", gdb.core],
                           ["bt", "thread apply all bt 1"], source=False)
    assert_no_traceback(out)
    assert "node-gdb: GDB was given no program; loaded %s" % gdb.binary in out, out[-2000:]
    _assert_whole_native_stack(out.split("\nThread ")[0])
    assert len(re.findall(r"\nThread \d+ \(Thread 0x", out)) >= 2, out[-3000:]  # libthread_db's names


def test_another_program_names_the_node_binary_the_core_mapped(primitives):
    """A node core opened with another program: the one line says which
    file the process mapped has the metadata (without switching to it)."""
    gdb, _, _ = primitives
    python = os.path.realpath("/usr/bin/python3")
    out = Gdb(python, gdb.core).run(["v8 print 0x700000000"])
    line = last_lines(out, 1)[0]
    assert line.startswith("no V8 postmortem metadata (v8dbg_ symbols) in %s" % python), out[-2000:]
    assert line.endswith("the process mapped %s, which has it: file %s" % (gdb.binary, gdb.binary)), line
