"""`v8 findrefs -s STRING` on the core of tests/fixtures/heap_shapes_strings.js:
one text made at run time, held as a sequential string (3 Box.label,
Object.title, Array[3], Map.get('k'), Context.captured), as a cons string
(Object.cons) and as a sliced string (Object.sliced). Every string equal to
it must be found, with exactly the holders the program itself checked with
=== before it aborted; and the same as JSON and through node-gdb-cli."""

import json
import re

import pytest

from heap_shapes_fixture import NEEDLE, ShapesCore

HEX = r"0x[0-9a-f]+"


@pytest.fixture(scope="session")
def strings(version, module_built):
    core = ShapesCore(version)
    return core


def _expected(expect):
    """{representation: sorted holder names}."""
    return {"sequential": sorted(expect["sequential"]), "cons": sorted(expect["cons"]),
            "sliced": sorted(expect["sliced"])}


def _parse_text(out):
    """{representation: sorted holder names} from the text answer."""
    got = {}
    current = None
    for line in out.splitlines():
        m = re.match(r"^(%s) '(.*)' \((\w+)\): ([\d,]+) holders?$" % HEX, line)
        if m:
            assert m.group(2) == NEEDLE, line
            current = m.group(3)
            got[current] = []
            continue
        m = re.match(r"^  %s (\S+(?: \S+)*?)(  \(in its .*\))?(  \(weak\))?$" % HEX, line)
        if m and current:
            got[current].append(m.group(1))
    return got


def _representation(type_name):
    for prefix, rep in (("CONS_", "cons"), ("SLICED_", "sliced"), ("THIN_", "thin"), ("EXTERNAL_", "external")):
        if type_name.startswith(prefix) or type_name.startswith("UNCACHED_" + prefix):
            return rep
    return "sequential"


def test_every_equal_string_and_its_holders(strings):
    expected = _expected(strings.expect)
    assert len(expected["sequential"]) == 7 and expected["cons"] == ["Object.cons"]
    assert expected["sliced"] == ["Object.sliced"]
    out = strings.gdb.outputs(["v8 findrefs -s " + NEEDLE])[0]
    by_type = _parse_text(out)
    got = {}
    for type_name, holders in by_type.items():
        got.setdefault(_representation(type_name), []).extend(holders)
    assert {k: sorted(v) for k, v in got.items()} == expected, out
    total = sum(len(v) for v in expected.values())
    assert out.splitlines()[-1] == "3 strings equal to '%s', %d holders" % (NEEDLE, total)


def test_two_byte_string(strings):
    assert strings.expect["wide"] == ["Object.text"]
    out = strings.gdb.outputs(["v8 findrefs -s snow-\u2603-man-77"])[0]
    lines = out.splitlines()
    # V8's own type names: STRING_TYPE in V8 11, SEQ_TWO_BYTE_STRING_TYPE since V8 12.
    assert re.match(r"^%s 'snow-\u2603-man-77' \((?:SEQ_TWO_BYTE_)?STRING_TYPE\): 1 holder$" % HEX, lines[0]), out
    assert re.match(r"^  %s Object\.text$" % HEX, lines[1]), out
    assert lines[-1] == "1 string equal to 'snow-\u2603-man-77', 1 holder"
    stdout, _ = strings.stdout_of("v8 findrefs -json -s snow-\u2603-man-77")
    (found,) = json.loads(stdout)["strings"]
    assert found["representation"] == "sequential" and found["one_byte"] is False


def test_json(strings):
    stdout, _ = strings.stdout_of("v8 findrefs -json -s '%s'" % NEEDLE)
    doc = json.loads(stdout)
    assert doc["string"] == NEEDLE
    got = {}
    for s in doc["strings"]:
        assert re.match(HEX + "$", s["address"])
        assert s["holders_total"] == len(s["holders"])
        got.setdefault(s["representation"], []).extend(h["slot"] for h in s["holders"])
    assert {k: sorted(v) for k, v in got.items()} == _expected(strings.expect)
    assert doc["holders_total"] == 9 and doc["unreadable_strings"] == 0


def test_findrefs_json_of_an_object_and_a_name(strings):
    stdout, _ = strings.stdout_of("v8 findrefs -json -n label")
    doc = json.loads(stdout)
    assert doc["name"] == "label" and doc["total"] >= 3
    boxes = [h for h in doc["holders"] if h["class"] == "Box"]
    assert len(boxes) == 3 and all(h["view"] == "'%s'" % NEEDLE for h in boxes)
    box = boxes[0]["address"]
    stdout, _ = strings.stdout_of("v8 findrefs -json " + box)
    doc = json.loads(stdout)
    assert doc["target"] == box and doc["view"] == "Box { label: '%s' }" % NEEDLE
    assert doc["total"] == len(doc["references"]) >= 1
    assert any(r["slot"].startswith("Array[") for r in doc["references"])


def test_limit_counts_every_holder(strings):
    out = strings.gdb.outputs(["v8 findrefs -limit 2 -s " + NEEDLE])[0]
    assert len(re.findall(r"(?m)^  %s " % HEX, out)) == 2
    assert out.splitlines()[-1].startswith("3 strings equal to '%s', 9 holders; listed the first 2" % NEEDLE)


def test_no_such_string_and_bad_input(strings):
    out = strings.gdb.outputs(["v8 findrefs -s no-such-text-in-this-heap-0815", "v8 findrefs -s", "v8 findrefs -s ''",
                               "v8 findrefs -s -n x", "v8 findrefs -s 'a b' c"])
    assert out[0] == "0 strings equal to 'no-such-text-in-this-heap-0815', 0 holders"
    for text in out[1:]:
        assert len(text.splitlines()) == 1, text
    assert "non-empty" in out[2]


def test_json_progress_goes_to_stderr(strings):
    # A progress line at every callback of the walk, instead of every 2 seconds.
    setup = ["python from node_gdb import heap_commands as h; h.PROGRESS_INTERVAL = 0"]
    for command in ("v8 findrefs -json -s " + NEEDLE, "v8 findjsobjects -d -json"):
        stdout, stderr = strings.stdout_of(command, setup)
        json.loads(stdout)  # nothing else on stdout
        assert re.search(r"(?m)^v8 find\w+: walked \d+ of \d+ MiB", stderr), stderr
    stdout, _ = strings.stdout_of("v8 findrefs -s " + NEEDLE, setup)
    assert re.search(r"(?m)^v8 findrefs: walked \d+ of \d+ MiB", stdout), stdout


def test_cli(strings):
    code, stdout, _ = strings.cli("findrefs", "-s", NEEDLE)
    assert code == 0
    assert stdout.splitlines()[-1] == "3 strings equal to the %d bytes given, 9 holders" % len(NEEDLE)
    code, stdout, _ = strings.cli("findrefs", "-s", NEEDLE, "--json")
    assert code == 0
    doc = json.loads(stdout)
    got = {}
    for s in doc["strings"]:
        got.setdefault(s["representation"], []).extend(h["slot"] for h in s["holders"])
    assert {k: sorted(v) for k, v in got.items()} == _expected(strings.expect)
