// V8's BytecodeArray in the heap, and the way from a function to it.
//
// Layout (offsets in bytes, x64 without pointer compression; the v8dbg_
// constants give the data offset, and from V8 12 the length and wrapper):
//   V8 11       map, length 8, constant_pool 16, handler_table 24,
//               source_position_table 32, frame_size 40 (int32),
//               parameter_size 44 (int32, bytes), incoming_new_target_or_
//               generator_register 48, bytecode_age 52 (uint16), bytes 54
//   V8 12       map, length 8, wrapper 16, source_position_table 24,
//               handler_table 32, constant_pool 40, frame_size 48,
//               parameter_size 52 (int32, bytes), incoming... 56, bytes 64
//   V8 13, 14   as V8 12 but parameter_count 52 (uint16, a count) and
//               max_arguments 54 (uint16)
// The BytecodeArray lives in trusted space from V8 12; without the sandbox
// (Node's builds) the pointers to it are plain tagged pointers.
//
// The handler table is a (Trusted)ByteArray of int32 quadruples (start, end,
// handler, data); the handler word packs the prediction in bits 0-2 and the
// offset above bit 3 (V8 11, 12) or bit 4 (V8 13+, after a was-used bit).
// The source position table is a (Trusted)ByteArray of VLQ entries; see
// DecodeSourcePositions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/v8/heap.h"

namespace nodegdb {

struct BytecodeArrayLayout {
  int64_t length = -1, wrapper = -1, constant_pool = -1, handler_table = -1, source_position_table = -1;
  int64_t frame_size = -1, parameter = -1, incoming_register = -1, age = -1, data = -1;
  bool parameter_count_u16 = false;  // V8 13+: a uint16 count, before: int32 bytes
  int handler_offset_shift = 3;      // 4 from V8 13
  bool breakable_positions = false;  // V8 14 source position encoding
  // Fixed arrays and byte arrays (trusted ones too): length Smi, then data.
  int64_t array_length = 8, array_data = 16;

  static BytecodeArrayLayout For(const Metadata& metadata);
};

struct BytecodeArray {
  uint64_t address = 0;  // untagged
  int length = 0;
  int frame_size = 0;
  int parameter_count = 0;  // including the receiver
  int register_count = 0;
  int age = -1;             // V8 11 only
  uint64_t constant_pool = 0;          // tagged words as stored
  uint64_t handler_table = 0;
  uint64_t source_position_table = 0;
  uint64_t first_bytecode = 0;  // address of byte 0
  std::vector<uint8_t> code;
};

// Reads and checks a BytecodeArray (untagged address). Throws CorruptObject
// if its fields are impossible.
BytecodeArray ReadBytecodeArray(Heap& heap, const BytecodeArrayLayout& layout, uint64_t address);

// One entry of a source position table.
struct SourcePositionEntry {
  int code_offset;  // -1: the function entry
  int64_t raw;      // V8's SourcePosition bits
  bool is_statement;
  bool is_breakable = true;  // V8 14 marks positions the debugger cannot break at
  bool is_external() const { return raw & 1; }
  // The script offset: bits 1..30, stored plus one.
  int script_offset() const { return static_cast<int>((raw >> 1) & ((int64_t{1} << 30) - 1)) - 1; }
};

// Decodes a source position table. `breakable` selects V8 14's encoding
// (an unsigned code offset delta shifted left by two, over a breakable bit
// and a statement bit) instead of the older one (a signed delta whose sign
// tells a statement from an expression). Both then carry a zig-zag VLQ
// source position delta. The first entry starts from code offset -1.
// Throws CorruptObject on a truncated table; at most `max_entries`.
std::vector<SourcePositionEntry> DecodeSourcePositions(const uint8_t* bytes, size_t size, bool breakable,
                                                       size_t max_entries = 1000000);

struct HandlerRange {
  int start, end, handler, prediction, data;
};
std::vector<HandlerRange> DecodeHandlerTable(const uint8_t* bytes, size_t size, int handler_offset_shift);

// Reads a (Trusted)ByteArray's bytes (at most `limit`).
std::vector<uint8_t> ReadByteArray(Heap& heap, const BytecodeArrayLayout& layout, uint64_t address,
                                   size_t limit = 16u << 20);

// Where the bytecode the user asked about lives, and what to say about it.
struct BytecodeLocation {
  uint64_t bytecode_array = 0;  // untagged; 0 if there is none
  uint64_t shared = 0;          // SharedFunctionInfo, untagged, 0 if unknown
  uint64_t function = 0;        // JSFunction, untagged, 0 if not given
  std::string name;             // the function's name ("" if anonymous / unknown)
  std::vector<std::string> notes;
  std::string missing;          // why there is no bytecode (bytecode_array == 0)
};

// `raw` is a tagged JSFunction, SharedFunctionInfo, BytecodeArray,
// BytecodeWrapper, InterpreterData or baseline Code.
BytecodeLocation LocateBytecode(Heap& heap, uint64_t raw, const V8Rules& rules);

// SharedFunctionInfo::DebugName: the function's name, or else its inferred
// name ("Readable._destroy" for an anonymous function assigned to it). The
// name_or_scope_info field holds the name, or the ScopeInfo that keeps it.
std::string SharedFunctionName(Heap& heap, uint64_t shared);

}  // namespace nodegdb
