// The size of any V8 heap object, as HeapObject::SizeFromMap computes it:
// the map's instance size, or for variable-sized objects (instance size 0)
// a formula per instance type over the object's own length fields. A heap
// walk steps from object to object by these sizes, so each formula was
// checked by walking every page of live processes and cores of Node 20, 22,
// 24 and 26 end to end (a wrong size lands on something that is not a map).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/v8/heap.h"
#include "core/meta/instance_types.h"

namespace nodegdb {

// How an instance type's size is computed.
enum class SizeRule : uint8_t {
  kFixed,              // Map::instance_size
  kUnknown,            // variable size, no formula: a walk stops here
  kSeqOneByteString,   // header + length bytes
  kSeqTwoByteString,   // header + 2 * length bytes
  kTaggedArray,        // 16 + 8 * length (Smi at +8): FixedArray and kin, contexts
  kArrayList,          // 24 + 8 * capacity (Smi at +8): WeakArrayList, ArrayList
  kHeader32Array,      // 32 + 8 * capacity: SloppyArgumentsElements, ScriptContextTable, ObjectBoilerplateDescription
  kRegExpMatchInfo,    // 40 + 8 * capacity
  kByteArray,          // 16 + length bytes
  kBytecodeArray,      // header + length bytes
  kFreeSpace,          // its size field (bytes; words from V8 13)
  kPropertyArray,      // 16 + 8 * (length_and_hash & 1023)
  kDescriptorArray,    // header + 24 * number_of_all_descriptors
  kBigInt,             // 16 + 8 * digits
  kPreparseData,       // 16 + data bytes, then 8 * children
  kFeedbackMetadata,   // 16 + 4 * ceil(slots / 6) (+ 2 * create-closure slots from V8 13)
  kFeedbackVector,     // header + 8 * length
  kNativeContext,      // 16 + 8 * slots + the microtask queue pointer
  kScopeInfo,          // its slots, as scope_info.cc reads them
  kInstructionStream,  // header + body, 64-byte aligned
  kDoubleStringCache,  // 16 + 16 * capacity (V8 14)
  kSwissNameDictionary,
  kHole,               // V8 14: a bare map word
  kWasmTypeInfo,       // header + 8 * supertypes
  kWasmDispatchTable,  // header + entry size * capacity
  kWasmDispatchTableForImports,  // V8 14: 24 + 16 * length
  kCoverageInfo,       // 16 + 16 * slots (block coverage, NODE_V8_COVERAGE)
};

struct MapFacts {
  bool valid = false;  // the word is a map (its map's type is MAP_TYPE)
  int type = -1;
  uint32_t instance_size = 0;
  SizeRule rule = SizeRule::kUnknown;
  bool filler = false;  // free space and fillers: not objects
  // The census class of objects with this map (heap_census.h), filled in
  // on first use by the namer whose serial is `class_namer` (each namer
  // numbers classes its own way; a serial is never reused, an address
  // would be): a per-object hash lookup would cost more than the walk.
  mutable uint32_t class_id = UINT32_MAX;
  mutable uint64_t class_namer = 0;
};

class ObjectSizer {
 public:
  explicit ObjectSizer(Heap& heap);

  const InstanceTypes& types() const { return types_; }

  // What the tagged word `map` is, cached per map. The reference stays
  // valid while the sizer lives (visitors fed by one walk look up other
  // maps while the walk's ObjectRef::facts points here), except past
  // kMaxMaps maps (a corrupt heap) where it holds the latest answer only.
  const MapFacts& Facts(uint64_t map) {
    Slot& slot = recent_[(map >> 3) & (kRecent - 1)];
    if (slot.map == map) return *slot.facts;
    return FactsSlow(map, slot);
  }

  // The object's size. `bytes` holds its first `available` bytes (the
  // walk's page buffer). 0 if the object cannot be sized (why in *why).
  uint64_t SizeOf(uint64_t address, const MapFacts& facts, const uint8_t* bytes, size_t available,
                  std::string* why);

  // V8's name of a type, or "type N".
  std::string TypeName(int type) const;

 private:
  // A direct-mapped cache in front of maps_ (whose entries never move): no
  // hash lookup on the walk's hot path.
  // An empty slot answers for the word 0 (a Smi, never a map), so a hit
  // on it is still right; a tagged word such as 1 may be read as a map.
  static const MapFacts kNotAMap;
  struct Slot {
    uint64_t map = 0;
    const MapFacts* facts = &kNotAMap;
  };
  static constexpr size_t kRecent = 512;
  static constexpr size_t kMaxMaps = 1000000;
  const MapFacts& FactsSlow(uint64_t map, Slot& slot);
  SizeRule RuleFor(int type) const;
  uint64_t InstructionStreamBody(uint64_t address, const uint8_t* bytes, size_t available);

  Heap& heap_;
  InstanceTypes types_;
  V8Rules v8_rules_;
  std::vector<SizeRule> rules_;  // by instance type (0..65535)
  std::unordered_map<uint64_t, MapFacts> maps_;
  MapFacts overflow_;  // the answer for a map past kMaxMaps, not kept
  // Most objects share a few maps: a small direct-mapped cache in front.
  std::vector<Slot> recent_;

  int64_t descriptor_header_ = 24, bytecode_header_ = 54, instruction_header_ = 32;
};

}  // namespace nodegdb
