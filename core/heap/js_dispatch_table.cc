#include "core/heap/js_dispatch_table.h"

#include <algorithm>
#include <unordered_set>

#include "core/errors.h"
#include "core/platform/memory.h"

namespace nodegdb {

namespace {

constexpr uint64_t kWindowBefore = 0x40000, kWindowAfter = 0x4000;  // IsolateData, the Heap's start
constexpr size_t kSamples = 16;
constexpr uint64_t kBaseAlignment = 0x1000;  // a page (64 KiB in single-isolate processes, not always)

}  // namespace

uint64_t JSDispatchTable::CodeOf(Memory& memory, uint32_t handle, uint64_t heap_object_tag) const {
  uint64_t encoded = 0;
  if (!base || !memory.Read(base + (uint64_t{handle} >> kHandleShift) * kEntrySize + 8, &encoded, 8)) return 0;
  return (encoded >> kObjectPointerShift) | heap_object_tag;
}

JSDispatchTable FindJSDispatchTable(Heap& heap, const HeapPageSet& pages, uint64_t heap_address,
                                    const std::vector<uint32_t>& handles) {
  JSDispatchTable found;
  const int code_type = heap.metadata().FindType("CODE_TYPE").value_or(-1);
  if (handles.empty() || code_type < 0 || heap_address < kWindowBefore) return found;
  const std::vector<uint32_t> samples(handles.begin(), handles.begin() + std::min(handles.size(), kSamples));
  const uint64_t tag = heap.layout().tagging.heap_object_tag;
  auto leads_to_code = [&](const JSDispatchTable& t, uint32_t handle) {
    const Tagged code = heap.Decode(t.CodeOf(heap.memory(), handle, tag));
    if (code.kind != Tagged::Kind::kStrong || !pages.PageOf(code.address)) return false;
    try {
      return heap.InstanceTypeOf(code.address) == code_type;
    } catch (const Error&) {
      return false;
    }
  };
  const std::vector<uint64_t> words =
      ReadWordsOrZero(heap.memory(), heap_address - kWindowBefore, kWindowBefore + kWindowAfter);
  std::unordered_set<uint64_t> tried;
  for (uint64_t w : words) {
    if (w == 0 || w % kBaseAlignment != 0 || pages.PageOf(w) || !tried.insert(w).second) continue;
    JSDispatchTable candidate{w};
    if (std::all_of(samples.begin(), samples.end(), [&](uint32_t h) { return leads_to_code(candidate, h); })) {
      return candidate;
    }
  }
  return found;
}

}  // namespace nodegdb
