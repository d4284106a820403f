"""`v8 findjsobjects -d` (instances grouped by shape), `v8 findjsinstances
-v` (whole JS views) and their -json answers, on the core of
tests/fixtures/heap_shapes_strings.js: 1,010 Points {x, y}, 7 of which got
a z and 3 of which lost x (dictionary mode). What GDB says is compared with
what the program itself said before it aborted (%HasFastProperties and
Object.keys per Point, util.inspect of every Point)."""

import json
import re

import pytest

from heap_shapes_fixture import CLI, ShapesCore

HEX = r"0x[0-9a-f]+"


@pytest.fixture(scope="session")
def shapes(version, module_built):
    return ShapesCore(version)


def _expected_point_shapes(expect):
    """{shape text: count} from what JS grouped."""
    out = {}
    for key, count in expect["shapes"].items():
        text = "(dictionary mode)" if key == "(dictionary)" else "{ %s }" % ", ".join(key.split(","))
        out[text] = count
    return out


def _point_block(text):
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Point: "))
    block = [lines[start]]
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        block.append(line)
    return block


def test_points_grouped_by_shape(shapes):
    assert shapes.expect["fast"] and shapes.expect["dictionary"]
    expected = _expected_point_shapes(shapes.expect)
    assert expected == {"{ x, y }": 1000, "{ x, y, z }": 7, "(dictionary mode)": 3}
    out = shapes.gdb.outputs(["v8 findjsobjects -d"])[0]
    block = _point_block(out)
    assert block[0] == "Point: %d shapes, %s instances" % (len(expected), "{:,}".format(sum(expected.values())))
    got = {}
    for line in block[1:]:
        m = re.match(r"^  +([\d,]+) \u00d7 (.*)$", line)
        assert m, line
        got[m.group(2)] = int(m.group(1).replace(",", ""))
    assert got == expected
    # Biggest first.
    assert [int(re.search(r"[\d,]+", l).group().replace(",", "")) for l in block[1:]] == sorted(got.values(), reverse=True)
    assert "Box: 1 shape, 3 instances\n  3 \u00d7 { label }" in out


def test_shapes_json(shapes):
    stdout, _ = shapes.stdout_of("v8 findjsobjects -d -json")
    doc = json.loads(stdout)
    point = next(t for t in doc["types"] if t["name"] == "Point")
    got = {}
    for s in point["shapes"]:
        text = "(dictionary mode)" if s["dictionary"] else "{ %s }" % ", ".join(s["properties"])
        got[text] = s["instances"]
    assert got == _expected_point_shapes(shapes.expect)
    assert point["instances"] == sum(got.values())
    assert doc["walk"]["objects"] > 0 and doc["walk"]["cancelled"] is False


def test_census_json_agrees_with_text(shapes):
    stdout, _ = shapes.stdout_of("v8 findjsobjects -json")
    doc = json.loads(stdout)
    rows = {t["name"]: t["instances"] for t in doc["types"]}
    assert rows["Point"] == 1010 and rows["Box"] == 3
    assert doc["instances"] == sum(t["instances"] for t in doc["types"])


def test_findjsinstances_verbose_is_util_inspect(shapes):
    out = shapes.gdb.outputs(["v8 findjsinstances Point -v -n all", "v8 findjsinstances -v Point -n 2"])
    views = re.findall(r"(?m)^%s (.*)$" % HEX, out[0])
    views = [v for v in views if not v.startswith("instances")]
    assert sorted(views) == sorted(shapes.expect["points"])
    assert out[0].splitlines()[-1] == "1,010 instances of Point, shown 1-1010"
    assert out[1].splitlines()[-1].endswith("next: v8 findjsinstances Point -s 2 -n 2 -v")


def test_findjsinstances_json(shapes):
    stdout, _ = shapes.stdout_of("v8 findjsinstances Point -v -n 5 -s 1000 -json")
    doc = json.loads(stdout)
    assert doc["name"] == "Point" and doc["instances"] == 1010 and doc["start"] == 1000
    assert len(doc["objects"]) == 5
    for o in doc["objects"]:
        assert re.match(HEX + "$", o["address"]) and o["view"] in shapes.expect["points"]


def test_bad_input_is_one_line(shapes):
    out = shapes.gdb.outputs(["v8 findjsobjects -d extra", "v8 findjsinstances NoSuchType -v",
                              "v8 findjsinstances -json", "v8 findjsobjects -q"])
    for text in out:
        assert len(text.splitlines()) == 1, text
    assert "no object in the heap is named NoSuchType" in out[1]


def test_cli_shapes_and_json(shapes):
    code, stdout, _ = shapes.cli("findjsobjects", "-d")
    assert code == 0
    block = _point_block(stdout)
    got = {re.match(r"^  +(\d+) \u00d7 (.*)$", l).group(2): int(re.match(r"^  +(\d+)", l).group(1)) for l in block[1:]}
    assert got == _expected_point_shapes(shapes.expect)
    code, stdout, _ = shapes.cli("findjsobjects", "-d", "--json")
    assert code == 0
    point = next(t for t in json.loads(stdout)["types"] if t["name"] == "Point")
    assert point["instances"] == 1010
    code, stdout, _ = shapes.cli("findjsinstances", "Point", "2000", "-v", "--json")
    assert code == 0
    doc = json.loads(stdout)
    assert sorted(o["view"] for o in doc["objects"]) == sorted(shapes.expect["points"])
