// A compiled `switch` statement's lookup table, as the per-architecture
// finders (x86_tables, arm64_tables) report it, and the helpers every
// finder's caller uses to check what a table holds.
//
// Some of V8's name tables exist only as `switch` statements returning string
// literals (Bytecodes::ToString, the native-context slot names). Compilers
// turn a dense switch into an indexed load from a table of values, or an
// indexed jump to stubs that each load one string. Every result is a
// candidate: callers validate what the table holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/platform/elf_file.h"

namespace nodegdb {

struct IndexedLoad {
  uint64_t table;     // link-time address of the table
  int scale;          // bytes per entry: 4 or 8 (values), or the jump table's entry size
  bool is_jump;       // an indexed jump to stubs: the entries are stub addresses (jump_targets)
  size_t at;          // offset of the instruction in the function
  int64_t entries;    // from the guarding compare, or -1 if none was found
  // What the switch subtracted from its value before the compare (`sub $3,
  // %ecx` for cases starting at 3): entry i is for the value i + bias.
  int64_t bias = 0;
  // arm64 jump tables hold offsets from a base (target = base + entry * 4):
  // the stub addresses are computed by the finder, one per entry.
  std::vector<uint64_t> jump_targets;
};

// The stub address of entry i of a jump table: computed by the finder
// (arm64), else an absolute pointer in the table (x86). nullopt if unreadable.
std::optional<uint64_t> JumpTarget(const ElfFile& binary, const IndexedLoad& load, size_t i);

// A NUL-terminated string of printable ASCII at a link-time address of the
// binary (at most `max` bytes), or nullopt.
std::optional<std::string> ReadCString(const ElfFile& binary, uint64_t address, size_t max = 256);

// The bytes of a function symbol (exact mangled name), or empty.
std::vector<uint8_t> FunctionBytes(const ElfFile& binary, const std::string& mangled, uint64_t* address = nullptr);

}  // namespace nodegdb
