"""What every command module shares: one_line_errors, which turns any
failure of a command into one line (gdb.GdbError), never a Python traceback
in the user's session; tagged_argument, the parser of an EXPR that stands
for a tagged value; and js_argument, the same followed by a JS property path
(`EXPR.items[0]`, `EXPR['k 1']`, `EXPR.get('key')`)."""

import functools

import gdb

from . import loader, session, values


def one_line_errors(invoke):
    """Turn every failure of a command into a one-line GDB error."""
    @functools.wraps(invoke)
    def wrapper(self, arg, from_tty):
        core = loader.import_core()
        try:
            session.adopt_mapped_binary()
            return invoke(self, arg, from_tty)
        except gdb.GdbError:
            raise
        except KeyboardInterrupt:
            raise gdb.GdbError("interrupted")
        except session.NodeGdbError as e:
            raise gdb.GdbError(str(e))
        except values.EmptyHandle:
            gdb.write("<empty>\n")
        except gdb.error as e:
            raise gdb.GdbError(str(e))
        except TypeError as e:
            raise gdb.GdbError(str(e))
        except Exception as e:  # the core's Error, or a bug of ours: one line either way
            if core is not None and isinstance(e, core.Error):
                raise gdb.GdbError(str(e))
            raise gdb.GdbError("node-gdb internal error: %s: %s" % (type(e).__name__, e))
    return wrapper


def tagged_argument(arg, command):
    """(target, tagged word) of a command's EXPR: a tagged value, pointer,
    register or handle variable; a usage error naming `command` if empty."""
    if not arg.strip():
        raise gdb.GdbError("usage: %s EXPR  (a tagged value, pointer, or a v8::Local/Handle variable)" % command)
    target = session.target()
    value = gdb.parse_and_eval(arg)
    return target, values.tagged_word(value, target)


def _path_starts(arg):
    """Offsets of each `.` and `[` outside quotes and brackets, right to left:
    where GDB's expression may end and a JS path begin."""
    starts, depth, quote = [], 0, None
    for i, c in enumerate(arg):
        if quote:
            if c == quote and arg[i - 1] != "\\":
                quote = None
        elif c in "'\"":
            quote = c
        elif c in "([":
            if c == "[" and depth == 0 and i > 0:
                starts.append(i)
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "." and depth == 0 and i > 0 and not arg[i + 1:i + 2].isdigit():  # not 1.5
            starts.append(i)
    return reversed(starts)


def js_argument(arg, command):
    """(target, tagged word or None, text) of `EXPR[.path]`: the longest
    start GDB evaluates to a tagged value, then the rest as a JS path on the
    JS view. The word is None where the path ends at a number or boolean
    that has no tagged word of its own (then `text` is what to print)."""
    if not arg.strip():
        raise gdb.GdbError("usage: %s EXPR  (a tagged value, pointer, or a v8::Local/Handle variable)" % command)
    target = session.target()
    try:
        return target, values.tagged_word(gdb.parse_and_eval(arg), target), None
    except (gdb.error, TypeError, values.EmptyHandle) as first:
        failure = first
    for start in _path_starts(arg):
        try:
            word = values.tagged_word(gdb.parse_and_eval(arg[:start]), target)
        except (gdb.error, TypeError):
            continue
        tagged, raw, text = target.lookup_path(word, arg[start:])
        return target, (raw if tagged else None), text
    raise failure
