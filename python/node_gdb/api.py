"""node-gdb's Python API, for your own GDB scripts.

After `source python/node-gdb.py` (or the gdbinit), in GDB's Python:

    from node_gdb import api
    print(api.js_text(0x2c6019246e71))          # util.inspect text
    d = api.describe(gdb.parse_and_eval("obj"))  # the value's structure, a dict
    for f in api.js_stack():                     # the frames of `v8 bt`
        print(f["level"], f["function"], f.get("script"), f.get("line"))
    for env in api.handles():                    # node-handles, per Environment
        print(env["address"], [h["class"] for h in env["handles"]])
    top = api.heap_census()["types"][0]          # v8 findjsobjects (walks the heap)

A value is a gdb.Value (a v8::Local / Handle / Tagged variable, a pointer
or an integer holding a tagged word), a Python int (the tagged word), or a
string GDB evaluates to one of those ("$rax", "args[0]"). Every function
reads memory only (nothing runs in the inferior) and raises NodeGdbError,
with one line of text, for any problem: no Node process, a value that is
not a V8 value, memory that cannot be read.

The dicts are the JSON answers of the commands (`v8 print -json`,
`v8 bt -json`, `v8 async -json`, `node-environments -json`,
`node-handles -json`, `node-requests -json`, `v8 findjsobjects -json`),
parsed; README.md ("JSON answers and the
Python API") lists their fields.
"""

import contextlib
import json

import gdb

from . import loader, parameters, session, values

__all__ = ["NodeGdbError", "js_text", "describe", "js_stack", "async_frames", "async_functions", "tagged",
           "environments", "handles", "requests", "heap_census"]


class NodeGdbError(session.NodeGdbError):
    """Raised by every function of this module for anything that goes wrong
    (its text is one line, as the commands would print it)."""


def _guarded(fn):
    """Turns every failure of an API function into NodeGdbError."""
    def wrapper(*args, **kwargs):
        core = loader.import_core()
        try:
            session.adopt_mapped_binary()
            return fn(*args, **kwargs)
        except NodeGdbError:
            raise
        except KeyboardInterrupt:
            raise NodeGdbError("interrupted")
        except values.EmptyHandle:
            raise NodeGdbError("the handle is empty")
        except (gdb.error, gdb.GdbError, session.NodeGdbError, TypeError, ValueError) as e:
            raise NodeGdbError(str(e).splitlines()[0] if str(e) else type(e).__name__)
        except Exception as e:  # the core's Error (one line), or a bug of ours
            if core is not None and isinstance(e, core.Error):
                raise NodeGdbError(str(e))
            raise NodeGdbError("node-gdb internal error: %s: %s" % (type(e).__name__, e))
    wrapper.__name__ = fn.__name__
    wrapper.__qualname__ = fn.__qualname__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def _target():
    return session.target()


def _word(value, target):
    if isinstance(value, bool):
        raise NodeGdbError("a bool is not a V8 value")
    if isinstance(value, int):
        return value & 0xFFFFFFFFFFFFFFFF
    if isinstance(value, str):
        value = gdb.parse_and_eval(value)
    if isinstance(value, gdb.Value):
        return values.tagged_word(value, target)
    raise NodeGdbError("cannot take a V8 value from a Python %s: give a gdb.Value, an int or an expression"
                       % type(value).__name__)


def _limits(depth, string_length, array_length):
    """The core's limits: `set v8 ...` where an argument is None."""
    given = {}
    if depth is not None:
        given["depth"] = depth
    if string_length is not None:
        given["string-length"] = string_length
    if array_length is not None:
        given["array-length"] = array_length
    return parameters.options(given)


@_guarded
def tagged(value):
    """The tagged word (an int) a value stands for: a handle's slot
    contents, or the integer itself."""
    return _word(value, _target())


@contextlib.contextmanager
def _on_thread(thread):
    """GDB thread number `thread` selected for the block (None: the selected
    one), and the selection given back after it."""
    selected = gdb.selected_thread()
    if thread is not None:
        found = [t for t in gdb.selected_inferior().threads() if t.num == thread]
        if not found:
            raise NodeGdbError("no thread %s" % thread)
        found[0].switch()
    try:
        yield
    finally:
        if thread is not None and selected is not None and selected.is_valid():
            selected.switch()


@_guarded
def js_text(value, depth=None, string_length=None, array_length=None):
    """util.inspect's text of the value (what `v8 print` prints), a str.
    The limits default to `set v8 depth` / `string-length` / `array-length`."""
    target = _target()
    return target.print_value(_word(value, target), **_limits(depth, string_length, array_length))


