// Where a frame is in its source: V8's two variable-length tables that map
// code offsets to positions.
//
// Source position table (a (Trusted)ByteArray held by a BytecodeArray, or by
// optimized Code): a run of entries, each the difference from the previous
// one, as two base-128 numbers (low 7 bits first, high bit = more): the code
// offset and the zig-zag encoded source position. The code offset is
//   V8 11-13: zig-zag too, negative for expressions (-offset-1);
//   V8 14:    unsigned, offset << 2 | is_breakable << 1 | is_statement.
// A source position packs: bit 0 "external", bits 1-30 the script
// offset plus one, bits 31-46 the inlining id plus one (V8's SourcePosition).
// Deltas start from code offset -1 (the function entry) and position 0.
// The position of a code offset is the last entry at or before it.
//
// Bytecode offset table (baseline Code): one unsigned base-128 number per
// bytecode, the size of the machine code generated for it, after one for the
// prologue. Reading it means walking the bytecodes, so their sizes come from
// the binary's own table (v8::internal::interpreter::Bytecodes::kBytecodeSizes,
// uint8_t[3][count]: single, double and quadruple operand scale).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/meta/v8_rules.h"
#include "core/platform/elf_file.h"

namespace nodegdb {

struct SourcePositionEntry {
  int64_t code_offset = 0;
  int64_t script_offset = -1;  // -1: unknown
  int inlining_id = -1;        // -1: the function itself, not an inlined one
  bool is_statement = false;
  bool external = false;       // a line/file pair (wasm, never JavaScript)
};

enum class PositionTableFormat { kSignedOffsets, kFlaggedOffsets };
// V8 14 flags the code offsets; V8 11-13 sign them.
PositionTableFormat PositionTableFormatFor(const V8Rules& rules);

// Decodes a source position table; stops at `max_entries` or at a truncated
// number (what was decoded so far is returned).
std::vector<SourcePositionEntry> DecodeSourcePositionTable(const uint8_t* data, size_t size,
                                                           PositionTableFormat format,
                                                           size_t max_entries = 1u << 20);

// The last entry whose code offset is <= `code_offset`; `outermost_only`
// skips entries of inlined functions (for optimized code: the position in
// the function the frame belongs to). nullopt if there is none.
std::optional<SourcePositionEntry> PositionAt(const std::vector<SourcePositionEntry>& table, int64_t code_offset,
                                              bool outermost_only = false);

// Bytecode sizes of one V8 build.
class BytecodeSizes {
 public:
  // From kBytecodeSizes in the binary's symbol table; nullopt if absent.
  static std::optional<BytecodeSizes> FromBinary(const ElfFile& binary);
  // From a table (tests): sizes[scale][bytecode], scale 0, 1, 2 = x1, x2, x4.
  explicit BytecodeSizes(std::vector<std::vector<uint8_t>> sizes) : sizes_(std::move(sizes)) {}

  // Bytes taken by the bytecode at `offset` of `code` (with its Wide /
  // ExtraWide prefix); 0 if the offset or the bytecode is out of range.
  size_t SizeAt(const uint8_t* code, size_t length, size_t offset) const;
  size_t count() const { return sizes_.empty() ? 0 : sizes_[0].size(); }

 private:
  std::vector<std::vector<uint8_t>> sizes_;
};

// The bytecode offset a baseline pc offset (from the Code's instruction
// start) belongs to: -1 for the prologue, nullopt if the tables do not
// cover it. `table` is the baseline Code's bytecode offset table.
std::optional<int64_t> BaselineBytecodeOffset(const uint8_t* table, size_t table_size, const uint8_t* bytecode,
                                              size_t bytecode_size, const BytecodeSizes& sizes, uint64_t pc_offset);

}  // namespace nodegdb
