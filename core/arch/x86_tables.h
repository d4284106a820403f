// Finding the lookup tables of compiled switch statements in x86-64 code.
//
// Some of V8's name tables exist only as `switch` statements returning string
// literals (Bytecodes::ToString, the native-context slot names). Compilers
// turn a dense switch into an indexed load from a table of values
// (`mov TABLE(,%reg,8),%rax`) or an indexed jump (`jmp *TABLE(,%reg,8)`) to
// stubs such as `mov $STRING,%eax; ret`. These helpers find such loads in a
// function's bytes, with the bound of the `cmp $N,%reg; ja/jae` guarding them.
// Every result is a candidate: callers validate what the table holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/platform/elf_file.h"

namespace nodegdb {

struct IndexedLoad {
  uint64_t table;     // link-time address of the table (disp32)
  int scale;          // 4 or 8
  bool is_jump;       // jmp *TABLE(,%reg,8)
  size_t at;          // offset of the instruction in the function
  int64_t entries;    // from the guarding compare, or -1 if none was found
  // What the switch subtracted from its value before the compare (`sub $3,
  // %ecx` for cases starting at 3): entry i is for the value i + bias.
  int64_t bias = 0;
};

// Scans `code` (a function's bytes) for indexed loads and jumps through an
// absolute table.
std::vector<IndexedLoad> FindIndexedLoads(const uint8_t* code, size_t size);

// The string a stub returns: `mov $imm32,%eax` / `mov $imm32,%rax` /
// `lea rel32(%rip),%rax` at `address` (link-time). nullopt if none.
std::optional<uint64_t> StubStringAddress(const ElfFile& binary, uint64_t address);

// A NUL-terminated string of printable ASCII at a link-time address of the
// binary (at most `max` bytes), or nullopt.
std::optional<std::string> ReadCString(const ElfFile& binary, uint64_t address, size_t max = 256);

// The bytes of a function symbol (exact mangled name), or empty.
std::vector<uint8_t> FunctionBytes(const ElfFile& binary, const std::string& mangled, uint64_t* address = nullptr);

}  // namespace nodegdb
