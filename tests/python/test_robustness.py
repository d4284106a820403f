"""Never crash, never hang, never a traceback.

- A core with deliberate damage (tests/fixtures/corrupt.js and its -g addon):
  a garbage map word, a map word pointing to a string, impossible string
  lengths, a cons string that contains itself, a DescriptorArray that says
  it is empty, a ListNode::next_ pointing to itself and another to garbage,
  and garbage in a native context's Environment* slot. Every command and
  printer on it ends promptly with one clear line, and everything intact
  around the damage still prints exactly as util.inspect printed it.
- Mismatched inputs: cores read with the node binary of every other version,
  a truncated node binary, a core that is not a core.
- A live process that changes between two stops: the second print shows the
  new value, through /proc/PID/mem and through GDB's (cached) reads.
- Every command, with bad arguments too, over every fixture core: no Python
  traceback, no "Python Exception".
"""

import os
import re
import subprocess

import pytest

import damaged_core
import fixtures
from conftest import VERSIONS, Gdb, assert_no_traceback, holder_slots

# The slowest a command may be on a damaged core (seconds; the machine is shared).
PROMPT = 15


# ---------------------------------------------------------------------------
# The damaged core.

DAMAGED = ["map_garbage", "map_not_a_map", "length_huge", "length_negative", "cyclic_cons", "descriptors"]
INTACT = ["intact", "function", "string", "number", "array"]
# What each damaged value's one line must say.
DAMAGE_MESSAGES = {
    "map_garbage": r"is not a V8 heap object|cannot read",
    "map_not_a_map": r"is not a V8 heap object .*is not a Map",
    "length_huge": r"impossible length",
    "length_negative": r"impossible length",
    "cyclic_cons": r"cycl",
    "descriptors": r"descriptor",
}


class DamagedCore:
    def __init__(self, version):
        self.workdir, core, self.addresses, self.expect = damaged_core.make(version)
        self.gdb = Gdb(fixtures.node_binary(version), core)

    def addresses_values(self):
        return [v for v in self.addresses.values() if isinstance(v, str)]

    def timed(self, commands):
        """Runs each command once; returns [(command, output, seconds)]."""
        script = []
        for c in commands:
            script += ["python import time; _t0 = time.time()", "echo @@@BEGIN\\n", c,
                       "python print('@@@END %.3f' % (time.time() - _t0))"]
        out = self.gdb.run(script)
        parts = re.findall(r"@@@BEGIN\n(.*?)@@@END ([0-9.]+)\n", out, re.S)
        assert len(parts) == len(commands), out[-3000:]
        return [(c, text.rstrip("\n"), float(t)) for c, (text, t) in zip(commands, parts)]


@pytest.fixture(scope="session")
def damaged(version, module_built):
    return DamagedCore(version)


def _one_line(text):
    return [l for l in text.splitlines() if l.strip()]


def test_damaged_values_are_one_clear_line(damaged):
    commands = []
    for name in DAMAGED:
        commands += ["v8 print %s" % damaged.addresses[name], "v8 inspect %s" % damaged.addresses[name],
                     "v8 bytecode %s" % damaged.addresses[name], "v8 source %s" % damaged.addresses[name]]
    for command, text, seconds in damaged.timed(commands):
        name = [n for n in DAMAGED if damaged.addresses[n] in command][0]
        lines = _one_line(text)
        assert len(lines) == 1, "%s (%s) printed more than one line:\n%s" % (command, name, text)
        assert seconds < PROMPT, "%s took %.1fs" % (command, seconds)
        if not command.startswith(("v8 bytecode", "v8 source")):
            assert re.search(DAMAGE_MESSAGES[name], lines[0]), "%s (%s): %s" % (command, name, lines[0])


def test_intact_values_print_as_util_inspect_did(damaged):
    outputs = damaged.gdb.outputs(["v8 print %s" % damaged.addresses[name] for name in INTACT])
    assert dict(zip(INTACT, outputs)) == {name: damaged.expect[name] for name in INTACT}


def test_an_array_of_damaged_values_shows_the_intact_ones(damaged):
    """The holder array: its intact elements print in full, each damaged one
    as <error: ...> in its place; the V8 view lists all eleven."""
    [js, v8] = damaged.gdb.outputs(["v8 print %s" % damaged.addresses["holder"],
                                    "v8 inspect %s" % damaged.addresses["holder"]])
    assert js.startswith("[ " + damaged.expect["intact"] + ", <error: "), js
    assert js.endswith(", [Function: intactFunction], 'SSSSSSSSSSSSSSSSSSSS', 2.5, %s ]" % damaged.expect["array"]), js
    assert js.count("<error: ") == len(DAMAGED), js
    for name in DAMAGED:
        if name != "descriptors":  # its error comes from its map, not from its address
            assert "<error: %s" % damaged.addresses[name] in js or \
                "<error: string %s" % damaged.addresses[name] in js, (name, js)
    elements = re.findall(r"^ +(\d+): (0x[0-9a-f]+) (.*)$", v8, re.M)
    assert [int(i) for i, _, _ in elements] == list(range(11)), v8
    assert sum("<unreadable: " in brief for _, _, brief in elements) == 5, v8


