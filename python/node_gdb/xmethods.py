"""GDB xmethods for V8's API types, as libstdc++'s make `v[0]` work on a
core: `p args[0]`, `p args.Length()`, `p args.This()`, `p args.Holder()` on
a v8::FunctionCallbackInfo; `p *local`, `p local.IsEmpty()` on a v8::Local;
`p maybe.IsEmpty()`, `p maybe.ToLocalChecked()` on a v8::MaybeLocal. Their
real methods are inline (nothing to call) and a core cannot run code: these
compute the result from memory alone, and never call into the inferior.

Results are handles of the addon's own types (`v8::Local<v8::Value>`), so
GDB prints them with node-gdb's printers and they can be used further."""

import re
import struct

import gdb
import gdb.xmethod

from . import session, values
from .printers import callback_info_frame

NAME = "node-gdb"


def _tag(type_):
    return type_.strip_typedefs().unqualified().tag or ""


def _local_type(element):
    """v8::Local<element> from the program's DWARF (v8::Local<v8::Value>
    if that instantiation is not there)."""
    for name in ("v8::Local<%s>" % element, "v8::Local<v8::Value>"):
        try:
            return gdb.lookup_type(name)
        except gdb.error:
            continue
    raise gdb.GdbError("the program's debug info has no v8::Local<v8::Value> type to return")


def _local_from_slot(type_, slot):
    """A v8::Local of `type_` for the handle slot at `slot` (or, for a
    direct-handle build, the tagged word the slot holds)."""
    probe = gdb.Value(struct.pack("<Q", 1), type_)
    found = values._find_handle_field(probe)
    word = slot
    if found is not None and not found[1]:
        word = session.target().read_word(slot)  # direct handles hold the word itself
    return gdb.Value(struct.pack("<Q", word), type_)


def _slot_of(local):
    """The slot a Local/MaybeLocal refers to, or 0 if it is empty."""
    try:
        kind, word = values.handle_slot(local)
    except values.EmptyHandle:
        return 0
    return word


class _Worker(gdb.xmethod.XMethodWorker):
    def __init__(self, function, arg_types=(), result=None):
        super().__init__()
        self._function = function
        self._arg_types = arg_types
        self._result = result

    def get_arg_types(self):
        return [gdb.lookup_type(t) for t in self._arg_types]

    def get_result_type(self, obj, *args):
        return self._result(_object(obj)) if self._result else None

    def __call__(self, obj, *args):
        try:
            return self._function(_object(obj), *args)
        except gdb.GdbError:
            raise
        except Exception as e:  # the core's Error (an unreadable slot) or a bad layout: one line
            raise gdb.GdbError(str(e).splitlines()[0] if str(e) else type(e).__name__)


def _object(obj):
    """GDB hands a worker `this`: the object itself is what it points to."""
    return obj.dereference() if obj.type.strip_typedefs().code == gdb.TYPE_CODE_PTR else obj


# ---- v8::FunctionCallbackInfo<T> ----

def _info_index(info, index):
    """args[i]; past Length(), undefined, as V8 gives it (a Local to one of
    the call's own slots that holds undefined)."""
    frame = callback_info_frame(info)
    i = int(index)
    type_ = _local_type("v8::Value")
    if 0 <= i < frame["count"]:
        return _local_from_slot(type_, frame["first"] + 8 * i)
    target = session.target()
    for slot in frame["own_slots"]:
        try:
            word = target.read_word(slot)
            if word & 1 and target.print_value(word, depth=0) == "undefined":
                return _local_from_slot(type_, slot)
        except Exception:  # an unreadable slot: try the next
            continue
    return gdb.Value("args[%d]: undefined (the call has %d arguments)" % (i, frame["count"]))


def _info_length(info):
    return gdb.Value(callback_info_frame(info)["count"]).cast(gdb.lookup_type("int"))


