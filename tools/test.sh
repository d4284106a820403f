#!/usr/bin/env bash
# Runs every test on a fresh machine: installs missing Debian packages, builds,
# runs the C++ tests (CTest), the same under ASan and UBSan with the fuzz
# targets (tools/fuzz.sh), and the GDB tests (pytest, on Node 20, 22, 24, 26;
# the node binaries and core dumps are generated in build/ and cached).
# Extra arguments go to pytest, e.g. --node-versions=20 or -k strings.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
"$repo/tools/install-deps.sh"
"$repo/tools/build.sh"
echo "== C++ core tests (CTest)"
(cd "$repo/build" && ctest --output-on-failure)
# The same tests under ASan + UBSan, then every fuzz target for a bounded
# time (FUZZ_SECONDS each); fails on any finding.
"$repo/tools/fuzz.sh" $(printf '%s\n' "$@" | grep -e '^--node-versions=' || true)
echo "== GDB tests (pytest, GDB's Python: /usr/bin/python3)"
cd "$repo"
/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/python "$@"