def test_printers_in_the_frame_that_damaged_the_heap(damaged):
    """The addon's frame holds v8::Local handles to the values and to both
    native contexts: printers, `info locals` and `bt full` show them."""
    out = damaged.gdb.run(["frame function CorruptAndAbort", "echo @@@\\n", "print intact", "print damaged",
                           "print main_context", "print vm_context", "info locals", "bt full",
                           "set print pretty on", "print damaged", "print vm_context", "print main_context"])
    out = out.split("@@@\n", 1)[1]
    printed = re.findall(r"^\$\d+ = (.*)$", out, re.M)
    assert printed[0] == damaged.expect["intact"], out[:3000]
    assert printed[1].count("<error: ") == len(DAMAGED), printed[1]
    assert "environment: %s (node::Environment*)" % damaged.addresses["environment"] in printed[2], printed[2]
    # The Environment* slot of the vm context holds garbage: shown as it is.
    assert "environment: 0x4242424242424240 (node::Environment*)" in printed[3], printed[3]
    pretty = out[out.index("$5 = "):]
    assert pretty.count("<node-gdb: ") == len(DAMAGED), pretty
    assert re.search(r"environment = 0x4242424242424240 \(node::Environment\*\)", pretty), pretty
    # The global objects of both contexts (their GlobalDictionary) print.
    assert "[[extension]] = Object = {" in pretty and "setImmediate = [Function: setImmediate]" in pretty, pretty


def test_node_commands_with_damaged_queues(damaged):
    """The handle queue's second node points to itself and the first
    request's next_ to garbage; the vm context's Environment* is garbage.
    The Environment is still found, what precedes the damage is listed, and
    each walk ends with one line saying where and why."""
    commands = ["node-environments", "node-handles", "node-handles -v", "node-requests", "node-requests -v",
                "node-http", "node-info", "v8 bt", "v8 bt -a", "node-timers", "node-why", "v8 source"]
    results = {c: (text, seconds) for c, text, seconds in damaged.timed(commands)}
    for command, (text, seconds) in results.items():
        assert seconds < PROMPT, "%s took %.1fs" % (command, seconds)
    environments = results["node-environments"][0]
    assert environments.startswith("1 Environment (main thread) in 2 native contexts"), environments
    assert "%s  main thread" % damaged.addresses["environment"] in environments, environments
    assert re.search(r"ignored: 0x4242424242424240 \(from native context %s\): .* cannot be read"
                     % damaged.addresses["vm_context"], environments), environments
    handles = results["node-handles"][0]
    assert re.search(r"Environment %s \(main thread\): 2 handles" % damaged.addresses["environment"], handles), handles
    assert re.search(r" TCP +ref +active +fd \d+ +listening", handles), handles
    assert re.search(r" FSEvent +ref +active +watching .*corrupt\.js", handles), handles
    assert "handle_wrap_queue_ walk stopped: next_ at %#x leads back to %s (a cycle that misses the head)" % (
        int(damaged.addresses["self_looped_node"], 16) + 8, damaged.addresses["self_looped_node"]) in handles, handles
    # node-http reads the same damaged handle queue: its header, no error.
    assert re.search(r"^Environment %s \(main thread\): 0 servers, 0 requests being handled, 0 outgoing$"
                     % damaged.addresses["environment"], results["node-http"][0], re.M), results["node-http"][0]
    requests = results["node-requests"][0]
    assert re.search(r"FSReqCallback +stat +\".*corrupt\.js\"", requests), requests
    assert "req_wrap_queue_ walk stopped: next_ at %#x holds 0x4141414141414140, which cannot be read" % (
        int(damaged.addresses["garbage_next_node"], 16) + 8) in requests, requests
    info = results["node-info"][0]
    assert re.search(r"^argv: +\[ .*corrupt\.js", info, re.M), info
    # The damaged timer lists: each walk stops with its reason; what precedes
    # the damage is listed.
    timers = results["node-timers"][0]
    assert re.search(r"^    setTimeout +9000 ms .* loopy \(", timers, re.M), timers
    assert re.search(r"^    setTimeout +9100 ms .* stray \(", timers, re.M), timers
    assert re.search(r"^  \(timers: the list at 0x[0-9a-f]+ loops or exceeds 100000 items\)$", timers, re.M), timers
    assert re.search(r"^  \(timers: the list at 0x[0-9a-f]+ links to 0x[0-9a-f]+, which is no Timeout\)$",
                     timers, re.M), timers
    assert "the JS timers and immediates behind them" in results["node-why"][0], results["node-why"][0]
    assert "Object.<anonymous> (%s:" % os.path.join(fixtures.FIXTURES, "corrupt.js") in results["v8 bt"][0], \
        results["v8 bt"][0]
    # The heap's damage is not in the script: its source still lists.
    source = results["v8 source"][0]
    assert re.match(r"#\d+ Object\.<anonymous> at %s:\d+:\d+\n" % re.escape(os.path.join(fixtures.FIXTURES, "corrupt.js")),
                    source), source
    assert re.search(r"^=> \d+\t", source, re.M), source


