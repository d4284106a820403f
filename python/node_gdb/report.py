"""node-report: one report of the whole process, for triage without a
session (the C++ core composes it: core/report/diagnostic_report.h).

This module only gathers what GDB alone knows and hands it over: every
thread's frames (GDB is the native unwinder; node-gdb's unwinder and frame
decoder name the JavaScript ones), the signal, where libc keeps `environ`
and ld.so the original argv, the mapped shared objects, when the dump was
taken. Then it prints the core's text or writes its JSON."""

import os
import time

import gdb

from . import loader, parameters, session
from .common import one_line_errors
from .heap_commands import _Progress
from .node_commands import environments
from .options import Option, Options
from .stack import _named_arguments, _value_text, describe_frame, find_throw, _error_headline

_MAX_FRAMES = 400          # per thread: Node's report writes whole stacks too
_ARGUMENT_FRAMES = 10      # JS frames of the crashed thread shown with their arguments
_QUIET_SIGNALS = (5, 2, 19)  # SIGTRAP, SIGINT, SIGSTOP: a debugger's stop, not the process's end

REPORT_OPTIONS = Options(
    Option("json", "string", "also write the report as JSON (Node's diagnostic report shape) to FILE; "
           "- for standard output (then only the JSON is written)"),
    Option("no-heap", doc="leave out the heap walk (heap spaces, biggest types, node-why's heap part)"),
    Option("output", "string", "write the text report to FILE instead of the screen"),
)
USAGE = "usage: node-report [-json FILE|-] [-output FILE] [-no-heap]"


def _arch():
    name = gdb.selected_inferior().architecture().name()
    return "arm64" if "aarch64" in name else "x64" if "x86-64" in name else name


def _address_of(symbol):
    try:
        return int(gdb.parse_and_eval("(unsigned long)&%s" % symbol))
    except gdb.error:
        return 0


def _signal():
    try:
        return int(gdb.parse_and_eval("$_siginfo.si_signo"))
    except gdb.error:
        pass
    # A core without NT_SIGINFO (qemu-user's): its threads' status says it.
    path = session.core_file_path() if session.is_core() else None
    if path:
        core = loader.import_core()
        try:
            return core.core_signal(path)
        except core.Error:  # an unreadable core: the report says "unknown"
            return 0
    return 0


def _shared_objects():
    """Mapped shared objects, in address order, once each (Node lists what
    dl_iterate_phdr gives: the vDSO and every library, not the executable)."""
    seen = []
    for m in session.proc_mappings():
        path = "linux-vdso.so.1" if m.path == "[vdso]" else m.path
        base = os.path.basename(path)
        if (".so" in base) and (base.endswith(".so") or ".so." in base) and path not in seen:
            seen.append(path)
    return seen


def _solib(pc):
    try:
        name = gdb.current_progspace().solib_name(pc)
    except gdb.error:
        name = None
    return name or (gdb.current_progspace().filename or "")


def _js_line(info):
    """Error.stack's text of a frame, without "at "."""
    if info["kind"] == "builtin":
        return "%s (<anonymous>)" % (info["name"] or "<anonymous>")
    where = info["script"] or "<anonymous>"
    if info["line"]:
        where += ":%d:%d" % (info["line"], info["column"])
    return "%s (%s)" % (info["name"], where) if info["name"] else where


def _frame_facts(frame, target, details, with_args):
    """(pc, symbol, [JS lines]) of one GDB frame; arguments go to details."""
    pc = frame.pc()
    try:
        info = describe_frame(frame)
    except gdb.error:
        info = None
    if info is None:
        return pc, "%s [%s]" % (frame.name() or "??", _solib(pc)), []
    lines = [text for text, _, _ in info["inlined"]]
    if info["kind"] in ("javascript", "builtin"):
        lines.append(_js_line(info))
        if with_args:
            args = ", ".join("%s = %s" % (name, _value_text(target, raw, {"depth": 0}))
                             for name, raw in _named_arguments(info))
            details.append("#%d %s(%s)" % (frame.level(), info["name"] or "<anonymous>", args))
    return pc, info["summary"], lines


def _thread_stack(thread, crashed, target):
    thread.switch()
    native, javascript, details = [], [], []
    try:
        frame = gdb.newest_frame()
    except gdb.error:
        frame = None
    while frame is not None and len(native) < _MAX_FRAMES:
        with_args = crashed and len(details) < _ARGUMENT_FRAMES
        pc, symbol, lines = _frame_facts(frame, target, details, with_args)
        native.append((pc, symbol))
        javascript.extend(lines)
        try:
            frame = frame.older()
        except gdb.error:
            break
    return (thread.ptid[1], thread.num, crashed, native, javascript, details)


