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

// The graph in compressed rows: node i's edges are [first[i], first[i + 1]).
class GraphArrays : public GraphSink {
 public:
  explicit GraphArrays(uint64_t target_id) : target_id_(target_id) { first.push_back(0); }
  void Node(int type, uint32_t name, uint64_t id, uint64_t, const std::vector<GraphEdge>& edges) override {
    if (id == target_id_) target = static_cast<int64_t>(node_type.size());
    node_type.push_back(static_cast<uint8_t>(type));
    node_name.push_back(name);
    node_id.push_back(id);
    for (const GraphEdge& e : edges) {
      if (e.type == kWeak) continue;  // a retaining path is made of strong references
      to.push_back(static_cast<uint32_t>(e.to));
      edge_type.push_back(static_cast<uint8_t>(e.type));
      edge_name.push_back(e.name_or_index > std::numeric_limits<uint32_t>::max()
                              ? std::numeric_limits<uint32_t>::max()
                              : static_cast<uint32_t>(e.name_or_index));
    }
    first.push_back(to.size());
  }
  std::vector<uint64_t> first;
  std::vector<uint32_t> to, edge_name, node_name;
  std::vector<uint8_t> edge_type, node_type;
  std::vector<uint64_t> node_id;
  int64_t target = -1;

 private:
  uint64_t target_id_;
};

}  // namespace

RetainingPath FindRetainingPath(HeapWalker& walker, ObjectNamer& namer, uint64_t tagged, const ProgressFn& progress) {
  Heap& heap = walker.heap();
  Tagged t = heap.Decode(tagged);
  if (t.kind != Tagged::Kind::kStrong) throw Error(Hex(tagged) + " is not a tagged heap object pointer");
  heap.MapOf(t.address);  // a word that is no object is one line
  RetainingPath path;
  GraphStrings strings;
  GraphArrays graph(t.address + 1);
  path.report = BuildHeapGraph(walker, namer, strings, graph, progress);
  if (path.report.cancelled) return path;
  if (graph.target < 0) throw Error(Hex(tagged) + " is not an object the heap walk visits (a pointer into an object?)");
  const size_t n = graph.node_type.size();
  const uint32_t kNone = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> parent_edge(n, kNone);  // the edge index that reached the node first
  std::vector<bool> seen(n, false);
  std::deque<uint32_t> queue{0};
  seen[0] = true;
  const auto target = static_cast<uint32_t>(graph.target);
  std::vector<uint32_t> edge_from(graph.to.size());
  for (size_t i = 0; i < n; ++i) {
    for (uint64_t e = graph.first[i]; e < graph.first[i + 1]; ++e) edge_from[e] = static_cast<uint32_t>(i);
  }
  while (!queue.empty() && !seen[target]) {
    const uint32_t node = queue.front();
    queue.pop_front();
    for (uint64_t e = graph.first[node]; e < graph.first[node + 1]; ++e) {
      const uint32_t next = graph.to[e];
      if (seen[next]) continue;
      seen[next] = true;
      parent_edge[next] = static_cast<uint32_t>(e);
      queue.push_back(next);
    }
  }
  if (!seen[target]) return path;
  path.found = true;
  const uint64_t tag = heap.layout().tagging.heap_object_tag;
  auto step_for = [&](uint32_t node, uint32_t edge) {
    RetainerStep s;
    const uint8_t nt = graph.node_type[node];
    s.node_type = nt < std::size(kNodeTypes) ? kNodeTypes[nt] : "?";
    s.node_name = strings.list()[graph.node_name[node]];
    s.tagged = nt == kSynthetic ? 0 : graph.node_id[node] - 1 + tag;
    if (edge != kNone) {
      const uint8_t et = graph.edge_type[edge];
      s.edge_type = et < std::size(kEdgeTypes) ? kEdgeTypes[et] : "?";
      const uint32_t name = graph.edge_name[edge];
      s.edge_name = (et == kElement || et == kHiddenEdge) ? std::to_string(name) : strings.list()[name];
    }
    return s;
  };
  for (uint32_t node = target;;) {
    const uint32_t edge = parent_edge[node];
    path.steps.push_back(step_for(node, edge));
    if (edge == kNone) break;
    node = edge_from[edge];
  }
  std::reverse(path.steps.begin(), path.steps.end());
  return path;
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
