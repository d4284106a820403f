"""What every command module shares: one_line_errors, which turns any
failure of a command into one line (gdb.GdbError), never a Python traceback
in the user's session; and tagged_argument, the parser of an EXPR that
stands for a tagged value."""

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
