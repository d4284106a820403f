// A tagged word as V8 stores it: a Smi (small integer), a strong heap
// reference, a weak heap reference, or a cleared weak reference.
#pragma once

#include <cstdint>

namespace nodegdb {

struct TaggingScheme {
  uint64_t smi_tag = 0, smi_tag_mask = 1;
  int smi_value_shift = 32;  // SmiShiftSize + kSmiTagSize
  uint64_t heap_object_tag = 1, heap_object_tag_mask = 3;
  // Not in the postmortem metadata: V8's kWeakHeapObjectTag and the low word
  // of kClearedWeakHeapObject have been 3 since weak references exist.
  uint64_t weak_tag = 3;
  uint32_t cleared_weak_lower32 = 3;
};

struct Tagged {
  enum class Kind { kSmi, kStrong, kWeak, kCleared, kInvalid };
  Kind kind;
  uint64_t raw;
  int64_t smi;       // for kSmi
  uint64_t address;  // for kStrong and kWeak: the object's untagged address

  static Tagged Decode(uint64_t raw, const TaggingScheme& scheme);
  bool is_smi() const { return kind == Kind::kSmi; }
  bool is_heap_object() const { return kind == Kind::kStrong || kind == Kind::kWeak; }
};

}  // namespace nodegdb
