#include "core/heap/object_size.h"

#include <cstring>

#include "core/v8/scope_info.h"

namespace nodegdb {

namespace {

uint64_t RoundUp(uint64_t value, uint64_t alignment) { return (value + alignment - 1) & ~(alignment - 1); }

template <typename T>
bool Field(const uint8_t* bytes, size_t available, size_t offset, T* out) {
  if (offset + sizeof(T) > available) return false;
  std::memcpy(out, bytes + offset, sizeof(T));
  return true;
}

// A Smi field (value in the upper half on x64 without pointer compression);
// -1 if it is not a non-negative Smi.
int64_t SmiField(const uint8_t* bytes, size_t available, size_t offset) {
  uint64_t word;
  if (!Field(bytes, available, offset, &word) || (word & 0xffffffffu) != 0) return -1;
  int64_t value = static_cast<int32_t>(word >> 32);
  return value;
}

// Objects larger than this are not V8 objects (the largest array is below 2 GiB).
constexpr uint64_t kMaxObjectSize = uint64_t{1} << 34;

}  // namespace

ObjectSizer::ObjectSizer(Heap& heap)
    : heap_(heap), types_(heap.LayoutOf<InstanceTypes>()), recent_(kRecent) {
  const Metadata& md = heap.metadata();
  v8_rules_ = md.rules();
  descriptor_header_ =
      md.FindField("DescriptorArray", {"header_size"}).value_or(v8_rules_.descriptor_header_is_32() ? 32 : 24);
  bytecode_header_ = md.FindField("BytecodeArray", {"data"}).value_or(v8_rules_.trusted_space_headers() ? 64 : 54);
  instruction_header_ =
      md.FindField("InstructionStream", {"instruction_start"}).value_or(v8_rules_.trusted_space_headers() ? 32 : 16);
  rules_.assign(65536, SizeRule::kUnknown);
  std::vector<bool> done(65536, false);
  for (int t = 0; t < 65536; ++t) {
    // Only types something names can be told apart; the rest stay unknown.
    if (t < heap.layout().first_nonstring_type || !types_.Name(t).empty()) {
      rules_[t] = RuleFor(t);
    }
  }
}

SizeRule ObjectSizer::RuleFor(int type) const {
  const Layout& l = heap_.layout();
  if (heap_.IsString(type)) {
    if ((type & l.string_representation_mask) != l.seq_string_tag) return SizeRule::kFixed;
    return (type & l.string_encoding_mask) == l.one_byte_string_tag ? SizeRule::kSeqOneByteString
                                                                    : SizeRule::kSeqTwoByteString;
  }
  const std::string name = types_.Name(type);
  const int fixed_array = types_.Find("FIXED_ARRAY_TYPE"), byte_array = types_.Find("BYTE_ARRAY_TYPE");
  // FIRST_FIXED_ARRAY_TYPE .. LAST_FIXED_ARRAY_TYPE: FixedArray, the hash
  // tables and dictionaries (and in V8 11 a few more FixedArray subclasses)
  // are numbered right up to ByteArray in every generation.
  if (fixed_array >= 0 && byte_array > fixed_array && type >= fixed_array && type < byte_array) {
    return SizeRule::kTaggedArray;
  }
  auto first_context = heap_.metadata().Find("v8dbg_FirstContextType");
  auto last_context = heap_.metadata().Find("v8dbg_LastContextType");
  if (first_context && last_context && type >= *first_context && type <= *last_context) {
    return name == "NATIVE_CONTEXT_TYPE" ? SizeRule::kNativeContext : SizeRule::kTaggedArray;
  }
  static const char* const kTagged[] = {
      "WEAK_FIXED_ARRAY_TYPE",          "TRANSITION_ARRAY_TYPE",         "FIXED_DOUBLE_ARRAY_TYPE",
      "TRUSTED_FIXED_ARRAY_TYPE",       "PROTECTED_FIXED_ARRAY_TYPE",    "TRUSTED_WEAK_FIXED_ARRAY_TYPE",
      "PROTECTED_WEAK_FIXED_ARRAY_TYPE", "CLOSURE_FEEDBACK_CELL_ARRAY_TYPE", "EMBEDDER_DATA_ARRAY_TYPE",
      "EXTERNAL_POINTER_ARRAY_TYPE"};
  for (const char* n : kTagged) {
    if (name == n) return SizeRule::kTaggedArray;
  }
  if (name == "WEAK_ARRAY_LIST_TYPE" || name == "ARRAY_LIST_TYPE") return SizeRule::kArrayList;
  if (name == "SLOPPY_ARGUMENTS_ELEMENTS_TYPE" || name == "SCRIPT_CONTEXT_TABLE_TYPE" ||
      name == "OBJECT_BOILERPLATE_DESCRIPTION_TYPE") {
    return SizeRule::kHeader32Array;
  }
  if (name == "REG_EXP_MATCH_INFO_TYPE") return SizeRule::kRegExpMatchInfo;
  if (name == "BYTE_ARRAY_TYPE" || name == "TRUSTED_BYTE_ARRAY_TYPE") return SizeRule::kByteArray;
  if (name == "BYTECODE_ARRAY_TYPE") return SizeRule::kBytecodeArray;
  if (name == "FREE_SPACE_TYPE") return SizeRule::kFreeSpace;
  if (name == "PROPERTY_ARRAY_TYPE") return SizeRule::kPropertyArray;
  if (name == "DESCRIPTOR_ARRAY_TYPE" || name == "STRONG_DESCRIPTOR_ARRAY_TYPE") return SizeRule::kDescriptorArray;
  if (name == "BIG_INT_BASE_TYPE" || name == "BIGINT_TYPE") return SizeRule::kBigInt;
  if (name == "PREPARSE_DATA_TYPE") return SizeRule::kPreparseData;
  if (name == "FEEDBACK_METADATA_TYPE") return SizeRule::kFeedbackMetadata;
  if (name == "FEEDBACK_VECTOR_TYPE") return SizeRule::kFeedbackVector;
  if (name == "SCOPE_INFO_TYPE") return SizeRule::kScopeInfo;
  if (name == "INSTRUCTION_STREAM_TYPE") return SizeRule::kInstructionStream;
  if (name == "DOUBLE_STRING_CACHE_TYPE") return SizeRule::kDoubleStringCache;
  if (name == "SWISS_NAME_DICTIONARY_TYPE") return SizeRule::kSwissNameDictionary;
  if (name == "HOLE_TYPE") return SizeRule::kHole;
  if (name == "COVERAGE_INFO_TYPE") return SizeRule::kCoverageInfo;
  if (name == "WASM_TYPE_INFO_TYPE") return SizeRule::kWasmTypeInfo;
  if (name == "WASM_DISPATCH_TABLE_TYPE") return SizeRule::kWasmDispatchTable;
  if (name == "WASM_DISPATCH_TABLE_FOR_IMPORTS_TYPE") return SizeRule::kWasmDispatchTableForImports;
  return SizeRule::kUnknown;
}

std::string ObjectSizer::TypeName(int type) const {
  std::string name = types_.Name(type);
  if (!name.empty()) return name;
  return heap_.TypeName(type);
}

const MapFacts ObjectSizer::kNotAMap{};

const MapFacts& ObjectSizer::FactsSlow(uint64_t map, Slot& slot) {
  auto it = maps_.find(map);
  if (it == maps_.end()) {
    MapFacts f;
    const Layout& l = heap_.layout();
    Memory& memory = heap_.memory();
    Tagged t = heap_.Decode(map);
    uint64_t meta_word;
    uint16_t meta_type = 0, type = 0;
    uint8_t words = 0;
    if (t.kind == Tagged::Kind::kStrong && memory.Read(t.address + static_cast<uint64_t>(l.heap_object_map), &meta_word, 8)) {
      Tagged meta = heap_.Decode(meta_word);
      if (meta.kind == Tagged::Kind::kStrong &&
          memory.Read(meta.address + static_cast<uint64_t>(l.map_instance_type), &meta_type, 2) &&
          meta_type == l.map_type && memory.Read(t.address + static_cast<uint64_t>(l.map_instance_type), &type, 2) &&
          memory.Read(t.address + static_cast<uint64_t>(l.map_instance_size_in_words), &words, 1)) {
        f.valid = true;
        f.type = type;
        f.instance_size = static_cast<uint32_t>(words) * 8;
        f.rule = f.instance_size ? SizeRule::kFixed : rules_[type];
        const std::string name = types_.Name(type);
        f.filler = name == "FREE_SPACE_TYPE" || name == "FILLER_TYPE";
      }
    }
    if (maps_.size() >= kMaxMaps) {
      // A corrupt heap full of fake maps: answer without keeping it (an
      // entry handed out must not move or die).
      overflow_ = f;
      return overflow_;
    }
    it = maps_.emplace(map, f).first;
  }
  slot.map = map;
  slot.facts = &it->second;
  return it->second;
}

uint64_t ObjectSizer::InstructionStreamBody(uint64_t address, const uint8_t* bytes, size_t available) {
  if (v8_rules_.instruction_stream_has_body_size()) {
    int32_t body = -1;
    Field(bytes, available, 24, &body);  // body_size, after map, code and relocation info
    return body < 0 ? UINT64_MAX : static_cast<uint64_t>(body);
  }
  // V8 11: the sizes live in the Code object the stream points back to
  // (instruction_size and metadata_size at +0x38 and +0x3c; read from the
  // Code objects of live Node 20 processes and matched against the next
  // object in code space).
  uint64_t code_word;
  if (!Field(bytes, available, 8, &code_word)) return UINT64_MAX;
  Tagged code = heap_.Decode(code_word);
  int32_t sizes[2];
  if (code.kind != Tagged::Kind::kStrong || !heap_.memory().Read(code.address + 0x38, sizes, sizeof sizes)) return UINT64_MAX;
  if (sizes[0] < 0 || sizes[1] < 0) return UINT64_MAX;
  return static_cast<uint64_t>(sizes[0]) + static_cast<uint64_t>(sizes[1]);
}

uint64_t ObjectSizer::SizeOf(uint64_t address, const MapFacts& f, const uint8_t* bytes, size_t available,
                             std::string* why) {
  if (f.rule == SizeRule::kFixed) return f.instance_size;
  auto fail = [&](const char* what) -> uint64_t {
    if (why) *why = std::string(what) + " of a " + TypeName(f.type) + " object";
    return 0;
  };
  auto smi = [&](size_t offset) { return SmiField(bytes, available, offset); };
  auto i32 = [&](size_t offset) {
    int32_t v = -1;
    Field(bytes, available, offset, &v);
    return static_cast<int64_t>(v);
  };
  int64_t n = -1;
  uint64_t size = 0;
  switch (f.rule) {
    case SizeRule::kFixed:
      return f.instance_size;
    case SizeRule::kUnknown:
      if (why) *why = "no size formula for " + TypeName(f.type) + " objects";
      return 0;
    case SizeRule::kSeqOneByteString:
    case SizeRule::kSeqTwoByteString:
      n = i32(static_cast<size_t>(heap_.layout().string_length));
      if (n < 0) return fail("bad length");
      size = RoundUp(16 + static_cast<uint64_t>(n) * (f.rule == SizeRule::kSeqTwoByteString ? 2 : 1), 8);
      break;
    case SizeRule::kTaggedArray:
      if ((n = smi(8)) < 0) return fail("bad length");
      size = 16 + 8 * static_cast<uint64_t>(n);
      break;
    case SizeRule::kArrayList:
      if ((n = smi(8)) < 0) return fail("bad capacity");
      size = 24 + 8 * static_cast<uint64_t>(n);
      break;
    case SizeRule::kHeader32Array:
      if ((n = smi(8)) < 0) return fail("bad length");
      size = 32 + 8 * static_cast<uint64_t>(n);
      break;
    case SizeRule::kRegExpMatchInfo:
      if ((n = smi(8)) < 0) return fail("bad capacity");
      size = 40 + 8 * static_cast<uint64_t>(n);
      break;
    case SizeRule::kByteArray:
      if ((n = smi(8)) < 0) return fail("bad length");
      size = RoundUp(16 + static_cast<uint64_t>(n), 8);
      break;
    case SizeRule::kBytecodeArray:
      if ((n = smi(8)) < 0) return fail("bad length");
      size = RoundUp(static_cast<uint64_t>(bytecode_header_) + static_cast<uint64_t>(n), 8);
      break;
    case SizeRule::kFreeSpace:
      if ((n = smi(8)) < 0) return fail("bad size");
      // V8 13 counts free space in tagged words.
      size = static_cast<uint64_t>(n) * (v8_rules_.free_space_counts_words() ? 8 : 1);
      break;
    case SizeRule::kPropertyArray:
      if ((n = smi(8)) < 0) return fail("bad length");
      size = 16 + 8 * static_cast<uint64_t>(n & 1023);
      break;
    case SizeRule::kDescriptorArray: {
      uint16_t all = 0;
      if (!Field(bytes, available, 8, &all)) return fail("bad descriptor count");
      size = static_cast<uint64_t>(descriptor_header_) + 24 * uint64_t{all};
      break;
    }
    case SizeRule::kBigInt: {
      uint32_t bits = 0;
      if (!Field(bytes, available, 8, &bits)) return fail("bad length");
      size = 16 + 8 * uint64_t{(bits >> 1) & 0x3fffffff};
      break;
    }
    case SizeRule::kPreparseData: {
      int64_t data = i32(8), children = i32(12);
      if (data < 0 || children < 0) return fail("bad lengths");
      size = RoundUp(16 + static_cast<uint64_t>(data), 8) + 8 * static_cast<uint64_t>(children);
      break;
    }
    case SizeRule::kFeedbackMetadata: {
      // 5 bits per slot kind, 6 kinds per int32; V8 13 appends a uint16 per
      // create-closure slot.
      int64_t slots = i32(8), closures = i32(12);
      if (slots < 0 || closures < 0) return fail("bad slot counts");
      size = 16 + 4 * ((static_cast<uint64_t>(slots) + 5) / 6);
      if (v8_rules_.feedback_metadata_has_closure_counts()) size += 2 * static_cast<uint64_t>(closures);
      size = RoundUp(size, 8);
      break;
    }
    case SizeRule::kFeedbackVector:
      if ((n = i32(8)) < 0) return fail("bad length");
      size = (v8_rules_.feedback_vector_header_48() ? 48 : 56) + 8 * static_cast<uint64_t>(n);
      break;
    case SizeRule::kNativeContext:
      if ((n = smi(8)) < 0) return fail("bad length");
      size = 16 + 8 * static_cast<uint64_t>(n) + 8;
      break;
    case SizeRule::kScopeInfo:
      try {
        size = 8 * (1 + static_cast<uint64_t>(ReadScopeInfo(heap_, address).length));
      } catch (const Error& e) {
        if (why) *why = std::string("unreadable ScopeInfo: ") + e.what();
        return 0;
      }
      break;
    case SizeRule::kInstructionStream: {
      uint64_t body = InstructionStreamBody(address, bytes, available);
      if (body == UINT64_MAX || body > kMaxObjectSize) return fail("bad body size");
      size = RoundUp(static_cast<uint64_t>(instruction_header_) + body, heap_.layout().code_alignment);
      break;
    }
    case SizeRule::kDoubleStringCache: {
      uint32_t capacity = 0;
      if (!Field(bytes, available, 8, &capacity)) return fail("bad capacity");
      size = 16 + 16 * uint64_t{capacity};
      break;
    }
    case SizeRule::kSwissNameDictionary:
      // map, hash, capacity (int32 at +12), meta table; then the data table
      // (key, value per entry), the control table (capacity + a group's
      // bytes: the machine's) and a details byte per entry.
      if ((n = i32(12)) < 0) return fail("bad capacity");
      size = RoundUp(24 + 16 * static_cast<uint64_t>(n) + static_cast<uint64_t>(n) + heap_.layout().swiss_group_width +
                         static_cast<uint64_t>(n),
                     8);
      break;
    case SizeRule::kHole:
      size = 8;
      break;
    // WebAssembly (Node's fetch runs llhttp compiled to wasm): read off
    // cores of programs that fetch and instantiate modules, matched against
    // the next object.
    case SizeRule::kWasmTypeInfo:
      // V8 12: map, native type, type index, instance, supertypes length
      // (Smi at +32), supertypes; V8 13+: map, two int32s, the length at +16.
      if (!v8_rules_.wasm_type_info_compact()) {
        if ((n = smi(32)) < 0) return fail("bad supertypes length");
        size = 40 + 8 * static_cast<uint64_t>(n);
      } else {
        if ((n = smi(16)) < 0) return fail("bad supertypes length");
        size = 24 + 8 * static_cast<uint64_t>(n);
      }
      break;
    case SizeRule::kWasmDispatchTable: {
      // map, length and capacity (int32s), then entries of 24 bytes (V8 14:
      // 16); V8 13 adds three words of header.
      uint32_t capacity = 0;
      if (!Field(bytes, available, 12, &capacity)) return fail("bad capacity");
      size = (v8_rules_.wasm_dispatch_table_long_header() ? 40 : 16) +
             (v8_rules_.wasm_dispatch_entries_16() ? 16 : 24) * uint64_t{capacity};
      break;
    }
    case SizeRule::kCoverageInfo:
      // map, slot count (int32), then {start, end, block count} padded to 16
      // bytes per slot (read off cores of programs run with NODE_V8_COVERAGE).
      if ((n = i32(8)) < 0) return fail("bad slot count");
      size = 16 + 16 * static_cast<uint64_t>(n);
      break;
    case SizeRule::kWasmDispatchTableForImports: {
      uint32_t length = 0;
      if (!Field(bytes, available, 8, &length)) return fail("bad length");
      size = 24 + 16 * uint64_t{length};
      break;
    }
  }
  if (size == 0 || size > kMaxObjectSize || (size & 7) != 0) return fail("impossible size");
  return size;
}

}  // namespace nodegdb
