// A Chrome DevTools heap snapshot (V8's .heapsnapshot JSON) written from a
// heap walk of a core or a stopped process, so DevTools, memlab and the
// like can read what node-gdb sees.
//
// Two walks (heap_graph.h): the first collects every object's address,
// the second describes each object. Its nodes and new names go, in chunks,
// to a thread that formats them (edges after the nodes, then the string
// table) into the three sections of one file (sectioned_file.h: written
// together, joined at the end without copying where the file system
// collapses ranges); the header's node and edge counts are space-padded
// placeholders rewritten at the end. Nothing but the addresses, the
// names' hashes and a few chunks in flight is held in memory.
//
// The graph (nodes, edges, their names and what node-gdb cannot know, such
// as V8's GC roots other than the native contexts) is heap_graph.h's.
//
// What may fail: no heap pages (Error), the output or temporary file not
// writable or the disk full (Error naming it, from the writing thread;
// a partial file is removed), a cancelled walk
// (the partial file is removed and the report says cancelled), and what
// may fail in BuildHeapGraph.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/heap/heap_census.h"
#include "core/heap/heap_graph.h"
#include "core/heap/heap_walk.h"

namespace nodegdb {

struct SnapshotReport {
  std::string path;       // the file written
  uint64_t heap = 0;      // the isolate's Heap* (0: every isolate in one file)
  std::string isolate;    // its name ("main", "worker-1"), "" for one file of all
  uint64_t nodes = 0, edges = 0, strings = 0;
  uint64_t dangling = 0;  // tagged slots pointing to no walked object (no edge made)
  WalkReport walk;        // of the second walk
  bool cancelled = false;
  std::string roots;      // GraphReport::RootsSummary: the GC roots read and not read
};

// Writes the snapshot of everything `walker` walks to `path`, which must end
// in ".heapsnapshot" (the extension DevTools loads; it also keeps a typo from
// overwriting the core or the binary): Error otherwise. `progress`
// is called as by HeapWalker::Walk, for both walks (returning false stops).
// `options`: as BuildHeapGraph's (options.heap: one isolate's snapshot).
SnapshotReport WriteHeapSnapshot(HeapWalker& walker, ObjectNamer& namer, const std::string& path,
                                 const ProgressFn& progress, const GraphOptions& options = {});

// One snapshot per isolate, as V8 writes one per isolate: `isolates` are
// (Heap*, name) pairs, the main thread's first; its file is `path`, each
// other's `path` with ".NAME" before ".heapsnapshot" (app.worker-1.heapsnapshot).
// An isolate the walker found and `isolates` does not name is added as
// "isolate-N". With one isolate, one file at `path`. `stack_pointers`: the
// threads' (GraphOptions), every isolate's graph taking the words that
// point into it. Stops at the first failure or cancelled walk (the
// reports so far, the last one cancelled).
std::vector<SnapshotReport> WriteIsolateSnapshots(HeapWalker& walker, ObjectNamer& namer, const std::string& path,
                                                  const ProgressFn& progress, const RootNames& names,
                                                  std::vector<std::pair<uint64_t, std::string>> isolates,
                                                  const std::vector<uint64_t>& stack_pointers = {});

}  // namespace nodegdb
