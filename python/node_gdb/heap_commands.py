"""GDB commands over a walk of the whole V8 heap: `v8 findjsobjects`,
`v8 findjsinstances`, `v8 findrefs`.

The walk itself is the C++ core's (core/heap/heap_walk.h); this layer
prints, reports progress on long walks (a line every few seconds), turns
Ctrl-C into a clean stop, and keeps one HeapSession per Target
(session.cached), so results stay until the inferior runs again.
"""

import time

import gdb

from . import loader, session
from .common import one_line_errors, tagged_argument
from .options import Option, Options

DEFAULT_INSTANCE_LIMIT = 50
NO_OPTIONS = Options()
INSTANCE_OPTIONS = Options(
    Option("limit", "uint", "how many instances to list (default 50; unlimited or all for every one)", aliases=("n",)),
    Option("start", "uint", "the index of the first one (default 0)", aliases=("s",)),
)
REFS_OPTIONS = Options(
    Option("limit", "uint", "how many to list (default 10000; 0 or unlimited for all); the total is always counted"),
    Option("name", "string", "the objects with an own property NAME instead", aliases=("n",)),
)
PROGRESS_INTERVAL = 2.0  # seconds between progress lines


def _heap():
    """The HeapSession of GDB's current target (made on first use)."""
    return session.cached("heap session", lambda target: loader.import_core().HeapSession(target))


