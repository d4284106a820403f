"""Shared fixtures: node binaries of every supported version, core dumps of
the fixture programs, test addons, and a GDB runner. All generated under the
build folder, once per run (and cached across runs by content)."""

import os
import re
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "tools"))
import fixtures  # noqa: E402

VERSIONS = fixtures.VERSIONS


def pytest_addoption(parser):
    parser.addoption("--node-versions", default=",".join(VERSIONS),
                     help="comma-separated Node major versions to test (default: all four)")


def pytest_generate_tests(metafunc):
    if "version" in metafunc.fixturenames:
        versions = metafunc.config.getoption("--node-versions").split(",")
        metafunc.parametrize("version", versions, scope="session")


TRACEBACK = re.compile(r"Traceback \(most recent call last\)|Python Exception|Error occurred in Python")


def assert_no_traceback(output):
    m = TRACEBACK.search(output)
    assert m is None, "GDB printed a Python traceback:\n" + output[max(0, m.start() - 2000):m.start() + 2000]


@pytest.fixture(scope="session")
def module_built():
    module_dir = os.path.join(fixtures.BUILD, "python")
    if not os.path.isdir(module_dir) or not any(n.startswith("_nodegdb.") for n in os.listdir(module_dir)):
        pytest.fail("the C++ module is not built: cmake -S . -B build && cmake --build build")
    return module_dir


@pytest.fixture(scope="session")
def node(version):
    return fixtures.node_binary(version)


class Gdb:
    """Runs GDB with node-gdb sourced on a binary and a core (or a live run)."""

    def __init__(self, binary, core=None, arch="x64"):
        self.binary = binary
        self.core = core
        self.arch = arch

    def run(self, commands, args=None, source=True, check_traceback=True):
        args = args if args is not None else [self.binary] + ([self.core] if self.core else [])
        out = fixtures.run_gdb(args, commands, source=source, arch=self.arch)
        if check_traceback:
            assert_no_traceback(out)
        return out

    def outputs(self, commands, separator="@@@"):
        """Runs each command and returns what each printed, in order."""
        script = []
        for c in commands:
            script.append("echo %s\\n" % separator)
            script.append(c)
        script.append("echo %s\\n" % separator)
        out = self.run(script)
        parts = out.split(separator + "\n")
        return [p.rstrip("\n") for p in parts[1:-1]] if len(parts) >= 2 else []


def holder_fixture(version, script, arch="x64"):
    """(Gdb on the core of a holder-style fixture, expectations, DebugPrint blocks)."""
    workdir, core = fixtures.make_core(version, script, node_args=("--expose-gc", "--allow-natives-syntax"), arch=arch)
    expect = fixtures.load_json(os.path.join(workdir, "expect.json"))
    with open(os.path.join(workdir, "stdout.txt"), encoding="utf-8", errors="replace") as f:
        blocks = fixtures.parse_debug_print(f.read())
    return Gdb(fixtures.node_binary(version, arch), core, arch), expect, blocks


_holder_fixture = holder_fixture


@pytest.fixture(scope="session")
def primitives(version, module_built):
    """(Gdb on the primitives core, expectations, DebugPrint blocks)."""
    return _holder_fixture(version, "primitives.js")


@pytest.fixture(scope="session")
def objects(version, module_built):
    """(Gdb on the objects core, expectations, DebugPrint blocks)."""
    return _holder_fixture(version, "objects.js")


@pytest.fixture(scope="session")
def objects_zoo(version, module_built):
    """(Gdb on the everyday-code objects core, expectations, DebugPrint blocks)."""
    return _holder_fixture(version, "objects_zoo.js")


def holder_slots(blocks, count):
    """Addresses of the holder array's element slots, from its %DebugPrint
    (the first block): the fixtures keep every value in one FixedArray."""
    m = re.search(r" - elements: (0x[0-9a-f]+) <FixedArray\[(\d+)\]>", blocks[0])
    assert m, "no elements line in the holder's DebugPrint:\n" + blocks[0][:2000]
    elements = int(m.group(1), 16) - 1  # untag
    assert int(m.group(2)) >= count
    header = 16  # FixedArray: map and length (v8dbg_class_FixedArray__data__uintptr_t)
    return [elements + header + 8 * i for i in range(count)]
