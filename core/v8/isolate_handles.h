// The handles of one isolate that keep objects alive from outside the heap.
// V8's global handles (v8::Global / v8::Persistent): what
// Node's native wrappers (every BaseObject's persistent_handle_), its
// Environment's callbacks and typed arrays and an addon's Globals keep
// alive. They are GC roots the heap itself does not show.
//
// No Isolate offset is in the postmortem metadata, so they are found by
// shape, from the isolate's Heap* (HeapPageSet::heaps) alone. The Isolate
// holds, 3-5 KiB after the start of its embedded Heap (searched: 32 KiB),
// a GlobalHandles* whose object
// starts {Isolate* isolate; NodeSpace* regular_nodes; ...}; the NodeSpace
// starts {GlobalHandles* owner; NodeBlock* first_block; ...}; each NodeBlock
// is 256 nodes then {NodeBlock* next; GlobalHandles* owner; NodeSpace*
// space; ...}, and each node is {Address object; uint16 class_id; uint8
// index; uint8 flags; ...} whose index byte is its place in its block. A
// block is believed only when its 256 index bytes count 0..255 at one node
// stride (32 bytes in V8 11-14) and its trailer names the same owner and
// space: the stride is learned that way, not assumed. flags' low two bits
// are the node's state: 0 free, 1 strong, 2 weak, 3 dying (in a GC).
//
// The Isolate's EternalHandles* (v8::Eternal: Node's per-isolate templates,
// strings and private symbols) sits next to it: {int size; vector<Address*>
// blocks} of 256 slots per block; see FindIsolateHandles.
//
// What may fail: nothing throws. What is not found (no such object near the
// Heap, an unreadable block, a block list longer than kMaxBlocks or with a
// cycle) leaves its list empty or cut and says so in `notes`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/platform/memory.h"

namespace nodegdb {

struct IsolateHandles {
  uint64_t heap = 0;        // the Heap* they were found from
  uint64_t isolate = 0;     // GlobalHandles::isolate_ (0: not found)
  uint64_t global_handles = 0, eternal_handles = 0;  // the objects (0: not found)
  std::vector<uint64_t> strong, weak;  // global handles' values (tagged words), block by block
  std::vector<uint64_t> eternal;       // eternal handles' values, by index
  size_t blocks = 0;                   // global-handle blocks read
  int node_stride = 0;                 // sizeof(GlobalHandles::Node) as the blocks showed it
  std::vector<std::string> notes;      // what could not be read, one line each
};

constexpr size_t kHandleBlockSize = 256;       // nodes per NodeBlock, slots per eternal block
constexpr size_t kMaxHandleBlocks = 1 << 20;   // 268 M handles: beyond that the list is not believed

// Global and eternal handles of the isolate whose Heap is at `heap`.
IsolateHandles FindIsolateHandles(Memory& memory, uint64_t heap);

}  // namespace nodegdb
