"""The README's demo command works and shows what it promises."""

import os
import re
import subprocess

import fixtures
from conftest import assert_no_traceback


def test_demo_script(module_built):
    r = subprocess.run([os.path.join(fixtures.REPO, "tools", "demo.sh")], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=600, env=fixtures.gdb_env())
    assert r.returncode == 0, r.stdout[-3000:]
    out = r.stdout
    assert_no_traceback(out)
    assert "== building node-gdb in build/" in out and "is expected, that is the core dump" in out
    assert "\n'héllo wörld'\n" in out
    # The type's name depends on the system node's V8 (11: ONE_BYTE_INTERNALIZED_..., 12+: INTERNALIZED_ONE_BYTE_...).
    assert re.search(r"\[String\] #héllo wörld   \((ONE_BYTE_INTERNALIZED|INTERNALIZED_ONE_BYTE)_STRING_TYPE, length 11\)", out)
    assert "$1 = 'from C++ ☃'" in out
    assert "$2 = 'snow ☃ and 42'" in out
    assert "$4 = <empty>" in out
    assert "0x1234 is neither a Smi nor a tagged pointer" in out
