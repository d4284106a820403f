"""JSON answers and the Python API on real cores of every Node version:
`v8 print -json` of values of every kind against what Node said of the
same values in the same process (tests/fixtures/json_values.js records the
JS type, util.inspect's text, the constructor, own keys and JSON-able
values); `v8 bt -json` against the process's new Error().stack; `v8 async
-json` against the source's await line; a user's script over node_gdb.api;
bad input as one line."""

import json
import os
import re

import pytest

import fixtures
from conftest import Gdb, assert_no_traceback, holder_slots

NODE_ARGS = ("--expose-gc", "--allow-natives-syntax")
FIXTURE = os.path.join(fixtures.FIXTURES, "json_values.js")
USER_SCRIPT = os.path.join(fixtures.FIXTURES, "user_script.py")


@pytest.fixture(scope="session")
def json_core(version, module_built):
    """(Gdb, cases, extra, marks, holder slots by case name, program output, workdir)."""
    workdir, core = fixtures.make_core(version, "json_values.js", node_args=NODE_ARGS)
    expect = fixtures.load_json(os.path.join(workdir, "expect.json"))
    marks = fixtures.load_json(os.path.join(workdir, "marks.json"))
    with open(os.path.join(workdir, "stdout.txt"), encoding="utf-8", errors="replace") as f:
        output = f.read()
    blocks = fixtures.parse_debug_print(output)
    cases = expect["cases"]
    slots = dict(zip((c["name"] for c in cases), holder_slots(blocks, len(cases))))
    return Gdb(fixtures.node_binary(version), core), cases, expect["extra"], marks, slots, output, workdir


def word(slot):
    return "*(unsigned long *)%#x" % slot


def parse(text):
    try:
        return json.loads(text)
    except ValueError:
        pytest.fail("not one JSON document:\n" + text[:3000])


@pytest.fixture(scope="session")
def printed(json_core):
    """{case name: the parsed v8 print -json document}."""
    gdb, cases, _, _, slots, _, _ = json_core
    outs = gdb.outputs(["v8 print -json " + word(slots[c["name"]]) for c in cases])
    assert len(outs) == len(cases)
    return {c["name"]: parse(out) for c, out in zip(cases, outs)}


def same_number(a, b):
    return a == b or (isinstance(a, float) and isinstance(b, float) and abs(a - b) <= 1e-12 * abs(b))


def check_primitive(e, doc, where):
    if "value" in e:
        if e["type"] == "string":
            shown = min(e["length"], 10000)
            assert doc["value"] == e["value"][:shown], where  # UTF-16 cut; these strings are BMP past the cut
            assert doc["length"] == e["length"], where
            assert doc.get("truncated", False) == (e["length"] > 10000), where
        elif e["type"] == "number":
            assert same_number(doc["value"], e["value"]), where
        else:
            assert doc["value"] == e["value"], where
    else:
        assert doc.get("value") is None, where


def test_print_json_matches_node(json_core, printed):
    _, cases, _, _, _, _, _ = json_core
    for e in cases:
        doc = printed[e["name"]]
        where = "%s: %s" % (e["name"], json.dumps(doc)[:1500])
        assert doc["type"] == e["type"], where
        assert doc["text"] == e["inspect"], where
        if "constructor" not in e:
            check_primitive(e, doc, where)
            continue
        assert re.fullmatch(r"0x[0-9a-f]+", doc["address"]), where
        assert doc["constructor"] == e["constructor"], where
        props = doc.get("properties", [])
        assert [p["key"] for p in props] == e["keys"], where
        by_key = {p["key"]: p for p in props}
        for key, value in e["values"].items():
            got = by_key[key]["value"]
            assert "value" in got and (got["value"] == value or same_number(got["value"], value)), (key, where)
        assert sorted(k for k, p in by_key.items() if p.get("accessor")) == sorted(e["accessors"]), where
        if "elements" in e:
            assert doc["length"] == e["length"], where
            listed = {x["index"]: x["value"] for x in doc["elements"]}
            for index, value in e["elements"]:
                if index < 100:
                    assert same_number(listed[index].get("value"), value) or listed[index].get("value") == value, \
                        (index, where)
            assert doc.get("elements_truncated", False) == (e["length"] > 100), where
        if "entries" in e:
            assert doc["size"] == e["size"], where
            shown = e["entries"][:100]
            if e["type"] == "map":
                got = [[x["key"].get("value"), x["value"].get("value")] for x in doc["entries"]]
            else:
                got = [[x["value"].get("value")] * 2 for x in doc["entries"]]
            assert got[:len(shown)] == shown, where
            assert doc.get("entries_truncated", False) == (e["size"] > 100), where
        if "date" in e:
            assert doc["value"] == e["date"], where
        if "regexp" in e:
            assert doc["value"] == e["regexp"], where
        if "error_name" in e:
            assert (doc["name"], doc["message"]) == (e["error_name"], e["message"]), where
            assert doc["stack"] == e["inspect"], where
        if "function_name" in e:
            assert doc["name"] == e["function_name"], where
        if "state" in e:
            assert doc["state"] == e["state"], where
        if "bytes" in e:
            assert doc["bytes"] == e["bytes"], where


