"""node-gdb on arm64: cores of the official linux-arm64 node binaries of
Node 20, 22, 24 and 26, run here under qemu-user (tools/fixtures.py ARCHES)
and read with gdb-multiarch, against the same oracles as the x86-64 tests:
Error.stack for `bt` and `v8 bt` (test_stack.check_stack), util.inspect and
%DebugPrint for `v8 print` / `v8 inspect` (test_primitives), --print-bytecode
for `v8 bytecode` (test_bytecode), plus a live process through qemu's
gdbstub. One core per fixture and version, shared by the tests
(module-scoped), so the file stays short once the cores are cached."""

import json
import os
import re
import socket
import subprocess
import time

import pytest

import test_bytecode
import test_primitives
import test_stack
from conftest import Gdb, assert_no_traceback, fixtures, holder_fixture

ARCH = "arm64"

pytestmark = pytest.mark.skipif(bool(fixtures.arm64_missing()), reason="arm64 tools missing: %s" % (
    ", ".join(fixtures.arm64_missing())))


@pytest.fixture(scope="module")
def stack(version, module_built):
    """(gdb output of bt, v8 bt, v8 bt -a and the frame rows; the program's output; Gdb)."""
    workdir, core = fixtures.make_core(version, "stack.js", name="stack-sync", node_args=test_stack.NODE_ARGS,
                                       script_args=("sync", ""), arch=ARCH)
    with open(os.path.join(workdir, "stdout.txt"), encoding="utf-8", errors="replace") as f:
        program_output = f.read()
    gdb = Gdb(fixtures.node_binary(version, ARCH), core, ARCH)
    script = ["echo @@@\\n", "bt", "echo @@@\\n", "v8 bt", "echo @@@\\n", "v8 bt -a", "echo @@@\\n"]
    script += test_stack.ROWS_SCRIPT
    return gdb.run(script), program_output, gdb


def test_stack_matches_error_stack(stack):
    """GDB's bt and v8 bt go through every JS frame to main, named and
    placed as Error.stack says, on each tier."""
    output, program_output, _ = stack
    frame_rows = test_stack.check_stack(output, program_output, "sync", unnamed_libc=True)
    names = [r["name"] for r in frame_rows if r["kind"] == "javascript"]
    assert names[:9] == ["stopHere", "innerDeep", "viaTurbofan", "viaBaseline", "viaMaglev", "Widget.mapper",
                         "Widget.run", "new Widget", "Object.<anonymous>"], names
    tiers = json.loads(re.search(r"^TIERS (.*)$", program_output, re.M).group(1))
    by_name = {r["name"]: r for r in frame_rows}
    for name, tier in tiers.items():
        assert by_name[name]["tier"] == tier, (name, by_name[name])


def test_stack_markers_and_arguments(stack):
    output, _, _ = stack
    v8bt = output.split("@@@\n")[2]
    assert re.search(r" in Builtins_JSEntry \[entry frame\]", v8bt), v8bt
    assert re.search(r"\[exit frame: abort\]", v8bt), v8bt
    with_args = output.split("@@@\n")[3]
    inner = next(b for b in re.split(r"^(?=#\d+ )", with_args, flags=re.M) if " in innerDeep (" in b)
    assert re.search(r"^    how = 'abort'$", inner, re.M), inner
    assert "ValueError" not in output and "internal error" not in output, output


@pytest.fixture(scope="module")
def primitives(version, module_built):
    return holder_fixture(version, "primitives.js", ARCH)


def test_banner_and_values(primitives, version):
    test_primitives.test_banner_names_versions_and_constants(primitives, version)
    test_primitives.test_js_view_equals_util_inspect(primitives)


def test_v8_view_matches_debug_print(primitives):
    test_primitives.test_v8_view_matches_debug_print(primitives)


@pytest.fixture(scope="module")
def bytecode_core(version, module_built):
    return test_bytecode.BytecodeCore(version, "bytecode", arch=ARCH)


