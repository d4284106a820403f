// A small synthetic V8 heap in a memory buffer, laid out with Node 20's
// constants, for testing the decoders without a core file.
#pragma once

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "core/v8/heap.h"
#include "core/platform/memory.h"
#include "core/meta/metadata.h"

namespace nodegdb::testing {

inline std::map<std::string, int64_t> Node20Constants() {
  return {
      {"v8dbg_SmiTag", 0}, {"v8dbg_SmiTagMask", 1}, {"v8dbg_SmiShiftSize", 31}, {"v8dbg_SmiValueShift", 1},
      {"v8dbg_HeapObjectTag", 1}, {"v8dbg_HeapObjectTagMask", 3}, {"v8dbg_SystemPointerSize", 8},
      {"v8dbg_TaggedSize", 8}, {"v8dbg_FirstNonstringType", 128}, {"v8dbg_IsNotStringMask", -128},
      {"v8dbg_StringTag", 0}, {"v8dbg_StringRepresentationMask", 7}, {"v8dbg_StringEncodingMask", 8},
      {"v8dbg_SeqStringTag", 0}, {"v8dbg_ConsStringTag", 1}, {"v8dbg_ExternalStringTag", 2},
      {"v8dbg_SlicedStringTag", 3}, {"v8dbg_ThinStringTag", 5}, {"v8dbg_OneByteStringTag", 8},
      {"v8dbg_TwoByteStringTag", 0},
      {"v8dbg_OddballFalse", 0}, {"v8dbg_OddballTrue", 1}, {"v8dbg_OddballTheHole", 2},
      {"v8dbg_OddballNull", 3}, {"v8dbg_OddballUndefined", 5},
      {"v8dbg_class_HeapObject__map__Map", 0}, {"v8dbg_class_Map__instance_type__uint16_t", 12},
      {"v8dbg_class_Map__instance_size_in_words__char", 8},
      {"v8dbg_class_String__length__int32_t", 12}, {"v8dbg_class_SeqOneByteString__chars__char", 16},
      {"v8dbg_class_SeqTwoByteString__chars__char", 16}, {"v8dbg_class_ConsString__first__String", 16},
      {"v8dbg_class_ConsString__second__String", 24}, {"v8dbg_class_SlicedString__parent__String", 16},
      {"v8dbg_class_SlicedString__offset__SMI", 24}, {"v8dbg_class_ThinString__actual__String", 16},
      {"v8dbg_class_ExternalString__resource__Object", 16}, {"v8dbg_class_HeapNumber__value__double", 8},
      {"v8dbg_class_Oddball__kind_offset__int", 40}, {"v8dbg_class_Symbol__name__Object", 16},
      {"v8dbg_type_Map__MAP_TYPE", 255}, {"v8dbg_type_Oddball__ODDBALL_TYPE", 131},
      {"v8dbg_type_HeapNumber__HEAP_NUMBER_TYPE", 130}, {"v8dbg_type_Symbol__SYMBOL_TYPE", 128},
      {"v8dbg_type_SeqOneByteString__ONE_BYTE_STRING_TYPE", 40},
      {"v8dbg_type_SeqTwoByteString__STRING_TYPE", 32},
      {"v8dbg_type_InternalizedString__ONE_BYTE_INTERNALIZED_STRING_TYPE", 8},
      {"v8dbg_type_ConsString__CONS_ONE_BYTE_STRING_TYPE", 41},
      {"v8dbg_type_ConsString__CONS_STRING_TYPE", 33},
      {"v8dbg_type_SlicedString__SLICED_ONE_BYTE_STRING_TYPE", 43},
      {"v8dbg_type_ExternalOneByteString__EXTERNAL_ONE_BYTE_STRING_TYPE", 42},
  };
}

// Objects are bump-allocated in one region; maps are made on demand.
class FakeHeap {
 public:
  static constexpr uint64_t kBase = 0x10000000;
  // String instance types (Node 20 numbering).
  static constexpr int kSeqOneByte = 40, kSeqTwoByte = 32, kInternalizedOneByte = 8, kConsOneByte = 41,
                       kConsTwoByte = 33, kSlicedOneByte = 43, kThinOneByte = 45, kExternalOneByte = 42;

