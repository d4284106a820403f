"""The damaged core (tests/fixtures/corrupt.js and its -g addon): a Node
process that breaks specific V8 and Node structures of its own heap, then
aborts. Used by tests/python/test_robustness.py and tools/make_fuzz_seeds.py.
"""

import json
import mmap
import os
import struct

import fixtures

_constants = {}


def v8dbg_constants(binary):
    """Every v8dbg_ constant of a node binary, from its ELF symbol table and
    initialised data (as core/metadata.cc reads them)."""
    if binary in _constants:
        return _constants[binary]
    out = {}
    with open(binary, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        shoff, = struct.unpack_from("<Q", m, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", m, 0x3a)
        sections = [struct.unpack_from("<IIQQQQIIQQ", m, shoff + i * shentsize) for i in range(shnum)]
        for sec in sections:
            if sec[1] != 2:  # SHT_SYMTAB
                continue
            strtab = sections[sec[6]]
            for st_name, _, _, _, value, size in struct.iter_unpack("<IBBHQQ", m[sec[4]:sec[4] + sec[5]]):
                start = strtab[4] + st_name
                if not st_name or m[start:start + 6] != b"v8dbg_" or size not in (1, 2, 4, 8):
                    continue
                name = m[start:m.find(b"\0", start)].decode()
                for s in sections:  # initialised data only (not SHT_NOBITS)
                    if s[3] and s[1] != 8 and s[3] <= value < s[3] + s[5]:
                        at = s[4] + value - s[3]
                        out[name] = int.from_bytes(m[at:at + size], "little", signed=True)
    _constants[binary] = out
    return out


def class_field(constants, cls, field):
    prefix = "v8dbg_class_%s__%s__" % (cls, field)
    for name, value in constants.items():
        if name.startswith(prefix):
            return value
    raise fixtures.FixtureError("no %s* in the node binary" % prefix)


def make(version):
    """(workdir, core, addresses, expect) of the damaged core of node VERSION; cached."""
    node = fixtures.node_binary(version)
    addon = fixtures.build_addon(version, sources=("corrupt/corrupt.cc",))
    constants = v8dbg_constants(node)
    offsets = {
        "string_length": class_field(constants, "String", "length"),
        "cons_first": class_field(constants, "ConsString", "first"),
        "cons_second": class_field(constants, "ConsString", "second"),
        "map_instance_descriptors": class_field(constants, "Map", "instance_descriptors"),
        # DescriptorArray::number_of_all_descriptors: an int16 right after
        # the map word in V8 11-14 (no v8dbg_ constant; core/property.h).
        "descriptors_all": 8,
    }
    workdir, core = fixtures.make_core(
        version, "corrupt.js", script_args=(addon, json.dumps(offsets, sort_keys=True)),
        extra_inputs=(os.path.join(fixtures.FIXTURES, "corrupt", "corrupt.cc"),))
    addresses = fixtures.load_json(os.path.join(workdir, "addresses.json"))
    expect = fixtures.load_json(os.path.join(workdir, "expect.json"))
    return workdir, core, addresses, expect
