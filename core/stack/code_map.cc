#include "core/stack/code_map.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>


namespace nodegdb {

// ---- BuiltinTable ----

std::shared_ptr<const BuiltinTable> BuiltinTable::For(const ElfFile& binary) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const BuiltinTable>> cache;
  // The mapping's address tells two loads of one path apart.
  std::string key = binary.path() + ":" + std::to_string(binary.file().size()) + ":" +
                    std::to_string(reinterpret_cast<uintptr_t>(binary.file().data()));
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  auto table = std::make_shared<const BuiltinTable>(binary);
  cache[key] = table;
  return table;
}

BuiltinTable::BuiltinTable(const ElfFile& binary) {
  constexpr std::string_view kPrefix = "Builtins_";
  binary.ForEachSymbol(kPrefix, [&](const ElfSymbol& sym) {
    if (sym.value == 0 || sym.size == 0) return;
    ranges_.push_back({sym.value, sym.value + sym.size, std::string(sym.name.substr(kPrefix.size()))});
  });
  std::sort(ranges_.begin(), ranges_.end(), [](const Range& a, const Range& b) { return a.start < b.start; });
  // .symtab and .dynsym may both list a builtin.
  ranges_.erase(std::unique(ranges_.begin(), ranges_.end(),
                            [](const Range& a, const Range& b) { return a.start == b.start; }),
                ranges_.end());
  binary.ForEachSymbol("v8_Default_embedded_blob_code_", [&](const ElfSymbol& sym) {
    if (sym.name == "v8_Default_embedded_blob_code_") blob_start_ = sym.value;
    if (sym.name == "v8_Default_embedded_blob_code_size_") {
      uint32_t size = 0;
      if (binary.ReadVirtual(sym.value, &size, sizeof size)) blob_size_ = size;
    }
  });
  if ((!blob_start_ || !blob_size_) && !ranges_.empty()) {
    blob_start_ = ranges_.front().start;
    blob_size_ = ranges_.back().end - blob_start_;
  }
  for (const ElfFile::Segment& seg : binary.segments()) {
    if (seg.type == PT_LOAD && blob_start_ >= seg.vaddr && blob_start_ - seg.vaddr < seg.filesz) {
      blob_file_offset_ = blob_start_ - seg.vaddr + seg.offset;
    }
  }
}

const BuiltinTable::Range* BuiltinTable::Find(uint64_t link_address) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), link_address,
                             [](uint64_t a, const Range& r) { return a < r.start; });
  if (it == ranges_.begin()) return nullptr;
  --it;
  return link_address < it->end ? &*it : nullptr;
}

std::optional<uint64_t> BuiltinTable::StartOf(const std::string& name) const {
  for (const Range& r : ranges_) {
    if (r.name == name) return r.start;
  }
  return std::nullopt;
}

// ---- CodeMap ----

namespace {
std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}
}  // namespace

CodeMap::CodeMap(const ElfFile& binary, uint64_t load_bias)
    : builtins_(BuiltinTable::For(binary)), binary_path_(binary.path()), bias_(load_bias) {
  for (const ElfFile::Segment& seg : binary.segments()) {
    if (seg.type == PT_LOAD && seg.memsz) binary_segments_.push_back({seg.vaddr + bias_, seg.vaddr + seg.memsz + bias_});
  }
  if (builtins_->blob_size()) {
    blob_copies_.push_back({builtins_->blob_start() + bias_, builtins_->blob_start() + bias_ + builtins_->blob_size()});
  }
}

void CodeMap::SetMappings(std::vector<FileMapping> mappings) {
  std::sort(mappings.begin(), mappings.end(), [](const FileMapping& a, const FileMapping& b) { return a.start < b.start; });
  mappings_ = std::move(mappings);
  blob_copies_.resize(builtins_->blob_size() ? 1 : 0);
  auto file_offset = builtins_->blob_file_offset();
  if (!file_offset || !builtins_->blob_size()) return;
  const uint64_t size = builtins_->blob_size();
  const std::string base = BaseName(binary_path_);
  for (const FileMapping& m : mappings_) {
    // The same file (the core may name it by another path: compare names).
    if (m.path != binary_path_ && BaseName(m.path) != base) continue;
    if (*file_offset < m.offset || *file_offset - m.offset >= m.end - m.start) continue;
    uint64_t start = m.start + (*file_offset - m.offset);
    if (start == blob_copies_.front().first) continue;  // the binary's own text
    blob_copies_.push_back({start, start + size});
  }
}

