// Which words of a heap object may hold tagged pointers, and a way to visit
// them: every 8-byte word of [8, end) where `end` is the object's size, or
// less for objects with raw data after their header (bytecode, machine
// code), or 0 for objects of raw data only (sequential strings, byte arrays,
// numbers, WasmNull's padding). Shared by the reference search (heap_refs.h) and the heap
// snapshot (heap_snapshot.h). A large object's words past the walk's buffer
// are read in chunks; a chunk that cannot be read ends the visit early.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "core/heap/heap_walk.h"

namespace nodegdb {

struct SlotPlan {
  int fixed_double_array = -1, heap_number = -1, wasm_null = -1;
  int64_t bytecode_header = 54, instruction_header = 32;
  // The end of the part of `o` that may hold tagged pointers (0: none).
  uint64_t End(const ObjectRef& o) const;
};

SlotPlan SlotPlanFor(HeapWalker& walker);

// Calls fn(offset, word) for each word of `o` that may be a tagged pointer.
template <typename Fn>
void ForEachSlot(Heap& heap, const SlotPlan& plan, const ObjectRef& o, Fn&& fn) {
  const uint64_t end = plan.End(o);
  if (end <= 8) return;
  const uint64_t in_buffer = std::min<uint64_t>(end, o.available);
  for (uint64_t off = 8; off + 8 <= in_buffer; off += 8) {
    uint64_t w;
    std::memcpy(&w, o.bytes + off, 8);
    fn(off, w);
  }
  // A large object beyond the walk's buffer: the rest in chunks.
  std::vector<uint64_t> chunk;
  for (uint64_t off = in_buffer & ~uint64_t{7}; off < end;) {
    const uint64_t n = std::min<uint64_t>(end - off, 1 << 20) / 8;
    if (n == 0) break;
    chunk.resize(n);
    if (!heap.memory().ReadBulk(o.address + off, chunk.data(), n * 8)) break;
    for (uint64_t i = 0; i < n; ++i) fn(off + 8 * i, chunk[i]);
    off += n * 8;
  }
}

}  // namespace nodegdb
