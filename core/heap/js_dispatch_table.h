// V8 13+ (Node 24, 26) run JS functions through leap tiering: a JSFunction
// holds a 32-bit dispatch handle where it held its Code, and the Code is in
// the process-wide JSDispatchTable, an array of 16-byte entries {Address
// entrypoint; uintptr encoded} where encoded is the Code's address shifted
// left 16 bits over the parameter count. The handle is the entry's index
// shifted left 8 bits. (Read from cores of Node 24 and 26: the Code found
// this way is the one V8's own heap snapshot gives each closure.)
//
// The metadata does not locate the table; IsolateData keeps its base (page
// aligned) among the words before the Heap, so each such word is tried
// with a few functions' handles and believed when every sampled entry
// leads to a Code object.
//
// What may fail: nothing throws. Not found (V8 11-12 have no table, or no
// function was sampled) leaves base 0; CodeOf gives 0 for an unreadable
// entry.
#pragma once

#include <cstdint>
#include <vector>

#include "core/heap/heap_pages.h"
#include "core/v8/heap.h"

namespace nodegdb {

struct JSDispatchTable {
  static constexpr uint64_t kEntrySize = 16;
  static constexpr int kHandleShift = 8;      // handle = index << 8
  static constexpr int kObjectPointerShift = 16;

  uint64_t base = 0;  // 0: not found
  // The tagged Code of `handle`'s entry, 0 if its entry cannot be read.
  uint64_t CodeOf(Memory& memory, uint32_t handle, uint64_t heap_object_tag) const;
};

// The table, tried with `handles` (dispatch handles of a few JSFunctions of
// the isolate whose Heap is at `heap_address`; at most 16 are used).
JSDispatchTable FindJSDispatchTable(Heap& heap, const HeapPageSet& pages, uint64_t heap_address,
                                    const std::vector<uint32_t>& handles);

}  // namespace nodegdb
