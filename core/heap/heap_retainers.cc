#include "core/heap/heap_retainers.h"

#include <algorithm>
#include <deque>
#include <iterator>
#include <limits>

#include "core/heap/heap_dominators.h"

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
  void Node(int type, uint32_t name, uint64_t id, uint64_t self_size, const std::vector<GraphEdge>& edges) override {
    node_type.push_back(static_cast<uint8_t>(type));
    node_size.push_back(static_cast<uint32_t>(std::min<uint64_t>(self_size, kNone)));
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
  std::vector<uint32_t> to, edge_name, node_name, node_size;
  std::vector<uint8_t> edge_type, node_type;
  std::vector<uint64_t> node_id;
};

}  // namespace

struct RetainerGraph::Arrays {
  GraphArrays graph;
  std::vector<uint32_t> parent_edge;  // by node: the edge that first reached it (kNone: the root, or unreached)
  std::vector<uint32_t> edge_from;    // by edge: its source node
  std::vector<std::pair<uint64_t, uint32_t>> by_id;  // (node id, index), sorted
  std::vector<uint32_t> depth;        // by node: edges from the root on a shortest path (kNone: unreached)
  Dominators dominators;
};

RetainerGraph::RetainerGraph(HeapWalker& walker, ObjectNamer& namer, const ProgressFn& progress, const GraphOptions& options)
    : arrays_(std::make_unique<Arrays>()) {
  report_ = BuildHeapGraph(walker, namer, strings_, arrays_->graph, progress, options);
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
  std::vector<uint32_t>& depth = arrays_->depth;
  parent.assign(n, kNone);
  depth.assign(n, kNone);
  std::deque<uint32_t> queue{0};
  depth[0] = 0;
  while (!queue.empty()) {
    const uint32_t node = queue.front();
    queue.pop_front();
    for (uint64_t e = g.first[node]; e < g.first[node + 1]; ++e) {
      const uint32_t next = g.to[e];
      if (depth[next] != kNone) continue;
      depth[next] = depth[node] + 1;
      parent[next] = static_cast<uint32_t>(e);
      queue.push_back(next);
    }
  }
  arrays_->dominators = ComputeDominators({g.first, g.to, g.edge_type, g.node_size});
}

RetainerGraph::~RetainerGraph() = default;

uint32_t RetainerGraph::NodeOf(Heap& heap, uint64_t tagged) const {
  Tagged t = heap.Decode(tagged);
  if (t.kind != Tagged::Kind::kStrong) throw Error(Hex(tagged) + " is not a tagged heap object pointer");
  auto it = std::lower_bound(arrays_->by_id.begin(), arrays_->by_id.end(), std::make_pair(t.address + 1, uint32_t{0}));
  if (it == arrays_->by_id.end() || it->first != t.address + 1) {
    heap.MapOf(t.address);  // a word that is no object says so
    throw Error(Hex(tagged) + " is not an object the heap walk visits (a pointer into an object?)");
  }
  return it->second;
}

RetainerStep RetainerGraph::StepFor(Heap& heap, uint32_t node, uint32_t edge) const {
  const GraphArrays& g = arrays_->graph;
  RetainerStep s;
  const uint8_t nt = g.node_type[node];
  s.node_type = nt < std::size(kNodeTypes) ? kNodeTypes[nt] : "?";
  s.node_name = strings_.Text(g.node_name[node]);
  s.tagged = nt == kSynthetic ? 0 : g.node_id[node] - 1 + heap.layout().tagging.heap_object_tag;
  s.self_size = g.node_size[node];
  s.retained_size = arrays_->dominators.retained[node];
  if (edge != kNone) {
    const uint8_t et = g.edge_type[edge];
    s.edge_type = et < std::size(kEdgeTypes) ? kEdgeTypes[et] : "?";
    const uint32_t name = g.edge_name[edge];
    s.edge_name = (et == kElement || et == kHiddenEdge) ? std::to_string(name) : strings_.Text(name);
  }
  return s;
}