std::optional<uint64_t> CodeMap::BlobBaseOf(uint64_t pc) const {
  for (const auto& [start, end] : blob_copies_) {
    if (pc >= start && pc < end) return start;
  }
  return std::nullopt;
}

std::optional<uint64_t> CodeMap::BuiltinLinkAddress(uint64_t pc) const {
  auto base = BlobBaseOf(pc);
  if (!base) return std::nullopt;
  return builtins_->blob_start() + (pc - *base);
}

std::optional<CodeMap::Builtin> CodeMap::FindBuiltin(uint64_t pc) const {
  auto base = BlobBaseOf(pc);
  if (!base) return std::nullopt;
  uint64_t link = builtins_->blob_start() + (pc - *base);
  const BuiltinTable::Range* r = builtins_->Find(link);
  if (!r) return std::nullopt;
  return Builtin{&r->name, *base + (r->start - builtins_->blob_start())};
}

std::optional<uint64_t> CodeMap::BuiltinAddress(const std::string& name, uint64_t like_pc) const {
  auto start = builtins_->StartOf(name);
  if (!start || blob_copies_.empty()) return std::nullopt;
  uint64_t base = BlobBaseOf(like_pc).value_or(blob_copies_.front().first);
  return base + (*start - builtins_->blob_start());
}

bool CodeMap::IsNativeCode(uint64_t pc) const {
  if (BlobBaseOf(pc)) return false;
  for (const auto& [start, end] : binary_segments_) {
    if (pc >= start && pc < end) return true;
  }
  auto it = std::upper_bound(mappings_.begin(), mappings_.end(), pc,
                             [](uint64_t a, const FileMapping& m) { return a < m.start; });
  if (it == mappings_.begin()) return false;
  --it;
  return pc < it->end;
}

// ---- Code objects ----

namespace {

int64_t Or(const std::optional<int64_t>& v, int64_t fallback) { return v ? *v : fallback; }

struct CodeLayout {
  int code_type = -1, instruction_stream_type = -1;
  int64_t instruction_start = 40, instruction_size = 56, flags = 48, position_table = 24, deoptimization_data = 16;
  int64_t kind_mask = 15, kind_shift = 0;
  int64_t stream_code = 8, stream_header = 16;
  int baseline_kind = -1, interpreted_kind = -1;

  static CodeLayout From(const Metadata& md) {
    CodeLayout l;
    l.code_type = md.FindType("CODE_TYPE").value_or(-1);
    l.instruction_stream_type = md.FindType("INSTRUCTION_STREAM_TYPE").value_or(-1);
    // V8 11.3 (Node 20) names none of these; its Code keeps the entry point
    // at 40, the flags at 48 and the instruction size at 56, and the
    // position (or bytecode offset) table at 24 (seen in Node 20 cores,
    // cross-checked with the sizes V8 12+ report for the same functions).
    l.instruction_start = Or(md.FindField("Code", {"instruction_start"}), 40);
    l.instruction_size = Or(md.FindField("Code", {"instruction_size"}), 56);
    l.flags = Or(md.FindField("Code", {"flags"}), 48);
    // V8 12+: deoptimization data (or the BytecodeArray) at 8, the position
    // table (or bytecode offset table) at 16, unnamed by the metadata.
    l.position_table = md.rules().code_position_table_at_16() ? 16 : Or(md.FindField("Code", {"source_position_table"}), 24);
    l.deoptimization_data = md.rules().code_position_table_at_16() ? 8 : Or(md.FindField("Code", {"deoptimization_data"}), 16);
    l.kind_mask = Or(md.Find("v8dbg_CodeKindFieldMask"), 15);
    l.kind_shift = Or(md.Find("v8dbg_CodeKindFieldShift"), 0);
    // InstructionStream: map, then the Code it belongs to; the instructions
    // follow the header (16 bytes in V8 11, 32 in V8 12+).
    l.stream_header = Or(md.FindField("InstructionStream", {"instruction_start"}), 16);
    l.baseline_kind = static_cast<int>(Or(md.Find("v8dbg_CodeKindBaseline"), -1));
    l.interpreted_kind = static_cast<int>(Or(md.Find("v8dbg_CodeKindInterpretedFunction"), -1));
    return l;
  }
};

const CodeLayout& LayoutFor(Heap& heap) { return heap.LayoutOf<CodeLayout>(); }

}  // namespace

