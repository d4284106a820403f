"""GDB commands over a walk of the whole V8 heap: `v8 findjsobjects`,
`v8 findjsinstances`, `v8 findrefs`, `v8 heapsnapshot`, `v8 retainers`.

The walk itself is the C++ core's (core/heap/heap_walk.h); this layer
prints, reports progress on long walks (a line every few seconds), turns
Ctrl-C into a clean stop, and keeps one HeapSession per Target
(session.cached), so results stay until the inferior runs again.
"""

import os
import time

import gdb

from . import loader, parameters, session
from .common import one_line_errors, tagged_argument
from .options import JSON, Option, Options, write_json

DEFAULT_INSTANCE_LIMIT = 50
OBJECTS_OPTIONS = Options(
    Option("detailed", doc="group each type's instances by shape: the property names of their maps, with counts "
           "(llnode's -d)", aliases=("d",)),
    JSON,
)
INSTANCE_OPTIONS = Options(
    Option("limit", "uint", "how many instances to list (default 50; unlimited or all for every one)", aliases=("n",)),
    Option("start", "uint", "the index of the first one (default 0)", aliases=("s",)),
    Option("verbose", doc="each instance's whole JS view, as v8 print shows it", aliases=("v",)),
    JSON,
)
REFS_OPTIONS = Options(
    Option("limit", "uint", "how many to list (default 10000; 0 or unlimited for all); the total is always counted"),
    Option("name", "string", "the objects with an own property NAME instead", aliases=("n",)),
    Option("string", doc="the rest is a STRING: every string equal to it and what holds each", aliases=("s",)),
    Option("retainers", doc="the shortest path from a GC root to EXPR instead (as v8 retainers)", aliases=("r",)),
    JSON,
)
PROGRESS_INTERVAL = 2.0  # seconds between progress lines


def _heap():
    """The HeapSession of GDB's current target (made on first use)."""
    return session.cached("heap session", lambda target: loader.import_core().HeapSession(target))


def _stack_pointers():
    """Each thread's stack pointer, as GDB knows it (the core's notes, a live
    thread's registers), for the heap graph's (Stack roots); the selected
    thread and frame are restored. A thread whose $sp cannot be read is
    left out."""
    inferior = gdb.selected_inferior()
    selected = gdb.selected_thread()
    try:
        frame = gdb.selected_frame()
    except gdb.error:
        frame = None
    sps = []
    try:
        for thread in inferior.threads():
            try:
                thread.switch()
                sps.append(int(gdb.newest_frame().read_register("sp")) & 0xFFFFFFFFFFFFFFFF)
            except (gdb.error, ValueError):
                continue
    finally:
        if selected is not None and selected.is_valid():
            selected.switch()
            if frame is not None and frame.is_valid():
                frame.select()
    return sps


class _Progress:
    """Prints "walked X of Y MiB" every PROGRESS_INTERVAL seconds, through
    GDB's own output (so it pages and logs as GDB does)."""

    def __init__(self, what, quiet=False):
        self.what = what
        # With -json, stdout holds only the document: progress goes to stderr.
        self.stream = gdb.STDERR if quiet else gdb.STDOUT
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
                self.what, done >> 20, total >> 20, 100 * done // max(total, 1), _count(objects), now - self.start),
                self.stream)
            gdb.flush(self.stream)
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
    """Count the heap's objects by type: v8 findjsobjects [-d] [-json]

Walks every V8 heap page (each object once) and prints one row per type:
instances, total bytes and the name a JS developer knows it by: the class
or constructor name for JS objects (HeldWidget, Object, Array, Map, ...) and
V8's own type in parentheses for its internals ((SeqOneByteString),
(FixedArray), (FunctionContext), (Code), ...). Biggest first, then the
totals and what part of the heap was walked. The result is kept until the
program runs again; Ctrl-C stops a long walk.

-d groups each JS type's instances by shape: the property names their maps
give them, with how many instances have each (`1,000 × { x, y }`);
dictionary-mode objects are one group per type. -json writes the answer as
one JSON document."""

    def __init__(self):
        super().__init__("v8 findjsobjects", gdb.COMMAND_DATA, gdb.COMPLETE_NONE)

    def complete(self, text, word):
        return OBJECTS_OPTIONS.complete(text, word, fallback=gdb.COMPLETE_NONE)

    @one_line_errors
    def invoke(self, arg, from_tty):
        given, rest = OBJECTS_OPTIONS.parse(arg)
        if rest.strip():
            raise gdb.GdbError("usage: v8 findjsobjects [-d] [-json]  (no other arguments)")
        heap = _heap()
        progress = _Progress("v8 findjsobjects", quiet=given["json"])
        if given["detailed"]:
            answer, summary, _ = _run(progress, heap.shapes, json=given["json"])
            if given["json"]:
                return write_json(answer)
            gdb.write(_shapes_text(answer) + summary)
            return
        if given["json"]:
            return write_json(_run(progress, heap.census_json))
        rows, summary, _ = _run(progress, heap.census)
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