def test_nested_text_is_util_inspect_at_the_depth_left(printed):
    obj = printed["object"]
    for p in obj["properties"]:
        assert p["value"]["text"] in obj["text"], p
    mixed = printed["array_mixed"]
    assert mixed["elements"][1]["value"]["text"] == "{ b: 1 }"
    point = printed["class_instance"]
    assert [p["value"]["value"] for p in point["properties"]] == [3, 4]


def test_depth_limit_and_option(json_core, printed):
    gdb, _, extra, _, slots, _, _ = json_core
    c = printed["nested"]["properties"][0]["value"]["properties"][0]["value"]["properties"][0]["value"]
    assert c["truncated"] == "depth", c
    assert c["text"] == extra["depth_cut_text"], c
    assert "properties" not in c
    deep = parse(gdb.outputs(["v8 print -depth 5 -json " + word(slots["nested"])])[0])
    assert deep["text"] == extra["deep_text"]
    d = deep["properties"][0]["value"]["properties"][0]["value"]["properties"][0]["value"]["properties"][0]["value"]
    assert d["value"] == 1 and "truncated" not in json.dumps(deep)


def test_cycle_marked(printed):
    cycle = printed["cycle"]
    inner = {p["key"]: p["value"] for p in cycle["properties"]}["self"]
    assert inner["circular"] == cycle["address"], inner
    assert "properties" not in inner


def test_limits_stated(json_core):
    gdb, _, _, _, slots, _, _ = json_core
    arr, s = gdb.outputs(["v8 print -array-length 2 -json " + word(slots["array"]),
                          "v8 print -string-length 3 -json " + word(slots["string"])])
    arr, s = parse(arr), parse(s)
    assert [x["value"]["value"] for x in arr["elements"]] == [1, 2] and arr["elements_truncated"] is True
    assert s["value"] == "hel" and s["length"] == 5 and s["truncated"] is True


# ---- v8 bt -json ----

def error_stack(output):
    """[(function, script, line, column)] of the Error.stack the program
    printed, and the async frames' separately."""
    m = re.search(r"STACK-BEGIN\n(.*?)\nSTACK-END", output, re.S)
    assert m, output[-3000:]
    frames, async_frames = [], []
    for line in m.group(1).splitlines()[1:]:
        body = line.strip()[3:]
        into = async_frames if body.startswith("async ") else frames
        body = body[len("async "):] if body.startswith("async ") else body
        named = re.fullmatch(r"(.*?) \((.*):(\d+):(\d+)\)", body)
        assert named, line
        into.append((named.group(1), named.group(2), int(named.group(3)), int(named.group(4))))
    return frames, async_frames


