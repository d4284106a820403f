// What code a program counter is in, as far as V8 is concerned:
//
//   builtins: V8's embedded blob, linked into node's .text with a symbol per
//     builtin (Builtins_InterpreterEntryTrampoline, ...). Node 22+ also maps
//     the blob a second time next to the JIT code (short builtin calls): that
//     copy is a mapping of the node file at the blob's file offset, found in
//     the process's file mappings (a core's NT_FILE note, /proc/PID/maps).
//   JIT code: Code objects whose machine code lives in an InstructionStream
//     in an anonymous executable mapping. A pc is mapped to its Code by
//     walking back to the InstructionStream header (the instructions start at
//     a 32-byte aligned header offset; the header holds the map and the Code)
//     and checking the Code's instruction range.
//   anything else: native code (node's own C++, libraries).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/platform/elf_file.h"
#include "core/v8/heap.h"

namespace nodegdb {

// The builtins of one node binary (link-time addresses), loaded once per file.
class BuiltinTable {
 public:
  struct Range {
    uint64_t start, end;  // link time
    std::string name;     // without the "Builtins_" prefix
  };
  static std::shared_ptr<const BuiltinTable> For(const ElfFile& binary);
  explicit BuiltinTable(const ElfFile& binary);

  const Range* Find(uint64_t link_address) const;
  std::optional<uint64_t> StartOf(const std::string& name) const;
  uint64_t blob_start() const { return blob_start_; }
  uint64_t blob_size() const { return blob_size_; }
  // File offset of the blob in the binary, nullopt if not in a PT_LOAD.
  std::optional<uint64_t> blob_file_offset() const { return blob_file_offset_; }
  bool empty() const { return ranges_.empty(); }

 private:
  std::vector<Range> ranges_;  // sorted by start
  uint64_t blob_start_ = 0, blob_size_ = 0;
  std::optional<uint64_t> blob_file_offset_;
};

// A file mapped into the process (from NT_FILE or /proc/PID/maps).
struct FileMapping {
  uint64_t start = 0, end = 0, offset = 0;
  std::string path;
};

class CodeMap {
 public:
  CodeMap(const ElfFile& binary, uint64_t load_bias);

  // The process's file mappings: finds the runtime copies of the blob and
  // tells native code (any file) from JIT code (no file).
  void SetMappings(std::vector<FileMapping> mappings);

  struct Builtin {
    const std::string* name;
    uint64_t start;  // runtime address of the builtin's first instruction (in the copy the pc is in)
  };
  std::optional<Builtin> FindBuiltin(uint64_t pc) const;
  // The link-time address in the binary of a pc in any copy of the builtins.
  std::optional<uint64_t> BuiltinLinkAddress(uint64_t pc) const;
  // Runtime address of a builtin in the copy `like_pc` is in (or the binary's).
  std::optional<uint64_t> BuiltinAddress(const std::string& name, uint64_t like_pc) const;

  // Is `pc` in a file mapping (node's own code, a library) and not a builtin?
  // Without mappings, only the node binary's segments are known.
  bool IsNativeCode(uint64_t pc) const;

  uint64_t load_bias() const { return bias_; }
  const std::vector<std::pair<uint64_t, uint64_t>>& blob_copies() const { return blob_copies_; }

 private:
  std::shared_ptr<const BuiltinTable> builtins_;
  std::string binary_path_;
  uint64_t bias_;
  std::vector<std::pair<uint64_t, uint64_t>> binary_segments_;  // runtime [start, end)
  std::vector<FileMapping> mappings_;                           // sorted by start
  // Runtime [start, end) of the blob: in the binary, then any remapped copy.
  std::vector<std::pair<uint64_t, uint64_t>> blob_copies_;
  // The blob start address `pc` belongs to, if any.
  std::optional<uint64_t> BlobBaseOf(uint64_t pc) const;
};

// ---- Code objects (JIT code) ----

struct CodeObject {
  uint64_t address = 0;  // untagged Code
  uint64_t instruction_start = 0, instruction_size = 0;
  int kind = -1;
  uint64_t position_table = 0;  // raw: source position table (optimized) or bytecode offset table (baseline)
  uint64_t deoptimization_data = 0;  // raw: DeoptimizationData (optimized), the BytecodeArray (baseline)
  bool contains(uint64_t pc) const { return pc >= instruction_start && pc - instruction_start < instruction_size; }
};

// Names of code kinds the stack cares about.
enum class CodeTier { kInterpreted, kBaseline, kMaglev, kTurbofan, kBuiltin, kOther };
CodeTier TierOf(Heap& heap, int kind);
const char* TierName(CodeTier tier);  // "interpreted", "baseline", "maglev", "turbofan", ...

// Decodes the Code at raw tagged `raw`; nullopt if it is not a Code.
std::optional<CodeObject> ReadCodeObject(Heap& heap, uint64_t raw);

// The Code whose instructions hold `pc`, by walking back at most `max_scan`
// bytes to the InstructionStream header. nullopt if none is found.
std::optional<CodeObject> FindCodeForPc(Heap& heap, uint64_t pc, uint64_t max_scan = 4u << 20);

}  // namespace nodegdb
