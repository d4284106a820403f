// Finding the lookup tables of compiled switch statements in x86-64 code.
//
// A dense switch becomes an indexed load from a table of values
// (`mov TABLE(,%reg,8),%rax`) or an indexed jump (`jmp *TABLE(,%reg,8)`) to
// stubs such as `mov $STRING,%eax; ret`. These helpers find such loads in a
// function's bytes, with the bound of the `cmp $N,%reg; ja/jae` guarding them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/arch/switch_table.h"
#include "core/platform/elf_file.h"

namespace nodegdb {

// Scans `code` (a function's bytes) for indexed loads and jumps through an
// absolute table.
std::vector<IndexedLoad> FindIndexedLoads(const uint8_t* code, size_t size);

// The string a stub returns: `mov $imm32,%eax` / `mov $imm32,%rax` /
// `lea rel32(%rip),%rax` at `address` (link-time). nullopt if none.
std::optional<uint64_t> StubStringAddress(const ElfFile& binary, uint64_t address);

}  // namespace nodegdb
