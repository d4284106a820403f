"""`v8 bt -json` and node_gdb.api.js_stack: the frames `v8 bt` lists, as
data. The frames' facts come from the core's frame decoder (the same dict
`v8 bt` prints from), native frames from GDB; values (-a) are the core's
JSON of each value (v8 print -json), inserted as parsed documents.

One GDB frame may hold several JavaScript frames: an optimized frame's
inlined functions come first, innermost first, each with the GDB level of
the frame and "inlined_into" (as `v8 bt` prints them under one #N)."""

import json
import re

import gdb

from . import parameters, stack

_ASYNC_AT = re.compile(r"async (.*?) \((.*):(\d+):(\d+)\)")
_ASYNC_INDEX = re.compile(r"async (.*?) \(index (\d+)\)")


def _hex(v):
    return "0x%x" % v


def _register(frame, name):
    try:
        return int(frame.read_register(name)) & 0xFFFFFFFFFFFFFFFF
    except (gdb.error, ValueError):
        return None


def _kind(info):
    """native, interpreted/baseline/maglev/turbofan/optimized, builtin,
    entry, exit, ... (typed frames by the first word of their label)."""
    if info is None:
        return "native"
    if info["kind"] == "javascript":
        return info["tier"] or "javascript"
    if info["kind"] == "typed" and info["label"]:
        return info["label"].split()[0]
    return info["kind"]


def _value(target, raw, values):
    """The JSON structure of a value, or {"error": ...} if unreadable."""
    try:
        return json.loads(target.print_json(raw, indent=0, **parameters.options(values)))
    except Exception as e:  # the core's Error: one unreadable value, not the whole answer
        return {"address": _hex(raw), "error": str(e)}


def _native_frame(frame, head):
    head["function"] = frame.name()
    try:
        sal = frame.find_sal()
    except gdb.error:
        sal = None
    if sal is not None and sal.symtab is not None and sal.line:
        head["script"] = sal.symtab.filename
        head["line"] = sal.line
    else:
        try:
            solib = gdb.current_progspace().solib_name(frame.pc())
        except gdb.error:
            solib = None
        if solib:
            head["library"] = solib
    return [head]


def _js_values(target, info, values):
    """receiver and arguments of a JS or builtin frame, as v8 bt -a shows them."""
    if info["receiver_is_global"]:
        receiver = {"type": "global", "address": _hex(info["receiver"]), "text": "globalThis"}
    else:
        receiver = _value(target, info["receiver"], values)
    arguments = [{"name": name, "value": _value(target, raw, values)}
                 for name, raw in stack._named_arguments(info)]
    extra = {"receiver": receiver, "arguments": arguments, "argc": info["argc"]}
    return extra


def frame_records(frame, target, show_args=False, values=None):
    """The JSON records (dicts) of one GDB frame: one, or more with inlined
    functions."""
    head = {"level": frame.level(), "pc": _hex(frame.pc())}
    for reg, key in (("rsp", "sp"), ("rbp", "fp")):
        v = _register(frame, reg)
        if v is not None:
            head[key] = _hex(v)
    try:
        info = stack.describe_frame(frame)
    except gdb.error:
        info = None
    head["kind"] = _kind(info)
    if info is None:
        return _native_frame(frame, head)
    own = dict(head)
    own["function"] = info["name"] or info["builtin"] or info["frame_type"] or None
    for key in ("script", "line", "column"):
        if info[key]:
            own[key] = info[key]
    own["visible"] = info["visible"]
    if info["function"]:
        own["function_address"] = _hex(info["function"])
    if info["builtin"]:
        own["builtin"] = info["builtin"]
    if info["target"]:
        own["target"] = info["target"]
    if info["note"]:
        own["note"] = info["note"]
    if show_args and info["kind"] in ("javascript", "builtin"):
        own.update(_js_values(target, info, values))
    records = []
    for inlined in info["inlined_frames"]:
        record = dict(head)
        record.update({k: v for k, v in inlined.items() if v})
        record["function"] = inlined["name"]
        record["visible"] = True
        record["inlined_into"] = info["function_name"] or "<anonymous>"
        records.append(record)
    return records + [own]


def async_records(frames):
    """The async frames Error.stack appends ("at async f (file:line:col)")
    as dicts."""
    out = []
    for text in stack.async_frames(frames):
        m = _ASYNC_AT.fullmatch(text)
        if m:
            out.append({"function": m.group(1), "script": m.group(2), "line": int(m.group(3)),
                        "column": int(m.group(4)), "text": text})
            continue
        m = _ASYNC_INDEX.fullmatch(text)
        out.append({"function": m.group(1), "index": int(m.group(2)), "text": text} if m else {"text": text})
    return out


def backtrace(target, frames, count=None, more=False, stop=None, show_args=False, values=None):
    """The v8 bt -json document as a dict."""
    try:
        thread = gdb.selected_thread().num
    except (gdb.error, AttributeError):
        thread = None
    records = []
    for f in frames:
        records.extend(frame_records(f, target, show_args, values))
    doc = {"thread": thread, "frames": records}
    if not more and (count is None or count < 0):
        doc["async"] = async_records(frames)
    if more:
        doc["more"] = True
    elif frames and count is None:
        reason = frames[-1].unwind_stop_reason()
        if stop is not None:
            doc["stopped"] = stop
        elif reason not in (gdb.FRAME_UNWIND_NO_REASON, gdb.FRAME_UNWIND_OUTERMOST):
            doc["stopped"] = gdb.frame_stop_reason_string(reason)
    return doc


def backtrace_json(*args, **kwargs):
    return json.dumps(backtrace(*args, **kwargs), indent=2, ensure_ascii=False)
