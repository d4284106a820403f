"""Which process or core GDB is looking at, and the C++ Target for it.

The memory source is picked here: a core file is read directly (mapped by the
core), a live local process through /proc/PID/mem, anything else (remote
targets) through GDB's own read_memory. The Target is dropped whenever the
inferior runs, memory is written, or objfiles change, and rebuilt on demand.
"""

import os
import re
import struct

import gdb

from . import loader

_target = None
_binary_cache = {}  # path -> has v8dbg_ metadata
_link_address_cache = {}  # path -> link-time address of v8dbg_SmiTag


class NodeGdbError(Exception):
    """A problem to report to the user as one line."""


def invalidate(*_args):
    global _target
    _target = None


def register_events():
    for name in ("cont", "exited", "new_objfile", "clear_objfiles", "memory_changed",
                 "inferior_call", "new_inferior", "register_changed"):
        registry = getattr(gdb.events, name, None)
        if registry is not None:
            registry.connect(invalidate)


def _has_metadata(path):
    core = loader.import_core()
    if path not in _binary_cache:
        _binary_cache[path] = bool(path) and os.path.isfile(path) and core.has_metadata(path)
    return _binary_cache[path]


# info proc mappings: start, end, size, offset, [perms,] file.
_MAPPING = re.compile(r"^\s*(0x[0-9a-fA-F]+)\s+(0x[0-9a-fA-F]+)\s+(0x[0-9a-fA-F]+)\s+(0x[0-9a-fA-F]+)"
                      r"\s+(?:[rwxsp-]{4}\s+)?([/\[].*?)\s*$")


def file_mappings():
    """[(start, end, offset, path)] of the inferior's mappings that name a
    file or a kernel region (NT_FILE for a core, /proc/PID/maps for a live
    process); [] if GDB cannot say."""
    try:
        text = gdb.execute("info proc mappings", to_string=True)
    except gdb.error:
        return []
    rows = []
    for line in text.splitlines():
        m = _MAPPING.match(line)
        if m:
            path = m.group(5)
            if path.endswith(" (deleted)"):
                path = path[:-len(" (deleted)")]
            rows.append((int(m.group(1), 16), int(m.group(2), 16), int(m.group(4), 16), path))
    return rows


_mapped_binary_note = set()


def _mapped_metadata_binary():
    """(path, bias) of a file the process mapped that has the v8dbg_
    symbols (the core's NT_FILE note names it, or /proc/PID/maps), or None."""
    for start, _end, offset, path in file_mappings():
        if offset != 0 or not path.startswith("/") or not _has_metadata(path):
            continue
        return path, 0 if _is_fixed_address(path) else start - _first_load_address(path)
    return None


def _first_load_address(path):
    """The lowest PT_LOAD virtual address of an ELF file (0 for most shared objects)."""
    try:
        with open(path, "rb") as f:
            header = f.read(64)
            phoff, = struct.unpack_from("<Q", header, 0x20)
            phentsize, phnum = struct.unpack_from("<HH", header, 0x36)
            f.seek(phoff)
            table = f.read(phentsize * phnum)
    except (OSError, struct.error):
        return 0
    loads = [struct.unpack_from("<Q", table, i * phentsize + 16)[0] for i in range(phnum)
             if len(table) >= (i + 1) * phentsize and struct.unpack_from("<I", table, i * phentsize)[0] == 1]
    return min(loads) & ~0xfff if loads else 0


def _metadata_binary():
    """(path, bias or None) of the executable or shared library (libnode.so)
    with the v8dbg_ symbols; a bias of None is found through GDB's symbols."""
    progspace = gdb.current_progspace()
    candidates = []
    if progspace is not None and progspace.filename:
        candidates.append(progspace.filename)
    for objfile in gdb.objfiles():
        if objfile.filename and objfile.filename not in candidates and not objfile.filename.endswith(".debug"):
            candidates.append(objfile.filename)
    for path in candidates:
        if _has_metadata(path):
            return path, None
    mapped = _mapped_metadata_binary()
    if mapped and (progspace is None or not progspace.filename):
        # gdb -c core: GDB was given no program, but the process mapped node.
        path = mapped[0]
        if path not in _mapped_binary_note:
            _mapped_binary_note.add(path)
            gdb.write("node-gdb: GDB was given no program; V8's metadata is read from %s, which the "
                      "process mapped (for GDB's own symbols too: file %s)\n" % (path, path))
        return mapped
    if not candidates:
        raise NodeGdbError("no program loaded: start GDB with the node binary (gdb node core, or gdb -p PID)")
    hint = "; the process mapped %s, which has it: file %s" % (mapped[0], mapped[0]) if mapped else ""
    raise NodeGdbError("no V8 postmortem metadata (v8dbg_ symbols) in %s: is this a Node process, "
                       "and was GDB given the node binary that ran it?%s" % (candidates[0], hint))


