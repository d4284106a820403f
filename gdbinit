# node-gdb: the snippet for ~/.gdbinit. Replace NODE_GDB_DIR with the path of
# your checkout (tools/install-gdbinit.sh appends it with the path filled in),
# or with <prefix>/share/node-gdb after `cmake --install build`.
#
# It registers the printers for V8 handles and the `v8` commands; they stay
# quiet until GDB has a Node process or core.
source NODE_GDB_DIR/python/node-gdb.py