def _exception(target):
    try:
        found = find_throw()
    except (gdb.error, RuntimeError):
        return "", []
    if found is None or found[2] is None:
        return "", []
    full = target.print_value(found[2], **parameters.options(None))
    lines = [l.strip()[3:] for l in full.split("\n") if l.strip().startswith("at ")]
    return _error_headline(full), lines


def _request(target, signal, walk_heap, filename):
    inferior = gdb.selected_inferior()
    core = session.core_file_path() if session.is_core() else None
    selected = gdb.selected_thread()
    exception_message, exception_stack = _exception(target)
    threads = []
    for thread in sorted(inferior.threads(), key=lambda t: t.num):
        threads.append(_thread_stack(thread, signal != 0 and thread == selected, target))
    if selected is not None:
        selected.switch()
    threads.sort(key=lambda t: not t[2])
    if core:
        stamp = int(os.stat(core).st_mtime * 1000) if os.path.exists(core) else 0
        source = "core file " + core
    else:
        stamp = int(time.time() * 1000)
        source = "live process %d" % inferior.pid
    return {
        "trigger": "node-gdb", "filename": filename or "", "dump_time_ms": stamp, "pid": inferior.pid,
        "signal": signal, "source": source,
        "event": ("signal %d" % signal) if signal else ("core dump" if core else "live process stopped by the debugger"),
        "exception_message": exception_message, "exception_stack": exception_stack, "threads": threads,
        "environ_address": _address_of("environ"), "argv_address": _address_of("_dl_argv"),
        "r_debug_address": _address_of("_r_debug"),
        "shared_objects": _shared_objects(), "arch": _arch(), "walk_heap": walk_heap,
    }


def build(json_file=None, walk_heap=True, quiet=False):
    """The DiagnosticReport of GDB's current inferior (the C++ object)."""
    target, search, _pid = environments()
    signal = _signal()
    if not session.is_core() and signal in _QUIET_SIGNALS:
        signal = 0
    request = _request(target, signal, walk_heap, json_file)
    progress = None if quiet else _Progress("node-report")
    try:
        return loader.import_core().build_report(target, search, request, progress)
    except KeyboardInterrupt:
        raise gdb.GdbError("node-report: interrupted")


class NodeReport(gdb.Command):
    __doc__ = """Report on the whole process for triage: node-report [-json FILE|-] [-output FILE] [-no-heap]

What happened first (the signal and the thread it hit, the exception being
thrown), then the crashed thread's JavaScript and native stack with the
arguments of its JavaScript frames, what the event loop waits for
(node-why), the process (argv, versions), each heap's spaces and its
biggest types, and one line for every other thread.
-json FILE also writes it as JSON in the shape of Node's own diagnostic
report (process.report.getReport(): header, javascriptStack,
javascriptHeap, nativeStack, libuv, workers, environmentVariables,
sharedObjects, requests), every value read from the memory; what a dump
cannot hold is listed in nodeGdb.omitted. -json - writes only the JSON, to
standard output. -output FILE writes the text report to FILE.
Options:
%s""" % REPORT_OPTIONS.help()

    def __init__(self):
        super().__init__("node-report", gdb.COMMAND_STATUS)

    def complete(self, text, word):
        return REPORT_OPTIONS.complete(text, word, fallback=gdb.COMPLETE_FILENAME)

    @one_line_errors
    def invoke(self, arg, from_tty):
        given, rest = REPORT_OPTIONS.parse(arg)
        if rest.strip():
            raise gdb.GdbError(USAGE)
        json_file = given.get("json")
        to_stdout = json_file == "-"
        report = build(None if to_stdout else json_file, not given["no-heap"], quiet=to_stdout)
        if to_stdout:
            gdb.write(report.json())
            return
        if json_file:
            _write(json_file, report.json())
        if given.get("output"):
            _write(given["output"], report.text())
        else:
            gdb.write(report.text())
        if json_file:
            gdb.write("(JSON written to %s)\n" % json_file)


def _write(path, text):
    try:
        with open(path, "w") as f:
            f.write(text)
    except OSError as e:
        raise gdb.GdbError("node-report: cannot write %s: %s" % (path, e.strerror))


def register():
    NodeReport()
