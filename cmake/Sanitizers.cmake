# Sanitizer and fuzzing builds of the C++ core (see README, "Robustness").
#
#   cmake -S . -B build-asan -DCMAKE_CXX_COMPILER=clang++ -DNODE_GDB_SANITIZE=ON -DNODE_GDB_PYTHON=OFF
#
# NODE_GDB_SANITIZE builds everything (the core, its tests, the CLI) with
# AddressSanitizer and UndefinedBehaviorSanitizer; any report aborts the
# program (-fno-sanitize-recover), so a test or fuzz run fails on it.
# NODE_GDB_FUZZ (on by default with NODE_GDB_SANITIZE under clang) adds the
# libFuzzer targets of fuzz/ and instruments the core for coverage.
# The Python module is not sanitized: GDB itself would need the ASan runtime.
option(NODE_GDB_SANITIZE "Build the core, its tests and the fuzz targets with ASan and UBSan" OFF)
set(_nodegdb_fuzz_default OFF)
if(NODE_GDB_SANITIZE AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  set(_nodegdb_fuzz_default ON)
endif()
option(NODE_GDB_FUZZ "Build the fuzz targets (fuzz/): libFuzzer with clang, replay-only otherwise" ${_nodegdb_fuzz_default})

if(NODE_GDB_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

set(NODE_GDB_LIBFUZZER OFF)
if(NODE_GDB_FUZZ AND CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  if(NOT NODE_GDB_SANITIZE)
    message(FATAL_ERROR "NODE_GDB_FUZZ with clang needs NODE_GDB_SANITIZE=ON (a fuzzer without sanitizers misses most bugs)")
  endif()
  set(NODE_GDB_LIBFUZZER ON)
  # Coverage feedback for libFuzzer in everything the targets call.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
