"""Generated fixtures for tests, the demo and the benchmarks: node binaries of
each supported version, kernel core dumps of fixture programs, and test
addons. Everything is built under the build folder and cached by content.

Used by tests/python/conftest.py, tools/demo.sh and bench/.
"""

import glob
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import tarfile
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("NODE_GDB_BUILD", os.path.join(REPO, "build"))
FIXTURES = os.path.join(REPO, "tests", "fixtures")
VERSIONS = ("20", "22", "24", "26")
GDB_PYTHON_ENTRY = os.path.join(REPO, "python", "node-gdb.py")


class FixtureError(Exception):
    pass


def _run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)


def node_version(binary):
    out = _run([binary, "--version"]).stdout.strip()
    return out


# Per machine: where its node binaries and fixtures are cached, how to run
# its programs here (arm64 through qemu-user: pauth=off, or the signed return
# addresses V8 saves would not unwind), its compiler and its GDB.
QEMU_ARM64 = ("qemu-aarch64-static", "-cpu", "max,pauth=off", "-L", "/usr/aarch64-linux-gnu")
ARCHES = {
    "x64": {"nodes": "nodes", "fixtures": "fixtures", "runner": (), "cxx": "g++", "gdb": "gdb", "gdb_setup": ()},
    "arm64": {"nodes": "nodes-arm64", "fixtures": "fixtures-arm64", "runner": QEMU_ARM64,
              "cxx": "aarch64-linux-gnu-g++", "gdb": "gdb-multiarch",
              "gdb_setup": ("set solib-search-path /usr/aarch64-linux-gnu/lib",)},
}
# What arm64 fixtures need on an x86-64 machine (Debian packages).
ARM64_TOOLS = ("qemu-aarch64-static", "aarch64-linux-gnu-g++", "gdb-multiarch")


def arm64_missing():
    """The tools arm64 fixtures need that this machine lacks (empty if none)."""
    missing = [t for t in ARM64_TOOLS if not shutil.which(t)]
    if not os.path.isdir("/usr/aarch64-linux-gnu/lib"):
        missing.append("/usr/aarch64-linux-gnu (libc6-arm64-cross)")
    return missing


