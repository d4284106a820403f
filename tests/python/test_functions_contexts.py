"""Functions, SharedFunctionInfos, Scripts, ScopeInfos and contexts in real
core dumps of every Node version, against %DebugPrint of the same objects in
the same process, and against what the JavaScript of the fixture knows
(tests/fixtures/functions_contexts.js: it %DebugPrints each function, then
%DebugPrintPtr's its SharedFunctionInfo, Script, ScopeInfos and every context
of its chain, and records their addresses in expect.json).

The decoders are driven through node-gdb-cli (jsfunction, sfi, script,
scopeinfo, context, contextchain, environment)."""

import os
import re
import subprocess

import pytest

import fixtures

HEX = r"0x[0-9a-f]+"
CLI = os.path.join(fixtures.BUILD, "node-gdb-cli")
NODE_ARGS = ("--expose-gc", "--allow-natives-syntax", "--no-flush-bytecode")
MODULE = os.path.join(fixtures.FIXTURES, "functions_contexts_module.mjs")
SCRIPT = os.path.join(fixtures.FIXTURES, "functions_contexts.js")


class Fixture:
    def __init__(self, version):
        if not os.path.isfile(CLI):
            pytest.fail("node-gdb-cli is not built: cmake -S . -B build && cmake --build build")
        self.version = version
        self.binary = fixtures.node_binary(version)
        workdir, self.core = fixtures.make_core(version, "functions_contexts.js", node_args=NODE_ARGS,
                                                extra_inputs=(MODULE,))
        self.expect = fixtures.load_json(os.path.join(workdir, "expect.json"))
        with open(os.path.join(workdir, "stdout.txt"), encoding="utf-8", errors="replace") as f:
            blocks = fixtures.parse_debug_print(f.read())
        # %DebugPrint blocks by the object's address: (kind, block).
        self.printed = {}
        for block in blocks:
            m = re.match(r"DebugPrint: (%s): \[(\w+)\]" % HEX, block)
            if m:
                self.printed.setdefault(int(m.group(1), 16), (m.group(2), block))
        self._cache = {}

    def run(self, command, addresses):
        """Runs a node-gdb-cli command on tagged addresses; returns the text
        printed for each, split at the header lines ("0x...: [Kind]") or
        "error:" lines."""
        addresses = list(addresses)
        key = (command, tuple(addresses))
        if key not in self._cache:
            out = subprocess.run([CLI, self.binary, self.core, command] + ["%#x" % a for a in addresses],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300).stdout
            parts = re.split(r"(?m)^(?=%s: \[|error: )" % HEX, out)
            parts = [p for p in parts if p.strip()]
            assert len(parts) == len(addresses), out[-3000:]
            self._cache[key] = dict(zip(addresses, parts))
        return self._cache[key]

    def of_kind(self, *kinds):
        return {a: b for a, (k, b) in self.printed.items() if k in kinds}


@pytest.fixture(scope="session")
def fc(version):
    return Fixture(version)


# ---- parsing the V8-view text (ours and %DebugPrint's) ----

def parse(text):
    """(header, fields, elements, slots): fields is a list of (key, value)
    in order (value None for flag lines); elements the context's
    "  N: value" lines (ranges kept as "59-60"); slots the ScopeInfo's
    "    - N: name" lines. Stops at the first nested object print."""
    lines = text.splitlines()
    header = re.sub(r"^DebugPrint: ", "", lines[0])
    fields, elements, slots = [], {}, {}
    for line in lines[1:]:
        if re.match(r"^%s: \[" % HEX, line):
            break
        m = re.match(r"^\s+(\d+(?:-\d+)?): (.*)$", line)
        if m and not line.startswith(" - "):
            elements[m.group(1)] = m.group(2)
            continue
        m = re.match(r"^    - (\d+): (.*)$", line)
        if m:
            slots[int(m.group(1))] = m.group(2)
            continue
        m = re.match(r"^ - ([^:]+?)\s*(?::(?: (.*))?)?$", line)
        if m:
            fields.append((m.group(1), m.group(2)))
        elif fields and fields[-1][1] is not None and not line.startswith("   "):
            fields[-1] = (fields[-1][0], fields[-1][1] + "\n" + line)  # multi-line source code
    return header, fields, elements, slots


def field(fields, key):
    for k, v in fields:
        if k == key:
            return v
    return None


RELIABLE_BRIEF = re.compile(
    r"<(String\[|ScopeInfo|SharedFunctionInfo|Script>|BytecodeArray\[|undefined>|null>|true>|false>|"
    r"\w+Context\[|Map\(|Map\[|UncompiledData|ContextCell\[|JSFunction|FixedArray\[|Code BUILTIN)")


