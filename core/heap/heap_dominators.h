// Retained sizes as Chrome DevTools computes them from a heap snapshot: the
// immediate dominator of every node of the heap graph (heap_graph.h) over
// the edges DevTools counts as retaining ("essential"), then each node's
// retained size as its self size plus its dominator-tree children's.
//
// DevTools' rules (its heap snapshot worker, HeapSnapshot.ts), followed so
// that the same file gives the same figures here and in the Memory tab:
//   - weak edges and self edges never retain;
//   - shortcut edges retain only from the root (they mark the user roots,
//     the global objects);
//   - "page objects" are what the user roots reach by non-weak edges; an
//     edge from a non-page object to a page object does not retain, so
//     internal structures that also point at user objects do not become
//     their dominators;
//   - a node no retaining edge reaches from the root is dominated by the
//     root (as if the root held it).
// The dominators are found with Lengauer and Tarjan's algorithm (as
// DevTools does; iterative, so deep graphs need no deep stack).
//
// What may fail: nothing; memory is a few words per node and one per edge.
#pragma once

#include <cstdint>
#include <vector>

namespace nodegdb {

// A graph in compressed rows: node i's edges are [first[i], first[i + 1])
// of `to` and `type` (heap_graph::EdgeType); node 0 is the root.
struct GraphRows {
  const std::vector<uint64_t>& first;
  const std::vector<uint32_t>& to;
  const std::vector<uint8_t>& type;
  const std::vector<uint32_t>& self_size;
};

struct Dominators {
  std::vector<uint32_t> idom;      // by node: its immediate dominator (the root's is itself)
  std::vector<uint64_t> retained;  // by node: its retained size in bytes
};

Dominators ComputeDominators(const GraphRows& graph);

}  // namespace nodegdb
