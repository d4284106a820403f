"""GDB commands for Node's own structures: node-info, node-handles,
node-requests, node-http, node-why, node-timers and node-environments,
each also as one JSON document (-json, built by the core: node_json.h).

The C++ core finds every node::Environment (main thread and Workers) through
the native contexts of the V8 heaps and walks their handle and request
queues; this module only says where memory can be scanned (the mappings
GDB shows, for remote targets), caches the search for the current target
(session.cached), and prints the core's text.
"""

import gdb

from . import loader, session
from .common import one_line_errors
from .options import JSON, Option, Options, write_json


def _maps_from_gdb():
    """'start-end perms' lines from `info proc mappings` (remote targets)."""
    return "\n".join("%x-%x %s" % (m.start, m.end, m.perms) for m in session.proc_mappings() if m.perms)


def environments():
    """(target, EnvironmentSearch, pid of a live local process or 0) for GDB's
    current inferior, searched once per target (session.cached)."""
    return session.cached("node environments", _find_environments)


def _find_environments(target):
    core_path = session.core_file_path() if session.is_core() else None
    pid = 0
    if not core_path:
        inferior = gdb.selected_inferior()
        if inferior.pid > 0 and session.connection_type(inferior) in (None, "native"):
            pid = inferior.pid
    maps = "" if core_path or pid else _maps_from_gdb()
    search = loader.import_core().find_environments(target, core_path or "", pid, maps)
    return target, search, pid


VERBOSE_OPTIONS = Options(Option("verbose", doc="more detail on each line", aliases=("v", "-verbose")), JSON)
JSON_OPTIONS = Options(JSON)


def _parse_args(arg, command):
    """-v, -json (GDB style: -verbose, --) and an optional Environment
    address (any GDB expression): (verbose, json, env)."""
    given, rest = VERBOSE_OPTIONS.parse(arg)
    env = 0
    if rest.strip():
        env = int(gdb.parse_and_eval(rest).cast(gdb.lookup_type("unsigned long")))
    return given["verbose"], given["json"], env


def _json_only(arg, command):
    """Whether -json was given; any other argument is one line."""
    given, rest = JSON_OPTIONS.parse(arg)
    if rest.strip():
        raise gdb.GdbError("%s takes no arguments but -json" % command)
    return given["json"]


_JSON_DOC = """
-json writes the same facts (and those -v adds) as one JSON document on
standard output instead: the Environment search, then one object per
Environment, addresses as "0x%016x" strings."""


class _NodeCommand(gdb.Command):
    """A node-* command: its options complete, then GDB's expressions."""

    options = VERBOSE_OPTIONS

    def complete(self, text, word):
        return self.options.complete(text, word)


class _NodeAnswer(_NodeCommand):
    """A node-* command whose answer is one function of the C++ module over
    -v and an optional ENV: the Environment search's summary, then its text."""

    command = ""      # "node-handles"
    answer = ""       # the _nodegdb function: node_handles, node_http, ...
    with_pid = True   # it takes a live process's pid (the kernel's socket tables)

    def __init__(self):
        super().__init__(self.command, gdb.COMMAND_DATA)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.__doc__ += _JSON_DOC

    @one_line_errors
    def invoke(self, arg, from_tty):
        verbose, json, env = _parse_args(arg, self.command)
        target, search, pid = environments()
        core = loader.import_core()
        pid_arg = (pid,) if self.with_pid else ()
        if json:
            write_json(getattr(core, self.answer + "_json")(target, search, env, *pid_arg))
            return
        gdb.write(search.summary + "\n" + getattr(core, self.answer)(target, search, verbose, env, *pid_arg))


class NodeHandles(_NodeAnswer):
    """List the libuv handles of every Node Environment: node-handles [-v] [-json] [ENV]

One line per HandleWrap of each Environment's handle_wrap_queue_ (main thread
first, then Workers): the C++ object, its JavaScript class (TCP, Pipe, TTY,
UDP, Process, Signal, FSEvent, StatWatcher, MessagePort...), whether it holds
a reference on the event loop ("ref": what keeps the process alive, as
process._getActiveHandles() counts them) and its libuv state (active,
inactive, closing, closed), then what identifies it where memory holds it:
fd, listening address, the server that accepted a connection, child pid
and command, signal, watched path, requests in flight on it; last the JS
wrapper object (usable with `v8 print`).

-v adds the C++ class, the libuv structure's address, type and flags.
ENV limits the output to one Environment (an address from node-environments)."""

    command = "node-handles"
    answer = "node_handles"



