// The isolate's global and eternal handles (core/v8/isolate_handles.h),
// found by shape near each Heap* the page search gives, and from every
// root as if it were one: whatever the words around them, the search must
// end, stay within its bounds and never read outside what it checks.
//
// Besides crashes and sanitizer reports, a finding (abort): more handles
// than the blocks read can hold, an eternal list longer than its blocks,
// or handles reported without the GlobalHandles they came from.
#include <cstdio>
#include <cstdlib>

#include "core/heap/heap_walk.h"
#include "core/v8/isolate_handles.h"
#include "fuzz/driver.h"

using namespace nodegdb;

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "isolate_handles fuzz target: %s\n", what);
    std::abort();
  }
}

void Search(Memory& memory, uint64_t heap) {
  IsolateHandles h = FindIsolateHandles(memory, heap);
  Check(h.strong.size() + h.weak.size() <= h.blocks * kHandleBlockSize, "more handles than blocks");
  Check(h.blocks <= kMaxHandleBlocks, "more blocks than the bound");
  Check(h.global_handles != 0 || (h.blocks == 0 && h.eternal.empty()), "handles without their GlobalHandles");
  Check(h.eternal_handles != 0 || h.eternal.empty(), "eternal handles without their EternalHandles");
}

}  // namespace

NODEGDB_FUZZ_TARGET(isolate_handles) {
  HeapWalker walker(fuzz.heap());
  fuzz::Try([&] {
    for (uint64_t heap : walker.pages().heaps) Search(fuzz.memory(), heap);
  });
  for (uint64_t root : fuzz.roots()) Search(fuzz.memory(), root);
}
