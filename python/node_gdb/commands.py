"""GDB commands: the `v8` prefix with `print`, `inspect` and `info` (the
other `v8` subcommands are registered by their own modules), and the `v8`
that says how to build the C++ module when it is missing.

Every command reports problems as one line (common.one_line_errors).
"""

import json

import gdb

from . import VERSION, bytecode, loader, parameters, session, values
from .common import js_argument, one_line_errors
from .options import JSON, Option, Options, write_json

PRINT_OPTIONS = Options(
    Option("depth", "uint", "how deep nested objects are shown (default: set v8 depth)"),
    Option("string-length", "uint", "characters of a string shown (default: set v8 string-length)"),
    Option("array-length", "uint", "items of an array, Map or Set shown (default: set v8 array-length)"),
    JSON,
)

INSPECT_OPTIONS = Options(
    Option("map", doc="also show the object's map, as v8 inspect of the map would (llnode's -m)"),
    Option("full-string", doc="show a string whole, however long (llnode's -F)", aliases=("F",)),
    Option("string-length", "uint", "characters of a string shown (default 1000)"),
)


class V8Prefix(gdb.Command):
    """Commands for V8's heap: JavaScript values as Node shows them.

The subcommands are listed below; `help v8 print` and so on tell each one's
options (GDB style: `v8 print -depth 5 -- EXPR`, any unambiguous prefix).

Limits of the JS view: set v8 depth N, set v8 string-length N, set v8 array-length N
(util.inspect's depth, maxStringLength and maxArrayLength); `show v8` lists them;
`set v8 structure on` makes printers expand objects into children (as with
`set print pretty on`).

EXPR is any GDB expression: an integer or pointer holding a tagged value
(0x2c6019246e71), a register ($rax), or a v8::Local / Handle variable."""

    def __init__(self):
        super().__init__("v8", gdb.COMMAND_DATA, gdb.COMPLETE_NONE, prefix=True)


class V8Print(gdb.Command):
    __doc__ = """Print a V8 value as util.inspect would: v8 print [OPTION]... [--] EXPR

EXPR is a tagged value (integer or pointer) or a V8 handle variable.
-json: the value's structure (type, constructor, properties, elements,
entries, the util.inspect text) as one JSON document, within the same limits.
Options (each for this command only; any unambiguous prefix works):
%s""" % PRINT_OPTIONS.help()

    def __init__(self):
        super().__init__("v8 print", gdb.COMMAND_DATA)

    def complete(self, text, word):
        return PRINT_OPTIONS.complete(text, word)

    @one_line_errors
    def invoke(self, arg, from_tty):
        given, rest = PRINT_OPTIONS.parse(arg)
        try:
            target, word, text = js_argument(rest, "v8 print")
        except values.EmptyHandle:
            if not given["json"]:
                raise
            write_json(json.dumps({"type": "empty", "text": "<empty>"}))  # still one JSON document
            return
        if given["json"]:
            write_json(_path_end_json(text) if word is None else target.print_json(word, **parameters.options(given)))
            return
        gdb.write((text if word is None else target.print_value(word, **parameters.options(given))) + "\n")


def _path_end_json(text):
    """JSON of a path's end that has no tagged word (a number or boolean
    unboxed in its holder): its text is the JS literal."""
    value = {"true": True, "false": False}.get(text)
    if value is None:
        try:
            value = float(text)
            value = int(value) if value.is_integer() and text.lstrip("-").isdigit() else value
        except ValueError:
            value = None
    kind = "boolean" if isinstance(value, bool) else "number" if value is not None else "internal"
    document = {"type": kind, "text": text}
    if value is not None and value == value and value not in (float("inf"), float("-inf")):
        document["value"] = value
    return json.dumps(document, indent=2)


class V8Inspect(gdb.Command):
    __doc__ = """Show V8's view of a heap object: v8 inspect [OPTION]... [--] EXPR

The tagged address, [type], instance type, map and key fields, as %%DebugPrint
shows them.
Options (any unambiguous prefix works):
%s""" % INSPECT_OPTIONS.help()

    def __init__(self):
        super().__init__("v8 inspect", gdb.COMMAND_DATA)

    def complete(self, text, word):
        return INSPECT_OPTIONS.complete(text, word)

    @one_line_errors
    def invoke(self, arg, from_tty):
        given, rest = INSPECT_OPTIONS.parse(arg)
        target, word, text = js_argument(rest, "v8 inspect")
        if word is None:
            gdb.write(text + "\n")
            return
        limit = given.get("string-length", 1000)
        if given["full-string"] or limit is None:
            limit = 1 << 62
        text = bytecode.bytecode_array_text(target, word) or target.inspect(word, string_length=limit)
        gdb.write(text if text.endswith("\n") else text + "\n")
        if given["map"]:
            gdb.write(_map_text(target, word))


def _map_text(target, word):
    """The DebugPrint of a heap object's map (its first word)."""
    if word & 1 == 0:
        return "(a Smi has no map)\n"
    text = target.inspect(target.read_word(word - 1))
    return text if text.endswith("\n") else text + "\n"


class V8Info(gdb.Command):
    """Show the node binary node-gdb reads, its versions, and the memory source."""

    def __init__(self):
        super().__init__("v8 info", gdb.COMMAND_STATUS, gdb.COMPLETE_NONE)

    @one_line_errors
    def invoke(self, arg, from_tty):
        _, rest = Options().parse(arg)
        if rest.strip():
            raise gdb.GdbError("v8 info takes no arguments")
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
