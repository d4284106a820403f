"""node-gdb's GDB layer: finds the target, translates GDB values to tagged
words, and shows what the C++ core decodes. No decoding happens here.

load() registers every feature from one table, FEATURES."""

import importlib

VERSION = "?"  # CMake's project version, from the C++ module once it is loaded

# Every feature module, in registration order, and whether it needs the C++
# module; each has a register(). The `v8` prefix (commands) comes before the
# modules that add `v8` subcommands.
FEATURES = (
    ("parameters", False),     # set/show v8 depth|string-length|array-length|structure
    ("commands", True),        # the `v8` prefix, v8 print, v8 inspect, v8 info
    ("bytecode", True),        # v8 bytecode
    ("node_commands", True),   # node-info, node-handles, node-requests, node-environments
    ("heap_commands", True),   # v8 findjsobjects, v8 findjsinstances, v8 findrefs, v8 heapsnapshot, v8 retainers
    ("async_commands", True),  # v8 async
    ("node_printers", False),  # node::ListHead / ListNode printers: pure GDB
    ("printers", True),        # the V8 handle printers
    ("xmethods", True),        # args[0], args.Length(), local.IsEmpty(), maybe.ToLocalChecked()...
    ("session", False),        # the GDB events that drop cached state
    ("stack", True),           # the unwinder, `bt` names, v8 bt, v8 frame, v8 source
    ("report", True),          # node-report
)

_loaded = False


def load():
    """Register printers and commands once per GDB session."""
    global _loaded
    import gdb

    from . import loader

    core = loader.import_core()
    if _loaded:
        return
    global VERSION
    VERSION = getattr(core, "__version__", VERSION)
    _loaded = True
    for name, needs_core in FEATURES:
        if core is not None or not needs_core:
            importlib.import_module("." + name, __name__).register()
    if core is None:
        from . import commands
        commands.register_not_built()
        return
    from . import session
    session.adopt_mapped_binary()
    banner = session.try_banner()
    gdb.write("node-gdb %s: %s\n" % (VERSION, banner or "loaded; no Node process or core yet "
                                     "(the printers and `v8` commands work once there is one)"))