def _info_this(info):
    return _local_from_slot(_local_type("v8::Object"), callback_info_frame(info)["receiver"])


def _info_holder(info):
    return _local_from_slot(_local_type("v8::Object"), callback_info_frame(info)["holder"])


_INFO_METHODS = {
    "operator[]": lambda: _Worker(_info_index, ("int",), lambda obj: _local_type("v8::Value")),
    "Length": lambda: _Worker(_info_length, (), lambda obj: gdb.lookup_type("int")),
    "This": lambda: _Worker(_info_this, (), lambda obj: _local_type("v8::Object")),
    "Holder": lambda: _Worker(_info_holder, (), lambda obj: _local_type("v8::Object")),
}


# ---- v8::Local<T> and v8::MaybeLocal<T> ----

def _element_of(type_):
    """"v8::String" of v8::Local<v8::String>."""
    m = re.match(r"^v8::(?:Maybe)?Local<(.*)>$", _tag(type_))
    return m.group(1) if m else "v8::Value"


def _is_empty(handle):
    return gdb.Value(_slot_of(handle) == 0).cast(gdb.lookup_type("bool"))


def _deref(local):
    """`*local`: the handle itself, which node-gdb prints as its JS value
    (a T& of V8's empty API classes would show nothing; an empty Local
    prints as <empty>)."""
    return local


def _arrow(local):
    element = _element_of(local.type)
    return gdb.Value(_slot_of(local)).cast(gdb.lookup_type(element).pointer())


def _to_local_checked(maybe):
    """The Local a MaybeLocal holds; an empty one gives an empty Local, which
    prints as <empty> (V8 itself would crash there)."""
    return gdb.Value(struct.pack("<Q", _raw_field(maybe)), _local_type(_element_of(maybe.type)))


def _raw_field(handle):
    """The handle's one word as stored (a slot address, or the tagged word)."""
    found = values._find_handle_field(handle)
    return int(found[0].cast(gdb.lookup_type("unsigned long"))) & 0xFFFFFFFFFFFFFFFF


_LOCAL_METHODS = {
    "IsEmpty": lambda: _Worker(_is_empty, (), lambda obj: gdb.lookup_type("bool")),
    "operator*": lambda: _Worker(_deref, (), lambda obj: obj.type),
    "operator->": lambda: _Worker(_arrow, (), lambda obj: gdb.lookup_type(_element_of(obj.type)).pointer()),
}

_MAYBE_METHODS = {
    "IsEmpty": lambda: _Worker(_is_empty, (), lambda obj: gdb.lookup_type("bool")),
    "ToLocalChecked": lambda: _Worker(_to_local_checked, (), lambda obj: _local_type(_element_of(obj.type))),
}

# One registration table: class pattern -> its methods.
_CLASSES = (
    ("v8::FunctionCallbackInfo", re.compile(r"^v8::FunctionCallbackInfo<.*>$"), _INFO_METHODS),
    ("v8::Local", re.compile(r"^v8::Local<.*>$"), _LOCAL_METHODS),
    ("v8::MaybeLocal", re.compile(r"^v8::MaybeLocal<.*>$"), _MAYBE_METHODS),
)


class V8Matcher(gdb.xmethod.XMethodMatcher):
    """The xmethods of one V8 API class (listed by `info xmethod`)."""

    def __init__(self, name, pattern, methods):
        super().__init__("%s %s" % (NAME, name))
        self._pattern = pattern
        self._methods = methods
        self.methods = [gdb.xmethod.XMethod(m) for m in methods]

    def match(self, class_type, method_name):
        if not self._pattern.match(_tag(class_type)):
            return None
        for xmethod in self.methods:
            if xmethod.name == method_name and xmethod.enabled:
                return self._methods[method_name]()
        return None


def register():
    for name, pattern, methods in _CLASSES:
        gdb.xmethod.register_xmethod_matcher(None, V8Matcher(name, pattern, methods), replace=True)