def test_contexts_with_a_garbage_environment(damaged):
    [vm_js, vm_v8, main_js] = damaged.gdb.outputs([
        "v8 print %s" % damaged.addresses["vm_context"], "v8 inspect %s" % damaged.addresses["vm_context"],
        "v8 print %s" % damaged.addresses["main_context"]])
    assert "environment: 0x4242424242424240 (node::Environment*)" in vm_js, vm_js
    assert vm_v8.startswith("%s: [NativeContext]" % damaged.addresses["vm_context"]), vm_v8
    assert "environment: %s (node::Environment*)" % damaged.addresses["environment"] in main_js, main_js


def test_structured_display_of_damage_under_mi(damaged):
    """An IDE (GDB/MI) expanding the damaged array element by element."""
    script = "\n".join([
        "-interpreter-exec console \"source %s\"" % fixtures.GDB_PYTHON_ENTRY,
        "-enable-pretty-printing",
        "-interpreter-exec console \"frame function CorruptAndAbort\"",
        "-var-create d * damaged",
        "-var-list-children --all-values d",
        "-var-list-children --all-values d.[0]",
        "-var-create c * vm_context",
        "-var-list-children --all-values c",
        "-gdb-exit",
    ]) + "\n"
    r = subprocess.run(["gdb", "--interpreter=mi", "-nx", "-q", damaged.gdb.binary, damaged.gdb.core], input=script,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300,
                       env=fixtures.gdb_env())
    assert_no_traceback(r.stdout)
    # Each damaged element is a leaf showing its error, not an empty "{...}".
    for i in range(1, 1 + len(DAMAGED)):
        assert re.search(r'name="d\.\[%d\]",exp="\[%d\]",numchild="0",value="<node-gdb: ' % (i, i), r.stdout), \
            r.stdout[-3000:]
    assert re.search(r'name="d\.\[0\]\.a",exp="a",numchild="0",value="1"', r.stdout), r.stdout[-3000:]
    assert 'name="c.environment"' in r.stdout, r.stdout[-3000:]


# ---------------------------------------------------------------------------
# Every command, with bad arguments too, on every fixture core.

BAD_ARGUMENTS = ["", "0", "1", "-1", "0x1", "0x3", "0x7", "$pc", "$sp", "*(long*)$sp", "$pc + 1", "main",
                 "no_such_symbol", "1 +", "\"str\"", "(", "0xffffffffffffffff", "0x8000000000000001",
                 "0xfffffffffffffff9", "1.5", "'a'", "$_siginfo", "$_exitcode", "v8dbg_SmiTag", "&v8dbg_SmiTag",
                 "{int}0", "abort", "*(v8::Local<v8::Value>*)$sp", "1 2 3", "--", "$nonexistent"]
SETTINGS = ["set v8 depth -5", "set v8 depth foo", "set v8 string-length 99999999999999999999999",
            "set v8 structure maybe", "show v8 depth", "show v8 structure", "set v8", "show v8"]

_subcommands = []


def node_gdb_commands():
    """Every command node-gdb defines: the `v8` subcommands and the
    top-level node-* commands (found, so that new ones are covered too)."""
    if not _subcommands:
        out = fixtures.run_gdb([], ["help v8", "apropos ^node-"])
        found = re.findall(r"^(v8 [a-z][\w-]*|node-[\w-]+) -- ", out, re.M)
        assert "v8 print" in found and "node-handles" in found, out
        _subcommands.extend(sorted(set(found)))
    return _subcommands


