"""Finds and imports the C++ module _nodegdb, or says what to do."""

import importlib
import os
import sys

_core = None
_error = None

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
REPO_DIR = os.path.dirname(PYTHON_DIR)


def _candidates():
    env = os.environ.get("NODE_GDB_MODULE_DIR")
    if env:
        yield env
    yield os.path.join(REPO_DIR, "build", "python")  # a CMake build in the checkout
    yield PYTHON_DIR  # installed: the module sits next to node-gdb.py


def import_core():
    """The _nodegdb module, or None after printing one line on what to do."""
    global _core, _error
    if _core is not None or _error is not None:
        return _core
    for directory in _candidates():
        if not os.path.isdir(directory):
            continue
        if not any(name.startswith("_nodegdb.") for name in os.listdir(directory)):
            continue
        if directory not in sys.path:
            sys.path.insert(0, directory)
        try:
            _core = importlib.import_module("_nodegdb")
            return _core
        except ImportError as e:
            _error = "node-gdb: cannot load the C++ module from %s (%s); rebuild it: cmake -S %s -B %s/build && cmake --build %s/build" % (
                directory, e, REPO_DIR, REPO_DIR, REPO_DIR)
            break
    if _error is None:
        _error = ("node-gdb: the C++ module _nodegdb is not built. Build it with:\n"
                  "  cmake -S %s -B %s/build && cmake --build %s/build\n"
                  "(or set NODE_GDB_MODULE_DIR to the folder that holds _nodegdb*.so)" % (REPO_DIR, REPO_DIR, REPO_DIR))
    import gdb
    gdb.write(_error + "\n")
    return None


def error():
    return _error
