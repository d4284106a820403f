"""JavaScript stacks in GDB: a frame unwinder for V8's frames, a frame
decorator that names them in `bt`, and `v8 bt` / `v8 frame` / `v8 source`.

GDB has no unwind information for V8's builtins (Node's embedded blob) nor
for JIT code, so its own `bt` stops at the first JavaScript frame. The
unwinder here claims exactly those frames (the pc is in a builtin, or in no
file at all) and gives GDB the caller's registers from V8's frame layout;
the C++ core (core/stack/frames.h) decides everything. It never raises into
GDB: when unsure it returns None and GDB's own unwinders try. The decoder is
kept per Target by session.cached_quietly.
"""

import re

import gdb
import gdb.unwinder
from gdb.FrameDecorator import FrameDecorator

from . import loader, parameters, session
from .options import JSON, Option, Options, write_json
from .common import js_argument, one_line_errors

NAME = "node-gdb-v8"
# Kernel-provided code with no file.
_KERNEL_CODE = ("[vdso]", "[vsyscall]", "[vvar]", "[vvar_vclock]")
_MAX_FRAMES = 100000


def _file_mappings():
    """The inferior's file mappings for the unwinder: files and the kernel's
    code ([anon:...] names and the rest are left out: JIT code must never
    count as native)."""
    return [m for m in session.file_mappings() if not m[3].startswith("[") or m[3] in _KERNEL_CODE]


def _make_decoder(target):
    d = loader.import_core().StackDecoder(target)
    d.set_mappings(_file_mappings())
    return d


def decoder():
    """The StackDecoder of the current target, or None (never raises): with
    no node process or core every frame is left to GDB, and not asked for
    again until the next stop."""
    return session.cached_quietly("stack decoder", _make_decoder)


def _native_by_gdb(pc):
    """True if GDB knows pc is in a shared library other than the one with
    the V8 metadata (cheap: no target needed)."""
    try:
        solib = gdb.current_progspace().solib_name(pc)
    except (gdb.error, RuntimeError):
        return False
    if solib is None:
        return False
    target = session.current_target()
    return target is None or solib != target.binary_path


def _register(frame, name):
    return int(frame.read_register(name)) & 0xFFFFFFFFFFFFFFFF


def registers(d=None):
    """GDB's names of the registers of the binary's machine, from the core
    (StackDecoder.registers: pc, sp, fp, lr, bytecode_offset, callee_saved,
    gdb_names); GDB's generic $pc/$sp/$fp when there is no decoder."""
    d = d or decoder()
    if d is None:
        return {"arch": None, "gdb_names": [], "pc": "pc", "sp": "sp", "fp": "fp", "lr": None,
                "bytecode_offset": None, "callee_saved": []}
    global _last_registers
    if _last_registers[0] is not d:
        _last_registers = (d, d.registers())
    return _last_registers[1]


_last_registers = (None, None)  # (decoder, its registers): one decoder per Target


class _FrameId:
    """GDB 13 wants the frame id's sp and pc as gdb.Values."""

    def __init__(self, sp, pc):
        self.sp = gdb.Value(sp)
        self.pc = gdb.Value(pc)


class V8Unwinder(gdb.unwinder.Unwinder):
    """Unwinds frames of V8's builtins and JIT code through the frame
    pointer (rbp, x29)."""

    def __init__(self):
        super().__init__(NAME)

    def __call__(self, pending_frame):
        try:
            return self._unwind(pending_frame)
        except (Exception, KeyboardInterrupt):
            return None

    @staticmethod
    def _unwind(pending_frame):
        d = decoder()
        if d is None:
            return None
        regs = registers(d)
        if pending_frame.architecture().name() not in regs["gdb_names"]:
            return None
        pc = _register(pending_frame, regs["pc"])
        if _native_by_gdb(pc) or not d.maybe_v8(pc):
            return None
        sp = _register(pending_frame, regs["sp"])
        fp = _register(pending_frame, regs["fp"])
        innermost = pending_frame.level() == 0
        lr = _register(pending_frame, regs["lr"]) if innermost and regs["lr"] else None
        result = d.unwind(pc, sp, fp, innermost, lr)
        if result is None:
            return None
        caller_pc, caller_sp, caller_fp, id_sp, id_pc, saved = result
        info = pending_frame.create_unwind_info(_FrameId(id_sp, id_pc))
        info.add_saved_register(regs["pc"], gdb.Value(caller_pc))
        info.add_saved_register(regs["sp"], gdb.Value(caller_sp))
        info.add_saved_register(regs["fp"], gdb.Value(caller_fp))
        restored = dict(saved)
        for reg in regs["callee_saved"]:
            # JSEntry restores C++'s registers; other V8 frames leave them be.
            value = restored.get(reg)
            info.add_saved_register(reg, gdb.Value(value) if value is not None else pending_frame.read_register(reg))
        return info


