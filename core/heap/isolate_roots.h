// V8's own GC roots of one isolate, besides its handles (isolate_handles.h)
// and the string table: what V8's heap snapshot lists under (GC roots) as
// "(Read-only roots)", "(Strong root list)", "(Builtins)", "(Startup object
// cache)" and "(Shareable object cache)". Without them the objects only they
// hold (the builtins' Code, the startup snapshot's SharedFunctionInfos and
// strings) have no path from the root and the graph misses their edges.
//
// No Isolate offset is in the postmortem metadata, so they are found by
// shape, from the isolate's Heap* alone; each shape was read from cores of
// Node 20-26 (V8 11-14) and checked against v8.writeHeapSnapshot() of the
// same heaps:
//   - IsolateData, which precedes the Heap in the Isolate, holds the roots
//     table: the read-only roots, then the mutable strong roots, as one run
//     of tagged pointers into heap pages (then the Smi roots), the run
//     with the most pointers into read-only space. Where the read-only part
//     ends is learned from the ReadOnlyHeap's own copy of it (reached by a
//     pointer near the Heap): the words both hold alike, from the first.
//   - IsolateData's builtin table: the longest run of pointers to Code
//     objects (V8 visits it, then its first builtins again from the tier-0
//     table, a shorter copy of its start elsewhere in IsolateData).
//   - The Isolate's startup_object_cache_ and shared_heap_object_cache_: two
//     adjacent std::vectors of tagged values, each ended by undefined, a few
//     KiB after the start of the Heap.
//
// Names (RootNames) come from the binary's own tables, read from memory
// (relocated pointers): RootsTable::root_names_ and builtin_metadata, both
// in the symbol table (.symtab) of every release binary of Node 20-26.
//
// What may fail: nothing throws. What is not found leaves its list empty
// and says so in `notes`; a stripped binary leaves the names empty.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/heap/heap_pages.h"
#include "core/v8/heap.h"

namespace nodegdb {

class Program;

struct IsolateRoots {
  uint64_t heap = 0;
  uint64_t roots_table = 0;        // IsolateData::roots_table_ (0: not found)
  std::vector<uint64_t> read_only; // tagged words, by RootIndex
  std::vector<uint64_t> strong;    // the mutable strong roots after them (Smi roots left out)
  bool read_only_end_guessed = false;  // no ReadOnlyHeap copy: ended at the first non-read-only pointer
  uint64_t builtin_table = 0;      // IsolateData::builtin_table_ (0: not found)
  size_t builtin_count = 0;        // builtins in the table
  std::vector<uint64_t> builtins;  // the table, then the tier-0 builtins again, as V8 visits them
  std::vector<uint64_t> startup_object_cache, shared_heap_object_cache;  // tagged words, undefined last
  bool caches_found = false;
  std::vector<std::string> notes;  // what could not be found, one line each
};

// The roots of the isolate whose Heap is at `heap`. `pages` tells what
// points into the heap and into read-only space.
IsolateRoots FindIsolateRoots(Heap& heap, const HeapPageSet& pages, uint64_t heap_address);

// V8's names of the roots (by RootIndex: "free_space_map", ...) and of the
// builtins (by Builtin id: "DeoptimizationEntry_Eager", ...), each table
// read until its first entry that is not an identifier; empty when the
// binary does not have the tables.
struct RootNames {
  std::vector<std::string> roots, builtins;
};
RootNames ReadRootNames(Program& program);

}  // namespace nodegdb
