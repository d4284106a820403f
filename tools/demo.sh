#!/usr/bin/env bash
# The demo: builds node-gdb, makes a kernel core dump of a small Node program
# (tests/fixtures/demo.js, with the system node) that aborts inside a native
# addon, and shows node-gdb on it: the banner, `v8 print`, `v8 inspect`, and
# the pretty-printer for the addon's v8::Local variables. (It ends with
# `v8 info`: GDB's batch exit status is that of its last command.)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
echo "== checking the Debian packages node-gdb needs (installs the missing ones)"
"$repo/tools/install-deps.sh"
echo "== building node-gdb in build/ (cmake; a few minutes on a fresh machine, seconds after)"
# CMake's own progress lines ([ 42%] Building ...), without the rest.
set +e
"$repo/tools/build.sh" 2>&1 | grep --line-buffered -E '^\[ *[0-9]+%\] (Building|Linking)'
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || { echo "the build failed: run tools/build.sh to see why" >&2; exit 1; }
node=$(command -v node)
work="$repo/build/demo"
rm -rf "$work"
mkdir -p "$work"
version=$("$node" -p 'process.versions.node.split(".")[0]')
echo "== building the demo's native addon (a few seconds)"
addon=$(/usr/bin/python3 -c "import sys; sys.path.insert(0, '$repo/tools'); import fixtures; print(fixtures.build_addon('$version'))")
echo "== running tests/fixtures/demo.js with $("$node" --version); it aborts inside the addon on purpose:"
echo "   the shell's \"Aborted (core dumped)\" line below is expected, that is the core dump node-gdb reads"
(cd "$work" && ulimit -c unlimited && "$node" --allow-natives-syntax "$repo/tests/fixtures/demo.js" "$addon" > stdout.txt 2>&1) || true
core=$(ls "$work"/core* 2>/dev/null | head -1 || true)
if [ -z "$core" ]; then
  echo "no core dump in $work (core_pattern: $(cat /proc/sys/kernel/core_pattern)); writing one with gdb's gcore"
  (cd "$work" && gdb -nx -batch -ex run -ex "gcore $work/core" --args "$node" --allow-natives-syntax \
     "$repo/tests/fixtures/demo.js" "$addon" > stdout.txt 2>&1)
  core="$work/core"
fi
greeting=$(grep -m1 -o '^DebugPrint: 0x[0-9a-f]*' "$work/stdout.txt" | cut -d' ' -f2)
joined=$(grep -o '^DebugPrint: 0x[0-9a-f]*' "$work/stdout.txt" | sed -n 2p | cut -d' ' -f2)
echo "== gdb $node $core"
set -x
LANG=C.UTF-8 gdb -nx -batch -q "$node" "$core" \
  -ex "source $repo/python/node-gdb.py" \
  -ex "v8 print $greeting" \
  -ex "v8 inspect $greeting" \
  -ex "v8 inspect $joined" \
  -ex "frame function Hold" \
  -ex "print name" \
  -ex "print first" \
  -ex "print second" \
  -ex "print maybe" \
  -ex "v8 print first" \
  -ex "v8 print 0x1234" \
  -ex "v8 info" 2>&1 | grep -v '^\[New LWP\|^warning: \(Section\|Can.t open file anon\)\|^$'