def split_value(value):
    """(address or None, rest) of a Brief-style value."""
    m = re.match(r"^(%s)\s*(.*)$" % HEX, value, re.S)
    if m:
        return int(m.group(1), 16), m.group(2)
    return None, value


def check_value(where, key, printed, ours):
    """Ours must name the same object as %DebugPrint (same address) and, for
    briefs whose text is fully determined by the heap, print the same text."""
    assert ours is not None, "%s: we print no %r (DebugPrint: %r)" % (where, key, printed)
    if printed is None:
        return
    pa, prest = split_value(printed)
    oa, orest = split_value(ours)
    if pa is not None:
        assert oa == pa, "%s %r: DebugPrint %r, we %r" % (where, key, printed, ours)
        plain_string = prest.startswith("<String[") and "truncated" not in prest and "\\" not in prest \
            and prest.isascii()
        if RELIABLE_BRIEF.match(prest) and (plain_string or not prest.startswith("<String[")):
            assert orest == prest, "%s %r: DebugPrint %r, we %r" % (where, key, printed, ours)
    else:
        assert ours == printed, "%s %r: DebugPrint %r, we %r" % (where, key, printed, ours)


def has_key(fields, key):
    return any(k == key for k, _ in fields)


def compare_fields(where, printed_fields, our_fields, keys):
    for key in keys:
        if not has_key(printed_fields, key):
            continue  # not printed by this version
        p = field(printed_fields, key)
        if p is None:  # a flag line
            assert has_key(our_fields, key), "%s: we print no %r" % (where, key)
            continue
        check_value(where, key, p, field(our_fields, key))


# ---- %DebugPrint field by field ----

FUNCTION_KEYS = ["map", "prototype", "elements", "function prototype", "initial_map", "shared_info", "name",
                 "formal_parameter_count", "kind", "context", "dispatch_handle", "bytecode", "properties"]
SFI_KEYS = ["name", "kind", "syntax kind", "formal_parameter_count", "expected_nof_properties", "language_mode",
            "data", "function_data", "trusted_function_data", "untrusted_function_data", "script",
            "function token position", "start position", "end position", "outer scope info", "length",
            "function_literal_id", "unique_id", "age", "no debug info"]
CONTEXT_KEYS = ["type", "scope_info", "previous", "native_context", "extension", "length", "microtask_queue"]
SCRIPT_KEYS = ["source", "name", "line_offset", "column_offset", "context data", "type", "id", "source_url",
               "source_mapping_url", "host_defined_options", "compilation type",
               "compiled lazy function positions", "eval from shared", "wrapped arguments",
               "eval from position", "shared function infos", "infos"]


def check_header(where, printed_header, our_header):
    p = re.match(r"(%s): \[(\w+)\]" % HEX, printed_header)
    o = re.match(r"(%s): \[(\w+)\]" % HEX, our_header)
    assert o, "%s: our first line %r" % (where, our_header)
    assert (int(o.group(1), 16), o.group(2)) == (int(p.group(1), 16), p.group(2)), (where, printed_header, our_header)


def test_functions_match_debug_print(fc):
    items = fc.of_kind("Function")
    assert len(items) >= 25
    ours = fc.run("jsfunction", items)
    for address, block in items.items():
        ph, pf, _, _ = parse(block)
        oh, of, _, _ = parse(ours[address])
        where = "Function %#x" % address
        check_header(where, ph, oh)
        compare_fields(where, pf, of, FUNCTION_KEYS)
        # The code (V8 11-12 keep it in the function, named through the
        # binary's Builtins_ symbols; 13+ hide it behind the dispatch handle).
        if fc.version in ("20", "22"):
            compare_fields(where, pf, of, ["builtin", "code", "interpreted"])
        # Source text, as V8 prints it.
        if field(pf, "source code") is not None:
            assert field(of, "source code") == field(pf, "source code"), where