def describe_frame(frame):
    """The core's description (a dict) of a GDB frame if it is a V8 frame,
    else None."""
    d = decoder()
    if d is None:
        return None
    pc = frame.pc()
    if _native_by_gdb(pc) or not d.maybe_v8(pc):
        return None
    innermost = frame.level() == 0
    regs = registers(d)
    info = d.describe(pc, _register(frame, regs["sp"]), _register(frame, regs["fp"]), innermost,
                      _register(frame, regs["bytecode_offset"]) if innermost else None)
    return None if info["kind"] == "native" else info


_ASYNC_SEARCH_FRAMES = 20  # outermost JS frames tried for a running async function


def async_frames(frames):
    """The "async f (file:line:col)" texts V8's Error.stack appends: who
    awaits the outermost async function running on this stack (GDB frames,
    innermost first). Empty when none runs or nothing awaits it."""
    d = decoder()
    if d is None:
        return []
    tried = 0
    for frame in reversed(frames):
        try:
            info = describe_frame(frame)
        except gdb.error:
            continue
        if info is None or info["kind"] != "javascript" or not info["function"]:
            continue
        regs = registers(d)
        found = d.async_frames(info["function"], _register(frame, regs["sp"]), _register(frame, regs["fp"]))
        if found:
            return [text for text, _ in found]
        tried += 1
        if tried == _ASYNC_SEARCH_FRAMES:
            break
    return []


class V8FrameDecorator(FrameDecorator):
    """Names V8 frames: `innerDeep (/srv/app.js:8:17) [interpreted]`."""

    def __init__(self, base):
        super().__init__(base)
        self._info = None
        self._looked = False

    def _v8(self):
        if not self._looked:
            self._looked = True
            try:
                self._info = describe_frame(self.inferior_frame())
            except (Exception, KeyboardInterrupt):
                self._info = None
        return self._info

    def function(self):
        info = self._v8()
        if info is not None:
            if info["inlined"]:
                return info["inlined"][0][0] + _inlined_into(info)
            return info["summary"]
        frame = self.inferior_frame()
        if frame.function() is None:
            # A minimal symbol's name, or GDB's own "??" (a bare pc would
            # print as an empty name where GDB finds no symbol).
            return frame.name() or "??"
        return super().function()

    # A JS frame's script and line: `bt` prints "at /srv/app.js:28" and
    # GDB/MI's -stack-list-frames gives file, fullname and line, so that an
    # IDE can open the JavaScript source.
    def filename(self):
        info = self._v8()
        if info is not None:
            return (info["inlined"][0][1] if info["inlined"] else info["script"]) or None
        return super().filename()

    def line(self):
        info = self._v8()
        if info is not None:
            return (info["inlined"][0][2] if info["inlined"] else info["line"]) or None
        return super().line()

    def elided(self):
        """An optimized frame's outer inlined functions and the frame's own
        function, after its innermost inlined one."""
        info = self._v8()
        if info is None or not info["inlined"]:
            return super().elided()
        frame = self.inferior_frame()
        into = _inlined_into(info)
        rest = [_TextFrameDecorator(frame, text + into, script, line) for text, script, line in info["inlined"][1:]]
        rest.append(_TextFrameDecorator(frame, info["summary"], info["script"], info["line"], _js_arguments(info)))
        return iter(rest)

    def frame_args(self):
        info = self._v8()
        if info is None:
            return super().frame_args()
        if info["kind"] not in ("javascript", "builtin") or info["inlined"]:
            return None  # an inlined function's: its arguments are not read (the frame's own go with it below)
        return _js_arguments(info)

    def frame_locals(self):
        info = self._v8()
        if info is None:
            return super().frame_locals()
        if info["kind"] != "javascript" or not info["context"]:
            return None
        # Context locals by name (`bt full`, MI -stack-list-locals); the
        # register-held ones have no name in V8's metadata.
        target = session.target()
        found = loader.import_core().frame_locals(target, info["context"], info["function"])
        return [_JsArgument(name, raw) for name, raw in found] or None