def test_bytecode_as_v8_printed_it(bytecode_core):
    """The mnemonics, runtime/intrinsic and native-context names come from
    switch tables found in AArch64 code (core/arch/arm64_tables)."""
    test_bytecode.test_every_function_disassembles_as_v8_printed_it(bytecode_core)


# ---- live: qemu's gdbstub, memory read through GDB ----

def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port):
    """Whether a socket listens on 127.0.0.1:port (the kernel's table)."""
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            if state == "0A" and int(local.split(":")[1], 16) == port:
                return True
    return False


def live_run(version, name, program_args, commands, timeout=300):
    """Runs node (arm64, under qemu -g PORT) with `program_args` in
    build/fixtures-arm64/VERSION/NAME, attaches gdb-multiarch with `target
    remote`, runs `commands`; returns (GDB's output, the program's output)."""
    node = fixtures.node_binary(version, ARCH)
    workdir = os.path.join(fixtures.BUILD, fixtures.ARCHES[ARCH]["fixtures"], version, name)
    os.makedirs(workdir, exist_ok=True)
    port = _free_port()
    out_path = os.path.join(workdir, "stdout.txt")
    with open(out_path, "w") as out:
        qemu = subprocess.Popen([*fixtures.QEMU_ARM64, "-g", str(port), node, *program_args], cwd=workdir,
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):  # qemu listens before running the program (one connection only: no probe)
            if _listening(port):
                break
            time.sleep(0.1)
        gdb_out = fixtures.run_gdb([node], ["target remote 127.0.0.1:%d" % port] + commands, cwd=workdir,
                                   timeout=timeout, arch=ARCH)
    finally:
        qemu.kill()
        qemu.wait()
    with open(out_path, encoding="utf-8", errors="replace") as f:
        return gdb_out, f.read()