def test_bt_json_matches_error_stack(json_core):
    gdb, _, _, _, _, output, _ = json_core
    text, listing = gdb.outputs(["v8 bt -json", "v8 bt"])
    doc = parse(text)
    expected, expected_async = error_stack(output)
    visible = [(f["function"], f.get("script"), f.get("line"), f.get("column"))
               for f in doc["frames"] if f.get("visible")]
    # The innermost frame stopped at process.abort(), on the line where
    # new Error() was made but not at its column.
    assert [v[:3] for v in visible[:1]] == [x[:3] for x in expected[:1]], (visible, expected)
    assert visible[1:] == expected[1:], (visible, expected)
    assert [(a["function"], a["script"], a["line"], a["column"]) for a in doc["async"]] == expected_async, doc["async"]
    assert isinstance(doc["thread"], int)
    # The same frames, with v8 bt's numbering.
    levels = [int(m.group(1)) for m in re.finditer(r"^#(\d+)", listing, re.M)]
    assert sorted({f["level"] for f in doc["frames"]}) == levels
    for f in doc["frames"]:
        assert re.fullmatch(r"0x[0-9a-f]+", f["pc"]), f
        assert re.fullmatch(r"[a-z]+", f["kind"]), f
        if f.get("visible") and f.get("script"):
            assert f["kind"] in ("interpreted", "baseline", "maglev", "turbofan", "optimized"), f
        line = re.search(r"^#%-2d 0x%016x in " % (f["level"], int(f["pc"], 16)), listing, re.M)
        assert line, (f, listing)


def test_bt_json_args_are_values(json_core):
    gdb, _, _, _, _, _, _ = json_core
    doc = parse(gdb.outputs(["v8 bt -a -json"])[0])
    middle = [f for f in doc["frames"] if f["function"] == "middle"]
    assert middle, doc
    args = middle[0]["arguments"]
    assert args[0]["name"] == "n" and args[0]["value"]["type"] == "number" and args[0]["value"]["value"] == 2, args
    assert "receiver" in middle[0]
    limited = parse(gdb.outputs(["v8 bt -json 2"])[0])
    assert limited.get("more") is True and max(f["level"] for f in limited["frames"]) == 1


# ---- v8 async -json ----

def test_async_json_lists_the_awaiting_function(json_core):
    gdb, _, _, marks, _, _, _ = json_core
    text, listing = gdb.outputs(["v8 async -json", "v8 async"])
    doc = parse(text)
    assert doc["suspended"] == sum(doc["kinds"].values())
    head = re.match(r"(\d+) suspended", listing)
    assert head and int(head.group(1)) == doc["suspended"], listing
    outer = [f for s in doc["stacks"] for f in s["functions"] if f["name"] == "outerAsync"]
    assert outer, doc
    assert outer[0]["kind"] == "async function" and outer[0]["line"] == marks["await_outer"], outer
    assert outer[0]["awaited_state"] == "pending"
    for s in doc["stacks"]:
        assert s["count"] >= 1 and len(s["objects"]) >= 1
    verbose = parse(gdb.outputs(["v8 async -v -json"])[0])
    assert all("arguments" in f and "locals" in f for s in verbose["stacks"] for f in s["functions"])


# ---- the Python API, as a user's script uses it ----

def test_user_script(json_core):
    gdb, cases, _, marks, slots, output, _ = json_core
    e = {c["name"]: c for c in cases}["class_instance"]
    out = gdb.run(["set $value = " + word(slots["class_instance"]), "source " + USER_SCRIPT])
    assert_no_traceback(out)
    assert "DONE" in out, out
    lines = out.splitlines()
    assert "TEXT " + e["inspect"] in lines, out
    assert "TYPE object Point" in lines, out
    assert [l for l in lines if l.startswith("PROP ")] == ["PROP %s = %s" % (k, e["values"][k]) for k in e["keys"]]
    expected, expected_async = error_stack(output)
    frames = [l for l in lines if l.startswith("FRAME ")]
    assert frames[1:] == ["FRAME %s %s:%d:%d" % x for x in expected[1:]], out
    assert frames[0].startswith("FRAME %s %s:%d:" % expected[0][:3]), out
    assert [l for l in lines if l.startswith("ASYNC ")] == ["ASYNC %s %s:%d:%d" % x for x in expected_async], out
    assert "SUSPENDED async function outerAsync line %d" % marks["await_outer"] in lines, out
    errors = [l for l in lines if l.startswith("ERROR ")]
    assert len(errors) == 1 and "internal error" not in errors[0], out
    # Node's side, against what the process said (api.json).
    api = fixtures.load_json(os.path.join(json_core[6], "api.json"))
    assert "ENVS 1 main" in lines, out
    handles = [l for l in lines if l.startswith("HANDLE ")]
    tcp = [l for l in handles if l.startswith("HANDLE TCP ")]
    assert len(tcp) == api["resources"].count("TCPServerWrap") == 1, out
    # A core holds the bound address but not the kernel-chosen port.
    assert tcp[0].startswith("HANDLE TCP ref=True ") and "listening 127.0.0.1" in tcp[0], out
    assert "REQUESTS 0" in lines, out
    assert "CENSUS CensusProbe %d True" % api["probes"] in lines, out


