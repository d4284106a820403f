// The GC root groups of a heap graph (heap_graph.h) besides the native
// contexts, in V8's order: the string table, the external strings, each
// isolate's own roots (isolate_roots.h), its global and eternal handles
// (isolate_handles.h) and its startup and shareable object caches, the
// threads' stacks; and the names they give (V8's root names, the builtins'
// Code names).
//
// What may fail: nothing throws; what is not found is in the report's notes.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/heap/heap_graph.h"
#include "core/heap/heap_walk.h"
#include "core/heap/isolate_roots.h"

namespace nodegdb {

// A GC root group node-gdb reads besides the native contexts: one
// synthetic node as V8 names it, with internal edges (weak edges for weak
// global handles) to the objects it holds, each named as V8's generator
// names it: by the root's name when the object is one of V8's roots
// ("undefined_value"), else "N / DESCRIPTION" where V8 gives a
// description (the builtins' names), else "N" (N: the edge's number).
struct RootGroup {
  std::string name;
  std::vector<std::pair<uint64_t, bool>> values;  // tagged word, weak
  std::vector<std::string> descriptions;          // by value, or none
};

// What the isolates' own roots give the graph besides the groups: the
// names of the objects that are roots, and of the builtins' Code.
struct RootFacts {
  std::unordered_map<uint64_t, std::string> root_names;  // tagged word -> first root name
  std::unordered_map<uint64_t, std::string> builtin_code;  // untagged Code -> "(NAME builtin code)"
  std::vector<uint64_t> inessential;  // untagged: roots no edge goes to (but a root group's)
};

// The groups of `heaps` (Heap*s): the string table (`internalized`) and
// external strings (`external`, untagged addresses), then each isolate's,
// counted into `report`; `facts` gets the names roots give.
std::vector<RootGroup> ReadRootGroups(HeapWalker& walker, const std::vector<uint64_t>& heaps,
                                      const std::vector<uint64_t>& internalized,
                                      const std::vector<uint64_t>& external, const RootNames& names,
                                      RootFacts& facts, GraphReport* report);

// "(Stack roots)": the strong tagged words of each thread's stack, from its
// stack pointer up to the end of the memory range holding it (at most
// kMaxStackBytes), innermost frame first, as V8 lists its frames' slots;
// the threads by their stack pointers' order.
// A stack pointer in no readable range is a note. Counted into `report`.
constexpr uint64_t kMaxStackBytes = uint64_t{8} << 20;
RootGroup ReadStackRoots(Memory& memory, const std::vector<uint64_t>& stack_pointers, uint64_t tag, GraphReport* report);

}  // namespace nodegdb
