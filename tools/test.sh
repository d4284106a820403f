#!/usr/bin/env bash
# Runs every test on a fresh machine: installs missing Debian packages, builds,
# runs the C++ tests (CTest), the same under ASan and UBSan with the fuzz
# targets (tools/fuzz.sh), and the GDB tests (pytest, on Node 20, 22, 24, 26;
# the node binaries and core dumps are generated in build/ and cached).
#   tools/test.sh [--quick] [TEST_FILE...] [PYTEST_ARGS...]
# --quick skips the sanitizer build and the fuzz run (CI never passes it).
# Test files (tests/python/test_x.py, or test_x.py) narrow the GDB tests to
# them; every other argument goes to pytest: -k strings, --node-versions=20,
# -x, test_x.py::test_name.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
quick=0
tests=()
pytest_args=()
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    -*) pytest_args+=("$arg") ;;
    *)
      # A bare name (test_x.py or test_x.py::case) is looked up in tests/python.
      if [ -e "$repo/tests/python/${arg%%::*}" ]; then tests+=("tests/python/$arg"); else pytest_args+=("$arg"); fi ;;
  esac
done
[ ${#tests[@]} -gt 0 ] || tests=(tests/python)
"$repo/tools/install-deps.sh"
"$repo/tools/build.sh"
echo "== C++ core tests (CTest)"
(cd "$repo/build" && ctest --output-on-failure)
if [ "$quick" = 0 ]; then
  # The same tests under ASan + UBSan, then every fuzz target for a bounded
  # time (FUZZ_SECONDS each); fails on any finding.
  "$repo/tools/fuzz.sh" $(printf '%s\n' "${pytest_args[@]+"${pytest_args[@]}"}" | grep -e '^--node-versions=' || true)
else
  echo "== sanitizer build and fuzzing skipped (--quick)"
fi
echo "== GDB tests (pytest, GDB's Python: /usr/bin/python3)"
cd "$repo"
/usr/bin/python3 -m pytest -q -p no:cacheprovider "${tests[@]}" "${pytest_args[@]+"${pytest_args[@]}"}"
