"""`v8 bytecode EXPR`: a function's bytecode as V8's --print-bytecode shows it.

EXPR is a JSFunction, SharedFunctionInfo or BytecodeArray (a tagged value,
register or pointer), or a handle to one (v8::Local<v8::Function>, ...).
The decoding is the C++ core's (core/bytecode/bytecode_printer.cc); this
file only registers the command and lets `v8 inspect` and the handle
printers show a BytecodeArray the same way.
"""

import gdb

from .common import js_argument, one_line_errors
from .options import Options

OPTIONS = Options()  # none yet; `--` and the one-line error for others, as every command

USAGE = ("usage: v8 bytecode EXPR  (a JSFunction, SharedFunctionInfo or BytecodeArray, "
         "or a v8::Local<v8::Function>)")


def bytecode_array_text(target, word):
    """The disassembly if `word` is a BytecodeArray, else None: what `v8
    inspect` and the handle printers show for one."""
    return target.bytecode(word, True)


class V8Bytecode(gdb.Command):
    """Disassemble a function's bytecode as V8's --print-bytecode does: v8 bytecode EXPR

EXPR is a JSFunction, SharedFunctionInfo or BytecodeArray (tagged value,
register or pointer) or a handle to one such as a v8::Local<v8::Function>,
and may go on with a JS path (`v8 bytecode $app.router.handle`).
Shows the parameter and register counts, frame size, every instruction
(offset, bytes, mnemonic, operands, jump targets, source positions), the
constant pool, the handler table and the source position table."""

    def __init__(self):
        super().__init__("v8 bytecode", gdb.COMMAND_DATA)

    def complete(self, text, word):
        return OPTIONS.complete(text, word)

    @one_line_errors
    def invoke(self, arg, from_tty):
        _, rest = OPTIONS.parse(arg)
        if not rest.strip():
            raise gdb.GdbError(USAGE)
        target, word, value = js_argument(rest, "v8 bytecode")
        if word is None:
            raise gdb.GdbError("v8 bytecode: %s is not a function" % value)
        text = target.bytecode(word)
        gdb.write(text if text.endswith("\n") else text + "\n")


def register():
    V8Bytecode()