CodeTier TierOf(Heap& heap, int kind) {
  const CodeLayout& l = LayoutFor(heap);
  // CODE_KIND_LIST ends with INTERPRETED_FUNCTION, BASELINE, MAGLEV,
  // TURBOFAN(_JS) in V8 11 to 14; BUILTIN is 2 after BYTECODE_HANDLER and
  // FOR_TESTING.
  if (kind < 0) return CodeTier::kOther;
  if (kind == l.interpreted_kind) return CodeTier::kInterpreted;
  if (l.baseline_kind >= 0) {
    if (kind == l.baseline_kind) return CodeTier::kBaseline;
    if (kind == l.baseline_kind + 1) return CodeTier::kMaglev;
    if (kind == l.baseline_kind + 2) return CodeTier::kTurbofan;
  }
  if (kind == 2) return CodeTier::kBuiltin;
  return CodeTier::kOther;
}

const char* TierName(CodeTier tier) {
  switch (tier) {
    case CodeTier::kInterpreted: return "interpreted";
    case CodeTier::kBaseline: return "baseline";
    case CodeTier::kMaglev: return "maglev";
    case CodeTier::kTurbofan: return "turbofan";
    case CodeTier::kBuiltin: return "builtin";
    case CodeTier::kOther: break;
  }
  return "code";
}

std::optional<CodeObject> ReadCodeObject(Heap& heap, uint64_t raw) {
  const CodeLayout& l = LayoutFor(heap);
  Tagged t = heap.Decode(raw);
  if (t.kind != Tagged::Kind::kStrong || l.code_type < 0) return std::nullopt;
  try {
    if (heap.InstanceTypeOf(t.address) != l.code_type) return std::nullopt;
    Memory& mem = heap.memory();
    CodeObject c;
    c.address = t.address;
    c.instruction_start = mem.ReadU64(t.address + static_cast<uint64_t>(l.instruction_start));
    c.instruction_size = mem.ReadU32(t.address + static_cast<uint64_t>(l.instruction_size));
    uint32_t flags = mem.ReadU32(t.address + static_cast<uint64_t>(l.flags));
    c.kind = static_cast<int>((flags >> l.kind_shift) & static_cast<uint64_t>(l.kind_mask));
    c.position_table = heap.ReadWord(t.address + static_cast<uint64_t>(l.position_table));
    c.deoptimization_data = heap.ReadWord(t.address + static_cast<uint64_t>(l.deoptimization_data));
    return c;
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::optional<CodeObject> FindCodeForPc(Heap& heap, uint64_t pc, uint64_t max_scan) {
  const CodeLayout& l = LayoutFor(heap);
  if (l.code_type < 0 || l.instruction_stream_type < 0) return std::nullopt;
  Memory& mem = heap.memory();
  // Instruction starts are 64-byte aligned in V8 11-14 (kCodeAlignment on
  // x64); 32 is checked too, which costs little.
  constexpr uint64_t kStep = 32;
  constexpr uint64_t kChunk = 4096;
  uint64_t stream_map = 0;  // once known, every candidate is one compare
  std::vector<uint8_t> chunk(kChunk);
  uint64_t chunk_base = ~uint64_t{0};
  bool chunk_ok = false;
  auto word_at = [&](uint64_t address, uint64_t* out) -> bool {
    uint64_t base = address & ~(kChunk - 1);
    if (base != chunk_base) {
      chunk_base = base;
      chunk_ok = mem.Read(base, chunk.data(), kChunk);
    }
    if (chunk_ok && address + 8 <= base + kChunk) {
      std::memcpy(out, chunk.data() + (address - base), 8);
      return true;
    }
    return mem.Read(address, out, 8);
  };
  uint64_t start = pc & ~(kStep - 1);
  for (uint64_t scanned = 0; scanned <= max_scan && start >= static_cast<uint64_t>(l.stream_header);
       scanned += kStep, start -= kStep) {
    const uint64_t stream = start - static_cast<uint64_t>(l.stream_header);
    uint64_t map_word;
    if (!word_at(stream, &map_word)) {
      // Unreadable: the start of the mapping was passed.
      return std::nullopt;
    }
    if (stream_map ? map_word != stream_map : !heap.Decode(map_word).is_heap_object()) continue;
    if (!stream_map) {
      Tagged m = heap.Decode(map_word);
      try {
        if (heap.MapInstanceType(m.address) != l.instruction_stream_type) continue;
      } catch (const Error&) {
        continue;
      }
    }
    uint64_t code_raw;
    if (!word_at(stream + static_cast<uint64_t>(l.stream_code), &code_raw)) continue;
    auto code = ReadCodeObject(heap, code_raw);
    if (!code || code->instruction_start != start) continue;
    stream_map = map_word;
    if (code->contains(pc) || (pc == code->instruction_start + code->instruction_size)) return code;
    // The header of another Code: pc lies beyond its instructions.
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace nodegdb
