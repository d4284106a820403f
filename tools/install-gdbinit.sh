#!/usr/bin/env bash
# Appends node-gdb's gdbinit snippet, with this checkout's path, to ~/.gdbinit
# (once).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
line="source $repo/python/node-gdb.py"
touch ~/.gdbinit
if grep -qxF "$line" ~/.gdbinit; then
  echo "~/.gdbinit already sources node-gdb"
else
  printf '\n# node-gdb: V8 and Node.js support\n%s\n' "$line" >> ~/.gdbinit
  echo "added to ~/.gdbinit: $line"
fi