// The shortest path to `node`, then `last_edge` (kNone: none) from it.
RetainingPath RetainerGraph::PathThrough(Heap& heap, uint32_t node, uint32_t last_edge) const {
  RetainingPath path;
  path.report = report_;
  if (last_edge != kNone) path.steps.push_back(StepFor(heap, arrays_->graph.to[last_edge], last_edge));
  for (;;) {
    const uint32_t edge = arrays_->parent_edge[node];
    path.steps.push_back(StepFor(heap, node, edge));
    if (edge == kNone) break;
    node = arrays_->edge_from[edge];
  }
  std::reverse(path.steps.begin(), path.steps.end());
  return path;
}

std::vector<RetainingPath> RetainerGraph::PathsTo(Heap& heap, uint64_t tagged, size_t n) const {
  const uint32_t target = NodeOf(heap, tagged);
  const std::vector<uint32_t>& depth = arrays_->depth;
  if (depth[target] == kNone) {
    RetainingPath none;
    none.report = report_;
    none.steps.push_back(StepFor(heap, target, kNone));
    return {none};
  }
  std::vector<RetainingPath> paths{PathThrough(heap, target, kNone)};
  paths.front().found = true;
  if (n <= 1 || target == 0) return paths;
  // The other direct retainers the root reaches, nearest first (one path each).
  const GraphArrays& g = arrays_->graph;
  const uint32_t first_edge = arrays_->parent_edge[target];
  std::vector<std::pair<uint32_t, uint32_t>> others;  // (depth, edge)
  std::vector<uint32_t> sources;
  for (uint64_t e = 0; e < g.to.size(); ++e) {
    if (g.to[e] != target || e == first_edge) continue;
    const uint32_t from = arrays_->edge_from[e];
    if (depth[from] == kNone || from == target) continue;
    others.push_back({depth[from], static_cast<uint32_t>(e)});
  }
  std::stable_sort(others.begin(), others.end());
  sources.push_back(arrays_->edge_from[first_edge]);
  for (auto [d, e] : others) {
    if (paths.size() >= n) break;
    const uint32_t from = arrays_->edge_from[e];
    if (std::find(sources.begin(), sources.end(), from) != sources.end()) continue;  // one path per retainer
    sources.push_back(from);
    paths.push_back(PathThrough(heap, from, e));
    paths.back().found = true;
  }
  return paths;
}

std::string EdgeText(const RetainerStep& s) {
  if (s.edge_type == "property") return "." + s.edge_name;
  if (s.edge_type == "element") return "[" + s.edge_name + "]";
  if (s.edge_type == "context") return "context." + s.edge_name;
  if (s.edge_type == "shortcut") return "(shortcut)";
  if (s.edge_type == "hidden") return "(hidden " + s.edge_name + ")";
  return "(" + s.edge_name + ")";  // internal
}

namespace {

std::string WithCommas(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string PathLines(const RetainingPath& path, uint64_t tagged, bool shortest) {
  if (!path.found) {
    return "no path of strong references from the root to " + Hex(tagged) +
           " (the root holds the native contexts, their global objects and the global and eternal handles: "
           "what only the threads' stacks or handle scopes keep, or garbage, has none)\n";
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
         (shortest ? " (a shortest path of strong references)\n" : " (a shortest path through this retainer)\n");
  return out;
}

std::string SizesLine(const RetainingPath& path, uint64_t tagged) {
  const RetainerStep& t = path.steps.back();
  return Hex(tagged) + ": self size " + WithCommas(t.self_size) + " bytes, retained size " +
         WithCommas(t.retained_size) + " bytes (what a GC would free without it, as DevTools computes it)\n";
}

}  // namespace

std::string RetainingPathText(const RetainingPath& path, uint64_t tagged) {
  return PathLines(path, tagged, true) + SizesLine(path, tagged);
}

std::string RetainingPathsText(const std::vector<RetainingPath>& paths, uint64_t tagged) {
  std::string out;
  for (size_t i = 0; i < paths.size(); ++i) {
    if (i) out += "path " + std::to_string(i + 1) + " of " + std::to_string(paths.size()) + ", through another retainer:\n";
    out += PathLines(paths[i], tagged, i == 0);
  }
  return out + SizesLine(paths.front(), tagged);
}

}  // namespace nodegdb