def _load_bias(binary):
    """Runtime minus link-time address of the binary, from where GDB put a symbol."""
    core = loader.import_core()
    if binary not in _link_address_cache:
        _link_address_cache[binary] = core.symbol_address(binary, "v8dbg_SmiTag")
    link = _link_address_cache[binary]
    if link is None or _is_fixed_address(binary):
        return 0
    try:
        runtime = int(gdb.parse_and_eval("(unsigned long)&v8dbg_SmiTag"))
    except gdb.error:
        return 0
    return runtime - link


def _is_fixed_address(path):
    """True for an ET_EXEC file (node is one): it runs at its link-time
    addresses, so the bias is 0 without evaluating an expression (which
    needs a frame, and must not happen inside GDB's frame unwinding)."""
    try:
        with open(path, "rb") as f:
            header = f.read(18)
    except OSError:
        return False
    return len(header) == 18 and header[:4] == b"\x7fELF" and header[16:18] == b"\x02\x00"


def _core_file_path():
    """The core file GDB has open, or None."""
    try:
        text = gdb.execute("info target", to_string=True)
    except gdb.error:
        return None
    m = re.search(r"Local core dump file:\s*\n\s*`(.+?)', file type", text)
    return m.group(1) if m else None


def _gdb_reader(inferior):
    def read(address, size):
        try:
            return inferior.read_memory(address, size).tobytes()
        except (gdb.MemoryError, gdb.error, OverflowError, ValueError):
            return None
    return read


def target():
    """The Target for GDB's current inferior (built on first use)."""
    global _target
    if _target is not None:
        return _target
    core = loader.import_core()
    if core is None:
        raise NodeGdbError(loader.error().splitlines()[0])
    inferior = gdb.selected_inferior()
    binary, bias = _metadata_binary()
    if bias is None:
        bias = _load_bias(binary)
    connection = getattr(inferior, "connection", None)
    kind = connection.type if connection is not None else None
    core_path = _core_file_path() if kind in (None, "core") else None
    # NODE_GDB_MEMORY=gdb reads everything through GDB (as for remote targets).
    if os.environ.get("NODE_GDB_MEMORY") == "gdb" and (core_path or inferior.pid > 0):
        _target = core.Target.from_reader(binary, _gdb_reader(inferior), bias)
    elif core_path:
        # Pages the kernel left out of the core come from the files GDB has
        # loaded (matched by base name), then from GDB itself.
        substitutes = {}
        for objfile in gdb.objfiles():
            if objfile.filename and os.path.isfile(objfile.filename):
                substitutes[os.path.basename(objfile.filename)] = objfile.filename
        _target = core.Target.from_core(binary, core_path, bias, substitutes, _gdb_reader(inferior))
        if _target.warning:
            gdb.write("warning: node-gdb: %s\n" % _target.warning)
    elif inferior.pid > 0 and kind == "native" and os.access("/proc/%d/mem" % inferior.pid, os.R_OK):
        try:
            _target = core.Target.from_process(binary, inferior.pid, bias)
        except core.Error:
            _target = core.Target.from_reader(binary, _gdb_reader(inferior), bias)
    elif inferior.pid > 0:
        _target = core.Target.from_reader(binary, _gdb_reader(inferior), bias)
    else:
        raise NodeGdbError("no process or core file: run the program, attach to it (gdb -p PID), "
                           "or open a core (gdb node core)")
    return _target


def try_banner():
    """The banner line if a target is available now, else None."""
    try:
        return target().banner()
    except (NodeGdbError, gdb.error):
        return None
    except Exception as e:  # the core's Error: missing metadata and the like
        return "cannot read this target: %s" % e
