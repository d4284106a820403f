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
from .options import Option, Options
from .common import js_argument, one_line_errors

NAME = "node-gdb-v8"
_CALLEE_SAVED = ("rbx", "r12", "r13", "r14", "r15")
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


class _FrameId:
    """GDB 13 wants the frame id's sp and pc as gdb.Values."""

    def __init__(self, sp, pc):
        self.sp = gdb.Value(sp)
        self.pc = gdb.Value(pc)


class V8Unwinder(gdb.unwinder.Unwinder):
    """Unwinds frames of V8's builtins and JIT code through rbp."""

    def __init__(self):
        super().__init__(NAME)

    def __call__(self, pending_frame):
        try:
            return self._unwind(pending_frame)
        except (Exception, KeyboardInterrupt):
            return None

    @staticmethod
    def _unwind(pending_frame):
        if pending_frame.architecture().name() != "i386:x86-64":
            return None
        pc = _register(pending_frame, "rip")
        if _native_by_gdb(pc):
            return None
        d = decoder()
        if d is None or not d.maybe_v8(pc):
            return None
        sp = _register(pending_frame, "rsp")
        fp = _register(pending_frame, "rbp")
        result = d.unwind(pc, sp, fp, pending_frame.level() == 0)
        if result is None:
            return None
        caller_pc, caller_sp, caller_fp, id_sp, id_pc, saved = result
        info = pending_frame.create_unwind_info(_FrameId(id_sp, id_pc))
        info.add_saved_register("rip", gdb.Value(caller_pc))
        info.add_saved_register("rsp", gdb.Value(caller_sp))
        info.add_saved_register("rbp", gdb.Value(caller_fp))
        restored = dict(saved)
        for reg in _CALLEE_SAVED:
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
    info = d.describe(pc, _register(frame, "rsp"), _register(frame, "rbp"), innermost,
                      _register(frame, "r9") if innermost else None)
    return None if info["kind"] == "native" else info


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
            return info["summary"]
        frame = self.inferior_frame()
        if frame.function() is None:
            # A minimal symbol's name, or GDB's own "??" (a bare pc would
            # print as an empty name where GDB finds no symbol).
            return frame.name() or "??"
        return super().function()


class V8FrameFilter:
    """The frame filter that puts V8FrameDecorator on every frame."""

    def __init__(self):
        self.name = NAME
        self.priority = 100
        self.enabled = True

    def filter(self, frame_iter):
        return map(V8FrameDecorator, frame_iter)


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
)
FRAME_OPTIONS = Options(*BT_OPTIONS.options[1:])


def _parse_bt_args(arg):
    """(count, show_args, value options) of `v8 bt [OPTION]... [N]`."""
    given, rest = BT_OPTIONS.parse(arg)
    words = rest.split()
    if len(words) > 1 or (words and not re.fullmatch(r"-?\d+", words[0])):
        raise gdb.GdbError("usage: v8 bt [-a] [-depth N] [N]  (N innermost frames, -N outermost; -a: receiver and arguments)")
    count = int(words[0]) if words else None
    values = {k: v for k, v in given.items() if k in ("depth", "string-length", "array-length")}
    return count, given["args"], values


class V8Backtrace(gdb.Command):
    __doc__ = """Backtrace with JavaScript frames: v8 bt [-a] [-depth N] [N]

Every frame of the selected thread, native and JavaScript interleaved, numbered
as GDB numbers them (frame N selects one). JavaScript frames show the function
as V8's stack traces name it, script:line:column and the tier:
  #7  0x00007f3c... in innerDeep (/srv/app.js:8:17) [interpreted]
Builtins show their name, entry and exit frames are marked.
N: only the N innermost frames (-N: the N outermost). -a: also the receiver
and the arguments of JavaScript frames, as util.inspect prints them (as
deep as `set v8 depth` says, or -depth).
Options:
%s""" % BT_OPTIONS.help()

    def __init__(self):
        super().__init__("v8 bt", gdb.COMMAND_STACK)

    def complete(self, text, word):
        return BT_OPTIONS.complete(text, word, fallback=gdb.COMPLETE_NONE)

    @one_line_errors
    def invoke(self, arg, from_tty):
        count, show_args, values = _parse_bt_args(arg)
        target = session.target()
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
                frame = frame.older()
            except gdb.error as e:
                stop = str(e)
                break
        more = want is not None and len(frames) == want
        if more:
            frames.pop()
        if count is not None and count < 0:
            frames = frames[count:]
        out = []
        for f in frames:
            out.append(self._frame_lines(f, target, show_args, values))
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
        lines = [head + info["summary"] + "\n"]
        if show_args and info["kind"] in ("javascript", "builtin"):
            # The global proxy: its whole util.inspect text would be pages.
            this = "globalThis" if info["receiver_is_global"] else _value_text(target, info["receiver"], values)
            lines.append("    this = %s\n" % this)
            names = info["parameter_names"]
            for i, raw in enumerate(info["arguments"]):
                name = names[i] if i < len(names) and not names[i].startswith("...") else "arguments[%d]" % i
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
    """The unwinder, the frame filter, `v8 bt`, `v8 frame` and `v8 source`
    (what they read at a stop is cached in session.py, and dropped on its
    events)."""
    gdb.unwinder.register_unwinder(None, V8Unwinder(), replace=True)
    gdb.frame_filters[NAME] = V8FrameFilter()
    V8Backtrace()
    V8Frame()
    V8Source()
