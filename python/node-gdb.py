# node-gdb: GDB support for Node.js and V8.
#
#   (gdb) source /path/to/node-gdb/python/node-gdb.py
#
# Registers the pretty-printers for V8 handles and the `v8` commands. The
# decoding is done by the C++ module _nodegdb (built by CMake into build/python).
import os
import sys

_here = os.path.dirname(os.path.realpath(__file__))
if _here not in sys.path:
    sys.path.insert(0, _here)

import node_gdb  # noqa: E402

node_gdb.load()