class _JsArgument:
    """A JS argument for GDB's frame printing: its name and its util.inspect
    text (depth 0), computed when GDB asks for the value."""

    def __init__(self, name, raw):
        self._name = name
        self._raw = raw

    def symbol(self):
        return self._name

    def value(self):
        target = session.target()
        text = _value_text(target, self._raw, {"depth": 0}) if target is not None else "0x%x" % self._raw
        return gdb.Value(text)


def _named_arguments(info):
    """(name, tagged) of a JS frame's arguments: each by its parameter's name
    from the source, else (a rest parameter, extra arguments) arguments[i]."""
    names = info["parameter_names"]
    for i, raw in enumerate(info["arguments"]):
        yield (names[i] if i < len(names) and not names[i].startswith("...") else "arguments[%d]" % i), raw


def _inlined_into(info):
    return " [inlined into %s]" % (info["function_name"] or "<anonymous>")


def _js_arguments(info):
    args = [_JsArgument("this", info["receiver"])] if info["receiver"] and not info["receiver_is_global"] else []
    return args + [_JsArgument(name, raw) for name, raw in _named_arguments(info)]


class _TextFrameDecorator(FrameDecorator):
    """A frame GDB shows as an elided one: a name and a JS file and line."""

    def __init__(self, base, text, filename=None, line=None, args=None):
        super().__init__(base)
        self._text = text
        self._file = filename or None
        self._line = line or None
        self._args = args

    def function(self):
        return self._text

    def address(self):
        return None

    def filename(self):
        return self._file

    def line(self):
        return self._line

    def frame_args(self):
        return self._args

    def frame_locals(self):
        return None


class _WithAsyncFrames(FrameDecorator):
    def __init__(self, base, elided):
        super().__init__(base)
        self._elided = elided

    def elided(self):
        return iter(self._elided)


def _unwind_errors():
    """thread -> the error GDB raised unwinding its stack. GDB raises it
    once; later it ends the stack there with no reason (its frames are
    cached), so what it said is kept (per Target: until the inferior runs)."""
    errors = session.cached_quietly("unwind errors", lambda _target: {})
    return {} if errors is None else errors


def _thread_key():
    thread = gdb.selected_thread()
    return thread.ptid if thread is not None else None


def note_unwind_error(error):
    _unwind_errors()[_thread_key()] = str(error)


def unwind_error():
    """Why GDB could not unwind the selected thread's stack to its end, if it
    ever said, else None."""
    return _unwind_errors().get(_thread_key())


def _until_unwind_fails(frame_iter):
    """The frames GDB can unwind. When GDB's own unwinder fails (e.g. an
    arm64 core without the pointer-authentication mask: "Register 69 is not
    available"), the frames so far; the error is kept for _decorate to say,
    as GDB's "Backtrace stopped" does, instead of a Python exception. GDB's
    iterator fails while it reads ahead, one frame early: the frames it
    had are taken one by one after it."""
    frame = None
    try:
        for decorator in frame_iter:
            frame = decorator.inferior_frame()
            yield decorator
        return
    except gdb.error as e:
        note_unwind_error(e)
    for _ in range(_MAX_FRAMES):
        try:
            frame = frame.older() if frame is not None else None
        except gdb.error:
            frame = None
        if frame is None:
            return
        yield FrameDecorator(frame)


def _decorate(frame_iter):
    """V8FrameDecorator on every frame; once GDB has pulled the outermost
    one (a whole `bt`), the async frames after it, as its elided frames."""
    seen = []
    last = None
    for decorator in _until_unwind_fails(frame_iter):
        if last is not None:
            yield last
        frame = decorator.inferior_frame()
        seen.append(frame)
        last = V8FrameDecorator(decorator)
    if last is None:
        return
    try:
        found = async_frames(seen)
    except (Exception, KeyboardInterrupt):
        found = []
    if found:
        outer = last.inferior_frame()
        decorators = []
        for text in found:
            m = re.search(r"\((.+):(\d+):\d+\)$", text)
            decorators.append(_TextFrameDecorator(outer, text + " [async]", m and m.group(1), m and int(m.group(2))))
        last = _WithAsyncFrames(last, decorators)
    yield last
    # GDB asks for one more after printing the last frame: say why it is last.
    error = unwind_error()
    if error:
        gdb.write("Backtrace stopped: %s\n" % error, gdb.STDERR)


