"""GDB-style options of the `v8` commands against util.inspect with the same
options in the same process (tests/fixtures/options.js), and the settings
listed by `show v8` / `set v8`, `help v8`, completion and option errors."""

import re

import pytest

from conftest import _holder_fixture, holder_slots


@pytest.fixture(scope="module")
def options_core(version, module_built):
    gdb, expect, blocks = _holder_fixture(version, "options.js")
    slots = holder_slots(blocks, len(expect))
    return gdb, {e["name"]: dict(e, slot=slots[i]) for i, e in enumerate(expect)}, blocks


PRINT_CASES = [
    ("-depth 0", "depth0"),
    ("-depth 1 --", "depth1"),
    ("-depth unlimited -string-length unlimited -array-length unlimited", "unlimited"),
    ("-string-length 5", "string5"),
    ("-array-length 2", "array2"),
    ("-d 0 -s 3 -a 1", "all"),  # unambiguous prefixes, as GDB's own options take them
]


def test_print_options_are_util_inspect_options(options_core):
    gdb, cases, _ = options_core
    commands, wanted = [], []
    for name, case in cases.items():
        slot = "*(unsigned long *)%#x" % case["slot"]
        for option, view in PRINT_CASES:
            commands.append("v8 print %s %s" % (option, slot))
            wanted.append((name, option, case["views"][view]))
        commands.append("v8 print %s" % slot)  # the settings are untouched afterwards
        wanted.append((name, "(none)", case["views"]["default"]))
    for (name, option, want), got in zip(wanted, gdb.outputs(commands)):
        assert got == want, "%s with %s" % (name, option)


def test_an_option_wins_over_the_setting(options_core):
    gdb, cases, _ = options_core
    slot = "*(unsigned long *)%#x" % cases["nested"]["slot"]
    out = gdb.outputs(["set v8 depth 0", "v8 print -depth 1 " + slot, "v8 print " + slot, "show v8 depth"])
    assert out[1] == cases["nested"]["views"]["depth1"]
    assert out[2] == cases["nested"]["views"]["depth0"]
    assert out[3] == "Depth of the JS view is 0."


def test_inspect_full_string_and_string_length(options_core):
    gdb, cases, _ = options_core
    case = cases["long_string"]
    slot = "*(unsigned long *)%#x" % case["slot"]
    default, full, short, abbreviated = gdb.outputs(
        ["v8 inspect " + slot, "v8 inspect -full-string " + slot, "v8 inspect -string-length 20 " + slot,
         "v8 inspect -F " + slot])
    text = "abcdefghij" * 300 + "<end>"
    # Not internalized: V8 prints it in double quotes.
    assert "<end>" not in default and '"%s…"   (' % text[:1000] in default, default[:200]
    assert '"%s"   (' % text in full, full[-200:]
    assert '"%s…"   (' % text[:20] in short, short
    assert abbreviated == full


def test_inspect_map_shows_the_map_after_the_object(options_core):
    gdb, cases, _ = options_core
    slot = "*(unsigned long *)%#x" % cases["nested"]["slot"]
    plain, with_map = gdb.outputs(["v8 inspect " + slot, "v8 inspect -map " + slot])
    assert with_map.startswith(plain)
    map_address = re.search(r"^ - map: (0x[0-9a-f]+) <Map", plain, re.M).group(1)
    rest = with_map[len(plain):].lstrip("\n")
    assert rest.startswith("%s: [Map]" % map_address), rest[:300]
    assert " - type: JS_OBJECT_TYPE" in rest


def test_option_errors_are_one_line(options_core):
    gdb, cases, _ = options_core
    slot = "*(unsigned long *)%#x" % cases["nested"]["slot"]
    out = gdb.outputs(["v8 inspect -q " + slot, "v8 print -depth", "v8 print -depth many " + slot,
                       "v8 print -zz -- " + slot])
    assert out[0] == "Unrecognized option at: -q " + slot
    assert out[1] == "-depth requires an argument"
    assert out[2] == "-depth takes a number or `unlimited`, not many"
    assert out[3] == "Unrecognized option at: -zz -- " + slot


def test_completion_of_option_names(options_core):
    gdb, _, _ = options_core
    out = gdb.outputs(["complete v8 print -de", "complete v8 inspect -", "complete v8 print -string-length 3 -a"])
    assert out[0] == "v8 print -depth"
    assert out[1].splitlines() == ["v8 inspect -full-string", "v8 inspect -map", "v8 inspect -string-length"]
    assert out[2] == "v8 print -string-length 3 -array-length"


def test_show_and_set_v8_list_every_setting(options_core):
    gdb, _, _ = options_core
    show, set_ = gdb.outputs(["show v8", "set v8"])
    assert show.splitlines() == [
        "v8 array-length:  Most items shown per array by the JS view is 100.",
        "v8 depth:  Depth of the JS view is 2.",
        "v8 string-length:  Longest string shown by the JS view is 10000.",
        "v8 structure:  Printers for V8 handles show objects as: auto.",
    ]
    assert set_.splitlines()[0] == '"set v8" must be followed by the name of a setting:'
    assert [line.split(":")[0] for line in set_.splitlines()[1:]] == [
        "v8 array-length", "v8 depth", "v8 string-length", "v8 structure"]


def test_help_v8_names_every_subcommand(options_core):
    gdb, _, _ = options_core
    text = gdb.outputs(["help v8"])[0]
    listed = set(re.findall(r"^v8 ([a-z-]+) -- ", text, re.M))
    for command in ("print", "inspect", "bytecode", "info", "bt", "frame", "findjsobjects",
                    "findjsinstances", "findrefs"):
        assert command in listed, text
