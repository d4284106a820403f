"""node-gdb's GDB layer: finds the target, translates GDB values to tagged
words, and shows what the C++ core decodes. No decoding happens here."""

VERSION = "0.1"

_loaded = False


def load():
    """Register printers and commands once per GDB session."""
    global _loaded
    import gdb

    from . import loader

    core = loader.import_core()
    if _loaded:
        return
    _loaded = True
    from . import commands, parameters, printers, session

    parameters.register()
    commands.register(core)
    printers.register()
    session.register_events()
    if core is None:
        return
    from . import stack
    stack.register()  # JavaScript frames: unwinder, `bt` names, `v8 bt`
    banner = session.try_banner()
    gdb.write("node-gdb %s: %s\n" % (VERSION, banner or "loaded; no Node process or core yet "
                                     "(the printers and `v8` commands work once there is one)"))
