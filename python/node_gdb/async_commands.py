"""`v8 async`: every suspended async function, async generator and
generator in the heap, where each waits and who awaits it, grouped into
stacks (core/stack/async_functions.h). One heap walk, with the progress
lines and Ctrl-C of the other heap commands."""

import gdb

from .common import one_line_errors
from .heap_commands import _Progress, _heap, _run
from .options import JSON, Option, Options, write_json

OPTIONS = Options(Option("verbose", doc="every instance's generator object, not only the first",
                         aliases=("v",)), JSON)


class _QuietProgress(_Progress):
    """Progress without the "walked X of Y MiB" lines: standard output holds
    only the JSON document (Ctrl-C still stops the walk)."""

    def __call__(self, done, total, objects):
        self.done, self.total = done, total
        return True


def async_json(verbose=False):
    """The `v8 async -json` document (text)."""
    text, _ = _run(_QuietProgress("v8 async"), _heap().async_stacks_json, verbose)
    return text


class V8Async(gdb.Command):
    __doc__ = """List the suspended async functions and generators: v8 async [-v]

Walks the heap for every async function, async generator and generator that
waits: where (the await or yield, file:line:col), the promise it awaits and
its state, and the async functions awaiting its own promise, as V8's async
stack traces follow them. Equal stacks are counted together
(`37 × async function query (db.js:40:9)` then `awaited by handler (...)`),
most first; each block names a generator object to `v8 print` or `v8 inspect`.
-json: the same groups as one JSON document ({"suspended", "kinds", "stacks":
[{"count", "objects", "functions": [{"kind", "name", "script", "line",
"column", "awaited", "awaited_state", ...}]}], "walk"}).
Options:
%s""" % OPTIONS.help()

    def __init__(self):
        super().__init__("v8 async", gdb.COMMAND_DATA)

    def complete(self, text, word):
        return OPTIONS.complete(text, word, fallback=gdb.COMPLETE_NONE)

    @one_line_errors
    def invoke(self, arg, from_tty):
        given, rest = OPTIONS.parse(arg)
        if rest.strip():
            raise gdb.GdbError("usage: v8 async [-v] [-json]")
        if given["json"]:
            write_json(async_json(given["verbose"]))
            return
        text, summary, _ = _run(_Progress("v8 async"), _heap().async_stacks, given["verbose"])
        gdb.write(text + summary)


def register():
    V8Async()
