#include "core/heap/heap_dominators.h"

#include "core/heap/heap_graph.h"

namespace nodegdb {
namespace {

using namespace heap_graph;

// Which nodes the user roots (the root's shortcut edges) reach by non-weak edges.
std::vector<bool> PageObjects(const GraphRows& g) {
  const size_t n = g.first.size() - 1;
  std::vector<bool> page(n, false);
  std::vector<uint32_t> stack;
  for (uint64_t e = g.first[0]; e < g.first[1]; ++e) {
    if (g.type[e] == kShortcut && !page[g.to[e]]) page[g.to[e]] = true, stack.push_back(g.to[e]);
  }
  while (!stack.empty()) {
    const uint32_t v = stack.back();
    stack.pop_back();
    for (uint64_t e = g.first[v]; e < g.first[v + 1]; ++e) {
      if (g.type[e] != kWeak && !page[g.to[e]]) page[g.to[e]] = true, stack.push_back(g.to[e]);
    }
  }
  return page;
}

// Lengauer-Tarjan over the essential edges, in 1-based vertex numbers (0: none).
class LengauerTarjan {
 public:
  explicit LengauerTarjan(const GraphRows& g) : g_(g), n_(g.first.size() - 1), page_(PageObjects(g)) {
    essential_.resize(g.to.size());
    for (uint32_t v = 0; v < n_; ++v) {
      for (uint64_t e = g.first[v]; e < g.first[v + 1]; ++e) essential_[e] = Essential(v, e);
    }
    BuildRetainers();
  }

  std::vector<uint32_t> Run() {
    parent_.assign(n_ + 1, 0), ancestor_.assign(n_ + 1, 0), vertex_.assign(n_ + 1, 0);
    label_.assign(n_ + 1, 0), semi_.assign(n_ + 1, 0), next_edge_.assign(n_ + 1, 0);
    const uint32_t r = 1;
    Dfs(r);
    // What the root does not reach: first each node nothing retains, as a
    // child of the root, with what it reaches; then every node left.
    for (uint32_t v = 2; v <= n_ && count_ < n_; ++v) {
      if (semi_[v] == 0 && retainer_first_[v - 1] == retainer_first_[v]) parent_[v] = r, Dfs(v);
    }
    for (uint32_t v = 2; v <= n_ && count_ < n_; ++v) {
      if (semi_[v] == 0) parent_[v] = r, semi_[v] = ++count_, vertex_[count_] = label_[v] = v;
    }
    return Dominate(r);
  }

 private:
  bool Essential(uint32_t from, uint64_t e) const {
    const uint32_t to = g_.to[e];
    if (to == from || g_.type[e] == kWeak) return false;
    if (from == 0) return true;
    if (g_.type[e] == kShortcut) return false;
    return !(page_[to] && !page_[from]);
  }

  // Each node's essential retainers (source nodes), in compressed rows.
  void BuildRetainers() {
    retainer_first_.assign(n_ + 1, 0);
    for (uint64_t e = 0; e < g_.to.size(); ++e) {
      if (essential_[e]) ++retainer_first_[g_.to[e] + 1];
    }
    for (size_t i = 0; i < n_; ++i) retainer_first_[i + 1] += retainer_first_[i];
    retainers_.resize(retainer_first_[n_]);
    std::vector<uint64_t> fill(retainer_first_.begin(), retainer_first_.end() - 1);
    for (uint32_t v = 0; v < n_; ++v) {
      for (uint64_t e = g_.first[v]; e < g_.first[v + 1]; ++e) {
        if (essential_[e]) retainers_[fill[g_.to[e]]++] = v;
      }
    }
  }