def _shapes_text(classes):
    """`Point: 2 shapes, 1,007 instances` and a line per shape under it."""
    out = []
    for name, instances, shapes in classes:
        out.append("%s: %s, %s" % (name, _plural(len(shapes), "shape"), _plural(instances, "instance")))
        width = max(len(_count(n)) for n, _ in shapes)
        out.extend("  %*s \u00d7 %s" % (width, _count(n), text) for n, text in shapes)
    return "\n".join(out) + "\n"


class V8FindJsInstances(gdb.Command):
    """List the objects of one type: v8 findjsinstances NAME [-n LIMIT] [-s START] [-v] [-json]

NAME is a name from `v8 findjsobjects` (HeldWidget, Array, (FixedArray)...).
Prints each instance's address and a one-line JS view, LIMIT at a time
(default 50; -n all for every one), starting at index START (default 0);
the last line says how to see the next ones. -v prints each instance's
whole JS view, as v8 print shows it (set v8 depth and the others apply);
-json writes the page as one JSON document."""

    def __init__(self):
        super().__init__("v8 findjsinstances", gdb.COMMAND_DATA, gdb.COMPLETE_NONE)

    def complete(self, text, word):
        return INSTANCE_OPTIONS.complete(text, word, fallback=gdb.COMPLETE_NONE)

    @one_line_errors
    def invoke(self, arg, from_tty):
        usage = "usage: v8 findjsinstances NAME [-n LIMIT] [-s START] [-v] [-json]  (names: v8 findjsobjects)"
        # GDB-style options before NAME, and (as this command always took them) after it.
        given, rest = INSTANCE_OPTIONS.parse(arg)
        words = rest.split(None, 1)
        if not words:
            raise gdb.GdbError(usage)
        after, tail = INSTANCE_OPTIONS.parse(words[1] if len(words) > 1 else "")
        given.update({k: v for k, v in after.items() if v is not False})
        if tail.strip():
            raise gdb.GdbError(usage)
        names = gdb.string_to_argv(words[0])
        if len(names) != 1:
            raise gdb.GdbError(usage)
        name = names[0]
        limit = given.get("limit", DEFAULT_INSTANCE_LIMIT)
        start = given.get("start") or 0
        heap = _heap()
        progress = _Progress("v8 findjsinstances", quiet=given["json"])
        if not heap.has_census:
            _run(progress, heap.census)
        total = _run(progress, heap.instances, name)
        end = total if limit is None else min(total, start + limit)
        view = parameters.options()
        if given["json"]:
            return write_json(heap.instances_json(name, start, end, verbose=given["verbose"], **view))
        # A thousand at a time: GDB pages the output, and q stops it.
        for first in range(start, end, 1000):
            chunk = heap.instance_range(name, first, min(end, first + 1000))
            if given["verbose"]:
                gdb.write("".join("%#x %s\n" % (tagged, heap.view(tagged, **view)) for tagged in chunk))
            else:
                gdb.write("".join("%#x %s\n" % (tagged, heap.brief(tagged, 160)) for tagged in chunk))
        shown = "%d-%d" % (start + 1, end) if end > start else "none"
        more = ""
        if end < total:
            more = "; next: v8 findjsinstances %s -s %d%s%s" % (
                _quote(name), end, "" if limit == DEFAULT_INSTANCE_LIMIT else " -n %d" % limit,
                " -v" if given["verbose"] else "")
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
    """Find what refers to an object: v8 findrefs [-limit N] [-json] EXPR | -n NAME | -s STRING | -r EXPR

v8 findrefs EXPR: every object slot and closure-context variable that points
to the object EXPR (a tagged pointer, e.g. an address from
v8 findjsinstances), named as JS would write it: Object.lonely, Array[0],
Context.someVar (a variable a closure keeps), Map.get('key'),
global.name. Slots of backing stores (properties, elements, dictionaries)
are shown with the JS object that owns the store.

v8 findrefs -n NAME: every object that has an own property called NAME, with
the property's value.

v8 findrefs -s STRING: every string in the heap equal to STRING (the rest of
the line, or one quoted word), whatever its representation (sequential,
cons, sliced, thin, external), and what holds each, named as above.

v8 findrefs -r EXPR: the retaining path of EXPR, as v8 retainers prints it
(the shortest path of strong references from the heap graph's root).

-limit N lists at most N results (default 10000; -limit unlimited or
-limit 0 lists all). The walk always counts every result: the last line
gives the true total and says when the list stopped before it. -json writes
the answer as one JSON document."""

    def __init__(self):
        super().__init__("v8 findrefs", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    def complete(self, text, word):
        return REFS_OPTIONS.complete(text, word, fallback=gdb.COMPLETE_EXPRESSION)

    @one_line_errors
    def invoke(self, arg, from_tty):
        usage = ("usage: v8 findrefs [-limit N|unlimited] [-json] EXPR | v8 findrefs [-limit N|unlimited] [-json] "
                 "-n NAME | v8 findrefs [-limit N|unlimited] [-json] -s STRING | v8 findrefs -r EXPR")
        given, rest = REFS_OPTIONS.parse(arg)
        limit = given.get("limit", DEFAULT_REFS_LIMIT) or None  # 0 is unlimited, as in GDB's settings
        if ("name" in given) + given["string"] + given["retainers"] > 1 or (not rest.strip() and "name" not in given):
            raise gdb.GdbError(usage)
        if given["retainers"]:
            if given["json"] or "limit" in given:
                raise gdb.GdbError("v8 findrefs -r: no -limit or -json (one path; see v8 retainers)")
            return print_retainers(rest, "v8 findrefs -r")
        if "name" in given and rest.strip():
            raise gdb.GdbError(usage)
        heap = _heap()
        progress = _Progress("v8 findrefs", quiet=given["json"])
        cap = _UNLIMITED if limit is None else limit
        if "name" in given:
            _property_holders(heap, progress, given["name"], cap, given["json"])
        elif given["string"]:
            _string_refs(heap, progress, _string_argument(rest), cap, given["json"])
        else:
            _object_refs(heap, progress, rest, cap, given["json"])


def _finish(text, summary, failed, json):
    """Writes the answer; the walk's coverage too when part of it failed
    (to stderr with -json, so stdout stays one document)."""
    if json:
        write_json(text)
    else:
        gdb.write(text)
    if failed:
        gdb.write(summary, gdb.STDERR if json else gdb.STDOUT)


def _property_holders(heap, progress, name, cap, json):
    holders, summary, failed, total = _run(progress, heap.property_holders, name, limit=cap, json=json)
    if json:
        return _finish(holders, summary, failed, True)
    lines = []
    for obj, cls, value in holders:
        shown = "[Getter/Setter]" if value is None else heap.brief(value, 100)
        lines.append("%#x %s.%s = %s" % (obj, cls, name, shown))
    lines.append("%s with a property %s%s" % (_plural(total, "object"), name, _cut_note(
        len(holders), total, "v8 findrefs -limit unlimited -n %s" % name)))
    _finish("\n".join(lines) + "\n", summary, failed, False)


def _ref_line(holder, holder_class, slot_name, weak, owner, owner_class, slot):
    text = "%#x %s" % (owner if owner else holder, slot_name)
    if owner:
        text += "  (in its %s %#x)" % (holder_class, holder)
    if weak:
        text += "  (weak)"
    return text


def _object_refs(heap, progress, rest, cap, json):
    _target, tagged = tagged_argument(rest, "v8 findrefs")
    refs, summary, failed, total = _run(progress, heap.find_refs, tagged, limit=cap, json=json)
    if json:
        return _finish(refs, summary, failed, True)
    lines = [_ref_line(*r) for r in refs]
    lines.append("%s to %#x %s%s" % (_plural(total, "reference"), tagged, heap.brief(tagged, 100), _cut_note(
        len(refs), total, "v8 findrefs -limit unlimited %#x" % tagged)))
    _finish("\n".join(lines) + "\n", summary, failed, False)


def _string_argument(rest):
    """The STRING of -s: one quoted word ('a b', "a b") or the rest of the line as typed."""
    text = rest.strip()
    if text[:1] in ("'", '"'):
        words = gdb.string_to_argv(text)
        if len(words) != 1:
            raise gdb.GdbError("v8 findrefs -s: quote the whole STRING, or give it unquoted")
        text = words[0]
    if not text:
        raise gdb.GdbError("v8 findrefs -s: give a non-empty STRING to look for")
    return text


def _string_refs(heap, progress, text, cap, json):
    strings, summary, failed, listed, total, unreadable = _run(progress, heap.string_refs, text, limit=cap, json=json)
    if json:
        return _finish(strings, summary, failed, True)
    lines = []
    for tagged, type_name, holders, count in strings:
        lines.append("%#x %s (%s): %s" % (tagged, heap.brief(tagged, 100), type_name, _plural(count, "holder")))
        lines.extend("  " + _ref_line(*r) for r in holders)
    shown = heap.brief(strings[0][0], 100) if strings else repr(text)
    tail = "%s equal to %s, %s" % (_plural(len(strings), "string"), shown, _plural(total, "holder"))
    if unreadable:
        tail += "; %s of its length could not be read" % _plural(unreadable, "string")
    lines.append(tail + _cut_note(listed, total, "v8 findrefs -limit unlimited -s ..."))
    _finish("\n".join(lines) + "\n", summary, failed, False)


class V8HeapSnapshot(gdb.Command):
    """Write the heap as a Chrome DevTools heap snapshot: v8 heapsnapshot FILE.heapsnapshot

Walks the whole V8 heap twice (every object once each time) and writes FILE
(its name must end in .heapsnapshot, the extension DevTools loads) in V8's
own .heapsnapshot JSON format, which Chrome DevTools (Memory tab,
Load), memlab and other snapshot readers open: one node per object, named
as V8 names it (JS objects by constructor, closures by function name,
strings by text, internals as "system / Map", ...), with its edges: named
properties, __proto__, elements, closure-context variables, the map and
other internal fields. The GC roots are grouped as V8 groups them: the
native contexts and their global objects, V8's read-only and strong roots,
builtins and startup object caches, and the isolate's global handles
(Node's native wrappers, an addon's Persistents: "(Global handles)") and
eternal handles ("(Eternal handles)") and every thread's stack ("(Stack
roots)": the words of each stack, from its stack pointer up, that point to
objects); the second line of the output says how many, and which of V8's
roots (the threads' handle scopes) could not be read: what only they hold
has no retaining path in the file.
One file per isolate, as V8 writes them: FILE is the main thread's, a
Worker's is FILE with ".worker-<threadId>" before ".heapsnapshot".
Ctrl-C stops the walk and removes the partial file."""

    def __init__(self):
        super().__init__("v8 heapsnapshot", gdb.COMMAND_DATA, gdb.COMPLETE_FILENAME)

    @one_line_errors
    def invoke(self, arg, from_tty):
        words = gdb.string_to_argv(arg)
        if len(words) != 1:
            raise gdb.GdbError("usage: v8 heapsnapshot FILE.heapsnapshot")
        path = os.path.abspath(os.path.expanduser(words[0]))
        if os.path.isdir(path):
            raise gdb.GdbError("v8 heapsnapshot: %s is a directory; give a file name" % path)
        if not path.endswith(".heapsnapshot") or path == ".heapsnapshot":
            raise gdb.GdbError("v8 heapsnapshot: the file name must end in .heapsnapshot (the extension DevTools "
                               "loads): %s" % words[0])
        heap = _heap()
        # Several isolates (Workers): a file each, named after its thread (node-environments finds them).
        from . import node_commands  # noqa: PLC0415 (node_commands is the Environments' one place)
        search = node_commands.environments()[1] if heap.isolate_count() > 1 else None
        progress = _Progress("v8 heapsnapshot")
        start = time.monotonic()
        stacks = _stack_pointers()
        for written, isolate, nodes, edges, strings, roots, summary, failed in _run(progress, heap.snapshot, path,
                                                                                    search, stack_pointers=stacks):
            gdb.write("wrote %s%s: %s, %s, %s in %.1f s\n" % (
                written, " (%s isolate)" % isolate if isolate else "", _plural(nodes, "node"), _plural(edges, "edge"),
                _plural(strings, "string"), time.monotonic() - start))
            gdb.write(roots)
            if failed:
                gdb.write(summary)


class V8Retainers(gdb.Command):
    """Show what keeps an object alive: v8 retainers [-n N] EXPR

Builds the graph `v8 heapsnapshot` writes (two walks of the heap) and
prints the shortest path of strong references from its root to the object
EXPR (a tagged pointer), one edge a line: `.name` for a property, `[3]` for
an element, `context.name` for a closure's variable, `(name)` for an
internal field; then the object's self size and retained size (what a GC
would free without it, from the dominator tree, as Chrome DevTools computes
it from the same file). -n N: up to N paths, each through another of the
object's direct retainers, the shortest first (DevTools' Retainers view,
one level open). The root holds the native contexts, their global objects
and every isolate's global handles (Node's native wrappers, an addon's
Persistents), eternal handles and the threads' stacks: an object that only
the threads' handle scopes keep (or garbage) has no path, and the command
says so.
The graph is kept: after the first call each answer is immediate. Ctrl-C
stops the walk."""

    def __init__(self):
        super().__init__("v8 retainers", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    @one_line_errors
    def invoke(self, arg, from_tty):
        print_retainers(arg, "v8 retainers")


def _path_count(arg, command):
    """(N, the rest) of `-n N EXPR`; (1, arg) without -n."""
    words = arg.split(None, 2)
    if not words or words[0] != "-n":
        return 1, arg
    if len(words) < 3 or not words[1].isdigit() or int(words[1]) < 1:
        raise gdb.GdbError("usage: %s [-n N] EXPR  (N: how many paths, at least 1)" % command)
    return int(words[1]), words[2]


def print_retainers(arg, command):
    """v8 retainers [-n N] EXPR and v8 findrefs -r EXPR."""
    if not arg.strip():
        raise gdb.GdbError("usage: %s [-n N] EXPR  (a tagged pointer, e.g. from v8 findjsinstances)" % command)
    count, rest = _path_count(arg.strip(), command)
    _target, tagged = tagged_argument(rest, command)
    heap = _heap()
    progress = _Progress(command)
    found, text, _paths, summary, failed = _run(progress, heap.retainers, tagged, count,
                                                stack_pointers=_stack_pointers())
    gdb.write(text)
    if failed:
        gdb.write(summary)


def register():
    V8Retainers()
    V8HeapSnapshot()
    V8FindJsObjects()
    V8FindJsInstances()
    V8FindRefs()