def test_api_without_a_process(module_built):
    out = fixtures.run_gdb([], ["python from node_gdb import api",
                                "python exec('try:\\n api.js_stack()\\nexcept api.NodeGdbError as e:\\n print(\"RAISED\", e)')"])
    assert_no_traceback(out)
    assert re.search(r"^RAISED \S", out, re.M), out


# ---- bad input ----

def test_bad_input_is_one_line(json_core):
    gdb, _, _, _, _, _, _ = json_core
    for command in ("v8 print -json 0x1", "v8 print -json nosuchvariable", "v8 print -json",
                    "v8 print -json 0xdeadbeef1", "v8 bt -json x", "v8 async -json extra"):
        out = gdb.outputs([command])[0]
        assert_no_traceback(out)
        assert "internal error" not in out, (command, out)
        assert len(out.strip().splitlines()) == 1, (command, out)
        assert not out.lstrip().startswith("{"), (command, out)


# ---- handles: a live process stopped in a -g addon ----

def test_handle_variables_live(version, module_built):
    """v8 print -json and the API on v8::Local variables (gdb.Values), an
    empty one included, in the addon of test_handles.py."""
    node = fixtures.node_binary(version)
    addon = fixtures.build_addon(version)
    workdir = os.path.join(fixtures.BUILD, "fixtures", version, "live-json")
    os.makedirs(workdir, exist_ok=True)
    commands = ["set breakpoint pending on", "break node_gdb_test_break", "run", "up"]
    for c in ("v8 print -json empty_local", "v8 print -json object",
              "python from node_gdb import api; print(api.describe(gdb.parse_and_eval('object'), depth=0)['text'])",
              "python print(api.js_text(gdb.parse_and_eval('first')))",
              "python print(hex(api.tagged(gdb.parse_and_eval('object'))))",
              "python exec('try:\\n api.describe(gdb.parse_and_eval(\"empty_local\"))\\nexcept api.NodeGdbError as e:\\n print(\"RAISED\", e)')"):
        commands += ["echo @@@\\n", c]
    commands += ["echo @@@\\n", "kill"]
    out = fixtures.run_gdb(["--args", node, os.path.join(fixtures.FIXTURES, "addon_main.js"), addon],
                           commands, cwd=workdir, timeout=600)
    assert_no_traceback(out)
    expect = fixtures.load_json(os.path.join(workdir, "expect.json"))
    parts = [p.strip() for p in out.split("@@@\n")[1:-1]]
    assert len(parts) == 6, out[-3000:]
    empty, obj, shallow, first, address, raised = parts
    assert parse(empty) == {"type": "empty", "text": "<empty>"}
    obj = parse(obj)
    assert obj["text"] == expect["object"] and obj["type"] == "object"
    assert [p["key"] for p in obj["properties"]] == ["point", "list", "map", "text"]
    point = obj["properties"][0]["value"]
    assert point["constructor"] == "Point" and [p["value"]["value"] for p in point["properties"]] == [1, 2]
    assert shallow == expect["object_depth0"]
    assert first == expect["first"]
    assert address == obj["address"]
    assert raised.startswith("RAISED ") and "internal error" not in raised, raised
