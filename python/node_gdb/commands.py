"""GDB commands: the `v8` prefix with `print`, `inspect` and `info` (the
other `v8` subcommands are registered by their own modules), and the `v8`
that says how to build the C++ module when it is missing.

Every command reports problems as one line (common.one_line_errors).
"""

import gdb

from . import VERSION, bytecode, loader, parameters, session
from .common import one_line_errors, tagged_argument


class V8Prefix(gdb.Command):
    """Commands for V8's heap: JavaScript values as Node shows them.

v8 print EXPR    -- the JS view (util.inspect text) of a tagged value or handle
v8 inspect EXPR  -- the V8 view (%DebugPrint facts): address, type, map, fields
v8 bytecode EXPR -- a function's bytecode, as V8's --print-bytecode shows it
v8 info          -- the node binary, its versions, and where memory is read from
v8 findjsobjects -- every heap object counted by type (class name), biggest first
v8 findjsinstances NAME -- the objects of one type, with their JS view
v8 findrefs EXPR -- what refers to an object (v8 findrefs -n NAME: who has property NAME)

Limits of the JS view: set v8 depth N, set v8 string-length N, set v8 array-length N
(util.inspect's depth, maxStringLength and maxArrayLength); `set v8 structure on`
makes printers expand objects into children (as with `set print pretty on`).

EXPR is any GDB expression: an integer or pointer holding a tagged value
(0x2c6019246e71), a register ($rax), or a v8::Local / Handle variable."""

    def __init__(self):
        super().__init__("v8", gdb.COMMAND_DATA, gdb.COMPLETE_NONE, prefix=True)


class V8Print(gdb.Command):
    """Print a V8 value as util.inspect would: v8 print EXPR

EXPR is a tagged value (integer or pointer) or a V8 handle variable."""

    def __init__(self):
        super().__init__("v8 print", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    @one_line_errors
    def invoke(self, arg, from_tty):
        target, word = tagged_argument(arg, "v8 print")
        gdb.write(target.print_value(word, **parameters.options()) + "\n")


class V8Inspect(gdb.Command):
    """Show V8's view of a heap object: v8 inspect EXPR

The tagged address, [type], instance type, map and key fields, as %DebugPrint
shows them."""

    def __init__(self):
        super().__init__("v8 inspect", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    @one_line_errors
    def invoke(self, arg, from_tty):
        target, word = tagged_argument(arg, "v8 inspect")
        text = bytecode.bytecode_array_text(target, word) or target.inspect(word)
        gdb.write(text if text.endswith("\n") else text + "\n")


class V8Info(gdb.Command):
    """Show the node binary node-gdb reads, its versions, and the memory source."""

    def __init__(self):
        super().__init__("v8 info", gdb.COMMAND_STATUS, gdb.COMPLETE_NONE)

    @one_line_errors
    def invoke(self, arg, from_tty):
        target = session.target()
        gdb.write("node-gdb %s: %s\n" % (VERSION, target.banner()))
        gdb.write("binary: %s (load bias %#x)\n" % (target.binary_path, target.load_bias))
        gdb.write("memory: %s\n" % target.describe_memory())


class _NotBuilt(gdb.Command):
    """node-gdb is loaded but its C++ module is not built."""

    def __init__(self, name):
        super().__init__(name, gdb.COMMAND_DATA, gdb.COMPLETE_NONE, prefix=(name == "v8"))

    def invoke(self, arg, from_tty):
        raise gdb.GdbError((loader.error() or "node-gdb: module missing").splitlines()[0])


def register():
    """The `v8` prefix (first: the other modules add its subcommands) and
    v8 print, v8 inspect, v8 info."""
    V8Prefix()
    V8Print()
    V8Inspect()
    V8Info()


def register_not_built():
    """Without the C++ module: a `v8` that says how to build it."""
    _NotBuilt("v8")
