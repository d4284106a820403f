// The heap snapshot (`v8 heapsnapshot`, `v8 retainers`): the object graph
// of two heap walks (heap_graph.h) built over the seed's memory and checked
// as the .heapsnapshot reader will use it, the retaining-path search over
// it for each root, and the writer itself (heap_snapshot.h) to a temporary
// file. Heap seeds (tools/make_fuzz_seeds.py --heap groups) hold every page
// header and the first bytes of each page.
//
// Besides crashes and sanitizer reports, a graph that breaks what DevTools
// relies on is a finding (abort): nodes handed out of order, an edge to a
// node index that no node has, a name that is no string id, or edge counts
// that do not add up.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/heap/heap_census.h"
#include "core/heap/heap_graph.h"
#include "core/heap/heap_retainers.h"
#include "core/heap/heap_snapshot.h"
#include "core/heap/heap_walk.h"
#include "fuzz/driver.h"

using namespace nodegdb;

namespace {

bool Bounded(const WalkProgress& p) { return p.objects < 100000 && p.bytes_done < (64u << 20); }

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "heap_snapshot fuzz target: %s\n", what);
    std::abort();
  }
}

// Keeps what the writer would write, to check it once the graph is complete.
class CheckingSink : public GraphSink {
 public:
  explicit CheckingSink(const GraphStrings& strings) : strings_(strings) {}
  void Node(int type, uint32_t name, uint64_t id, uint64_t self_size, const std::vector<GraphEdge>& edges) override {
    Check(type >= heap_graph::kHidden && type <= heap_graph::kObjectShape, "node type out of range");
    Check(name < strings_.size(), "node name is no string id");
    for (const GraphEdge& e : edges) {
      Check(e.type >= heap_graph::kContext && e.type <= heap_graph::kWeak, "edge type out of range");
      const bool indexed = e.type == heap_graph::kElement || e.type == heap_graph::kHiddenEdge;
      Check(indexed || e.name_or_index < strings_.size(), "edge name is no string id");
      if (e.to > max_to) max_to = e.to;
    }
    ++nodes;
    edges_total += edges.size();
  }
  uint64_t nodes = 0, edges_total = 0, max_to = 0;

 private:
  const GraphStrings& strings_;
};

std::string TempSnapshotPath() {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir && *dir ? dir : "/tmp") + "/node-gdb-fuzz-" + std::to_string(getpid()) + ".heapsnapshot";
}

}  // namespace

NODEGDB_FUZZ_TARGET(heap_snapshot) {
  HeapWalker walker(fuzz.heap());
  ObjectNamer namer(fuzz.heap(), walker.sizer());
  fuzz::Try([&] {
    GraphStrings strings;
    CheckingSink sink(strings);
    GraphReport report = BuildHeapGraph(walker, namer, strings, sink, Bounded);
    if (report.cancelled) return;
    Check(report.nodes == sink.nodes && report.edges == sink.edges_total, "report counts differ from the nodes'");
    Check(sink.nodes >= 2 && sink.max_to < sink.nodes, "an edge to a node that does not exist");
  });
  fuzz::Try([&] {
    RetainerGraph graph(walker, namer, Bounded);
    if (graph.report().cancelled) return;
    for (uint64_t root : fuzz.roots()) {
      fuzz::Try([&] { RetainingPathText(graph.PathTo(fuzz.heap(), root), root); });
    }
  });
  const std::string path = TempSnapshotPath();
  fuzz::Try([&] { WriteHeapSnapshot(walker, namer, path, Bounded); });
  std::remove(path.c_str());
  std::remove((path + ".edges.tmp").c_str());
}
