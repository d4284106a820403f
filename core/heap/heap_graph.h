// The heap as V8's heap snapshot sees it: a graph of nodes (one per object
// of a heap walk, plus a synthetic root and "(GC roots)") and named edges,
// built in two walks and handed node by node, in node index order, to a
// sink (the .heapsnapshot writer, heap_snapshot.h; the retaining-path
// search, heap_retainers.h). The first walk collects every object's address
// (an edge finds its target's index in constant time: address_index.h); the
// second describes each object (JS objects' properties through per-map
// plans: receiver_slots.h).
//
// Nodes: index 0 is a synthetic root with an element edge to "(GC roots)"
// (index 1) and shortcut edges to each native context's global object;
// "(GC roots)" has an element edge to each root group node-gdb reads, as
// V8 names them: "(Internalized strings)" (the string table: every
// internalized string walked), "(External strings)" (V8's table of
// external strings: every one walked), every isolate's "(Read-only roots)", strong
// root list, "(Builtins)", "(Startup object cache)" and "(Shareable object
// cache)" (isolate_roots.h), its "(Global handles)" (strong and weak edges)
// and "(Eternal handles)" (isolate_handles.h), then each native context.
// Given the threads' stack pointers, "(Stack roots)": their stacks'
// pointers to walked objects (heap_root_groups.h). The threads' handle
// scopes and the embedder's native nodes are not read: what only they
// hold has no path from the root (GraphReport::RootsSummary says so). Node types and names follow V8's generator
// (heap-snapshot-generator.cc): JS objects by their constructor's name
// (ObjectNamer), closures by function name (bound functions "native_bind"),
// strings by their text (at most 1,024 characters), JS objects' backing
// stores "(object properties)" and "(object elements)", other arrays "",
// V8 internals as "system / Map", "system / Context", ...; ids are the object's address + 1
// (odd, as V8's heap object ids are, and stable for one core). Edges: the
// map (internal "map"), named properties (in-object, PropertyArray,
// dictionary), "__proto__", elements by index, context variables by their
// ScopeInfo names, well-known fields by name, a function's Code (V8 13+:
// from the JSDispatchTable, js_dispatch_table.h), and every other tagged slot
// as an internal edge named by its word index (a weak edge if the
// reference is weak). As in V8, Smis make no edge, nor do references to
// oddballs, the empty read-only arrays and the maps V8 deems inessential
// (fixed_array_map, the cell maps, fillers: known by their root names).
//
// What may fail: no heap pages (Error); the heap changing between the two
// walks of a live process that ran (Error; a stopped one cannot change); a
// cancelled walk (the report says so, the sink got part of the nodes). An
// object that cannot be decoded is a node with its slots as internal edges.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/heap/heap_census.h"
#include "core/heap/heap_walk.h"
#include "core/heap/isolate_roots.h"

namespace nodegdb {

namespace heap_graph {
// V8's HeapEntry::Type and HeapGraphEdge::Type, in the order of the snapshot meta's lists.
enum NodeType : int {
  kHidden, kArray, kString, kObject, kCode, kClosure, kRegExp, kNumber, kNative, kSynthetic, kConsString,
  kSlicedString, kSymbol, kBigInt, kObjectShape
};
enum EdgeType : int { kContext, kElement, kProperty, kInternal, kHiddenEdge, kShortcut, kWeak };

}  // namespace heap_graph

struct GraphEdge {
  int type;                // heap_graph::EdgeType
  uint64_t name_or_index;  // a string id, or an index (element, hidden)
  uint64_t to;             // node index
};

// The names of nodes and edges, each once (an id is the name's index),
// known by a 96-bit hash of their text (one pass) in an open-addressing
// table. By default every name's text is
// kept (Text). Given a `spill` function, each new name goes to it instead,
// in id order, and no text is kept, so memory does not grow with the
// heap's text (the benchmark heap has 1.2 M unique 600-character notes).
class GraphStrings {
 public:
  using Spill = std::function<void(std::string_view)>;
  GraphStrings() = default;
  explicit GraphStrings(Spill spill) : spill_(std::move(spill)) {}
  uint32_t Id(std::string_view s);
  // The same in two steps, so the table's cache miss overlaps other work:
  // Prepare hashes the text and prefetches its slot; Id(key, s) looks up.
  struct Key {
    uint64_t a = 0, b = 0;
  };
  Key Prepare(std::string_view s);
  uint32_t Id(const Key& key, std::string_view s);
  size_t size() const { return count_; }
  // Room for about `names` names without growing the table on the way.
  void Reserve(size_t names);
  // The text of `id`; only when not spilling.
  const std::string& Text(uint32_t id) const { return list_[id]; }

