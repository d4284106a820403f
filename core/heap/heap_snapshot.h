// A Chrome DevTools heap snapshot (V8's .heapsnapshot JSON) written from a
// heap walk of a core or a stopped process, so DevTools, memlab and the
// like can read what node-gdb sees.
//
// Two walks: the first collects every object's address (a sorted vector,
// so an edge finds its target's node index by binary search); the second
// writes each object's node and, to a temporary file beside the output,
// its edges. Then the edges are appended, then the string table; the
// header's node and edge counts are space-padded placeholders rewritten at
// the end. Nothing but the addresses and the (deduplicated, 1,024
// characters at most) strings is held in memory.
//
// Nodes: index 0 is a synthetic root with an element edge to "(GC roots)"
// (index 1) and shortcut edges to each native context's global object;
// "(GC roots)" has an element edge to each native context. node-gdb knows
// no other GC roots (handles, stack), so objects reachable only from them
// have no path from the root. Node types and names follow V8's generator
// (heap-snapshot-generator.cc): JS objects by their constructor's name
// (ObjectNamer), closures by function name, strings by their text, V8
// internals as "system / Map", "system / Context", ...; ids are the
// object's address + 1 (odd, as V8's heap object ids are, and stable for
// one core). Edges: the map (internal "map"), named properties (in-object,
// PropertyArray, dictionary), "__proto__", elements by index, context
// variables by their ScopeInfo names, well-known fields by name, and every
// other tagged slot as an internal edge named by its word index (weak
// edge if the reference is weak). Smis make no edge, as in V8.
//
// What may fail: no heap pages (Error), the output or temporary file not
// writable (Error naming it), a cancelled walk (the partial file is removed
// and the report says cancelled), and the heap changing between the walks
// of a live process that ran (Error; a stopped one cannot change).
#pragma once

#include <cstdint>
#include <string>

#include "core/heap/heap_census.h"
#include "core/heap/heap_walk.h"

namespace nodegdb {

struct SnapshotReport {
  uint64_t nodes = 0, edges = 0, strings = 0;
  uint64_t dangling = 0;  // tagged slots pointing to no walked object (no edge made)
  WalkReport walk;        // of the second walk
  bool cancelled = false;
};

// Writes the snapshot of everything `walker` walks to `path`. `progress`
// is called as by HeapWalker::Walk, for both walks (returning false stops).
SnapshotReport WriteHeapSnapshot(HeapWalker& walker, ObjectNamer& namer, const std::string& path,
                                 const ProgressFn& progress);

}  // namespace nodegdb