class _Progress:
    """Prints "walked X of Y MiB" every PROGRESS_INTERVAL seconds, through
    GDB's own output (so it pages and logs as GDB does)."""

    def __init__(self, what):
        self.what = what
        self.start = time.monotonic()
        self.last = self.start
        self.done = 0
        self.total = 0

    def __call__(self, done, total, objects):
        self.done, self.total = done, total
        now = time.monotonic()
        if now - self.last >= PROGRESS_INTERVAL:
            self.last = now
            gdb.write("%s: walked %d of %d MiB (%d%%), %s objects, %.0f s...\n" % (
                self.what, done >> 20, total >> 20, 100 * done // max(total, 1), _count(objects), now - self.start))
            gdb.flush()
        return True

    def interrupted(self):
        return gdb.GdbError("%s: interrupted after walking %d of %d MiB; nothing was kept" % (
            self.what, self.done >> 20, self.total >> 20))


def _count(n):
    return "{:,}".format(n)


def _plural(n, word, plural=None):
    return "%s %s" % (_count(n), word if n == 1 else (plural or word + "s"))


def _run(progress, call, *args, **kwargs):
    try:
        return call(*args, progress=progress, **kwargs)
    except KeyboardInterrupt:
        raise progress.interrupted()


class V8FindJsObjects(gdb.Command):
    """Count the heap's objects by type: v8 findjsobjects

Walks every V8 heap page (each object once) and prints one row per type:
instances, total bytes and the name a JS developer knows it by: the class
or constructor name for JS objects (HeldWidget, Object, Array, Map, ...) and
V8's own type in parentheses for its internals ((SeqOneByteString),
(FixedArray), (FunctionContext), (Code), ...). Biggest first, then the
totals and what part of the heap was walked. The result is kept until the
program runs again; Ctrl-C stops a long walk."""

    def __init__(self):
        super().__init__("v8 findjsobjects", gdb.COMMAND_DATA, gdb.COMPLETE_NONE)

    def complete(self, text, word):
        return NO_OPTIONS.complete(text, word, fallback=gdb.COMPLETE_NONE)

    @one_line_errors
    def invoke(self, arg, from_tty):
        _, rest = NO_OPTIONS.parse(arg)
        if rest.strip():
            raise gdb.GdbError("usage: v8 findjsobjects  (no arguments)")
        heap = _heap()
        rows, summary, _ = _run(_Progress("v8 findjsobjects"), heap.census)
        total_count = sum(r[1] for r in rows)
        total_bytes = sum(r[2] for r in rows)
        width = max(10, len(_count(total_count)), len(_count(total_bytes)))
        line = " %s %s ----" % ("-" * width, "-" * width)
        out = [" %*s %*s Name" % (width, "Instances", width, "Total Size"), line]
        for name, count, size, _js in rows:
            out.append(" %*s %*s %s" % (width, _count(count), width, _count(size), name))
        out.append(line)
        out.append(" %*s %*s %d types" % (width, _count(total_count), width, _count(total_bytes), len(rows)))
        gdb.write("\n".join(out) + "\n" + summary)


class V8FindJsInstances(gdb.Command):
    """List the objects of one type: v8 findjsinstances NAME [-n LIMIT] [-s START]

NAME is a name from `v8 findjsobjects` (HeldWidget, Array, (FixedArray)...).
Prints each instance's address and a one-line JS view, LIMIT at a time
(default 50; -n all for every one), starting at index START (default 0);
the last line says how to see the next ones."""

    def __init__(self):
        super().__init__("v8 findjsinstances", gdb.COMMAND_DATA, gdb.COMPLETE_NONE)

    def complete(self, text, word):
        return INSTANCE_OPTIONS.complete(text, word, fallback=gdb.COMPLETE_NONE)

    @one_line_errors
    def invoke(self, arg, from_tty):
        usage = "usage: v8 findjsinstances NAME [-n LIMIT] [-s START]  (names: v8 findjsobjects)"
        # GDB-style options before NAME, and (as this command always took them) after it.
        given, rest = INSTANCE_OPTIONS.parse(arg)
        words = rest.split(None, 1)
        if not words:
            raise gdb.GdbError(usage)
        after, tail = INSTANCE_OPTIONS.parse(words[1] if len(words) > 1 else "")
        given.update(after)
        if tail.strip():
            raise gdb.GdbError(usage)
        names = gdb.string_to_argv(words[0])
        if len(names) != 1:
            raise gdb.GdbError(usage)
        name = names[0]
        limit = given.get("limit", DEFAULT_INSTANCE_LIMIT)
        start = given.get("start") or 0
        heap = _heap()
        progress = _Progress("v8 findjsinstances")
        if not heap.has_census:
            _run(progress, heap.census)
        total = _run(progress, heap.instances, name)
        end = total if limit is None else min(total, start + limit)
        # A thousand at a time: GDB pages the output, and q stops it.
        for first in range(start, end, 1000):
            chunk = heap.instance_range(name, first, min(end, first + 1000))
            gdb.write("".join("%#x %s\n" % (tagged, heap.brief(tagged, 160)) for tagged in chunk))
        shown = "%d-%d" % (start + 1, end) if end > start else "none"
        more = ""
        if end < total:
            more = "; next: v8 findjsinstances %s -s %d%s" % (
                _quote(name), end, "" if limit == DEFAULT_INSTANCE_LIMIT else " -n %d" % limit)
        gdb.write("%s of %s, shown %s%s\n" % (_plural(total, "instance"), name, shown, more))


def _quote(name):
    return "'%s'" % name if any(c in name for c in " ()'\"") else name


DEFAULT_REFS_LIMIT = 10000
_UNLIMITED = (1 << 63) - 1


def _cut_note(listed, total, command):
    """The line's tail when the list stopped before the total."""
    if listed >= total:
        return ""
    return "; listed the first %s (%s for all)" % (_count(listed), command)


class V8FindRefs(gdb.Command):
    """Find what refers to an object: v8 findrefs [-limit N] EXPR | v8 findrefs [-limit N] -n NAME

v8 findrefs EXPR: every object slot and closure-context variable that points
to the object EXPR (a tagged pointer, e.g. an address from
v8 findjsinstances), named as JS would write it: Object.lonely, Array[0],
Context.someVar (a variable a closure keeps), Map.get('key'),
global.name. Slots of backing stores (properties, elements, dictionaries)
are shown with the JS object that owns the store.

v8 findrefs -n NAME: every object that has an own property called NAME, with
the property's value.

-limit N lists at most N results (default 10000; -limit unlimited or
-limit 0 lists all). The walk always counts every result: the last line
gives the true total and says when the list stopped before it."""

    def __init__(self):
        super().__init__("v8 findrefs", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    def complete(self, text, word):
        return REFS_OPTIONS.complete(text, word, fallback=gdb.COMPLETE_EXPRESSION)

    @one_line_errors
    def invoke(self, arg, from_tty):
        usage = "usage: v8 findrefs [-limit N|unlimited] EXPR | v8 findrefs [-limit N|unlimited] -n NAME"
        given, rest = REFS_OPTIONS.parse(arg)
        limit = given.get("limit", DEFAULT_REFS_LIMIT) or None  # 0 is unlimited, as in GDB's settings
        if not rest.strip() and "name" not in given:
            raise gdb.GdbError(usage)
        heap = _heap()
        progress = _Progress("v8 findrefs")
        cap = _UNLIMITED if limit is None else limit
        if "name" in given:
            if rest.strip():
                raise gdb.GdbError(usage)
            name = given["name"]
            holders, summary, failed, total = _run(progress, heap.property_holders, name, limit=cap)
            lines = []
            for obj, cls, value in holders:
                shown = "[Getter/Setter]" if value is None else heap.brief(value, 100)
                lines.append("%#x %s.%s = %s" % (obj, cls, name, shown))
            lines.append("%s with a property %s%s" % (_plural(total, "object"), name, _cut_note(
                len(holders), total, "v8 findrefs -limit unlimited -n %s" % name)))
            gdb.write("\n".join(lines) + "\n")
            if failed:
                gdb.write(summary)
            return
        _target, tagged = tagged_argument(rest, "v8 findrefs")
        refs, summary, failed, total = _run(progress, heap.find_refs, tagged, limit=cap)
        lines = []
        for holder, holder_class, slot_name, weak, owner, owner_class, slot in refs:
            shown = owner if owner else holder
            text = "%#x %s" % (shown, slot_name)
            if owner:
                text += "  (in its %s %#x)" % (holder_class, holder)
            if weak:
                text += "  (weak)"
            lines.append(text)
        lines.append("%s to %#x %s%s" % (_plural(total, "reference"), tagged, heap.brief(tagged, 100), _cut_note(
            len(refs), total, "v8 findrefs -limit unlimited %#x" % tagged)))
        gdb.write("\n".join(lines) + "\n")
        if failed:
            gdb.write(summary)


def register():
    V8FindJsObjects()
    V8FindJsInstances()
    V8FindRefs()