def addresses_in(workdir, count=8):
    """Tagged addresses a fixture program printed, and words around them."""
    found = []
    for name in ("stdout.txt", "addresses.json", "expect.json"):
        path = os.path.join(workdir, name)
        if os.path.isfile(path):
            with open(path, encoding="utf-8", errors="replace") as f:
                found += re.findall(r"\b0x[0-9a-f]{6,16}\b", f.read())
    tagged = []
    for a in found:
        if a not in tagged:
            tagged.append(a)
    out = []
    for a in tagged[:count]:
        v = int(a, 16)
        out += ["%#x" % v, "%#x" % (v - 1), "%#x" % (v + 8), "%#x" % (v + 0x10001)]
    return out


def run_everything(gdb, arguments, extra=()):
    commands = list(SETTINGS)
    for command in node_gdb_commands():
        for arg in arguments:
            commands.append(("%s %s" % (command, arg)).strip())
    commands += ["set v8 structure on", "set v8 array-length 0", "set v8 depth 0"]
    commands += ["v8 print %s" % a for a in arguments[:12]]
    commands += ["set v8 structure auto", "set print pretty on"] + list(extra)
    out = gdb.run(commands, check_traceback=False)
    assert_no_traceback(out)
    return out


FIXTURE_CORES = ["primitives", "objects", "objects_zoo", "functions_contexts", "bytecode"]


@pytest.mark.parametrize("name", FIXTURE_CORES)
def test_no_traceback_from_any_command_on_fixture_cores(version, name, module_built):
    workdir = os.path.join(fixtures.BUILD, "fixtures", version, name)
    core = os.path.join(workdir, "core")
    if not os.path.isfile(core):
        pytest.skip("%s has no core yet (the %s tests make it)" % (workdir, name))
    run_everything(Gdb(fixtures.node_binary(version), core), BAD_ARGUMENTS + addresses_in(workdir))


def test_no_traceback_from_any_command_on_the_damaged_core(damaged):
    arguments = BAD_ARGUMENTS + list(damaged.addresses_values()) + addresses_in(damaged.workdir, 4)
    run_everything(damaged.gdb, arguments,
                   extra=["frame function CorruptAndAbort", "info locals", "bt full", "set v8 structure on",
                          "info locals", "print *(v8::Local<v8::Value>*)$sp", "print *(v8::Local<v8::Context>*)$sp",
                          "print *(v8::Local<v8::String>*)0", "print *(v8::Global<v8::Value>*)&json"])


def test_no_traceback_on_a_core_of_another_program(module_built):
    workdir = os.path.join(fixtures.BUILD, "fixtures", "not-node")
    core = os.path.join(workdir, "core")
    if not os.path.isfile(core):
        pytest.skip("no core of a non-node process (test_errors makes it)")
    out = run_everything(Gdb(os.path.realpath("/usr/bin/python3"), core), BAD_ARGUMENTS[:6])
    assert "no V8 postmortem metadata (v8dbg_ symbols) in " in out, out[-2000:]


# ---------------------------------------------------------------------------
# Mismatched inputs.

def primitives_addresses(workdir, count=10):
    with open(os.path.join(workdir, "stdout.txt"), encoding="utf-8", errors="replace") as f:
        return re.findall(r"^DebugPrint: (0x[0-9a-f]+):", f.read(), re.M)[:count]


def test_cores_read_with_every_other_node_binary(version, module_built):
    """A core opened with the node binary of another version: a clear
    build-id warning, then one line (or a wrong but harmless answer) per
    command, promptly, and never a traceback."""
    workdir, core = fixtures.make_core(version, "primitives.js", node_args=("--expose-gc", "--allow-natives-syntax"))
    addresses = primitives_addresses(workdir)
    commands = ["v8 info"]
    for a in addresses:
        commands += ["v8 print %s" % a, "v8 inspect %s" % a, "v8 bytecode %s" % a]
    for other in VERSIONS:
        if other == version:
            continue
        out = Gdb(fixtures.node_binary(other), core).run(commands)
        assert re.search(r"warning: node-gdb: the process ran another node binary \(build-id [0-9a-f]+\) than "
                         r".* \(build-id [0-9a-f]+\): give GDB the binary that made the core", out), out[:3000]