class V8FrameFilter:
    """The frame filter that puts V8FrameDecorator on every frame."""

    def __init__(self):
        self.name = NAME
        self.priority = 100
        self.enabled = True

    def filter(self, frame_iter):
        return _decorate(frame_iter)


# ---- v8 bt ----

def _clip(text, limit=300):
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _native_text(frame):
    name = frame.name() or "??"
    try:
        sal = frame.find_sal()
    except gdb.error:
        sal = None
    if sal is not None and sal.symtab is not None and sal.line:
        return "%s () at %s:%d" % (name, sal.symtab.filename, sal.line)
    try:
        solib = gdb.current_progspace().solib_name(frame.pc())
    except gdb.error:
        solib = None
    return "%s ()%s" % (name, " from " + solib if solib else "")


def _value_text(target, raw, given=None):
    """One line of the JS view: `set v8 depth` and the other settings, or
    the command's own -depth, -string-length, -array-length."""
    options = parameters.options(given)
    try:
        return _clip(target.print_value(raw, **options))
    except Exception as e:  # the core's Error: an unreadable value
        return "<%s>" % _clip(str(e), 200)


BT_OPTIONS = Options(
    Option("args", doc="also the receiver and arguments of JavaScript frames, as util.inspect prints them",
           aliases=("a", "-args")),
    Option("depth", "uint", "how deep those values are shown (default: set v8 depth)"),
    Option("string-length", "uint", "characters of a string shown (default: set v8 string-length)"),
    Option("array-length", "uint", "items of an array shown (default: set v8 array-length)"),
    JSON,
)
FRAME_OPTIONS = Options(*BT_OPTIONS.options[1:-1])


def collect_frames(count=None):
    """(GDB frames, more follow, why the unwind stopped or None) of the
    selected thread as `v8 bt [N]` lists them: N innermost, -N outermost."""
    if decoder() is None:
        raise gdb.GdbError("cannot read V8 frames of this process")
    try:
        frame = gdb.newest_frame()
    except gdb.error as e:
        raise gdb.GdbError(str(e))
    want = None if count is None or count < 0 else count + 1
    frames = []
    stop = None
    while frame is not None and len(frames) < _MAX_FRAMES and (want is None or len(frames) < want):
        frames.append(frame)
        try:
            older = frame.older()
        except gdb.error as e:
            note_unwind_error(e)
            stop = str(e)
            break
        if older is None:
            stop = unwind_error()
        frame = older
    more = want is not None and len(frames) == want
    if more:
        frames.pop()
    if count is not None and count < 0:
        frames = frames[count:]
    return frames, more, stop


def _parse_bt_args(arg):
    """(count, show_args, value options, -json) of `v8 bt [OPTION]... [N]`."""
    given, rest = BT_OPTIONS.parse(arg)
    words = rest.split()
    if len(words) > 1 or (words and not re.fullmatch(r"-?\d+", words[0])):
        raise gdb.GdbError("usage: v8 bt [-a] [-json] [-depth N] [N]  (N innermost frames, -N outermost; -a: receiver and arguments)")
    count = int(words[0]) if words else None
    values = {k: v for k, v in given.items() if k in ("depth", "string-length", "array-length")}
    return count, given["args"], values, given["json"]


