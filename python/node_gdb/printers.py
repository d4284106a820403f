"""Pretty-printers for V8's handle types: `print some_local` shows the value
as util.inspect would. One collection, "node-gdb", in `info pretty-printer`.

With `set print pretty on`, under GDB/MI (IDEs), or with `set v8 structure
on`, objects expand instead: the printer gives a summary ("Point",
"Array(3)", "Map(2)") and children that GDB asks for lazily, each itself a
printable V8 value."""

import re

import gdb
import gdb.printing

from . import bytecode, parameters, session, values


def _one_line(error):
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _error_text(e):
    return "<node-gdb: %s>" % _one_line(e)


_CHILD_TYPE_RE = re.compile(r"^(?:const )?volatile unsigned long((?: \* volatile)+)$")


def tagged_child_type(depth=1):
    """The type of the values given as children: a tagged word typed
    `volatile unsigned long * volatile` (one `* volatile` per level of
    nesting). Release node binaries have no V8 types, so node-gdb marks its
    own values with a qualified builtin type that C++ code does not use; GDB
    keeps the outer volatile when it copies values into MI varobjs. The depth
    lets the CLI stop expanding where util.inspect would."""
    type_ = gdb.lookup_type("unsigned long").volatile()
    for _ in range(max(1, depth)):
        type_ = type_.pointer().volatile()
    return type_


def _child_depth(value):
    """Nesting depth of one of our child values, or None for other values."""
    # gdb.Type equality does not hold between separately made qualified
    # types: compare the spelling.
    type_ = value.type
    if type_.code != gdb.TYPE_CODE_PTR:
        return None
    m = _CHILD_TYPE_RE.match(str(type_))
    return m.group(1).count("*") if m else None


def _is_tagged_child(value):
    return _child_depth(value) is not None


class _Printer:
    """Common part: the tagged word behind the GDB value, found lazily."""

    def __init__(self, value):
        self.value = value

    def _word(self, target):
        if _is_tagged_child(self.value):
            return int(self.value.cast(gdb.lookup_type("unsigned long"))) & 0xFFFFFFFFFFFFFFFF
        return values.tagged_word(self.value, target)


class JsTextPrinter(_Printer):
    """One line of util.inspect text (the default in the CLI)."""

    def __init__(self, value, depth=None):
        super().__init__(value)
        self._depth = depth

    def to_string(self):
        try:
            target = session.target()
            options = parameters.options()
            if self._depth is not None:
                options["depth"] = self._depth
            word = self._word(target)
            # A BytecodeArray prints as its disassembly (v8 bytecode).
            return bytecode.bytecode_array_text(target, word) or target.print_value(word, **options)
        except values.EmptyHandle:
            return "<empty>"
        except Exception as e:  # never a traceback inside `print`
            return _error_text(e)


class JsStructurePrinter(_Printer):
    """A summary plus children, for `set print pretty on` and GDB/MI."""

    def __init__(self, value, depth=0):
        super().__init__(value)
        self._depth = depth
        self._structure = None
        self._error = None

    def _load(self):
        if self._structure is None and self._error is None:
            try:
                target = session.target()
                options = parameters.options()
                self._structure = target.structure(self._word(target), limit=options["array_length"] + 1000, **options)
            except values.EmptyHandle:
                self._error = "<empty>"
            except Exception as e:
                self._error = _error_text(e)
        return self._structure

    def to_string(self):
        structure = self._load()
        return self._error if structure is None else structure[0]

    def display_hint(self):
        structure = self._load()
        return structure[1] or None if structure is not None else None

    def children(self):
        structure = self._load()
        if structure is None:
            return
        child_type = tagged_child_type(self._depth + 1)
        for name, word, text in structure[2]:
            if word is None:
                yield name, text
            else:
                yield name, gdb.Value(word).cast(child_type)


def _make_printer(value):
    if not parameters.structured():
        return JsTextPrinter(value)
    depth = _child_depth(value) or 0
    # The CLI prints every level at once: stop expanding where util.inspect
    # would (`set v8 depth`), and show deeper values as one line. GDB/MI
    # expands on request, one level at a time, so it has no such limit.
    if not parameters.under_mi() and depth > parameters.options()["depth"]:
        return JsTextPrinter(value, depth=-1)
    # Only values with children get a children() method: GDB/MI shows any
    # varobj whose printer has one as "{...}", even a number.
    printer = JsStructurePrinter(value, depth)
    structure = printer._load()
    if structure is None:
        # Damaged or unreadable: its one-line error, not an expandable "{...}".
        return _ErrorPrinter(printer._error)
    if not structure[2] and not structure[1]:
        return JsTextPrinter(value)
    return printer


class _ErrorPrinter:
    """A value that could not be read: its error as the whole text."""

    def __init__(self, text):
        self._text = text

    def to_string(self):
        return self._text


