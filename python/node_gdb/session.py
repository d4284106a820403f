"""Which process or core GDB is looking at, the C++ Target for it, and what
is cached for that Target.

The memory source is picked here: a core file is read directly (mapped by the
core), a live local process through /proc/PID/mem, anything else (remote
targets) through GDB's own read_memory. The Target is dropped on the GDB
events in STALE_EVENTS (the inferior runs, memory or registers are written,
objfiles change...), and rebuilt on demand; cached() keeps what the other
modules compute from a Target (heap walks, the Environment search, the stack
decoder) until then. proc_mappings() is the one reader of `info proc
mappings`.
"""

import collections
import os
import re
import struct

import gdb

from . import loader

_target = None
_cache = {}  # name -> (Target, value computed for it)
_failed = set()  # names whose cached_quietly() failed: not tried again until a stop
_computing = set()  # names cached_quietly() is computing now
_binary_cache = {}  # path -> has v8dbg_ metadata
_link_address_cache = {}  # path -> link-time address of v8dbg_SmiTag

# The GDB events after which what was read may be stale: each drops the
# Target and everything cached for it.
STALE_EVENTS = ("cont", "exited", "new_objfile", "clear_objfiles", "memory_changed",
                "inferior_call", "new_inferior", "register_changed")
# A stop only forgets the failures of cached_quietly(): they are tried again.
RETRY_EVENTS = ("stop",)


class NodeGdbError(Exception):
    """A problem to report to the user as one line."""


def invalidate(*_args):
    """Drop the Target and all that is cached for it."""
    global _target
    _target = None
    _cache.clear()
    _failed.clear()


def _retry(*_args):
    _failed.clear()


def register():
    """Connect the events that drop cached state."""
    for names, handler in ((STALE_EVENTS, invalidate), (RETRY_EVENTS, _retry)):
        for name in names:
            registry = getattr(gdb.events, name, None)
            if registry is not None:
                registry.connect(handler)
    # An interactive `gdb -c core` gets the node binary before its first prompt.
    gdb.events.before_prompt.connect(adopt_mapped_binary)
    define_backtrace_hook()


def current_target():
    """The Target if one is built now, else None (never builds one)."""
    return _target


def cached(name, compute):
    """compute(target) for the current Target, computed once and kept until
    the Target is dropped. Raises what target() or compute raise (nothing is
    kept then)."""
    target_ = target()
    entry = _cache.get(name)
    if entry is not None and entry[0] is target_:
        return entry[1]
    value = compute(target_)
    _cache[name] = (target_, value)
    return value


def cached_quietly(name, compute):
    """As cached(), but None instead of an error, and after a failure None
    until the next stop (or stale event) without trying again; None too when
    called again while computing it (GDB's unwinding, which may ask for the
    stack decoder, runs inside the making of a Target)."""
    entry = _cache.get(name)
    if entry is not None and _target is not None and entry[0] is _target:
        return entry[1]
    if name in _failed or name in _computing:
        return None
    _computing.add(name)
    try:
        return cached(name, compute)
    except Exception:  # no node process or core, or an unreadable one
        _failed.add(name)
        return None
    finally:
        _computing.discard(name)


def _has_metadata(path):
    core = loader.import_core()
    if path not in _binary_cache:
        _binary_cache[path] = bool(path) and os.path.isfile(path) and core.has_metadata(path)
    return _binary_cache[path]


# A line of `info proc mappings`: start, end, size, offset, [perms,] [name].
_MAPPING = re.compile(r"^\s*(0x[0-9a-fA-F]+)\s+(0x[0-9a-fA-F]+)\s+(0x[0-9a-fA-F]+)\s+(0x[0-9a-fA-F]+)"
                      r"(?:\s+([rwxsp-]{4}))?(?:\s+(.*?))?\s*$")

Mapping = collections.namedtuple("Mapping", "start end offset perms path")


def proc_mappings():
    """[Mapping] of every row of `info proc mappings` (NT_FILE for a core,
    /proc/PID/maps for a live process): perms is None where GDB shows none,
    path "" for an anonymous mapping, without " (deleted)"; [] if GDB
    cannot say."""
    try:
        text = gdb.execute("info proc mappings", to_string=True)
    except gdb.error:
        return []
    rows = []
    for line in text.splitlines():
        m = _MAPPING.match(line)
        if m:
            path = m.group(6) or ""
            if path.endswith(" (deleted)"):
                path = path[:-len(" (deleted)")]
            rows.append(Mapping(int(m.group(1), 16), int(m.group(2), 16), int(m.group(4), 16), m.group(5), path))
    return rows


def file_mappings():
    """[(start, end, offset, path)] of the inferior's mappings that name a
    file or a kernel region ([heap], [vdso], ...)."""
    return [(m.start, m.end, m.offset, m.path) for m in proc_mappings() if m.path[:1] in ("/", "[")]


_mapped_binary_note = set()


def _mapped_metadata_binary():
    """(path, bias) of a file the process mapped that has the v8dbg_
    symbols (the core's NT_FILE note names it, or /proc/PID/maps), or None."""
    for start, _end, offset, path in file_mappings():
        if offset != 0 or not path.startswith("/") or not _has_metadata(path):
            continue
        return path, 0 if _is_fixed_address(path) else start - _first_load_address(path)
    return None


