"""The core of tests/fixtures/heap_shapes_strings.js and ways to run GDB and
node-gdb-cli on it with standard output apart (for -json answers)."""

import os
import subprocess

from conftest import Gdb, assert_no_traceback, fixtures

NEEDLE = "hay-stack-needle-4242"
CLI = os.path.join(fixtures.BUILD, "node-gdb-cli")


class ShapesCore:
    def __init__(self, version):
        workdir, self.core = fixtures.make_core(version, "heap_shapes_strings.js",
                                                node_args=("--expose-gc", "--allow-natives-syntax"))
        self.binary = fixtures.node_binary(version)
        self.gdb = Gdb(self.binary, self.core)
        self.expect = fixtures.load_json(os.path.join(workdir, "expect.json"))

    def stdout_of(self, command, setup=()):
        """(stdout, stderr) of one GDB command in batch mode: what the command
        wrote on each, after what GDB printed loading the core."""
        cmd = ["gdb", "-nx", "-batch", "-iex", "set pagination off", "-iex", "set width 0", "-iex", "set confirm off",
               "-ex", "source " + fixtures.GDB_PYTHON_ENTRY]
        for c in setup:
            cmd += ["-ex", c]
        cmd += ["-ex", "echo @@@\\n", "-ex", command, self.binary, self.core]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300,
                           env=fixtures.gdb_env())
        assert_no_traceback(r.stdout + r.stderr)
        assert "@@@\n" in r.stdout, r.stdout + r.stderr
        return r.stdout.split("@@@\n", 1)[1], r.stderr

    def cli(self, *args):
        r = subprocess.run([CLI, self.binary, self.core, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=300)
        return r.returncode, r.stdout, r.stderr
