"""GDB parameters under `set v8 ...` / `show v8 ...`: the limits of the JS
view (util.inspect's depth, maxStringLength, maxArrayLength) and whether
printers show structure (children) or one line of util.inspect text."""

import gdb


class _SetV8(gdb.Command):
    """Settings of node-gdb's V8 views (see `help set v8 depth`, ...)."""

    def __init__(self):
        super().__init__("set v8", gdb.COMMAND_DATA, gdb.COMPLETE_NONE, prefix=True)

    def invoke(self, arg, from_tty):
        if arg.strip():
            raise gdb.GdbError("Undefined set v8 command: \"%s\".  Try \"help set v8\"." % arg.strip())
        gdb.write('"set v8" must be followed by the name of a setting:\n')
        _list_settings(lambda name, p: p.set_doc)


class _ShowV8(gdb.Command):
    """Settings of node-gdb's V8 views; with no argument, all of them."""

    def __init__(self):
        super().__init__("show v8", gdb.COMMAND_DATA, gdb.COMPLETE_NONE, prefix=True)

    def invoke(self, arg, from_tty):
        if arg.strip():
            raise gdb.GdbError("Undefined show v8 command: \"%s\".  Try \"help show v8\"." % arg.strip())
        _list_settings(lambda name, p: p.get_show_string(_shown(p.value)))


def _shown(value):
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value < 0):
        return "unlimited"
    return str(value)


def _list_settings(text):
    """One line per setting, as `show print` lists its settings."""
    for name, param in sorted(_params.items()):
        gdb.write("v8 %s:  %s\n" % (name, text(name, param)))


class _Limit(gdb.Parameter):
    def __init__(self, name, default, doc, set_doc, show_doc):
        self.__doc__ = doc
        self.set_doc = set_doc
        self.show_doc = show_doc
        super().__init__("v8 " + name, gdb.COMMAND_DATA, gdb.PARAM_ZUINTEGER_UNLIMITED)
        self.value = default
        self._name = name

    def get_set_string(self):
        return ""

    def get_show_string(self, svalue):
        return "%s is %s." % (self.show_doc.rstrip("."), svalue)


class _Structure(gdb.Parameter):
    """How printers for V8 handles show objects.

auto: one line of util.inspect text, except with `set print pretty on` or
      under GDB/MI (IDEs), where objects expand into children.
on:   always children (`print` shows `Point {x = 1, y = 2}`).
off:  always one line of util.inspect text."""

    set_doc = "Set how printers for V8 handles show objects."
    show_doc = "Show how printers for V8 handles show objects."

    def __init__(self):
        super().__init__("v8 structure", gdb.COMMAND_DATA, gdb.PARAM_ENUM, ["auto", "on", "off"])
        self.value = "auto"

    def get_set_string(self):
        return ""

    def get_show_string(self, svalue):
        return "Printers for V8 handles show objects as: %s." % svalue


_params = {}
_mi = None


def register():
    if _params:
        return
    _SetV8()
    _ShowV8()
    _params["depth"] = _Limit(
        "depth", 2,
        """Set how deep the JS view descends into nested objects (util.inspect's depth).

Past this depth objects print as [Object], [Array], [ClassName]. Default 2, as
util.inspect. `unlimited` descends until every value is shown (cycles still
print as [Circular *1]).""",
        "Set how deep the JS view descends into nested objects.",
        "Depth of the JS view")
    _params["string-length"] = _Limit(
        "string-length", 10000,
        """Set how many characters of a string the JS view shows (util.inspect's maxStringLength).

Longer strings end with "... N more characters". Default 10000, as util.inspect.""",
        "Set how many characters of a string the JS view shows.",
        "Longest string shown by the JS view")
    _params["array-length"] = _Limit(
        "array-length", 100,
        """Set how many items of an array, Map or Set the JS view shows (util.inspect's maxArrayLength).

Further items are summed up as "... N more items". Default 100, as util.inspect.
GDB's own `set print elements` also applies: the smaller limit wins.""",
        "Set how many items of an array, Map or Set the JS view shows.",
        "Most items shown per array by the JS view")
    _params["structure"] = _Structure()


def _limit(name, unlimited):
    value = _params[name].value if _params else None
    if value is None or value < 0:
        return unlimited
    return value


_UNLIMITED = {"depth": 1000, "string-length": 1 << 30, "array-length": 1 << 30}


def options(given=None):
    """Keyword arguments for the core's print_value/structure: the settings,
    or what a command's own options (`-depth 5`) give; None is unlimited."""
    given = given or {}
    values = {}
    for name, unlimited in _UNLIMITED.items():
        value = given[name] if name in given else _limit(name, unlimited)
        values[name] = unlimited if value is None else value
    elements = gdb.parameter("print elements")
    if "array-length" not in given and elements is not None and elements > 0:
        values["array-length"] = min(values["array-length"], elements)
    return {"depth": values["depth"], "string_length": values["string-length"],
            "array_length": values["array-length"]}


def under_mi():
    """True if GDB runs a GDB/MI interpreter (IDEs start it with --interpreter=mi)."""
    global _mi
    if _mi is None:
        try:
            with open("/proc/self/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            argv = []
        _mi = False
        for i, a in enumerate(argv):
            if a.startswith(b"--interpreter=mi") or a.startswith(b"-i=mi") or a.startswith(b"-interpreter=mi"):
                _mi = True
            elif a in (b"-i", b"--interpreter", b"-interpreter") and i + 1 < len(argv) and argv[i + 1].startswith(b"mi"):
                _mi = True
    return _mi


def structured():
    """True if printers should give children rather than one line of text."""
    mode = _params["structure"].value if _params else "auto"
    if mode == "on":
        return True
    if mode == "off":
        return False
    return bool(gdb.parameter("print pretty")) or under_mi()