_adopted = set()  # core files whose mapped node binary was loaded into GDB


def adopt_mapped_binary():
    """gdb -c core: give GDB the node binary the core's file list names, as
    `file NODE` and `sharedlibrary` would, so GDB's own unwinder, symbols and
    threads work too. The core stays open and the threads with it (so it is
    safe inside `thread apply`); never called from a printer, unwinder or
    frame filter, where GDB is in the middle of reading frames."""
    progspace = gdb.current_progspace()
    if progspace is None or progspace.filename or connection_type() not in (None, "core"):
        return
    core_path = core_file_path()
    if not core_path or core_path in _adopted:
        return
    _adopted.add(core_path)
    mapped = _mapped_metadata_binary()
    if not mapped:
        return
    _mapped_binary_note.add(mapped[0])  # this note replaces the one _metadata_binary gives
    confirm = gdb.parameter("confirm")
    try:
        gdb.execute("set confirm off", to_string=True)
        gdb.execute("file " + _quoted(mapped[0]), to_string=True)
        gdb.execute("sharedlibrary", to_string=True)
    except gdb.error as e:
        gdb.write("node-gdb: could not load %s for GDB's own symbols: %s\n" % (mapped[0], e))
        return
    finally:
        gdb.execute("set confirm %s" % ("on" if confirm else "off"), to_string=True)
    gdb.write("node-gdb: GDB was given no program; loaded %s, which the core's file list names "
              "(as `file %s` would)\n" % (mapped[0], mapped[0]))


def define_backtrace_hook():
    """Adopt the binary before `bt`, `where` and `thread apply ... bt` too:
    GDB's batch mode (gdb -batch -c core -ex bt) shows no prompt before them.
    A hook-backtrace of the user's own is left alone."""
    try:
        if gdb.execute("show user hook-backtrace", to_string=True).strip():
            return
    except gdb.error:
        pass
    gdb.execute("define hook-backtrace\npython import node_gdb.session; node_gdb.session.adopt_mapped_binary()\nend",
                to_string=True)


def _quoted(path):
    return '"%s"' % path.replace("\\", "\\\\").replace('"', '\\"') if " " in path or '"' in path else path


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
                      "process mapped (node-gdb loads it into GDB at the next command or prompt)\n" % path)
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


def core_file_path():
    """The core file GDB has open, or None."""
    try:
        text = gdb.execute("info target", to_string=True)
    except gdb.error:
        return None
    m = re.search(r"Local core dump file:\s*\n\s*`(.+?)', file type", text)
    return m.group(1) if m else None


def connection_type(inferior=None):
    """GDB's name for how it reaches the inferior ("core", "native",
    "remote", ...), or None if this GDB does not say."""
    connection = getattr(inferior or gdb.selected_inferior(), "connection", None)
    return connection.type if connection is not None else None


def is_core():
    """True if GDB looks at a core file (or cannot say it does not)."""
    return connection_type() in (None, "core")


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
    binary, bias = _metadata_binary()
    if bias is None:
        bias = _load_bias(binary)
    _target = _open(core, gdb.selected_inferior(), binary, bias)
    return _target


def _open(core, inferior, binary, bias):
    """A new Target on the memory source that fits the inferior."""
    kind = connection_type(inferior)
    core_path = core_file_path() if kind in (None, "core") else None
    # NODE_GDB_MEMORY=gdb reads everything through GDB (as for remote targets).
    if os.environ.get("NODE_GDB_MEMORY") == "gdb" and (core_path or inferior.pid > 0):
        return core.Target.from_reader(binary, _gdb_reader(inferior), bias)
    if core_path:
        # Pages the kernel left out of the core come from the files GDB has
        # loaded (matched by base name), then from GDB itself.
        substitutes = {}
        for objfile in gdb.objfiles():
            if objfile.filename and os.path.isfile(objfile.filename):
                substitutes[os.path.basename(objfile.filename)] = objfile.filename
        opened = core.Target.from_core(binary, core_path, bias, substitutes, _gdb_reader(inferior))
        if opened.warning:
            gdb.write("warning: node-gdb: %s\n" % opened.warning)
        return opened
    if inferior.pid > 0 and kind == "native" and os.access("/proc/%d/mem" % inferior.pid, os.R_OK):
        try:
            return core.Target.from_process(binary, inferior.pid, bias)
        except core.Error:
            return core.Target.from_reader(binary, _gdb_reader(inferior), bias)
    if inferior.pid > 0:
        return core.Target.from_reader(binary, _gdb_reader(inferior), bias)
    raise NodeGdbError("no process or core file: run the program, attach to it (gdb -p PID), "
                       "or open a core (gdb node core)")


def try_banner():
    """The banner line if a target is available now, else None."""
    try:
        return target().banner()
    except (NodeGdbError, gdb.error):
        return None
    except Exception as e:  # the core's Error: missing metadata and the like
        return "cannot read this target: %s" % e