  void Dfs(uint32_t root) {
    next_edge_[root] = 0;
    for (uint32_t v = root; v != 0;) {
      if (semi_[v] == 0) semi_[v] = ++count_, vertex_[count_] = label_[v] = v;
      uint32_t next = parent_[v];
      const uint64_t end = g_.first[v];  // first[(v - 1) + 1]
      for (uint64_t& e = next_edge_[v]; g_.first[v - 1] + e < end; ++e) {
        const uint64_t edge = g_.first[v - 1] + e;
        if (!essential_[edge]) continue;
        const uint32_t w = g_.to[edge] + 1;
        if (semi_[w] == 0) {
          parent_[w] = v, next_edge_[w] = 0, next = w;
          break;
        }
      }
      v = next;
    }
  }

  void Compress(uint32_t v) {
    stack_.clear();
    while (ancestor_[ancestor_[v]] != 0) stack_.push_back(v), v = ancestor_[v];
    while (!stack_.empty()) {
      const uint32_t w = stack_.back();
      stack_.pop_back();
      if (semi_[label_[ancestor_[w]]] < semi_[label_[w]]) label_[w] = label_[ancestor_[w]];
      ancestor_[w] = ancestor_[ancestor_[w]];
    }
  }

  uint32_t Eval(uint32_t v) {
    if (ancestor_[v] == 0) return v;
    Compress(v);
    return label_[v];
  }

  std::vector<uint32_t> Dominate(uint32_t r) {
    std::vector<uint32_t> dom(n_ + 1, 0), bucket_head(n_ + 1, 0), bucket_next(n_ + 1, 0);
    for (uint32_t i = count_; i >= 2; --i) {
      const uint32_t w = vertex_[i];
      const uint64_t begin = retainer_first_[w - 1], end = retainer_first_[w];
      if (begin == end) semi_[w] = semi_[r];  // no retainer: held by the root
      for (uint64_t k = begin; k < end; ++k) {
        const uint32_t u = Eval(retainers_[k] + 1);
        if (semi_[u] < semi_[w]) semi_[w] = semi_[u];
      }
      const uint32_t s = vertex_[semi_[w]];
      bucket_next[w] = bucket_head[s], bucket_head[s] = w;
      ancestor_[w] = parent_[w];  // link
      const uint32_t p = parent_[w];
      for (uint32_t v = bucket_head[p]; v != 0; v = bucket_next[v]) {
        const uint32_t u = Eval(v);
        dom[v] = semi_[u] < semi_[v] ? u : p;
      }
      bucket_head[p] = 0;
    }
    // A node whose bucket was never emptied (in a cycle the root does not
    // reach) gets dom 0, which resolves to the root, as in DevTools.
    dom[0] = dom[r] = r;
    for (uint32_t i = 2; i <= count_; ++i) {
      const uint32_t w = vertex_[i];
      if (dom[w] != vertex_[semi_[w]]) dom[w] = dom[dom[w]];
    }
    order_.assign(vertex_.begin() + 1, vertex_.begin() + 1 + count_);
    return dom;
  }

 public:
  std::vector<uint32_t> order_;  // vertices in DFS order (1-based numbers)

 private:
  const GraphRows& g_;
  const uint32_t n_;
  std::vector<bool> page_, essential_;
  std::vector<uint64_t> retainer_first_;
  std::vector<uint32_t> retainers_;
  std::vector<uint32_t> parent_, ancestor_, vertex_, label_, semi_;
  std::vector<uint64_t> next_edge_;
  std::vector<uint32_t> stack_;
  uint32_t count_ = 0;
};

}  // namespace

Dominators ComputeDominators(const GraphRows& graph) {
  Dominators out;
  const size_t n = graph.first.size() - 1;
  if (n == 0) return out;
  LengauerTarjan lt(graph);
  const std::vector<uint32_t> dom = lt.Run();
  out.idom.resize(n);
  out.retained.resize(n);
  for (size_t v = 0; v < n; ++v) out.idom[v] = dom[v + 1] - 1, out.retained[v] = graph.self_size[v];
  // Children before their dominators: reverse DFS order (the root last).
  for (size_t i = lt.order_.size(); i-- > 1;) {
    const uint32_t v = lt.order_[i] - 1;
    out.retained[out.idom[v]] += out.retained[v];
  }
  return out;
}

}  // namespace nodegdb
