"""`v8 findrefs` past its list limit (tests/fixtures/heap_many_refs.js:
25,000 objects hold one blob): the last line gives the true count, says
that the list stopped at the limit, and -limit lists more or all."""

import os
import re

import pytest

from conftest import Gdb, fixtures

HEX = r"0x[0-9a-f]+"


@pytest.fixture(scope="session")
def many(version, module_built):
    workdir, core = fixtures.make_core(version, "heap_many_refs.js", node_args=("--expose-gc", "--allow-natives-syntax"))
    expect = fixtures.load_json(os.path.join(workdir, "expect.json"))
    with open(os.path.join(workdir, "stdout.txt"), encoding="utf-8", errors="replace") as f:
        blob = int(re.search(r"(?m)^=== blob\nDebugPrint: (%s)" % HEX, f.read()).group(1), 16)
    return Gdb(fixtures.node_binary(version), core), expect, blob


def _listed(text):
    return len(re.findall(r"(?m)^%s " % HEX, text))


def test_findrefs_counts_past_the_limit(many):
    gdb, expect, blob = many
    out = gdb.outputs(["v8 findrefs %#x" % blob, "v8 findrefs -limit 12000 %#x" % blob,
                       "v8 findrefs -limit unlimited %#x" % blob])
    total = expect["references"]
    # The Holder objects' slots, at least (the array of holders holds no blob).
    last = out[0].splitlines()[-1]
    m = re.match(r"([\d,]+) references to %#x " % blob, last)
    assert m, last
    found = int(m.group(1).replace(",", ""))
    assert found >= total, last
    assert _listed(out[0]) == 10000 and "listed the first 10,000" in last, last
    assert _listed(out[1]) == 12000 and "listed the first 12,000" in out[1].splitlines()[-1]
    assert _listed(out[2]) == found and "listed the first" not in out[2].splitlines()[-1]
    assert len(re.findall(r"(?m)^%s Holder\.sharedBlob25k$" % HEX, out[2])) == total


def test_findrefs_by_name_counts_past_the_limit(many):
    gdb, expect, _ = many
    out = gdb.outputs(["v8 findrefs -n sharedBlob25k", "v8 findrefs -limit 0 -n sharedBlob25k", "v8 findrefs -limit 3 -n sharedBlob25k",
                       "v8 findrefs -limit x -n sharedBlob25k", "v8 findrefs -limit"])
    total = expect["holders"]
    last = out[0].splitlines()[-1]
    assert last.startswith("{:,} objects with a property sharedBlob25k; listed the first 10,000".format(total)), last
    assert _listed(out[0]) == 10000
    assert _listed(out[1]) == total and out[1].splitlines()[-1] == "{:,} objects with a property sharedBlob25k".format(total)
    assert _listed(out[2]) == 3 and "listed the first 3 " in out[2].splitlines()[-1]
    for bad in out[3:]:
        assert len(bad.splitlines()) == 1 and "-limit" in bad, bad


def test_help_documents_the_limit(many):
    gdb, _, _ = many
    out = gdb.outputs(["help v8 findrefs"])[0]
    assert "-limit N" in out and "10000" in out and "unlimited" in out
