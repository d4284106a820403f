// What keeps an object alive: the shortest path of strong edges from the
// heap graph's synthetic root (heap_graph.h) to it, found by a breadth-first
// search over the graph two heap walks build (held in memory as compact
// arrays: a few words per object and per edge). Weak edges are not
// followed, as DevTools' retainer paths do not follow them.
//
// With a path, each object's retained size: what a GC would free without
// it, as Chrome DevTools computes it from the same graph (heap_dominators.h).
//
// The root holds the GC roots node-gdb reads (the native contexts and
// their global objects, global and eternal handles), so an object that only
// the threads' stacks or handle scopes keep (or garbage not yet collected)
// has no path: `found` is false then. Throws Error if the target is not a
// tagged pointer to a walked object, or as BuildHeapGraph does.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/heap/heap_census.h"
#include "core/heap/heap_graph.h"
#include "core/heap/heap_walk.h"

namespace nodegdb {

struct RetainerStep {
  std::string edge_type, edge_name;  // the edge from the step before ("" for the root)
  std::string node_type, node_name;  // as in the snapshot ("synthetic", "" for the root)
  uint64_t tagged = 0;               // the object's tagged pointer (0 for synthetic nodes)
  uint64_t self_size = 0, retained_size = 0;
};

struct RetainingPath {
  bool found = false;
  std::vector<RetainerStep> steps;  // from the root to the target; without a path, the target alone
  GraphReport report;
};

// The graph and, found once, every node's first edge on a shortest path
// from the root: built by two walks, then each path costs its length. Kept
// by a session as long as the heap cannot change.
class RetainerGraph {
 public:
  // Throws as BuildHeapGraph; report().cancelled if a walk was stopped (the graph is then unusable).
  // `options`: as BuildHeapGraph's.
  RetainerGraph(HeapWalker& walker, ObjectNamer& namer, const ProgressFn& progress, const GraphOptions& options = {});
  ~RetainerGraph();
  const GraphReport& report() const { return report_; }
  // The path to `tagged` (throws Error if it is no walked object).
  RetainingPath PathTo(Heap& heap, uint64_t tagged) const { return PathsTo(heap, tagged, 1).front(); }
  // The shortest path, then up to `n - 1` more, each through another of
  // the object's direct retainers (the shortest first): DevTools'
  // Retainers view, one level open. Never empty.
  std::vector<RetainingPath> PathsTo(Heap& heap, uint64_t tagged, size_t n) const;

 private:
  struct Arrays;
  uint32_t NodeOf(Heap& heap, uint64_t tagged) const;
  RetainerStep StepFor(Heap& heap, uint32_t node, uint32_t edge) const;
  RetainingPath PathThrough(Heap& heap, uint32_t node, uint32_t last_edge) const;
  std::unique_ptr<Arrays> arrays_;
  GraphStrings strings_;
  GraphReport report_;
};

// ".probe", "[3]", "context.secret", "(map)": an edge as the path shows it.
std::string EdgeText(const RetainerStep& step);

// The path as lines: "(root)", then "  .probe -> Gadget 0x...", one per
// edge, and a line saying how long it is; or the one line saying there is
// none. Then the object's self and retained sizes.
std::string RetainingPathText(const RetainingPath& path, uint64_t tagged);
// Several paths to the same object ("path 2 of 3" between them), the sizes once, at the end.
std::string RetainingPathsText(const std::vector<RetainingPath>& paths, uint64_t tagged);

}  // namespace nodegdb