  FakeHeap() : metadata_(Metadata::FromTable(Node20Constants())) {
    memory_.Map(kBase, std::vector<uint8_t>(kSize, 0));
    meta_map_ = Allocate(80);
    Put64(meta_map_, meta_map_ + 1);
    Put16(meta_map_ + 12, 255);
    heap_ = std::make_unique<Heap>(memory_, metadata_);
  }

  Heap& heap() { return *heap_; }
  BufferMemory& memory() { return memory_; }
  const Metadata& metadata() const { return metadata_; }

  uint64_t Allocate(size_t size) {
    uint64_t a = kBase + used_;
    used_ += (size + 7) & ~size_t{7};
    if (used_ > kSize) throw Error("fake heap full");
    return a;
  }
  uint64_t MapFor(int type) {
    auto it = maps_.find(type);
    if (it != maps_.end()) return it->second;
    uint64_t m = Allocate(80);
    Put64(m, meta_map_ + 1);
    Put16(m + 12, static_cast<uint16_t>(type));
    return maps_[type] = m;
  }
  uint64_t Object(int type, size_t size) {
    uint64_t a = Allocate(size);
    Put64(a, MapFor(type) + 1);
    return a;
  }
  static uint64_t Tag(uint64_t address) { return address + 1; }
  static uint64_t Smi(int64_t v) { return static_cast<uint64_t>(v) << 32; }

  uint64_t SeqOneByte(const std::string& s, bool internalized = false) {
    uint64_t a = Object(internalized ? kInternalizedOneByte : kSeqOneByte, 16 + s.size());
    Put32(a + 12, static_cast<uint32_t>(s.size()));
    Write(a + 16, s.data(), s.size());
    return a;
  }
  uint64_t SeqTwoByte(const std::u16string& s) {
    uint64_t a = Object(kSeqTwoByte, 16 + 2 * s.size());
    Put32(a + 12, static_cast<uint32_t>(s.size()));
    Write(a + 16, s.data(), 2 * s.size());
    return a;
  }
  uint64_t Cons(uint64_t first, uint64_t second, int32_t length, bool one_byte = true) {
    uint64_t a = Object(one_byte ? kConsOneByte : kConsTwoByte, 32);
    Put32(a + 12, static_cast<uint32_t>(length));
    Put64(a + 16, Tag(first));
    Put64(a + 24, Tag(second));
    return a;
  }
  uint64_t Sliced(uint64_t parent, int32_t offset, int32_t length) {
    uint64_t a = Object(kSlicedOneByte, 32);
    Put32(a + 12, static_cast<uint32_t>(length));
    Put64(a + 16, Tag(parent));
    Put64(a + 24, Smi(offset));
    return a;
  }
  uint64_t Thin(uint64_t actual, int32_t length) {
    uint64_t a = Object(kThinOneByte, 24);
    Put32(a + 12, static_cast<uint32_t>(length));
    Put64(a + 16, Tag(actual));
    return a;
  }
  uint64_t External(const std::string& s) {
    uint64_t data = Allocate(s.size());
    Write(data, s.data(), s.size());
    uint64_t a = Object(kExternalOneByte, 32);
    Put32(a + 12, static_cast<uint32_t>(s.size()));
    Put64(a + 16, 0xdead0000);  // the C++ resource object: never read
    Put64(a + 24, data);
    return a;
  }
  uint64_t HeapNumber(double v) {
    uint64_t a = Object(130, 16);
    Write(a + 8, &v, 8);
    return a;
  }
  uint64_t Oddball(int kind) {
    uint64_t a = Object(131, 48);
    Put64(a + 40, Smi(kind));
    return a;
  }
  uint64_t Symbol(uint64_t description_tagged) {
    uint64_t a = Object(128, 24);
    Put64(a + 16, description_tagged);
    return a;
  }

  void Write(uint64_t address, const void* p, size_t n) {
    std::memcpy(memory_.Region(kBase).data() + (address - kBase), p, n);
  }
  void Put64(uint64_t a, uint64_t v) { Write(a, &v, 8); }
  void Put32(uint64_t a, uint32_t v) { Write(a, &v, 4); }
  void Put16(uint64_t a, uint16_t v) { Write(a, &v, 2); }

 private:
  static constexpr size_t kSize = 64 << 20;
  BufferMemory memory_;
  Metadata metadata_;
  std::unique_ptr<Heap> heap_;
  uint64_t meta_map_ = 0;
  size_t used_ = 0;
  std::map<int, uint64_t> maps_;
};

}  // namespace nodegdb::testing