def test_shared_function_infos_match_debug_print(fc):
    items = fc.of_kind("SharedFunctionInfo")
    assert len(items) >= 25
    ours = fc.run("sfi", items)
    for address, block in items.items():
        ph, pf, _, _ = parse(block)
        oh, of, _, _ = parse(ours[address])
        where = "SharedFunctionInfo %#x (%s)" % (address, field(pf, "name"))
        check_header(where, ph, oh)
        compare_fields(where, pf, of, SFI_KEYS)
        # The inferred name: the same text (V8 shows the empty string's address).
        assert split_value(field(of, "inferred name") or "")[1] == split_value(field(pf, "inferred name") or "")[1], where
        # The ScopeInfo: the same one once compiled; the empty one before.
        p_scope = field(pf, "scope info")
        if p_scope.endswith("<ScopeInfo>"):
            assert field(of, "scope info").endswith("<ScopeInfo>"), where
        else:
            check_value(where, "scope info", p_scope, field(of, "scope info"))
        if field(pf, "source code") is not None:
            assert field(of, "source code") == field(pf, "source code"), where
        # Feedback metadata: the same object and slot count.
        p_meta = re.search(r" - feedback_metadata: (%s|<none>)" % HEX, block).group(1)
        o_meta = re.search(r" - feedback_metadata: (%s|<none>)" % HEX, ours[address]).group(1)
        assert p_meta == o_meta or int(p_meta, 16) == int(o_meta, 16), where
        if p_meta != "<none>":
            assert re.search(r" - slot_count: (\d+)", block).group(1) == \
                re.search(r" - slot_count: (\d+)", ours[address]).group(1), where


def test_scope_infos_match_debug_print(fc):
    items = fc.of_kind("ScopeInfo")
    assert len(items) >= 20
    ours = fc.run("scopeinfo", items)
    kinds = set()
    for address, block in items.items():
        ph, pf, _, pslots = parse(block)
        oh, of, _, oslots = parse(ours[address])
        where = "ScopeInfo %#x" % address
        check_header(where, ph, oh)
        # Every line V8 prints, in the same order, and nothing else.
        keys = [k for k, _ in pf if k != "map"]
        assert [k for k, _ in of if k != "map"] == keys, "%s:\n%s\nvs ours\n%s" % (where, block, ours[address])
        for k, v in pf:
            if k != "map" and v is not None:
                check_value(where, k, v, field(of, k))
        assert list(oslots) == list(pslots), where  # hash-table order too
        for index, name in pslots.items():
            check_value(where, "slot %d" % index, name, oslots[index])
        kinds.add(field(pf, "scope type"))
    for kind in ("FUNCTION_SCOPE", "BLOCK_SCOPE", "CATCH_SCOPE", "WITH_SCOPE", "SCRIPT_SCOPE", "EVAL_SCOPE",
                 "MODULE_SCOPE", "CLASS_SCOPE"):
        assert kind in kinds, "the fixture has no %s (%s)" % (kind, kinds)


def test_contexts_match_debug_print(fc):
    items = fc.of_kind("Context", "NativeContext")
    ours = fc.run("context", items)
    types = set()
    for address, block in items.items():
        ph, pf, pe, _ = parse(block)
        oh, of, oe, _ = parse(ours[address])
        where = "Context %#x (%s)" % (address, field(pf, "type"))
        check_header(where, ph, oh)
        compare_fields(where, pf, of, CONTEXT_KEYS)
        if field(pf, "type") == "NATIVE_CONTEXT_TYPE":
            # The native context's roots include caches the program changes
            # after the print (the script context table, template maps...):
            # the first slots must match, and nearly all others.
            mismatched = []
            for index in range(5):
                check_value(where, "element %d" % index, pe[str(index)], oe[str(index)])
            for index, value in pe.items():
                try:
                    check_value(where, "element %s" % index, value, oe.get(index))
                except AssertionError:
                    mismatched.append(index)
            assert len(mismatched) <= len(pe) // 20, (where, mismatched)
        else:
            assert list(oe) == list(pe), where
            for index, value in pe.items():
                check_value(where, "element %s" % index, value, oe[index])
        types.add(field(pf, "type"))
    for kind in ("FUNCTION", "BLOCK", "CATCH", "WITH", "SCRIPT", "EVAL", "MODULE", "NATIVE"):
        assert kind + "_CONTEXT_TYPE" in types, "the fixture has no %s context (%s)" % (kind, types)


def test_scripts_match_debug_print(fc):
    items = fc.of_kind("Script")
    assert len(items) >= 4
    ours = fc.run("script", items)
    for address, block in items.items():
        ph, pf, _, _ = parse(block)
        oh, of, _, _ = parse(ours[address])
        where = "Script %#x" % address
        check_header(where, ph, oh)
        compare_fields(where, pf, of, SCRIPT_KEYS)
        # Line ends may be computed after the print (stack traces, the
        # inspector): compare only once V8 printed them.
        if "FixedArray" in (field(pf, "line ends") or ""):
            check_value(where, "line ends", field(pf, "line ends"), field(of, "line ends"))


# ---- what the JavaScript side knows ----