def test_a_truncated_node_binary(version, primitives, tmp_path):
    """The node binary cut in half (a broken download): GDB refuses it, and
    node-gdb loads the node binary the core's NT_FILE note names, saying so;
    if that one is broken too, one line says so."""
    gdb, expect, blocks = primitives
    binary = tmp_path / "node"
    with open(gdb.binary, "rb") as src, open(binary, "wb") as dst:
        dst.write(src.read(os.path.getsize(gdb.binary) // 2))
    binary.chmod(0o755)
    slot = holder_slots(blocks, len(expect))[-1]
    out = Gdb(str(binary), gdb.core).run(["v8 print *(unsigned long *)%#x" % slot, "v8 inspect 0x1", "v8 info"])
    # GDB refused it, so it has no program: node-gdb loads the one the core names.
    assert "node-gdb: GDB was given no program; loaded %s, which the core's file list names" % gdb.binary in out, \
        out[-3000:]
    assert "\n%s\n" % expect[-1]["inspect"] in out, out[-3000:]


def test_a_file_that_is_not_a_core(tmp_path, module_built):
    garbage = tmp_path / "core"
    garbage.write_bytes(os.urandom(1 << 16))
    elf_garbage = tmp_path / "elf-core"
    elf_garbage.write_bytes(b"\x7fELF\x02\x01\x01" + os.urandom(1 << 16))
    for path in (garbage, elf_garbage):
        out = Gdb(fixtures.node_binary("20"), str(path)).run(["v8 print 0x700000000", "v8 info"])
        lines = [l for l in out.splitlines() if l.strip()][-2:]
        assert all(l.startswith("no process or core file:") for l in lines), out[-3000:]


@pytest.mark.parametrize("fraction", [0.02, 0.5, 0.9])
def test_cores_truncated_anywhere(primitives, tmp_path, fraction):
    """Cut at the notes, in the middle and near the end: every value is
    either printed or one read error, and nothing hangs."""
    gdb, _, blocks = primitives
    addresses = re.findall(r"^DebugPrint: (0x[0-9a-f]+):", "\n".join(blocks), re.M)[:20]
    truncated = tmp_path / "core"
    with open(gdb.core, "rb") as src, open(truncated, "wb") as dst:
        dst.write(src.read(int(os.path.getsize(gdb.core) * fraction)))
    commands = []
    for a in addresses:
        commands += ["v8 print %s" % a, "v8 inspect %s" % a, "v8 bytecode %s" % a]
    outputs = Gdb(gdb.binary, str(truncated)).outputs(commands + ["v8 info"])
    assert len(outputs) == len(commands) + 1
    assert "truncated" in outputs[-1] or fraction > 0.5, outputs[-1]
    for command, text in zip(commands, outputs):
        if command.startswith("v8 print"):
            assert len(_one_line(text)) == 1, (command, text)


# ---------------------------------------------------------------------------
# A live process that changes under a value GDB has seen.

@pytest.mark.parametrize("memory", ["proc", "gdb"])
def test_a_live_process_shows_the_new_value_after_it_ran(version, module_built, tmp_path, memory):
    """Print a value, continue until it has changed, print again: the new
    value. Also after writing the target's memory from GDB (`set var`). With
    NODE_GDB_MEMORY=gdb reads go through a page cache, which must be dropped."""
    addon = fixtures.build_addon(version)
    set_memory = ("python import os, node_gdb.session as s; os.environ['NODE_GDB_MEMORY'] = 'gdb'; s.invalidate()"
                  if memory == "gdb" else "python pass")
    # In-object property `n` of { n, text } is the first field after map, properties and elements.
    poke = ("python import gdb, node_gdb.session as s, node_gdb.values as v; "
            "w = v.tagged_word(gdb.parse_and_eval('object'), s.target()); "
            "gdb.execute('set var *(long*)%d = %d' % (w - 1 + 24, 5 << 32))")
    commands = ["set breakpoint pending on", "break node_gdb_test_break", "run", set_memory, "up",
                "echo @@@\\n", "print object", "v8 print object", "print first", "v8 info",
                "continue", "up",
                "echo @@@\\n", "print object", "v8 print object", "print first",
                poke,
                "echo @@@\\n", "print object", "v8 print object",
                "kill"]
    out = fixtures.run_gdb(["--args", fixtures.node_binary(version), os.path.join(fixtures.FIXTURES, "live_change.js"),
                            addon], commands, cwd=str(tmp_path), timeout=600)
    assert_no_traceback(out)
    parts = out.split("@@@\n")
    assert len(parts) == 4, out[-3000:]
    first, second, poked = parts[1], parts[2], parts[3]
    assert "{ n: 1, text: 'before' }" in first and "'first stop'" in first, first
    assert ("memory: GDB's memory" if memory == "gdb" else "memory: live process") in first, first
    assert "{ n: 2, text: 'after', list: [ 1, 2 ] }" in second and "'second stop'" in second, second
    assert "before" not in second, second
    assert poked.count("{ n: 5, text: 'after', list: [ 1, 2 ] }") == 2, poked
