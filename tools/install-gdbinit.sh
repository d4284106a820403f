#!/usr/bin/env bash
# Appends the line that loads node-gdb to ~/.gdbinit (once).
#   tools/install-gdbinit.sh [PREFIX]
# PREFIX is where `cmake --install build --prefix PREFIX` put node-gdb. Without
# it: an installed copy (/usr/local, then /usr) if there is one, else this
# checkout. The Debian package needs no line: its hook in
# /etc/gdb/gdbinit.d loads node-gdb for every node program by itself.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
entry=""
if [ $# -ge 1 ]; then
  entry="$1/share/node-gdb/python/node-gdb.py"
  [ -f "$entry" ] || { echo "install-gdbinit.sh: no node-gdb installed under $1 ($entry is missing)" >&2; exit 1; }
else
  if [ -f /etc/gdb/gdbinit.d/node-gdb.py ] && [ -f /usr/share/node-gdb/python/node-gdb.py ]; then
    echo "the node-gdb package is installed: GDB loads it for node programs without a ~/.gdbinit line"
    exit 0
  fi
  for prefix in /usr/local /usr; do
    if [ -f "$prefix/share/node-gdb/python/node-gdb.py" ]; then entry="$prefix/share/node-gdb/python/node-gdb.py"; break; fi
  done
  [ -n "$entry" ] || entry="$repo/python/node-gdb.py"
fi
line="source $entry"
touch ~/.gdbinit
if grep -qxF "$line" ~/.gdbinit; then
  echo "~/.gdbinit already sources node-gdb ($entry)"
else
  printf '\n# node-gdb: V8 and Node.js support\n%s\n' "$line" >> ~/.gdbinit
  echo "added to ~/.gdbinit: $line"
fi