def case(fc, name):
    return [c for c in fc.expect if c["name"] == name][0]


def test_function_names_kinds_and_classes(fc):
    ours = fc.run("jsfunction", [int(c["function"], 16) for c in fc.expect])
    for c in fc.expect:
        text = ours[int(c["function"], 16)]
        _, f, _, _ = parse(text)
        name = field(f, "name")
        if c["js_name"] and not c["js_name"].startswith(("get ", "set ")):
            assert name.endswith("#%s>" % c["js_name"]), (c["name"], name)
        assert field(f, "kind") == c["kind"], (c["name"], field(f, "kind"))
        base = field(f, "extends")
        if c["extends"]:
            assert base is not None and base.endswith("<JSFunction %s (sfi = " % c["extends"] + base.split("(sfi = ")[1]), \
                (c["name"], base)
        else:
            assert base is None, (c["name"], base)


def test_function_source_positions_are_lines_and_columns(fc):
    with open(SCRIPT, encoding="utf-8") as f:
        source = f.read()
    main = [c for c in fc.expect if c["script"] == case(fc, "counter")["script"]]
    ours = fc.run("sfi", [int(c["shared_info"], 16) for c in main])
    checked = 0
    for c in main:
        m = re.search(r" - source position: (\d+) \((.*), line (\d+), column (\d+)\)", ours[int(c["shared_info"], 16)])
        assert m, (c["name"], ours[int(c["shared_info"], 16)])
        position = int(m.group(1))
        assert m.group(2) == SCRIPT
        line = source.count("\n", 0, position) + 1
        column = position - (source.rfind("\n", 0, position) + 1) + 1
        assert (int(m.group(3)), int(m.group(4))) == (line, column), c["name"]
        checked += 1
    assert checked >= 10


def chain_variables(fc, name):
    """{variable: value text} over the context chain of a case's function."""
    out = fc.run("contextchain", [int(case(fc, name)["context"], 16)])
    text = list(out.values())[0]
    assert "error" not in text.splitlines()[0], text
    variables = {}
    for line in text.splitlines():
        m = re.match(r"^  (\S+(?: using)?) (\S+) = (.*)$", line)
        if m and m.group(2) not in variables:
            variables[m.group(2)] = (m.group(1), m.group(3))
    return text, variables


def js_value(text):
    """util.inspect-like text of a decoded slot value (numbers and strings)."""
    if re.match(r"^-?\d+$", text):
        return text
    m = re.search(r"<String\[\d+\]: [#\"]?(.*?)\"?>$", text)
    if m:
        return "'%s'" % m.group(1)
    return text


def test_closure_variables_by_name(fc):
    modes = {"tally": "let", "tag": "const", "visits": "var", "blockLet": "let", "blockConst": "const",
             "scriptLet": "let", "scriptConst": "const", "evalLet": "let", "moduleLet": "let", "moduleConst": "const"}
    for c in fc.expect:
        for var, expected in (c.get("locals") or {}).items():
            text, variables = chain_variables(fc, c["name"])
            assert var in variables, "%s: no %s in\n%s" % (c["name"], var, text)
            mode, value = variables[var]
            if expected is not None:
                assert js_value(value) == expected, (c["name"], var, value)
            if var in modes:
                assert mode == modes[var], (c["name"], var, mode)
    # A let in its temporal dead zone, and the catch variable (the Error).
    _, variables = chain_variables(fc, "tdz")
    assert variables["notYet"][1] == "<uninitialized>"
    _, variables = chain_variables(fc, "catch")
    assert "Error map" in variables["caught"][1] or "JSError" in variables["caught"][1], variables["caught"]


def test_chains_end_at_the_native_context(fc):
    for c in fc.expect:
        text = list(fc.run("contextchain", [int(c["context"], 16)]).values())[0]
        lines = [l for l in text.splitlines() if not l.startswith("  ")]
        assert lines[-1].split()[1] == "NATIVE_CONTEXT_TYPE", (c["name"], text)
        printed = [int(a, 16) for a in c["chain"]]
        ours = [int(l.split()[0], 16) for l in lines]
        assert ours[:len(printed)] == printed, c["name"]


def test_many_locals_use_the_hash_table(fc):
    scope = int(case(fc, "many_locals")["outer_scope_info"], 16)
    text = list(fc.run("scopeinfo", [scope]).values())[0]
    assert " - context locals : 90" in text
    assert " - local names in a hashtable: " in text
    _, variables = chain_variables(fc, "many_locals")
    for i in range(90):
        assert variables["local%d" % i] == ("let", str(i)), i


