"""From a GDB value to the tagged word it stands for.

V8's handles differ between versions and build flags: Local<T> holds `T* val_`
(V8 11) or `internal::Address* location_` (V8 12+, IndirectHandleBase), or the
tagged word itself in `ptr_` (direct handles, Tagged<T>). What matters is the
field's type: a pointer is the address of a slot that holds the tagged word,
an integer is the tagged word.
"""

import gdb

_SLOT_FIELDS = ("val_", "location_", "ptr_", "obj_", "slot_", "local_", "handle_")


class EmptyHandle(Exception):
    """The handle holds nothing (a null slot)."""


def _strip(type_):
    return type_.strip_typedefs().unqualified()


def _find_handle_field(value, depth=0):
    """The first slot-like field (in the class or its bases): (value, is_slot)."""
    if depth > 6:
        return None
    type_ = _strip(value.type)
    if type_.code not in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_UNION):
        return None
    fields = type_.fields()
    for field in fields:
        if field.is_base_class or field.artificial or not hasattr(field, "bitpos"):
            continue
        if field.name in _SLOT_FIELDS:
            inner = value[field]
            code = _strip(inner.type).code
            if code == gdb.TYPE_CODE_PTR:
                return inner, True
            if code in (gdb.TYPE_CODE_INT, gdb.TYPE_CODE_ENUM):
                return inner, False
            found = _find_handle_field(inner, depth + 1)
            if found is not None:
                return found
    for field in fields:
        if field.is_base_class:
            found = _find_handle_field(value.cast(field.type), depth + 1)
            if found is not None:
                return found
    return None


def handle_slot(value):
    """For a handle value: ('slot', address) or ('direct', tagged word).
    Raises EmptyHandle for an empty one, TypeError if it is not a handle."""
    found = _find_handle_field(value)
    if found is None:
        raise TypeError("%s holds no V8 value field" % value.type)
    inner, is_slot = found
    word = int(inner.cast(gdb.lookup_type("unsigned long"))) if is_slot else int(inner) & 0xFFFFFFFFFFFFFFFF
    if is_slot:
        if word == 0:
            raise EmptyHandle()
        return "slot", word
    if word == 0:
        raise EmptyHandle()
    return "direct", word


def tagged_word(value, target):
    """The tagged word a GDB value stands for: a handle's slot contents, or
    an integer or pointer taken as the tagged word itself."""
    type_ = _strip(value.type)
    if type_.code in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_UNION):
        kind, word = handle_slot(value)
        return target.read_word(word) if kind == "slot" else word
    if type_.code == gdb.TYPE_CODE_REF or type_.code == gdb.TYPE_CODE_RVALUE_REF:
        return tagged_word(value.referenced_value(), target)
    if type_.code in (gdb.TYPE_CODE_PTR, gdb.TYPE_CODE_INT, gdb.TYPE_CODE_ENUM, gdb.TYPE_CODE_CHAR,
                      gdb.TYPE_CODE_BOOL):
        return int(value.cast(gdb.lookup_type("unsigned long"))) if type_.code == gdb.TYPE_CODE_PTR \
            else int(value) & 0xFFFFFFFFFFFFFFFF
    raise TypeError("cannot take a V8 value from %s (%s): give a handle, an integer or a pointer"
                    % (value.type, "type code %d" % type_.code))