def _class_constant(value, name, default):
    """An enumerator of the value's class (from the addon's DWARF), or default."""
    try:
        return int(gdb.parse_and_eval("%s::%s" % (value.type.strip_typedefs().name, name)))
    except (gdb.error, RuntimeError, TypeError):
        return default


def callback_info_frame(value):
    """Where a v8::FunctionCallbackInfo's values are: {"count", "receiver"
    (the slot of `this`), "first" (the slot of args[0]), "holder" (the slot
    of Holder())}. Its layout is in the addon's own headers: Node 20-24 point
    to the arguments (`values_`, the receiver just before them, `length_`,
    `implicit_args_[kHolderIndex]`); Node 26's object is the frame's slots
    themselves (`values_[kArgcIndex]` the count, `kReceiverIndex`, then the
    arguments; Holder() is This())."""
    if value.type.code in (gdb.TYPE_CODE_REF, gdb.TYPE_CODE_RVALUE_REF):
        value = value.referenced_value()  # `const FunctionCallbackInfo<Value>& args`
    ulong = gdb.lookup_type("unsigned long")
    fields = {f.name for f in value.type.strip_typedefs().fields()}
    if "length_" in fields:
        values_ = int(value["values_"].cast(ulong))
        count = int(value["length_"])
        receiver, first = values_ - 8, values_
        holder = receiver
        if "implicit_args_" in fields and _class_constant(value, "kHolderIndex", None) is not None:
            holder = int(value["implicit_args_"].cast(ulong)) + 8 * _class_constant(value, "kHolderIndex", 0)
    elif "values_" in fields:
        base = int(value["values_"].address.cast(ulong))
        count = session.target().read_word(base + 8 * _class_constant(value, "kArgcIndex", 0))
        receiver = base + 8 * _class_constant(value, "kReceiverIndex", 9)
        first = base + 8 * _class_constant(value, "kFirstJSArgumentIndex", 10)
        holder = receiver
    else:
        raise TypeError("unknown FunctionCallbackInfo layout (fields %s)" % ", ".join(sorted(fields)))
    if not 0 <= count <= 65535:
        raise ValueError("impossible argument count %d" % count)
    # The call's own slots (implicit arguments, or the frame's slots before
    # the receiver): where one holding undefined is found (new.target of a
    # plain call, the default return value).
    if "implicit_args_" in fields:
        implicit = int(value["implicit_args_"].cast(ulong))
        own = [implicit + 8 * i for i in range(8)]
    else:
        own = [receiver - 8 * i for i in range(1, 10)]
    return {"count": count, "receiver": receiver, "first": first, "holder": holder, "own_slots": own}


class CallbackInfoPrinter:
    """v8::FunctionCallbackInfo<T> (`args` in a native function called from
    JavaScript): `this` and each argument, as JS values (callback_info_frame
    says where they are)."""

    def __init__(self, value):
        if value.type.code in (gdb.TYPE_CODE_REF, gdb.TYPE_CODE_RVALUE_REF):
            value = value.referenced_value()  # `const FunctionCallbackInfo<Value>& args`
        self.value = value
        self._slots = None
        self._error = None

    def _load(self):
        if self._slots is None and self._error is None:
            try:
                frame = callback_info_frame(self.value)
                count = frame["count"]
                shown = min(count, parameters.options()["array_length"])
                self._slots = (count, [("this", frame["receiver"])] +
                               [("[%d]" % i, frame["first"] + 8 * i) for i in range(shown)])
            except Exception as e:
                self._error = _error_text(e)
        return self._slots

    def to_string(self):
        slots = self._load()
        if slots is None:
            return self._error
        return "FunctionCallbackInfo with %d argument%s" % (slots[0], "" if slots[0] == 1 else "s")

    def children(self):
        slots = self._load()
        if slots is None:
            return
        target = session.target()
        child_type = tagged_child_type(1)
        for name, slot in slots[1]:
            try:
                yield name, gdb.Value(target.read_word(slot)).cast(child_type)
            except Exception as e:
                yield name, _error_text(e)
        if slots[0] > len(slots[1]) - 1:
            yield "...", "%d more" % (slots[0] - len(slots[1]) + 1)


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


class NodeGdbPrinters(gdb.printing.RegexpCollectionPrettyPrinter):
    """The handle printers, plus node-gdb's own child values (tagged words
    marked with a qualified type, see tagged_child_type)."""

    def __call__(self, value):
        try:
            if _is_tagged_child(value):
                return _make_printer(value)
        except gdb.error:
            pass
        return super().__call__(value)


def build_collection():
    collection = NodeGdbPrinters("node-gdb")
    for name, regexp in _HANDLES:
        collection.add_printer(name, regexp, _make_printer)
    collection.add_printer("v8::FunctionCallbackInfo", r"^v8::FunctionCallbackInfo<.*>$", CallbackInfoPrinter)
    return collection


def register():
    # Global registration: the handle types live in the user's addon or
    # embedder, not in the object file that loaded us.
    gdb.printing.register_pretty_printer(None, build_collection(), replace=True)