class V8Backtrace(gdb.Command):
    __doc__ = """Backtrace with JavaScript frames: v8 bt [-a] [-depth N] [N]

Every frame of the selected thread, native and JavaScript interleaved, numbered
as GDB numbers them (frame N selects one). JavaScript frames show the function
as V8's stack traces name it, script:line:column and the tier:
  #7  0x00007f3c... in innerDeep (/srv/app.js:8:17) [interpreted]
Builtins show their name, entry and exit frames are marked.
N: only the N innermost frames (-N: the N outermost). -a: also the receiver
and the arguments of JavaScript frames, as util.inspect prints them (as
deep as `set v8 depth` says, or -depth). -json: the same frames as one JSON
document ({"thread", "frames": [{"level", "pc", "kind", "function",
"script", "line", "column", ...}], "async": [...]}; with -a each frame's
receiver and arguments as v8 print -json describes values).
Options:
%s""" % BT_OPTIONS.help()

    def __init__(self):
        super().__init__("v8 bt", gdb.COMMAND_STACK)

    def complete(self, text, word):
        return BT_OPTIONS.complete(text, word, fallback=gdb.COMPLETE_NONE)

    @one_line_errors
    def invoke(self, arg, from_tty):
        count, show_args, values, as_json = _parse_bt_args(arg)
        target = session.target()
        frames, more, stop = collect_frames(count)
        if as_json:
            from . import stack_json
            write_json(stack_json.backtrace_json(target, frames, count, more, stop, show_args, values))
            return
        out = [throw_banner()]
        for f in frames:
            out.append(self._frame_lines(f, target, show_args, values))
        if not more and (count is None or count < 0):
            out.extend("    at %s\n" % text for text in async_frames(frames))
        if more:
            out.append("(More stack frames follow...)\n")
        elif frames and count is None:
            reason = frames[-1].unwind_stop_reason()
            if stop is not None:
                out.append("Backtrace stopped: %s\n" % stop)
            elif reason not in (gdb.FRAME_UNWIND_NO_REASON, gdb.FRAME_UNWIND_OUTERMOST):
                out.append("Backtrace stopped: %s\n" % gdb.frame_stop_reason_string(reason))
        gdb.write("".join(out))

    @staticmethod
    def _frame_lines(frame, target, show_args, values=None):
        head = "#%-2d 0x%016x in " % (frame.level(), frame.pc())
        try:
            info = describe_frame(frame)
        except gdb.error:
            info = None
        if info is None:
            return head + _native_text(frame) + "\n"
        if info["inlined"]:
            # Inlined functions first, innermost first, as Error.stack lists them.
            into = _inlined_into(info)
            texts = [text for text, _, _ in info["inlined"]]
            lines = [head + texts[0] + into + "\n"] + ["    %s%s\n" % (t, into) for t in texts[1:]]
            lines.append("    " + info["summary"] + "\n")
        else:
            lines = [head + info["summary"] + "\n"]
        if show_args and info["kind"] in ("javascript", "builtin"):
            # The addresses to follow with v8 inspect / v8 print (llnode's fn=).
            lines.append("    function = 0x%x, receiver = 0x%x\n" % (info["function"], info["receiver"]))
            # The global proxy: its whole util.inspect text would be pages.
            this = "globalThis" if info["receiver_is_global"] else _value_text(target, info["receiver"], values)
            lines.append("    this = %s\n" % this)
            for name, raw in _named_arguments(info):
                lines.append("    %s = %s\n" % (name, _value_text(target, raw, values)))
            if info["argc"] > len(info["arguments"]):
                lines.append("    ... %d more arguments\n" % (info["argc"] - len(info["arguments"])))
        if show_args and info["note"]:
            lines.append("    (%s)\n" % info["note"])
        return "".join(lines)


class V8Frame(gdb.Command):
    """Select a frame and show it as v8 bt -a does: v8 frame [N]

Without N, the selected frame. JavaScript frames show the function,
script:line:column, tier, receiver and arguments (GDB's own `frame` names
JIT frames `??`)."""

    def __init__(self):
        super().__init__("v8 frame", gdb.COMMAND_STACK)

    def complete(self, text, word):
        return FRAME_OPTIONS.complete(text, word, fallback=gdb.COMPLETE_NONE)

    @one_line_errors
    def invoke(self, arg, from_tty):
        given, arg = FRAME_OPTIONS.parse(arg)
        target = session.target()
        try:
            if arg.strip():
                if not re.fullmatch(r"\d+", arg.strip()):
                    raise gdb.GdbError("usage: v8 frame [-depth N] [N]  (a frame number, as bt shows it)")
                level = int(arg.strip())
                frame = gdb.newest_frame()
                while frame is not None and frame.level() < level:
                    frame = frame.older()
                if frame is None:
                    raise gdb.GdbError("No frame at level %d." % level)
                frame.select()  # quietly: this command prints the frame itself
            else:
                frame = gdb.selected_frame()
        except gdb.error as e:
            raise gdb.GdbError(str(e))
        gdb.write(V8Backtrace._frame_lines(frame, target, True, given))


