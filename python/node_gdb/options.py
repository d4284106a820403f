"""GDB-style options for node-gdb's commands, as GDB's own `print -elements
5 -- EXPR` and `backtrace -full` take them: `-name` flags and `-name VALUE`
options before the operands, any unambiguous prefix of a name (`-d 3`), `--`
to end them, completion of their names, and one line naming an option GDB
would not know (`Unrecognized option at: -s X`).

GDB's option machinery is not open to Python commands (GDB 13), so this is
the same behaviour for them. A word that starts with `-` and a digit (`-1`)
is an operand, not an option."""

import gdb

UNLIMITED = None  # the value of `-depth unlimited`


class Option:
    """One option: a flag (`kind="flag"`), a count (`"uint"`, which also
    takes `unlimited`), or a word (`"string"`)."""

    def __init__(self, name, kind="flag", doc="", aliases=()):
        self.name = name
        self.kind = kind
        self.doc = doc
        self.aliases = tuple(aliases)

    def usage(self):
        arg = {"flag": "", "uint": " NUMBER|unlimited", "string": " WORD"}[self.kind]
        return "-%s%s" % (self.name, arg)


class Options:
    """The options of one command: parse() splits an argument string into
    (values by option name, the rest); complete() completes option names."""

    def __init__(self, *options):
        self.options = options

    def help(self):
        """Lines for a command's help text."""
        return "\n".join("  %-32s %s" % (o.usage(), o.doc) for o in self.options)

    def _find(self, word):
        name = word[1:]
        exact = [o for o in self.options if o.name == name or name in o.aliases]
        if exact:
            return exact[0]
        matches = [o for o in self.options if o.name.startswith(name)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise gdb.GdbError("Ambiguous option at: %s (%s)" % (word, ", ".join("-" + o.name for o in matches)))
        return None

    def parse(self, arg):
        """({name: value}, rest of the argument string). Flags not given are
        False; options not given are absent."""
        values = {o.name: False for o in self.options if o.kind == "flag"}
        rest = arg.lstrip()
        while rest.startswith("-"):
            word, _, after = rest.partition(" ")
            if word == "--":
                return values, after.lstrip()
            if len(word) > 1 and (word[1].isdigit() or word[1] in "$(.*&"):
                break  # a negative number or an expression, not an option
            option = self._find(word)
            if option is None:
                raise gdb.GdbError("Unrecognized option at: %s" % rest.strip())
            rest = after.lstrip()
            if option.kind == "flag":
                values[option.name] = True
                continue
            value, _, after = rest.partition(" ")
            if not value:
                raise gdb.GdbError("-%s requires an argument" % option.name)
            values[option.name] = _value(option, value)
            rest = after.lstrip()
        return values, rest

    def complete(self, text, word, fallback=gdb.COMPLETE_EXPRESSION):
        """What to complete `word` (the last word of `text`) with: option
        names while options may still come, else GDB's completer `fallback`."""
        words = text.split()
        token = words[-1] if words and not text[-1:].isspace() else ""
        before = words[:-1] if token else words
        if token.startswith("-") and "--" not in before:
            # GDB replaces `word`, which may have lost the `-` to its word breaking.
            cut = len(token) - len(word or "")
            return [("-" + o.name)[cut:] for o in self.options if ("-" + o.name).startswith(token)]
        return fallback


def _value(option, text):
    if option.kind == "string":
        return text
    if "unlimited".startswith(text) or text == "all":  # `all`: what findjsinstances -n always took
        return UNLIMITED
    try:
        number = int(text, 0)
    except ValueError:
        raise gdb.GdbError("-%s takes a number or `unlimited`, not %s" % (option.name, text))
    if number < 0:
        raise gdb.GdbError("-%s takes a number or `unlimited`, not %s" % (option.name, text))
    return number


# `-json` on every command that answers with data: the same answer as one JSON
# document on standard output (write_json), for scripts and CI.
JSON = Option("json", doc="the answer as one JSON document on standard output")


def write_json(text):
    """Writes one JSON document (text from the core's JsonWriter) and a
    newline, nothing else, so `gdb -batch -ex 'cmd -json'` output parses."""
    gdb.write(text if text.endswith("\n") else text + "\n")
