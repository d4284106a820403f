"""v8 exception (and v8 bt's first line) on cores of an uncaught throw under
--abort-on-uncaught-exception: V8's own TypeError and a user Error
subclass. The oracle is Node itself running the same script without the
flag: the message line it prints, and the frame that threw (the first
"at" line of its stack). On every Node version; and one line on a core
that is not throwing."""

import re
import subprocess

import pytest

import fixtures
from conftest import Gdb

SCRIPT = "uncaught.js"
HEAD = re.compile(r"^Uncaught exception, thrown through v8::internal::Isolate::(CreateMessageOrAbort|Throw|ThrowInternal) "
                  r"\(frame #\d+\) by (.+) \(frame #\d+\):$")


def node_says(version, kind):
    """(message line, [stack lines]) Node prints for the uncaught throw."""
    r = subprocess.run([fixtures.node_binary(version), fixtures.FIXTURES + "/" + SCRIPT, kind],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
    lines = r.stderr.splitlines()
    first = next(i for i, l in enumerate(lines) if re.match(r"^\w*Error", l))
    stack = []
    for l in lines[first + 1:]:
        if not l.startswith("    at "):
            break
        stack.append(l)
    return lines[first], stack


@pytest.fixture(scope="module", params=["type", "custom"])
def thrown(request, version, module_built):
    kind = request.param
    _, core = fixtures.make_core(version, SCRIPT, name="uncaught_" + kind,
                                 node_args=("--abort-on-uncaught-exception",), script_args=(kind,))
    out = Gdb(fixtures.node_binary(version), core).outputs(["v8 exception", "v8 bt", "v8 exception x"])
    return kind, node_says(version, kind), out


def test_the_thrown_error_and_where_it_was_thrown(thrown):
    kind, (message, stack), (exception, _, _) = thrown
    lines = exception.splitlines()
    m = HEAD.match(lines[0])
    assert m, exception
    # The frame that threw, as Node's stack names it. The column may differ:
    # the stack records where the Error was made (`new PaymentError`), the
    # frame is at the `throw` (V8 24+ positions it on the statement).
    def line_only(text):
        return re.sub(r":(\d+):\d+\)$", r":\1)", text)
    assert line_only("    at " + m.group(2)) == line_only(stack[0]), (m.group(2), stack)
    # util.inspect's text of the error: its message line as Node prints it
    # (Node adds the class's own fields after the stack: { order: 42 }).
    text = lines[1:-1]
    headline = re.match(r"^\[(.*)\](?: \{.*\})?$", text[0])
    assert (headline.group(1) if headline else text[0]) == message, (text[0], message)
    # Where the stack is there, it is the one Node prints.
    at = [l for l in text if l.startswith("    at ")]
    assert not at or at == stack[:len(at)], (at, stack)
    assert re.match(r"^\(0x[0-9a-f]+: v8 inspect 0x[0-9a-f]+ for V8's view\)$", lines[-1]), lines[-1]


def test_v8_bt_says_what_is_thrown_first(thrown):
    kind, (message, _), (_, v8bt, _) = thrown
    assert v8bt.splitlines()[0] == "Throwing %s (v8 exception shows it)" % message, v8bt.splitlines()[:2]


def test_arguments_are_refused(thrown):
    _, _, (_, _, bad) = thrown
    assert bad == "v8 exception takes no arguments", bad


def test_a_core_that_is_not_throwing_says_so(version, module_built):
    _, core = fixtures.make_core(version, "primitives.js", node_args=("--expose-gc", "--allow-natives-syntax"))
    out = Gdb(fixtures.node_binary(version), core).outputs(["v8 exception"])[0]
    assert out.startswith("this thread is not throwing: ") and len(out.splitlines()) == 1, out


def test_live_process(version, module_built, tmp_path):
    """The same in a live process stopped at the abort of the throw."""
    out = fixtures.run_gdb(["--args", fixtures.node_binary(version), "--abort-on-uncaught-exception",
                            fixtures.FIXTURES + "/" + SCRIPT, "type"],
                           ["run", "echo @@@\\n", "v8 exception", "echo @@@\\n", "kill"], cwd=str(tmp_path), timeout=300)
    exception = out.split("@@@\n")[1]
    message, stack = node_says(version, "type")
    m = HEAD.match(exception.splitlines()[0])
    assert m and "    at " + m.group(2) == stack[0], exception
    assert message in exception.splitlines()[1], (message, exception)