def node_binary(version, arch="x64"):
    """Path to a node binary of the given major version: /usr/bin/node when it
    is that version (x64), otherwise the official binary from the npm package
    node-linux-ARCH@VERSION, cached in build/nodes/VERSION (nodes-arm64)."""
    system = shutil.which("node")
    if arch == "x64" and system and node_version(system).startswith("v%s." % version):
        return os.path.realpath(system)
    folder = os.path.join(BUILD, ARCHES[arch]["nodes"], version)
    binary = os.path.join(folder, "package", "bin", "node")
    if os.path.isfile(binary):
        return binary
    package = "node-linux-%s@%s" % (arch, version)
    os.makedirs(folder, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        r = _run(["npm", "pack", "--silent", package, "--pack-destination", tmp])
        tgz = glob.glob(os.path.join(tmp, "*.tgz"))
        if r.returncode != 0 or not tgz:
            raise FixtureError("cannot fetch %s from npm: %s" % (package, r.stdout[-500:]))
        with tarfile.open(tgz[0]) as tar:
            tar.extractall(folder)
    if not os.path.isfile(binary):
        raise FixtureError("%s has no package/bin/node" % package)
    return binary


def node_include_dir(version, arch="x64"):
    binary = node_binary(version, arch)
    candidates = [os.path.join(os.path.dirname(os.path.dirname(binary)), "include", "node"), "/usr/include/node"]
    for c in candidates:
        if os.path.isfile(os.path.join(c, "node.h")):
            if c == "/usr/include/node" and not binary.startswith("/usr/"):
                continue
            return c
    raise FixtureError("no Node headers for version %s" % version)


def _stamp(*parts):
    h = hashlib.sha256()
    for p in parts:
        if os.path.isfile(p):
            with open(p, "rb") as f:
                h.update(f.read())
            st = os.stat(p)
            h.update(str(st.st_size).encode())
        else:
            h.update(str(p).encode())
    return h.hexdigest()


def _raise_core_limit():
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def _find_core(workdir, pid, arch="x64"):
    if arch == "arm64":
        # qemu writes the guest's core as qemu_node_DATE_PID.core; the host
        # core of qemu itself (if any) is of no use.
        for name in ("core", "core.%d" % pid):
            if os.path.isfile(os.path.join(workdir, name)):
                os.unlink(os.path.join(workdir, name))
        found = sorted(glob.glob(os.path.join(workdir, "qemu_*.core")))
        return found[-1] if found else None
    for name in ("core", "core.%d" % pid):
        path = os.path.join(workdir, name)
        if os.path.isfile(path):
            return path
    return None


def make_core(version, script, name=None, node_args=(), script_args=(), extra_inputs=(), arch="x64", env=None,
              runner=None):
    """Runs `script` (a path under tests/fixtures or absolute) with node
    VERSION of machine `arch` until it aborts, and returns (workdir, core
    path). The program's stdout (where %DebugPrint writes) is in
    workdir/stdout.txt. `env`: variables added to the program's environment;
    `runner`: what runs it instead of the machine's (e.g. qemu with other
    CPU features). Cached (build/fixtures, build/fixtures-arm64)."""
    node = node_binary(version, arch)
    script_path = script if os.path.isabs(script) else os.path.join(FIXTURES, script)
    name = name or os.path.splitext(os.path.basename(script_path))[0]
    workdir = os.path.join(BUILD, ARCHES[arch]["fixtures"], version, name)
    own_runner = runner is not None
    runner = tuple(runner) if own_runner else ARCHES[arch]["runner"]
    stamp = _stamp(script_path, node, " ".join(runner) if own_runner else "", " ".join(node_args), " ".join(script_args), *extra_inputs,
                   *("%s=%s" % kv for kv in sorted((env or {}).items())))
    stamp_file = os.path.join(workdir, "stamp")
    core = os.path.join(workdir, "core")
    if os.path.isfile(core) and os.path.isfile(stamp_file) and open(stamp_file).read() == stamp:
        return workdir, core
    if os.path.isdir(workdir):
        shutil.rmtree(workdir)
    os.makedirs(workdir)
    cmd = [*runner, node, *node_args, script_path, *script_args]
    with open(os.path.join(workdir, "stdout.txt"), "w") as out:
        p = subprocess.Popen(cmd, cwd=workdir, stdout=out, stderr=subprocess.STDOUT, preexec_fn=_raise_core_limit,
                             env=dict(os.environ, **env) if env else None)
        p.wait(timeout=300)
    found = _find_core(workdir, p.pid, arch)
    if found is None and arch == "x64":
        # core_pattern may send cores elsewhere (a pipe to a crash handler):
        # run it again under GDB and write the core with gcore.
        gdb_cmd = ["gdb", "-nx", "-batch", "-ex", "set pagination off", "-ex", "run",
                   "-ex", "gcore %s" % core, "--args", *cmd]
        with open(os.path.join(workdir, "stdout.txt"), "w") as out:
            subprocess.run(gdb_cmd, cwd=workdir, stdout=out, stderr=subprocess.STDOUT, timeout=600)
        found = core if os.path.isfile(core) else None
    if found is None:
        raise FixtureError("%s did not leave a core dump in %s (exit %s); see %s/stdout.txt" % (
            " ".join(cmd), workdir, p.returncode, workdir))
    if found != core:
        os.rename(found, core)
    with open(stamp_file, "w") as f:
        f.write(stamp)
    return workdir, core


def build_addon(version, sources=("addon/handles.cc", "addon/internal_handles.cc"), arch="x64"):
    """Builds a -g test addon against the headers of node VERSION, for
    machine `arch`; cached."""
    srcs = [os.path.join(FIXTURES, s) for s in sources]
    src = srcs[0]
    include = node_include_dir(version, arch)
    out_dir = os.path.join(BUILD, ARCHES[arch]["fixtures"], version, "addon")
    os.makedirs(out_dir, exist_ok=True)
    out = os.path.join(out_dir, os.path.splitext(os.path.basename(src))[0] + ".node")
    stamp = _stamp(*srcs, include)
    stamp_file = out + ".stamp"
    if os.path.isfile(out) and os.path.isfile(stamp_file) and open(stamp_file).read() == stamp:
        return out
    cmd = [ARCHES[arch]["cxx"], "-g", "-O0", "-std=c++20", "-shared", "-fPIC", "-I" + include, *srcs, "-o", out]
    r = _run(cmd)
    if r.returncode != 0:
        raise FixtureError("building the test addon failed:\n%s\n%s" % (" ".join(cmd), r.stdout[-3000:]))
    with open(stamp_file, "w") as f:
        f.write(stamp)
    return out


def project_version():
    """node-gdb's one version number: CMake's project version."""
    with open(os.path.join(REPO, "CMakeLists.txt"), encoding="utf-8") as f:
        return re.search(r"project\(node_gdb VERSION ([0-9.]+)", f.read()).group(1)


def gdb_env():
    env = dict(os.environ)
    env.setdefault("LANG", "C.UTF-8")
    env["LC_ALL"] = env.get("LC_ALL") or "C.UTF-8"
    return env


def run_gdb(args, commands=(), timeout=300, source=True, cwd=None, arch="x64"):
    """Runs `gdb -batch` (gdb-multiarch for arm64, finding its libraries) with
    node-gdb sourced, then `commands`; returns the combined output."""
    cmd = [ARCHES[arch]["gdb"], "-nx", "-batch", "-iex", "set pagination off", "-iex", "set width 0",
           "-iex", "set confirm off"]
    for c in ARCHES[arch]["gdb_setup"]:
        cmd += ["-iex", c]
    if source:
        cmd += ["-ex", "source " + GDB_PYTHON_ENTRY]
    # One -ex per command: in batch mode an error in one -ex does not stop the
    # next, unlike an error inside a sourced script file.
    for c in commands:
        cmd += ["-ex", c]
    cmd += list(args)  # files last: `--args` must end the command line
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout,
                       env=gdb_env(), cwd=cwd)
    return GDB_XSTATE_WARNING.sub("", r.stdout)


# GDB 13 warns (on stderr, once per thread) when a kernel writes a bigger
# XSAVE area than it knows (newer CPUs): a fact of the machine, not of
# node-gdb, so tests that read a command's whole output do not see it.
GDB_XSTATE_WARNING = re.compile(r"^warning: Unexpected size of section `\.reg-xstate/\d+' in core file\.\n", re.M)


def parse_debug_print(text):
    """Splits %DebugPrint output into blocks, one per call, in order."""
    blocks = []
    for line in text.splitlines():
        if line.startswith("DebugPrint: "):
            blocks.append([line])
        elif blocks:
            blocks[-1].append(line)
    return ["\n".join(b) for b in blocks]


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)
