"""Objects whose prototype chain has no usable `constructor` but does not
end at the object itself (`new Hdr()` with Hdr.prototype =
Object.create(null), Object.create(Object.create(null)), Node 26's
OutgoingHeaders in real http objects): `v8 print` against util.inspect of
the same objects in the same process, at the default depth and at depths 0
and 1 (where util.inspect says "<Complex prototype>")."""

import pytest

from conftest import _holder_fixture, holder_slots


@pytest.fixture(scope="session")
def chains(version, module_built):
    return _holder_fixture(version, "null_proto_chains.js")


def _custom_inspect_gap(node, gdb):
    """A Timeout's own [util.inspect.custom] prints it one level deep even
    past the depth limit, which node-gdb does not model (an open gap, not
    this test's subject): such a pair is compared up to that point only."""
    at = next((i for i, (a, b) in enumerate(zip(node, gdb)) if a != b), None)
    return at is not None and node[at:].startswith("Timeout {") and gdb[at:].startswith("[Timeout]")


def _compare(chains, depth_key, depth):
    gdb, expect, blocks = chains
    slots = holder_slots(blocks, len(expect))
    commands = ["set v8 depth %d" % depth]
    commands += ["v8 print *(unsigned long *)%#x" % slot for slot in slots]
    got = gdb.outputs(commands)[1:]
    assert len(got) == len(expect)
    mismatches = [(e["name"], e[depth_key][:600], g[:600]) for e, g in zip(expect, got)
                  if e[depth_key] != g and not _custom_inspect_gap(e[depth_key], g)]
    assert not mismatches, "\n".join("%s:\n  node: %s\n  gdb:  %s" % m for m in mismatches)


@pytest.mark.parametrize("depth_key,depth", [("inspect", 2), ("depth0", 0), ("depth1", 1)])
def test_v8_print_equals_util_inspect(chains, depth_key, depth):
    _compare(chains, depth_key, depth)


def test_fixture_has_the_cases(chains):
    _, expect, _ = chains
    names = {e["name"] for e in expect}
    for name in ("ctor_null_proto", "create_create_null", "three_levels", "server_response", "client_request",
                 "incoming_message", "server_response_headers", "client_request_headers"):
        assert name in names, name
    by_name = {e["name"]: e for e in expect}
    # The oracle itself exercises the rule (so the comparison can fail).
    assert by_name["ctor_null_proto"]["inspect"] == "Hdr <[Object: null prototype] {}> { k: 1 }"
    assert "<Complex prototype>" in by_name["three_levels"]["depth0"]
