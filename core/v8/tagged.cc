#include "core/v8/tagged.h"

namespace nodegdb {

Tagged Tagged::Decode(uint64_t raw, const TaggingScheme& s) {
  Tagged t{Kind::kInvalid, raw, 0, 0};
  if ((raw & s.smi_tag_mask) == s.smi_tag) {
    // The bits below the value are all zero in a real Smi (on x64 without
    // pointer compression, the whole low word): 0x1234 is not a Smi.
    uint64_t below_value = s.smi_value_shift >= 64 ? ~uint64_t{0} : (uint64_t{1} << s.smi_value_shift) - 1;
    if ((raw & below_value) != 0) return t;
    t.kind = Kind::kSmi;
    t.smi = static_cast<int64_t>(raw) >> s.smi_value_shift;
    return t;
  }
  if (static_cast<uint32_t>(raw) == s.cleared_weak_lower32) {
    t.kind = Kind::kCleared;
    return t;
  }
  uint64_t tag = raw & s.heap_object_tag_mask;
  if (tag == s.heap_object_tag) {
    t.kind = Kind::kStrong;
  } else if (tag == s.weak_tag) {
    t.kind = Kind::kWeak;
  } else {
    return t;
  }
  t.address = raw & ~s.heap_object_tag_mask;
  return t;
}

}  // namespace nodegdb
