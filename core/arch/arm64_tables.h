// Finding the lookup tables of compiled switch statements in AArch64 code.
//
// A dense switch becomes, after `cmp wI, #N; b.hi default` (b.hs for a bound
// of N), a table address built pc-relative (`adrp xT, PAGE; add xT, xT,
// #lo12`) and either an indexed load of the value (`ldr x0, [xT, xI, lsl
// #3]`, `ldr w0, [xT, wI, uxtw #2]`) or a jump table: an indexed load of an
// offset (`ldrb`/`ldrh`), added, times 4, to a base (`adr xB, BASE; add xB,
// xB, wO, sxtb #2`), then `br xB` to stubs such as `adrp x0, S; add x0, x0,
// #lo12; ret`. A `sub wI, wI, #K` before the compare is the lowest case.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/arch/switch_table.h"
#include "core/platform/elf_file.h"

namespace nodegdb {

// Scans `code` (a function's bytes at link-time `address`) for indexed loads
// and jump tables; jump tables' entries are read from `binary` to give each
// case's stub address.
std::vector<IndexedLoad> Arm64FindIndexedLoads(const ElfFile* binary, const uint8_t* code, size_t size,
                                               uint64_t address);

// Same, with the jump table's entries given by `read` (for tests and fuzzing).
using TableReader = bool (*)(const void* context, uint64_t address, void* out, size_t size);
std::vector<IndexedLoad> Arm64FindIndexedLoadsWith(const uint8_t* code, size_t size, uint64_t address,
                                                   TableReader read, const void* context);

// The string a stub returns: `adrp x0, P; add x0, x0, #lo12` or `adr x0, S`
// at `address` (link-time). nullopt if none.
std::optional<uint64_t> Arm64StubStringAddress(const ElfFile& binary, uint64_t address);
std::optional<uint64_t> Arm64StubStringAt(const uint8_t code[8], uint64_t address);

// The first `movn wD, #imm` (or movz of a negative 64-bit value) whose value
// is in [-32, -3]: BytecodeDecoder::DecodeRegisterOperand's register file start.
std::optional<int32_t> Arm64SmallNegativeConstant(const uint8_t* code, size_t size);

}  // namespace nodegdb
