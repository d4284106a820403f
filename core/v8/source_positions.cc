#include "core/v8/source_positions.h"

#include <string_view>

namespace nodegdb {

namespace {

// One base-128 number, low 7 bits first; false if the data ends inside it
// or it is longer than 64 bits can hold.
bool ReadVlq(const uint8_t* data, size_t size, size_t* index, uint64_t* value) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*index >= size) return false;
    uint8_t byte = data[(*index)++];
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) {
      *value = v;
      return true;
    }
  }
  return false;
}

// Zig-zag: 0, -1, 1, -2, ... from 0, 1, 2, 3, ...
int64_t ZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

// Bytecodes 0-3 are the operand-scaling prefixes in V8 11 to 14: Wide,
// ExtraWide and their debug-break twins.
int PrefixScale(uint8_t bytecode) {
  switch (bytecode) {
    case 0: case 2: return 1;  // Wide / DebugBreakWide: 16-bit operands
    case 1: case 3: return 2;  // ExtraWide / DebugBreakExtraWide: 32-bit operands
  }
  return 0;
}

}  // namespace

PositionTableFormat PositionTableFormatFor(const V8Rules& rules) {
  return rules.flagged_position_offsets() ? PositionTableFormat::kFlaggedOffsets : PositionTableFormat::kSignedOffsets;
}

std::vector<SourcePositionEntry> DecodeSourcePositionTable(const uint8_t* data, size_t size,
                                                           PositionTableFormat format, size_t max_entries) {
  std::vector<SourcePositionEntry> out;
  size_t index = 0;
  // Both ends start from V8's default entry: code offset -1
  // (kFunctionEntryBytecodeOffset), position 0; the first entry is often the
  // function entry itself (a delta of 0).
  int64_t code_offset = -1;
  int64_t raw_position = 0;
  while (index < size && out.size() < max_entries) {
    uint64_t a, b;
    if (!ReadVlq(data, size, &index, &a) || !ReadVlq(data, size, &index, &b)) break;
    // Code offsets are ints in V8: a wider delta is damage, and summing it
    // could overflow.
    if (a > 0xffffffffu) break;
    SourcePositionEntry e;
    if (format == PositionTableFormat::kFlaggedOffsets) {
      e.is_statement = a & 1;
      code_offset += static_cast<int64_t>(a >> 2);
    } else {
      // The sign of the code offset delta carries "is statement".
      int64_t delta = ZigZag(a);
      e.is_statement = delta >= 0;
      code_offset += delta >= 0 ? delta : -(delta + 1);
    }
    // Positions are 64-bit (script offset and inlining id): a damaged table
    // wraps around instead of overflowing.
    raw_position = static_cast<int64_t>(static_cast<uint64_t>(raw_position) + static_cast<uint64_t>(ZigZag(b)));
    e.code_offset = code_offset;
    const uint64_t p = static_cast<uint64_t>(raw_position);
    e.external = p & 1;
    e.script_offset = e.external ? -1 : static_cast<int64_t>((p >> 1) & ((1u << 30) - 1)) - 1;
    e.inlining_id = static_cast<int>((p >> 31) & 0xffff) - 1;
    out.push_back(e);
  }
  return out;
}

std::optional<SourcePositionEntry> PositionAt(const std::vector<SourcePositionEntry>& table, int64_t code_offset,
                                              bool outermost_only) {
  std::optional<SourcePositionEntry> found;
  for (const SourcePositionEntry& e : table) {
    if (e.code_offset > code_offset) break;
    if (e.external) continue;
    if (outermost_only && e.inlining_id != -1) continue;
    found = e;
  }
  return found;
}

std::optional<BytecodeSizes> BytecodeSizes::FromBinary(const ElfFile& binary) {
  constexpr std::string_view kName = "_ZN2v88internal11interpreter9Bytecodes14kBytecodeSizesE";
  std::optional<BytecodeSizes> result;
  binary.ForEachSymbol(kName, [&](const ElfSymbol& sym) {
    if (result || sym.name != kName || sym.size == 0 || sym.size % 3 != 0 || sym.size > 3 * 1024) return;
    std::vector<uint8_t> bytes(sym.size);
    if (!binary.ReadVirtual(sym.value, bytes.data(), bytes.size())) return;
    const size_t count = sym.size / 3;
    std::vector<std::vector<uint8_t>> sizes(3);
    for (size_t scale = 0; scale < 3; scale++) {
      sizes[scale].assign(bytes.begin() + static_cast<long>(scale * count),
                          bytes.begin() + static_cast<long>((scale + 1) * count));
    }
    // The prefixes themselves are one byte long.
    if (count < 4 || sizes[0][0] != 1 || sizes[0][1] != 1) return;
    result = BytecodeSizes(std::move(sizes));
  });
  return result;
}

size_t BytecodeSizes::SizeAt(const uint8_t* code, size_t length, size_t offset) const {
  if (offset >= length || sizes_.size() != 3) return 0;
  uint8_t bytecode = code[offset];
  size_t prefix = 0;
  int scale = PrefixScale(bytecode);
  if (scale) {
    if (offset + 1 >= length) return 0;
    prefix = 1;
    bytecode = code[offset + 1];
  }
  if (bytecode >= count()) return 0;
  size_t size = sizes_[static_cast<size_t>(scale)][bytecode];
  return size ? prefix + size : 0;
}

std::optional<int64_t> BaselineBytecodeOffset(const uint8_t* table, size_t table_size, const uint8_t* bytecode,
                                              size_t bytecode_size, const BytecodeSizes& sizes, uint64_t pc_offset) {
  size_t index = 0;
  uint64_t pc_end;
  if (!ReadVlq(table, table_size, &index, &pc_end)) return std::nullopt;
  int64_t current = -1;  // the prologue (V8's kFunctionEntryBytecodeOffset)
  size_t next = 0;       // the next bytecode's offset
  while (pc_end < pc_offset) {
    uint64_t size;
    if (!ReadVlq(table, table_size, &index, &size)) return std::nullopt;
    if (next >= bytecode_size) return std::nullopt;
    pc_end += size;
    current = static_cast<int64_t>(next);
    size_t step = sizes.SizeAt(bytecode, bytecode_size, next);
    if (step == 0) return std::nullopt;
    next += step;
  }
  return current;
}

}  // namespace nodegdb
