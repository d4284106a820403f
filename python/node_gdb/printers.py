"""Pretty-printers for V8's handle types: `print some_local` shows the value
as util.inspect would. One collection, "node-gdb", in `info pretty-printer`."""

import gdb
import gdb.printing

from . import bytecode, loader, session, values


class HandlePrinter:
    """v8::Local<T>, MaybeLocal, Global, Persistent, Eternal, internal::Handle, ...:
    the JS view of the value the handle holds, <empty> for an empty one."""

    def __init__(self, value):
        self.value = value

    def to_string(self):
        try:
            target = session.target()
            word = values.tagged_word(self.value, target)
            return bytecode.bytecode_array_text(target, word) or target.print_value(word)
        except values.EmptyHandle:
            return "<empty>"
        except Exception as e:  # never a traceback inside `print`
            return "<node-gdb: %s>" % _one_line(e)


def _one_line(error):
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


_HANDLES = [
    ("v8::Local", r"^v8::Local<.*>$"),
    ("v8::MaybeLocal", r"^v8::MaybeLocal<.*>$"),
    ("v8::Global", r"^v8::Global<.*>$"),
    ("v8::Persistent", r"^v8::Persistent<.*>$"),
    ("v8::PersistentBase", r"^v8::PersistentBase<.*>$"),
    ("v8::TracedReference", r"^v8::TracedReference<.*>$"),
    ("v8::Eternal", r"^v8::Eternal<.*>$"),
    ("v8::internal::Handle", r"^v8::internal::(Indirect)?Handle<.*>$"),
    ("v8::internal::MaybeHandle", r"^v8::internal::MaybeHandle<.*>$"),
    ("v8::internal::DirectHandle", r"^v8::internal::(Maybe)?DirectHandle<.*>$"),
    ("v8::internal::Tagged", r"^v8::internal::Tagged<.*>$"),
]


def build_collection():
    collection = gdb.printing.RegexpCollectionPrettyPrinter("node-gdb")
    for name, regexp in _HANDLES:
        collection.add_printer(name, regexp, HandlePrinter)
    return collection


def register():
    if loader.import_core() is None:
        return
    # Global registration: the handle types live in the user's addon or
    # embedder, not in the object file that loaded us.
    gdb.printing.register_pretty_printer(None, build_collection(), replace=True)
