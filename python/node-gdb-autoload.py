# node-gdb's system hook (installed in GDB's system gdbinit directory, e.g.
# /etc/gdb/gdbinit.d/node-gdb.py): loads node-gdb when GDB opens a program
# that carries V8's postmortem metadata (node, or a program linking libnode),
# so `gdb /usr/bin/node core` needs no `source`. For every other program it
# stays silent and costs one check of the main executable.
import os
import sys

import gdb

_PYTHON_DIR = "@NODE_GDB_PYTHON_DIR@"  # filled in by `cmake --install`


def _candidate(objfile):
    """The main program, or a libnode shared object: where the v8dbg_ symbols live."""
    path = objfile.filename or ""
    progspace = gdb.current_progspace()
    main = progspace.filename if progspace is not None else None
    return path == main or os.path.basename(path).startswith("libnode.so")


def _on_new_objfile(event):
    if not _candidate(event.new_objfile):
        return
    if _PYTHON_DIR not in sys.path:
        sys.path.insert(0, _PYTHON_DIR)
    try:
        import _nodegdb
        if not _nodegdb.has_metadata(event.new_objfile.filename):
            return
    except Exception:  # the module is missing or cannot read the file: stay quiet
        return
    gdb.events.new_objfile.disconnect(_on_new_objfile)
    import node_gdb
    node_gdb.load()


if os.environ.get("NODE_GDB_NO_AUTOLOAD") != "1":
    gdb.events.new_objfile.connect(_on_new_objfile)