 private:
  // 16 bytes: the hash's first half, 32 bits of its second (96 bits tell
  // millions of names apart), and id + 1 (0: empty, so fresh zeroed pages
  // are an empty table: nothing to fill).
  struct Slot {
    uint64_t a;
    uint32_t b;
    uint32_t id1;
  };
  void Grow(size_t size);
  // The table in memory of its own, on huge pages where the kernel gives
  // them: lookups are random over ~100 MB, and TLB misses cost most.
  struct Table {
    Slot* slots = nullptr;
    size_t size = 0, bytes = 0;
    Table() = default;
    explicit Table(size_t n);
    Table(Table&& o) noexcept { *this = std::move(o); }
    Table& operator=(Table&& o) noexcept;
    ~Table();
  };

  Spill spill_;
  size_t count_ = 0;
  Table table_;                   // a power of two, at most half full
  std::deque<std::string> list_;  // every text, when not spilling
};

class GraphSink {
 public:
  virtual ~GraphSink() = default;
  // Node after node, by index; `type` is a heap_graph::NodeType, `name` a string id.
  virtual void Node(int type, uint32_t name, uint64_t id, uint64_t self_size, const std::vector<GraphEdge>& edges) = 0;
};

struct GraphReport {
  WalkReport walk;  // of the last walk made
  uint64_t nodes = 0, edges = 0;
  uint64_t dangling = 0;  // tagged slots pointing to no walked object (no edge made)
  bool cancelled = false;
  // The GC roots found: native contexts, global handles, eternal handles;
  // and what could not be read of them (one line each).
  uint64_t native_contexts = 0, internalized = 0, global_strong = 0, global_weak = 0, eternal = 0;
  uint64_t read_only_roots = 0, strong_roots = 0, builtins = 0, object_caches = 0, external_strings = 0;
  uint64_t stacks = 0, stack_roots = 0;  // threads' stacks read, and the edges they gave
  std::vector<std::string> root_notes;
  // "GC roots: 1 native context, 71 global handles (63 strong, 8 weak), ...; not read: ..." and the notes.
  std::string RootsSummary() const;
};

struct GraphOptions {
  // V8's names of its roots and builtins (isolate_roots.h), for the root
  // groups' edges and the builtins' Code nodes; without them these are
  // numbered and "system / Code".
  RootNames names;
  // One isolate's graph (its Heap*: its pages, the read-only space, its
  // roots), as V8 writes one snapshot per isolate; 0: every isolate's.
  uint64_t heap = 0;
  // Each thread's stack pointer: its stack, from there to the end of its
  // mapping (8 MiB at most), is read as V8's "(Stack roots)" (every word
  // that is a pointer to a walked object; a C++ frame's stale word may be
  // one too). Empty: the stacks are not read (the summary says so).
  std::vector<uint64_t> stack_pointers;
};

GraphReport BuildHeapGraph(HeapWalker& walker, ObjectNamer& namer, GraphStrings& strings, GraphSink& sink,
                           const ProgressFn& progress, const GraphOptions& options = {});

}  // namespace nodegdb