# ---- v8 exception ----

# The native frames a throw passes: V8's Isolate::Throw (ThrowInternal in
# V8 11) and CreateMessageOrAbort, where --abort-on-uncaught-exception
# aborts; Node's TriggerUncaughtException for errors it reports.
_THROW_FRAME = re.compile(r"v8::internal::Isolate::(CreateMessageOrAbort|Throw|ThrowInternal|ReThrow)\b|"
                          r"node::errors::TriggerUncaughtException")
_THROW_SEARCH_FRAMES = 300


def find_throw():
    """The selected thread's throw: (throw frame, the first JS frame outside
    it or None, tagged Error or None), or None when no throw frame is there."""
    try:
        frame = gdb.newest_frame()
    except gdb.error:
        return None
    sp = registers()["sp"]
    innermost_sp = _register(frame, sp)
    throw = None
    for _ in range(_THROW_SEARCH_FRAMES):
        if frame is None:
            break
        if throw is None and _THROW_FRAME.search(frame.name() or ""):
            throw = frame
        elif throw is not None:
            info = describe_frame(frame)
            if info is not None and info["kind"] == "javascript":
                break
        try:
            frame = frame.older()
        except gdb.error:
            frame = None
    if throw is None:
        return None
    js = frame
    end = _register(js, sp) if js is not None else innermost_sp + (1 << 20)
    found = loader.import_core().thrown_value(session.target(), innermost_sp, end)
    return throw, js, (found[0] if found else None)


def _error_headline(text):
    """"Name: message" from util.inspect's text of an Error: its first line,
    without the brackets of an error shown without its stack and the own
    properties after them ("[PaymentError: declined] { order: 42 }")."""
    first = text.split("\n", 1)[0]
    m = re.match(r"^\[(.*)\](?: \{.*\})?$", first)
    return m.group(1) if m else first


class V8Exception(gdb.Command):
    """Show the exception the selected thread is throwing: v8 exception

In a process stopped inside V8's throw (a core from
--abort-on-uncaught-exception: V8 aborts in Isolate::CreateMessageOrAbort),
the thrown Error as util.inspect prints it (its message and stack), with
the native frame of the throw and the JavaScript frame that threw. The
value is found on the stack between them (no postmortem constant locates
the isolate's pending exception); a thrown value that is not an Error is
not recognised."""

    def __init__(self):
        super().__init__("v8 exception", gdb.COMMAND_STACK, gdb.COMPLETE_NONE)

    @one_line_errors
    def invoke(self, arg, from_tty):
        if arg.strip():
            raise gdb.GdbError("v8 exception takes no arguments")
        if decoder() is None:
            raise gdb.GdbError("cannot read V8 frames of this process")
        found = find_throw()
        if found is None:
            raise gdb.GdbError("this thread is not throwing: no frame of V8's Isolate::Throw or Node's "
                               "TriggerUncaughtException on its stack")
        throw, js, value = found
        where = "thrown through %s (frame #%d)" % ((throw.name() or "??").split("(", 1)[0], throw.level())
        if js is not None:
            info = describe_frame(js)
            place = " (%s:%d:%d)" % (info["script"], info["line"], info["column"]) if info["line"] else ""
            where += " by %s%s (frame #%d)" % (info["name"] or "<anonymous>", place, js.level())
        if value is None:
            raise gdb.GdbError("an exception is being %s, but no Error object is on the stack there (a thrown "
                               "value that is not an Error is not recognised)" % where)
        target = session.target()
        text = target.print_value(value, **parameters.options(None))
        gdb.write("Uncaught exception, %s:\n%s\n(0x%x: v8 inspect 0x%x for V8's view)\n" % (where, text, value, value))


def throw_banner():
    """v8 bt's first line on a throwing thread, or ""."""
    try:
        found = find_throw()
    except (gdb.error, RuntimeError):
        return ""
    if found is None or found[2] is None:
        return ""
    try:
        text = session.target().print_value(found[2], depth=0)
    except Exception:  # the core's Error: an unreadable value
        return ""
    return "Throwing %s (v8 exception shows it)\n" % _clip(_error_headline(text), 200)


# ---- v8 source ----

