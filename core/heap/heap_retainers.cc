#include "core/heap/heap_retainers.h"

#include <algorithm>
#include <deque>
#include <iterator>
#include <limits>

namespace nodegdb {

namespace {

using namespace heap_graph;

const char* const kNodeTypes[] = {"hidden", "array", "string", "object", "code", "closure", "regexp", "number",
                                  "native", "synthetic", "concatenated string", "sliced string", "symbol",
                                  "bigint", "object shape"};
const char* const kEdgeTypes[] = {"context", "element", "property", "internal", "hidden", "shortcut", "weak"};

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

// The graph in compressed rows: node i's strong edges are [first[i], first[i + 1]).
class GraphArrays : public GraphSink {
 public:
  GraphArrays() { first.push_back(0); }
  void Node(int type, uint32_t name, uint64_t id, uint64_t, const std::vector<GraphEdge>& edges) override {
    node_type.push_back(static_cast<uint8_t>(type));
    node_name.push_back(name);
    node_id.push_back(id);
    for (const GraphEdge& e : edges) {
      if (e.type == kWeak) continue;  // a retaining path is made of strong references
      to.push_back(static_cast<uint32_t>(e.to));
      edge_type.push_back(static_cast<uint8_t>(e.type));
      edge_name.push_back(e.name_or_index > kNone ? kNone : static_cast<uint32_t>(e.name_or_index));
    }
    first.push_back(to.size());
  }
  std::vector<uint64_t> first;
  std::vector<uint32_t> to, edge_name, node_name;
  std::vector<uint8_t> edge_type, node_type;
  std::vector<uint64_t> node_id;
};

}  // namespace

struct RetainerGraph::Arrays {
  GraphArrays graph;
  std::vector<uint32_t> parent_edge;  // by node: the edge that first reached it (kNone: the root, or unreached)
  std::vector<uint32_t> edge_from;    // by edge: its source node
  std::vector<std::pair<uint64_t, uint32_t>> by_id;  // (node id, index), sorted
};

RetainerGraph::RetainerGraph(HeapWalker& walker, ObjectNamer& namer, const ProgressFn& progress)
    : arrays_(std::make_unique<Arrays>()) {
  report_ = BuildHeapGraph(walker, namer, strings_, arrays_->graph, progress);
  if (report_.cancelled) return;
  const GraphArrays& g = arrays_->graph;
  const size_t n = g.node_type.size();
  arrays_->edge_from.resize(g.to.size());
  for (size_t i = 0; i < n; ++i) {
    for (uint64_t e = g.first[i]; e < g.first[i + 1]; ++e) arrays_->edge_from[e] = static_cast<uint32_t>(i);
  }
  arrays_->by_id.reserve(n);
  for (size_t i = 0; i < n; ++i) arrays_->by_id.push_back({g.node_id[i], static_cast<uint32_t>(i)});
  std::sort(arrays_->by_id.begin(), arrays_->by_id.end());
  // Breadth first from the root: each node's first edge is on a shortest path.
  std::vector<uint32_t>& parent = arrays_->parent_edge;
  parent.assign(n, kNone);
  std::vector<bool> seen(n, false);
  std::deque<uint32_t> queue{0};
  seen[0] = true;
  while (!queue.empty()) {
    const uint32_t node = queue.front();
    queue.pop_front();
    for (uint64_t e = g.first[node]; e < g.first[node + 1]; ++e) {
      const uint32_t next = g.to[e];
      if (seen[next]) continue;
      seen[next] = true;
      parent[next] = static_cast<uint32_t>(e);
      queue.push_back(next);
    }
  }
}

RetainerGraph::~RetainerGraph() = default;

RetainingPath RetainerGraph::PathTo(Heap& heap, uint64_t tagged) const {
  Tagged t = heap.Decode(tagged);
  if (t.kind != Tagged::Kind::kStrong) throw Error(Hex(tagged) + " is not a tagged heap object pointer");
  const GraphArrays& g = arrays_->graph;
  auto it = std::lower_bound(arrays_->by_id.begin(), arrays_->by_id.end(), std::make_pair(t.address + 1, uint32_t{0}));
  if (it == arrays_->by_id.end() || it->first != t.address + 1) {
    heap.MapOf(t.address);  // a word that is no object says so
    throw Error(Hex(tagged) + " is not an object the heap walk visits (a pointer into an object?)");
  }
  const uint32_t target = it->second;
  RetainingPath path;
  path.report = report_;
  if (target != 0 && arrays_->parent_edge[target] == kNone) return path;
  path.found = true;
  const uint64_t tag = heap.layout().tagging.heap_object_tag;
  auto step_for = [&](uint32_t node, uint32_t edge) {
    RetainerStep s;
    const uint8_t nt = g.node_type[node];
    s.node_type = nt < std::size(kNodeTypes) ? kNodeTypes[nt] : "?";
    s.node_name = strings_.Text(g.node_name[node]);
    s.tagged = nt == kSynthetic ? 0 : g.node_id[node] - 1 + tag;
    if (edge != kNone) {
      const uint8_t et = g.edge_type[edge];
      s.edge_type = et < std::size(kEdgeTypes) ? kEdgeTypes[et] : "?";
      const uint32_t name = g.edge_name[edge];
      s.edge_name = (et == kElement || et == kHiddenEdge) ? std::to_string(name) : strings_.Text(name);
    }
    return s;
  };
  for (uint32_t node = target;;) {
    const uint32_t edge = arrays_->parent_edge[node];
    path.steps.push_back(step_for(node, edge));
    if (edge == kNone) break;
    node = arrays_->edge_from[edge];
  }
  std::reverse(path.steps.begin(), path.steps.end());
  return path;
}

RetainingPath FindRetainingPath(HeapWalker& walker, ObjectNamer& namer, uint64_t tagged, const ProgressFn& progress) {
  Heap& heap = walker.heap();
  Tagged t = heap.Decode(tagged);
  if (t.kind != Tagged::Kind::kStrong) throw Error(Hex(tagged) + " is not a tagged heap object pointer");
  heap.MapOf(t.address);  // a word that is no object is one line, before two walks
  RetainerGraph graph(walker, namer, progress);
  if (graph.report().cancelled) {
    RetainingPath path;
    path.report = graph.report();
    return path;
  }
  return graph.PathTo(heap, tagged);
}

std::string EdgeText(const RetainerStep& s) {
  if (s.edge_type == "property") return "." + s.edge_name;
  if (s.edge_type == "element") return "[" + s.edge_name + "]";
  if (s.edge_type == "context") return "context." + s.edge_name;
  if (s.edge_type == "shortcut") return "(shortcut)";
  if (s.edge_type == "hidden") return "(hidden " + s.edge_name + ")";
  return "(" + s.edge_name + ")";  // internal
}

std::string RetainingPathText(const RetainingPath& path, uint64_t tagged) {
  if (!path.found) {
    return "no path of strong references from the root to " + Hex(tagged) +
           " (the root holds the native contexts and their global objects only: what only handles or the stack "
           "keep, or garbage, has none)\n";
  }
  std::string out = "(root)\n";
  for (size_t i = 1; i < path.steps.size(); ++i) {
    const RetainerStep& s = path.steps[i];
    out += "  " + EdgeText(s) + " -> " + (s.node_name.empty() ? "(" + s.node_type + ")" : s.node_name);
    if (s.tagged) out += " " + Hex(s.tagged);
    out += "\n";
  }
  const size_t edges = path.steps.size() - 1;
  out += std::to_string(edges) + (edges == 1 ? " edge" : " edges") + " from the root to " + Hex(tagged) +
         " (a shortest path of strong references)\n";
  return out;
}

}  // namespace nodegdb
