"""Printers for node::ListHead and node::ListNode on a -g program that
declares Node's list types with Node's layout (tests/fixtures/node_lists):
elements as children, each through its own printer (a test printer for
node::TCPWrap) or GDB's default with its dynamic type; empty, broken and
looping lists; GDB/MI children."""

import os
import re
import subprocess

import pytest

import fixtures
from conftest import assert_no_traceback

SOURCE = os.path.join(fixtures.FIXTURES, "node_lists", "lists.cc")

TCP_PRINTER = """python
import gdb.printing
class _Tcp:
    def __init__(self, v): self.v = v
    def to_string(self): return "TCPWrap fd %d" % int(self.v["fd"])
_pp = gdb.printing.RegexpCollectionPrettyPrinter("test-tcp")
_pp.add_printer("TCPWrap", "^node::TCPWrap$", _Tcp)
gdb.printing.register_pretty_printer(None, _pp)
end"""


@pytest.fixture(scope="session")
def program():
    out_dir = os.path.join(fixtures.BUILD, "fixtures", "node_lists")
    os.makedirs(out_dir, exist_ok=True)
    binary = os.path.join(out_dir, "lists")
    stamp = fixtures._stamp(SOURCE)
    stamp_file = binary + ".stamp"
    if not (os.path.isfile(binary) and os.path.isfile(stamp_file) and open(stamp_file).read() == stamp):
        r = subprocess.run(["g++", "-g", "-O0", "-std=c++17", SOURCE, "-o", binary], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        assert r.returncode == 0, r.stdout
        with open(stamp_file, "w") as f:
            f.write(stamp)
    script = os.path.join(out_dir, "tcp_printer.gdb")
    with open(script, "w") as f:
        f.write(TCP_PRINTER + "\n")
    return binary, script


def run(program, commands):
    binary, script = program
    out = fixtures.run_gdb([binary], ["source " + script, "break node_lists_break", "run", "up"] + commands)
    assert_no_traceback(out)
    return out


def values(out):
    return re.findall(r"^\$\d+ = (.*)$", out, re.M)


def test_list_heads_and_nodes(program):
    out = run(program, ["print env.handle_wrap_queue_", "print env.req_wrap_queue_", "print empty", "print broken",
                        "print looping", "print unlinked", "print linked", "print env.handle_wrap_queue_.head_"])
    v = values(out)
    assert len(v) == 8, out
    # Elements through their own printer (TCPWrap) or as their dynamic type.
    assert v[0].startswith("node::ListHead<node::HandleWrap> with 3 elements = {TCPWrap fd 21, {"), v[0]
    assert "vtable for node::SignalWrap" in v[0] and "signum = 12" in v[0] and v[0].endswith("TCPWrap fd 23}"), v[0]
    # Requests are linked through a second base class: the element is the
    # whole FSReqCallback.
    assert v[1].startswith("node::ListHead<node::ReqWrapBase> with 1 element = {{<node::AsyncWrap> = "), v[1]
    assert "fs_type = 3" in v[1] and "object_id = 4" in v[1], v[1]
    assert v[2] == "node::ListHead<node::HandleWrap> with 0 elements", v[2]
    assert re.match(r"^node::ListHead<node::HandleWrap> with 2 elements \(walk stopped: next_ at 0x[0-9a-f]+ holds "
                    r"0x0, not a node\) = \{TCPWrap fd 31, TCPWrap fd 32\}$", v[3]), v[3]
    assert re.match(r"^node::ListHead<node::HandleWrap> with 2 elements \(walk stopped: next_ at 0x[0-9a-f]+ leads "
                    r"back to 0x[0-9a-f]+, a cycle that misses the head\) = \{TCPWrap fd 41, TCPWrap fd 42\}$", v[4]), v[4]
    assert v[5] == "node::ListNode (not in a list)", v[5]
    assert re.match(r"^node::ListNode \(linked: prev_ 0x[0-9a-f]+, next_ 0x[0-9a-f]+\)$", v[6]), v[6]
    assert re.match(r"^node::ListNode \(linked: prev_ 0x[0-9a-f]+, next_ 0x[0-9a-f]+\)$", v[7]), v[7]


def test_print_elements_limit_and_pretty(program):
    out = run(program, ["set print elements 2", "print env.handle_wrap_queue_", "set print elements 200",
                        "set print pretty on", "print env"])
    v = values(out)
    assert v[0].startswith("node::ListHead<node::HandleWrap> with 3 elements = {TCPWrap fd 21, {") and \
        v[0].endswith("...}"), v[0]
    assert "handle_wrap_queue_ = node::ListHead<node::HandleWrap> with 3 elements = {TCPWrap fd 21, {" in out, out
    assert "members of node::SignalWrap:" in out and "req_wrap_queue_ = node::ListHead<node::ReqWrapBase> with 1 element" in out


def test_mi_children(program):
    binary, script = program
    mi = ["-interpreter-exec console \"source %s\"" % fixtures.GDB_PYTHON_ENTRY,
          "-interpreter-exec console \"source %s\"" % script,
          "-enable-pretty-printing", "-break-insert node_lists_break", "-exec-run", "-stack-select-frame 1",
          "-var-create q * env.handle_wrap_queue_", "-var-list-children --all-values q", "-gdb-exit"]
    r = subprocess.run(["gdb", "-nx", "--interpreter=mi", binary], input="\n".join(mi) + "\n", stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=120, env=fixtures.gdb_env())
    out = r.stdout
    assert_no_traceback(out)
    created = re.search(r'\^done,name="q",numchild="\d+",value="\{\.\.\.\}",type="node::Environment::HandleWrapQueue",'
                        r'thread-id="\d+",displayhint="array",dynamic="1",has_more="1"', out)
    assert created, out[-3000:]
    children = re.search(r'\^done,numchild="3",displayhint="array",children=\[(.*)\],has_more="0"', out)
    assert children, out[-3000:]
    kids = re.findall(r'child=\{name="q\.\[(\d)\]",exp="\[\d\]",numchild="\d+",value="([^"]*)",type="([^"]*)"',
                      children.group(1))
    assert kids == [("0", "TCPWrap fd 21", "node::TCPWrap"), ("1", "{...}", "node::SignalWrap"),
                    ("2", "TCPWrap fd 23", "node::TCPWrap")], children.group(1)