def test_node_environment_of_the_native_context(fc):
    native = int(case(fc, "counter")["chain"][-1], 16)
    text = list(fc.run("environment", [native]).values())[0]
    m = re.match(r"^embedder data\[(\d+)\]: (%s)$" % HEX, text.strip())
    assert m, text
    env = int(m.group(2), 16)
    assert env != 0 and env % 8 == 0, text


def test_wrong_objects_are_one_line_errors(fc):
    counter = case(fc, "counter")
    function = int(counter["function"], 16)
    for command in ("sfi", "script", "scopeinfo", "context"):
        text = list(fc.run(command, [function]).values())[0]
        assert text.startswith("error: ") and "is not a" in text and len(text.strip().splitlines()) == 1, text
    text = list(fc.run("jsfunction", [int(counter["shared_info"], 16)]).values())[0]
    assert text.startswith("error: ") and "is not a JSFunction" in text, text
    text = list(fc.run("jsfunction", [0x1234]).values())[0]
    assert text.startswith("error: "), text


# ---------------------------------------------------------------------------
# The same objects through GDB: `v8 print` (JS view) and `v8 inspect` (V8
# view) on contexts and functions, as a user types them.

KIND_CLASSES = {"counter": "FunctionContext", "tdz": "FunctionContext", "block": "BlockContext",
                "catch": "CatchContext", "with": "WithContext", "script": "ScriptContext",
                "eval": "EvalContext", "module": "ModuleContext"}


@pytest.fixture(scope="session")
def fc_gdb(fc, module_built):
    from conftest import Gdb
    return Gdb(fc.binary, fc.core)


def test_gdb_prints_context_variables_by_name(fc, fc_gdb):
    cases = [case(fc, name) for name in KIND_CLASSES]
    got = fc_gdb.outputs(["v8 print %s" % c["chain"][0] for c in cases])
    for c, text in zip(cases, got):
        assert text.startswith(KIND_CLASSES[c["name"]] + " {"), (c["name"], text)
        for var, expected in (c.get("locals") or {}).items():
            if expected is not None:
                assert "%s: %s" % (var, expected) in text, (c["name"], var, text)
    counter = got[0]
    assert counter == "FunctionContext { tally: 42, tag: 'x', visits: 2 }", counter
    assert got[1] == "FunctionContext { notYet: <uninitialized> }", got[1]


def test_gdb_walks_from_a_function_to_its_native_context(fc, fc_gdb):
    counter = case(fc, "counter")
    chain = [int(a, 16) for a in counter["chain"]]
    commands = ["v8 inspect %s" % counter["function"]] + ["v8 inspect %#x" % a for a in chain]
    got = fc_gdb.outputs(commands)
    m = re.search(r"^ - context: (%s)" % HEX, got[0], re.M)
    assert m and int(m.group(1), 16) == chain[0], got[0]
    for i, text in enumerate(got[1:]):
        assert text.startswith("%#x: [" % chain[i]) or re.match(r"0x0*%x: \[" % chain[i], text), text[:200]
        if i + 1 < len(chain):
            m = re.search(r"^ - previous: (%s)" % HEX, text, re.M)
            assert m and int(m.group(1), 16) == chain[i + 1], text
    assert "NativeContext" in got[-1].splitlines()[0], got[-1][:300]


def test_gdb_prints_the_native_context_with_node_environment(fc, fc_gdb):
    native = int(case(fc, "counter")["chain"][-1], 16)
    env = list(fc.run("environment", [native]).values())[0].split()[-1]
    text = fc_gdb.outputs(["v8 print %#x" % native])[0]
    m = re.match(r"^NativeContext \{ global_proxy: (%s) <JSGlobalProxy>, environment: (%s) \(node::Environment\*\) \}$"
                 % (HEX, HEX), text)
    assert m, text
    assert int(m.group(2), 16) == int(env, 16), (text, env)


def test_gdb_structured_context_shows_header_slots_and_variables(fc, fc_gdb):
    """`set print pretty on` on a context: header slots, then the variables,
    bounded by `set v8 depth` (a context's links reach the whole program)."""
    counter = case(fc, "counter")
    out = fc_gdb.run(["set print pretty on",
                      "print (volatile unsigned long * volatile)%s" % counter["chain"][0]])
    m = re.search(r"= FunctionContext = \{\n  \[\[scope_info\]\] = .*?\n  \[\[previous\]\] = .*?\n"
                  r"(?:.*\n)*?  tally = 42,\n  tag = 'x',\n  visits = 2\n\}", out)
    assert m, out[-3000:]
    assert len(out) < 200000, len(out)
