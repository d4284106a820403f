#!/usr/bin/env bash
# Configures and builds node-gdb in build/ (the core, the module for GDB's
# Python, the C++ tests and node-gdb-cli).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$repo" -B "$repo/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$repo/build" -j"$(nproc)"
