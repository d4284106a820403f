#include "core/stack/thrown_value.h"

#include <algorithm>
#include <vector>

#include "core/errors.h"

namespace nodegdb {

namespace {

constexpr uint64_t kMaxStackBytes = 1 << 20, kChunk = 4096;

bool IsError(Heap& heap, int error_type, uint64_t raw) {
  Tagged t = heap.Decode(raw);
  if (t.kind != Tagged::Kind::kStrong) return false;
  try {
    return heap.InstanceTypeOf(t.address) == error_type;
  } catch (const Error&) {
    return false;
  }
}

}  // namespace

std::optional<ThrownValue> FindThrownValue(Heap& heap, uint64_t sp, uint64_t end) {
  const int error_type = heap.metadata().FindType("JS_ERROR_TYPE").value_or(-1);
  if (error_type < 0 || sp % 8 || end <= sp) return std::nullopt;
  end = std::min(end, sp + kMaxStackBytes);
  std::vector<uint64_t> words(kChunk / 8);
  for (uint64_t at = sp; at < end; at += kChunk) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, end - at) / 8);
    if (!heap.memory().Read(at, words.data(), n * 8)) break;  // the stack ends
    for (size_t i = 0; i < n; i++) {
      const uint64_t w = words[i];
      if (IsError(heap, error_type, w)) return ThrownValue{heap.Decode(w).raw, at + 8 * i, false};
      uint64_t slot = 0;
      if (w % 8 == 0 && w > 0x10000 && heap.memory().Read(w, &slot, 8) && IsError(heap, error_type, slot)) {
        return ThrownValue{heap.Decode(slot).raw, at + 8 * i, true};
      }
    }
  }
  return std::nullopt;
}

}  // namespace nodegdb