@_guarded
def describe(value, depth=2, string_length=None, array_length=None):
    """The value's structure, a dict, as `v8 print -json` writes it:
    "type" ("object", "array", "string", "number", "map", "error", ...),
    "address", "constructor", "text" (util.inspect), "value" for JSON-able
    primitives, "properties" ([{"key", "value"}]), "elements" ([{"index",
    "value"}]), "entries" (Map/Set), with "truncated" / "circular" where the
    limits or a cycle stop it. Nested values are dicts of the same form."""
    target = _target()
    text = target.print_json(_word(value, target), indent=0, **_limits(depth, string_length, array_length))
    return json.loads(text)


@_guarded
def js_stack(thread=None, args=False, depth=None):
    """The frames `v8 bt` lists, innermost first, as a list of dicts (the
    "frames" of `v8 bt -json`): "level" (GDB's frame number), "pc", "sp",
    "fp", "kind" ("native", "interpreted", "baseline", "maglev",
    "turbofan", "builtin", "entry", "exit", ...), "function", "script",
    "line", "column"; "inlined_into" for a function inlined into its
    frame's. args=True adds "receiver" and "arguments" ([{"name", "value"}],
    values as describe() gives them, `depth` deep). thread: a GDB thread
    number (None: the selected thread)."""
    from . import stack, stack_json
    with _on_thread(thread):
        frames, more, stop = stack.collect_frames()
        limits = {} if depth is None else {"depth": depth}
        return stack_json.backtrace(_target(), frames, None, more, stop, args, limits)["frames"]


@_guarded
def async_frames(thread=None):
    """The "at async f (file:line:col)" frames Error.stack would append for
    the selected thread (or thread number `thread`): [{"function", "script",
    "line", "column", "text"}] (the "async" of `v8 bt -json`)."""
    from . import stack, stack_json
    with _on_thread(thread):
        frames, _, _ = stack.collect_frames()
        return stack_json.async_records(frames)


@_guarded
def async_functions(verbose=False):
    """The suspended async functions and generators (`v8 async -json`'s
    "stacks"; walks the heap): a list of {"count", "objects", "functions":
    [{"kind", "name", "script", "line", "column", "where", "object",
    "awaited", "awaited_state", ...}, ...]}, each chain innermost first,
    the biggest groups first. verbose adds every instance's object and each
    function's "arguments" and "locals"."""
    from . import async_commands
    return json.loads(async_commands.async_json(verbose))["stacks"]


def _env_address(env):
    """An Environment given as None (all), an int or anything _word takes."""
    if env is None:
        return 0
    if isinstance(env, bool):
        raise NodeGdbError("a bool is not an Environment address")
    if isinstance(env, int):
        return env & 0xFFFFFFFFFFFFFFFF
    if isinstance(env, str):
        env = gdb.parse_and_eval(env)
    if isinstance(env, gdb.Value):
        return int(env.cast(gdb.lookup_type("unsigned long")))
    raise NodeGdbError("cannot take an Environment address from a Python %s" % type(env).__name__)


def _node_json(answer, env=None, with_pid=False):
    """The "environments" of a node-* command's JSON answer."""
    from . import node_commands
    target, search, pid = node_commands.environments()
    args = (target, search, _env_address(env)) + ((pid,) if with_pid else ())
    return json.loads(getattr(loader.import_core(), answer)(*args))["environments"]


@_guarded
def environments():
    """Node's Environments (`node-environments -json`'s "environments"):
    [{"address", "thread" ("main thread", "worker thread", "thread unknown"), "loop",
    "native_contexts", "worker" (a Worker's id, name, script, lwp; None on the
    main thread)}], the main thread first."""
    from . import node_commands
    target, search, _ = node_commands.environments()
    return json.loads(loader.import_core().node_environments_json(target, search))["environments"]


@_guarded
def handles(env=None):
    """Each Environment's libuv handles (`node-handles -json`'s
    "environments"): per Environment {"address", "thread", "handle_count",
    "ref_count", "loop", "handles": [{"class" (the JS class, else the
    C++ one), "wrap", "js_object", "uv_type", "ref", "active", "state",
    "owner", "local", "peer", ...}]}. Addresses are "0x..." strings. env: one Environment's address
    (None: all of them)."""
    return _node_json("node_handles_json", env, with_pid=True)


@_guarded
def requests(env=None):
    """Each Environment's libuv requests in flight (`node-requests -json`'s
    "environments"): {"address", "thread", "request_count", "requests":
    [{"class", "wrap", "js_object", "uv_req", "uv_type", "what", ...}]}."""
    return _node_json("node_requests_json", env)


@_guarded
def heap_census():
    """The heap's objects counted by type (`v8 findjsobjects -json`; walks
    the whole heap, Ctrl-C stops it): {"types": [{"name", "instances",
    "bytes", "js"}] biggest first, "instances", "bytes", "walk" (what the
    walk covered and what it could not read)}."""
    from . import heap_commands
    return json.loads(heap_commands._heap().census_json(progress=None))