SOURCE_OPTIONS = Options(
    Option("lines", "uint", "lines shown: around a frame's line (default 10), of a function (default 200)",
           aliases=("l",)),
)
SOURCE_USAGE = "usage: v8 source [-l LINES] [N | FUNCTION]  (N: a frame number, as bt shows it)"
_WHOLE_FUNCTION_LINES = 200
_UNLIMITED_LINES = 1 << 40


def _frame_at_level(level):
    frame = gdb.newest_frame()
    while frame is not None and frame.level() < level:
        frame = frame.older()
    if frame is None:
        raise gdb.GdbError("No frame at level %d." % level)
    return frame


def _js_frame_from(frame):
    """(frame, description) of the first JavaScript frame at or outward of
    `frame`, or (None, None)."""
    while frame is not None:
        info = describe_frame(frame)
        if info is not None and info["kind"] == "javascript":
            return frame, info
        frame = frame.older()
    return None, None


def _frame_source(target, arg, lines):
    """The listing of frame N (arg), or of the selected frame, or if that
    one is not JavaScript of the first JavaScript frame outward from it
    (from frame 0 if there is none outward)."""
    if decoder() is None:
        raise gdb.GdbError("cannot read V8 frames of this process")
    if arg:
        frame = _frame_at_level(int(arg))
        info = describe_frame(frame)
        if info is None:
            raise gdb.GdbError("#%d %s is not a JavaScript frame: no JavaScript source" % (
                frame.level(), _native_text(frame)))
        if info["kind"] != "javascript":
            raise gdb.GdbError("#%d %s: no JavaScript source" % (frame.level(), info["summary"]))
    else:
        frame, info = _js_frame_from(gdb.selected_frame())
        if frame is None:
            frame, info = _js_frame_from(gdb.newest_frame())
        if frame is None:
            raise gdb.GdbError("no JavaScript frame on this thread's stack")
    if not info["function"]:
        raise gdb.GdbError("#%d %s: its function is unknown" % (frame.level(), info["summary"]))
    position = info["source_position"] if info["source_position"] >= 0 else None
    title = "#%d %s" % (frame.level(), info["name"] or "<anonymous>")
    return target.source(info["function"], position, False, lines, title)


class V8Source(gdb.Command):
    __doc__ = """JavaScript source of a frame or a function: v8 source [-l LINES] [N | FUNCTION]

v8 source [N]: the lines around where JavaScript frame N (numbered as bt and
v8 bt number them) is, its current line marked `=>`, with the script's own
line numbers. Without N: the selected frame, or if that is not a JavaScript
frame the first JavaScript frame outward from it (from frame 0 if none).
v8 source FUNCTION: the whole function (at most 200 lines unless -l), its
first line marked. FUNCTION is a JSFunction or SharedFunctionInfo (tagged
value, register or pointer), or a handle to one, and may go on with a JS
path (`v8 source $fn.prototype.run`).
The text is the Script's source string in the heap, as V8 compiled it.
Options:
%s""" % SOURCE_OPTIONS.help()

    def __init__(self):
        super().__init__("v8 source", gdb.COMMAND_FILES)

    def complete(self, text, word):
        return SOURCE_OPTIONS.complete(text, word)

    @one_line_errors
    def invoke(self, arg, from_tty):
        given, rest = SOURCE_OPTIONS.parse(arg)
        rest = rest.strip()
        lines = given.get("lines", False)
        if lines is None or (lines is not False and lines > _UNLIMITED_LINES):  # -l unlimited
            lines = _UNLIMITED_LINES
        target = session.target()
        if not rest or re.fullmatch(r"\d+", rest):
            try:
                text = _frame_source(target, rest, 10 if lines is False else lines)
            except gdb.error as e:
                raise gdb.GdbError(str(e))
        else:
            target, word, value = js_argument(rest, "v8 source")
            if word is None:
                raise gdb.GdbError("v8 source: %s is not a function" % value)
            text = target.source(word, None, True, _WHOLE_FUNCTION_LINES if lines is False else lines)
        gdb.write(text)


def register():
    """The unwinder, the frame filter, `v8 bt`, `v8 frame`, `v8 exception`
    and `v8 source` (what they read at a stop is cached in session.py, and
    dropped on its events)."""
    gdb.unwinder.register_unwinder(None, V8Unwinder(), replace=True)
    gdb.frame_filters[NAME] = V8FrameFilter()
    V8Backtrace()
    V8Frame()
    V8Exception()
    V8Source()
