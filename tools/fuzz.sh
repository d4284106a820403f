#!/usr/bin/env bash
# The sanitizer build and the fuzz run (README, "Robustness"):
#   1. builds the core, its tests and the fuzz targets with clang, ASan and
#      UBSan in build-asan/ (cmake -DNODE_GDB_SANITIZE=ON),
#   2. runs the C++ tests there,
#   3. cuts seeds from the fixture cores of every Node version
#      (tools/make_fuzz_seeds.py, into build/fuzz-seeds),
#   4. runs every fuzz target for FUZZ_SECONDS (default 20) each.
# Fails on any test failure, sanitizer report, crash, leak, out-of-memory or
# slow input (FUZZ_TIMEOUT seconds, default 10). What a target found is in
# build-asan/fuzz-findings/TARGET/ (reproduce: build-asan/fuzz/fuzz_TARGET FILE).
#   tools/fuzz.sh [--node-versions=20,22] [--seconds=N] [--no-tests] [TARGET...]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build="$repo/build-asan"
seconds=${FUZZ_SECONDS:-20}
timeout=${FUZZ_TIMEOUT:-10}
versions=20,22,24,26
run_tests=1
targets=()
for arg in "$@"; do
  case "$arg" in
    --node-versions=*) versions=${arg#*=} ;;
    --seconds=*) seconds=${arg#*=} ;;
    --no-tests) run_tests=0 ;;
    -*) echo "fuzz.sh: unknown option $arg" >&2; exit 2 ;;
    *) targets+=("$arg") ;;
  esac
done

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ is needed for the sanitizer and fuzz build (apt-get install clang)" >&2
  exit 1
fi
echo "== sanitizer build (ASan + UBSan, clang) in build-asan"
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$repo" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DNODE_GDB_SANITIZE=ON -DNODE_GDB_PYTHON=OFF >/dev/null
fi
cmake --build "$build" -j"${NODE_GDB_JOBS:-2}"

# Sanitizer reports end the program with an error; a smaller quarantine keeps
# the many large fuzz inputs fast (use-after-free is still caught).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:quarantine_size_mb=16:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

if [ "$run_tests" = 1 ]; then
  echo "== C++ core tests under ASan + UBSan"
  (cd "$build" && ctest --output-on-failure)
fi

echo "== fuzz seeds from the fixture cores (Node $versions)"
/usr/bin/python3 "$repo/tools/make_fuzz_seeds.py" "$build/fuzz/fuzz_seed_writer" "$repo/build/fuzz-seeds" \
  --node-versions="$versions"

if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < "$build/fuzz_targets.txt"
fi
echo "== fuzzing ${#targets[@]} targets, ${seconds}s each"
failed=()
for target in "${targets[@]}"; do
  [ -n "$target" ] || continue
  corpus="$build/fuzz-corpus/$target"
  findings="$build/fuzz-findings/$target"
  rm -rf "$findings"
  mkdir -p "$corpus" "$findings"
  seeds=("$repo/build/fuzz-seeds")
  # The core-file target reads whole files: the fixture cores are too big to
  # be its inputs, so it starts from the small synthetic cores of its own
  # corpus and from the first pages of a real core.
  # The arm64 switch-table target reads raw code, the address index raw
  # words: no heap seeds.
  if [ "$target" = arm64_tables ] || [ "$target" = address_index ]; then seeds=(); fi
  if [ "$target" = core_file ]; then
    seeds=()
    core=$(ls "$repo"/build/fixtures/*/primitives/core 2>/dev/null | head -1 || true)
    if [ -n "$core" ] && [ ! -f "$corpus/head-of-a-core" ]; then head -c 65536 "$core" > "$corpus/head-of-a-core"; fi
  fi
  log="$findings/log.txt"
  start=$(date +%s)
  if "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 \
      -artifact_prefix="$findings/" -print_final_stats=1 "$corpus" "${seeds[@]}" >"$log" 2>&1 \
     && ! ls "$findings" | grep -qv '^log.txt$'; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    echo "fuzz_$target: ${runs} inputs in $(( $(date +%s) - start ))s, no findings"
  else
    echo "fuzz_$target: FINDING (log and inputs in $findings):"
    grep -E "ERROR|runtime error|SUMMARY|Test unit written|timeout|out-of-memory" "$log" | head -20 || tail -40 "$log"
    failed+=("$target")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: findings in: ${failed[*]}" >&2
  exit 1
fi