class NodeHttp(_NodeAnswer):
    """List the HTTP requests in flight in every Node Environment: node-http [-v] [-json] [ENV]

For each listening server (its JS object, fd and address), the requests its
connections are handling: method and URL of each IncomingMessage, the
socket (fd, local -> remote address where known), the IncomingMessage
object. Then the outgoing requests: each ClientRequest's method, the
host:port it was sent to (its agent's key) and path, and its socket, or
that it waits in its agent's queue for a socket.
In a live process the kernel's socket tables give the addresses memory
does not hold. -v adds each request's net.Socket and the ServerResponse of
a request being handled. ENV limits the output to one Environment."""

    command = "node-http"
    answer = "node_http"



class NodeWhy(_NodeAnswer):
    """Say why the process is still running: node-why [-v] [-json] [ENV]

For each Environment (main thread, Workers): what keeps its event loop
alive, the ref'd active handles (with the JS object that owns each: the
server, socket, child process, watcher), Node's own loop handles that are
ref'd (the timer handle while ref'd timers are pending, the immediate
handle), and the requests in flight; then what is there without keeping it
alive (unref'd handles; -v adds inactive ones). The pending JS timers and
immediates are listed with the loop handles that run them (ref'd) or as
not keeping it alive (unref'd), with the nextTick callbacks and microtasks
still queued. Last, for the whole heap,
the suspended async functions waiting on promises, which never keep a
process alive (v8 async lists them). An Environment with nothing to keep it
says so. ENV limits the output to one Environment."""

    command = "node-why"
    answer = "node_why"



class NodeTimers(_NodeAnswer):
    """List what each Node Environment will run later: node-timers [-v] [-json] [ENV]

Timers (setTimeout, setInterval) soonest first: the duration, when each is
due against the loop's time in the dump (or "overdue by": the loop had not
run it yet), ref'd or unref'd, the callback by name and file:line:col and
the Timeout object; the one whose callback is on the stack is "running
now". Then the pending setImmediate callbacks, the process.nextTick queue
in order, and the isolate's microtask queue (each job's handler, or the
async function an await will resume). -v adds each tick and microtask
object and the queue's address. ENV limits the output to one Environment."""

    command = "node-timers"
    answer = "node_timers"
    with_pid = False


class NodeRequests(_NodeAnswer):
    """List the libuv requests in flight in every Node Environment: node-requests [-v] [-json] [ENV]

One line per ReqWrap of each Environment's req_wrap_queue_: the C++ object,
its JavaScript class (FSReqCallback, GetAddrInfoReqWrap, TCPConnectWrap,
WriteWrap, ShutdownWrap...), what it does (the fs operation and its fd or
path and size, the host being resolved, the address being connected to, the
bytes left to write) and its JS object. -v adds the C++ class and the
uv_req_t."""

    command = "node-requests"
    answer = "node_requests"
    with_pid = False



class NodeEnvironments(_NodeCommand):
    """List Node's Environments (main thread and Workers) and how they were found.

Native contexts are found by scanning writable memory for the V8 maps of
native contexts; each holds its Environment* in an embedder data slot.
A Worker's line also says its threadId, the script it runs and the LWP of
its thread (as `info threads` and `thread apply all bt` name it).
-json: the same as one JSON document on standard output."""

    options = JSON_OPTIONS

    def __init__(self):
        super().__init__("node-environments", gdb.COMMAND_STATUS, gdb.COMPLETE_NONE)

    @one_line_errors
    def invoke(self, arg, from_tty):
        json = _json_only(arg, "node-environments")
        target, search, _pid = environments()
        if json:
            write_json(loader.import_core().node_environments_json(target, search))
            return
        gdb.write(search.summary + "\n" + loader.import_core().node_environments(target, search))
        for line in search.rejected:
            gdb.write("  ignored: %s\n" % line)


class NodeInfo(_NodeCommand):
    """Show what the Node process was: versions, pid, execPath, argv, execArgv, threads.

Read from the process's memory: the versions from node::per_process::metadata
and process.versions, the rest from the main thread's `process` object.
-json: the same as one JSON document (argv and execArgv as arrays)."""

    options = JSON_OPTIONS

    def __init__(self):
        super().__init__("node-info", gdb.COMMAND_STATUS, gdb.COMPLETE_NONE)

    @one_line_errors
    def invoke(self, arg, from_tty):
        json = _json_only(arg, "node-info")
        target, search, _pid = environments()
        inferior = gdb.selected_inferior()
        source = "from the core file" if session.is_core() else "of the live process"
        if json:
            write_json(loader.import_core().node_info_json(target, search, max(inferior.pid, 0), source))
            return
        gdb.write(loader.import_core().node_info(target, search, max(inferior.pid, 0), source))


def register():
    NodeHandles()
    NodeRequests()
    NodeHttp()
    NodeWhy()
    NodeTimers()
    NodeEnvironments()
    NodeInfo()
