#!/usr/bin/env bash
# Installs the Debian packages node-gdb needs to build and test, when missing.
# As root it runs apt-get; otherwise it says what to install and fails.
set -euo pipefail
packages=(gdb cmake g++ make pybind11-dev python3-pybind11 python3-pytest python3-dev libgtest-dev)
# The sanitizer and fuzz build (tools/fuzz.sh): clang with ASan, UBSan and libFuzzer.
packages+=(clang libclang-rt-dev)
# arm64 cores and processes (tests/python/test_arm64.py): qemu-user runs the
# official linux-arm64 node, gdb-multiarch reads it, the cross g++ builds its addon.
packages+=(qemu-user-static gdb-multiarch libc6-arm64-cross libstdc++6-arm64-cross g++-aarch64-linux-gnu)
# node and npm may come from elsewhere than Debian: only ask for them if absent.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "node-gdb needs these Debian packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