CALLEE_SAVED = ("x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "sp")


def test_live_stopped_in_addon(version, module_built):
    """A live arm64 process stopped in an addon under JS frames C++ called
    back into: bt and v8 bt as Error.stack says; the callee-saved registers
    unwound through JSEntry are what they are once it returns."""
    addon = fixtures.build_addon(version, sources=("addon/stack_addon.cc",), arch=ARCH)
    regs = repr(CALLEE_SAVED)
    commands = ["set breakpoint pending on", "break node_gdb_stack_break", "continue",
                "echo @@@\\n", "bt", "echo @@@\\n", "v8 bt", "echo @@@\\n", "v8 bt -a", "echo @@@\\n"]
    commands += test_stack.ROWS_SCRIPT
    commands += test_stack.registers_round_trip(regs) + ["kill"]
    out, program_output = live_run(version, "stack-live", [*test_stack.NODE_ARGS, os.path.join(
        fixtures.FIXTURES, "stack.js"), "live", addon], commands)
    assert "Breakpoint 1, " in out, out[-3000:]
    frame_rows = test_stack.check_stack(out, program_output, "live", unnamed_libc=True)
    names = [r["name"] for r in frame_rows if r["kind"] == "javascript"]
    assert names[:5] == ["stopHere", "innerDeep", "level2", "level1", "fromNative"], names
    assert re.search(r"^REGS .*Invoke.* True$", out, re.M), out[-3000:]


def test_handle_printers_in_live_addon(version, module_built):
    """The v8::Local/MaybeLocal/Global/... printers in a -g arm64 addon
    (aarch64-linux-gnu-g++), live through qemu's gdbstub, against
    util.inspect in the same process (test_handles' expectations)."""
    import test_handles
    addon = fixtures.build_addon(version, arch=ARCH)
    commands = ["set breakpoint pending on", "break node_gdb_test_break", "continue", "up"]
    commands += ["print %s" % v for v in test_handles.LOCALS]
    commands += ["echo ARGS\\n", "print args", "kill"]
    out, _ = live_run(version, "live", [os.path.join(fixtures.FIXTURES, "addon_main.js"), addon], commands)
    assert_no_traceback(out)
    expect = fixtures.load_json(os.path.join(fixtures.BUILD, fixtures.ARCHES[ARCH]["fixtures"], version, "live",
                                             "expect.json"))
    got = test_handles.printed(out.split("ARGS\n")[0])
    assert got == test_handles.expected(expect), out[-3000:]
    assert re.search(r"^\$\d+ = FunctionCallbackInfo with \d+ arguments = \{this = ", out, re.M), out[-3000:]


# ---- Node internals and the heap walk ----

@pytest.fixture(scope="module")
def ne(version, module_built):
    import test_node_env
    return test_node_env.Fixture(version, ARCH)


def test_node_handles_and_requests(ne):
    """node-handles and node-requests against process._getActiveHandles()
    and _getActiveRequests() of each thread (libuv's loop at arm64's offsets;
    the Worker's LWP from glibc's arm64 struct pthread)."""
    import test_node_env
    test_node_env.test_environments_of_main_thread_and_worker(ne)
    test_node_env.test_handles_agree_with_get_active_handles(ne)
    test_node_env.test_worker_handles_agree_with_its_get_active_handles(ne)
    test_node_env.test_requests_agree_with_get_active_requests(ne)
    test_node_env.test_node_info(ne)


@pytest.fixture(scope="module")
def census(version, module_built):
    import test_heap_walk
    return test_heap_walk.Census(version, "concurrent", ARCH)


def test_heap_walk(census):
    """v8 findjsobjects: exact counts (the program's own and its heap
    snapshot's), every page walked to its end."""
    import test_heap_walk
    test_heap_walk.test_counts_are_exact(census)
    test_heap_walk.test_counts_agree_with_heap_snapshot(census)
    test_heap_walk.test_whole_heap_is_walked(census)


# ---- node-why, node-timers, node-http, v8 exception, node-report: the same
# oracles as on x86-64, on arm64 cores ----

def test_node_why(ne):
    """node-why against getActiveResourcesInfo() of each thread (the core of
    test_node_handles_and_requests)."""
    import test_node_why
    why = ne.expect, ne.gdb.outputs(["node-why", "node-why -q"])
    test_node_why.test_what_keeps_each_loop_alive_against_getActiveResourcesInfo(why)
    test_node_why.test_owners_name_the_js_objects(why)


def test_node_timers(version, module_built):
    """node-timers and node-why's timers against what the process listed
    (libuv's loop time at arm64's offset)."""
    import test_node_timers
    workdir, core = fixtures.make_core(version, test_node_timers.SCRIPT, arch=ARCH)
    expect = fixtures.load_json(workdir + "/expect.json")
    out = Gdb(fixtures.node_binary(version, ARCH), core, ARCH).outputs(
        ["node-timers -v", "node-why", "node-timers -q", "node-timers 0x1234", "node-timers"])
    # Under qemu's emulation the Worker's loop runs on longer (its clock
    # moves on) between its record and the main thread's abort.
    test_node_timers.check_all(out[0], expect, now_slack=50)
    test_node_timers.test_node_why_lists_the_timers_that_keep_each_loop_alive((expect, out))


def test_node_http(version, module_built):
    """node-http: each server's IncomingMessages and the outgoing requests,
    as the process handed them out."""
    import test_node_http
    nh = test_node_http.Fixture(version, ARCH)
    test_node_http.test_requests_being_handled(nh)
    test_node_http.test_outgoing_requests(nh)
    test_node_http.test_objects_named_are_the_requests(nh)


def test_v8_exception(version, module_built):
    """The error an --abort-on-uncaught-exception core was throwing, against
    what Node prints for the same throw (the same JS on x86-64's node of this
    version: the message and stack do not depend on the machine)."""
    import test_exception
    _, core = fixtures.make_core(version, test_exception.SCRIPT, name="uncaught_type",
                                 node_args=("--abort-on-uncaught-exception",), script_args=("type",), arch=ARCH)
    out = Gdb(fixtures.node_binary(version, ARCH), core, ARCH).outputs(["v8 exception", "v8 bt", "v8 exception x"])
    thrown = "type", test_exception.node_says(version, "type"), out
    test_exception.test_the_thrown_error_and_where_it_was_thrown(thrown)
    test_exception.test_v8_bt_says_what_is_thrown_first(thrown)


def test_node_report(version, module_built, tmp_path):
    """node-report -json: Node's own report checks, and every value equal to
    process.report.getReport() of the same arm64 process."""
    import test_node_report
    workdir, core = fixtures.make_core(version, "node_report.js", arch=ARCH)
    path = tmp_path / "report.json"
    Gdb(fixtures.node_binary(version, ARCH), core, ARCH).outputs(["node-report -json %s" % path])
    report = json.loads(path.read_text()), fixtures.load_json(os.path.join(workdir, "expect.json"))
    assert report[0]["header"]["arch"] == report[1]["header"]["arch"] == "arm64"
    for check in ("test_every_section_passes_nodes_report_checks", "test_omitted_lists_only_what_node_writes",
                  "test_header_equals_getreport", "test_environment_equals_getreport",
                  "test_shared_objects_equal_getreport", "test_libuv_equals_getreport",
                  "test_heap_spaces_equal_getreport", "test_worker_section_equals_getreport",
                  "test_stacks_are_the_aborting_thread"):
        getattr(test_node_report, check)(report)


def test_pointer_authentication_without_the_mask(version, module_built):
    """Under qemu with pointer authentication on, the native code that signs
    its return addresses (paciasp) cannot be unwound from the core: qemu's
    cores have no NT_ARM_PAC_MASK note (a kernel's have), so GDB itself stops
    ("Register 69 is not available": pauth_dmask). bt through the frame
    filter and v8 bt then end in one "Backtrace stopped" line, never a
    Python exception, and everything else still works."""
    runner = (*fixtures.QEMU_ARM64[:2], "max,pauth=on", *fixtures.QEMU_ARM64[3:])
    _, core = fixtures.make_core(version, "stack.js", name="stack-pauth", node_args=test_stack.NODE_ARGS,
                                 script_args=("sync", ""), arch=ARCH, runner=runner)
    bt, v8bt, info = Gdb(fixtures.node_binary(version, ARCH), core, ARCH).outputs(["bt", "v8 bt", "node-info"])
    for out in (bt, v8bt, info):
        assert_no_traceback(out)
        assert "Python Exception" not in out, out
    for out in (bt, v8bt):
        # up to the first signed frame, where GDB's own bt stops too
        assert re.search(r"^#2 .* abort ", out, re.M) and re.search(r"^#3 .*node::", out, re.M), out
        assert re.search(r"\nBacktrace stopped: .* not available$", out), out
    assert re.search(r"^Node: +v%s\." % version, info, re.M), info


def test_heap_snapshot_and_retainers(version, module_built):
    """v8 heapsnapshot and v8 retainers on an arm64 core, against V8's own
    snapshot written by the same arm64 process (test_heap_snapshot's checks)."""
    import test_heap_snapshot
    snap = test_heap_snapshot.SnapshotCore(version, ARCH)
    # Node and edge totals within 1%, as on x86-64 (0.2% fewer nodes, 0.1-0.5% fewer edges on Node 20-26).
    test_heap_snapshot.test_node_count_close_to_v8s(snap)
    for check in ("test_file_is_v8_json_with_v8_meta", "test_fixture_class_counts_equal_v8s",
                  "test_one_file_per_isolate", "test_v8_root_groups_equal_v8s", "test_closures_code_edges_equal_v8s",
                  "test_fixture_objects_match_v8s", "test_cli_writes_the_same_file",
                  "test_retainers_shortest_path", "test_stack_roots_hold_the_frames_objects",
                  "test_findrefs_r_is_the_retaining_path", "test_global_and_eternal_handles_equal_v8s",
                  "test_leak_held_by_a_native_wrapper", "test_retainers_n_lists_a_path_per_retainer"):
        getattr(test_heap_snapshot, check)(snap)
