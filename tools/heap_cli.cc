// node-gdb-cli's heap commands: the heap walk and what is built on it,
// without GDB (benchmarks and quick looks at big cores).
//   heapwalk                  coverage of the walk, objects by V8 type
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "core/heap_walk.h"
#include "core/target.h"

namespace nodegdb {

namespace {

class TypeCounter : public ObjectVisitor {
 public:
  void Visit(const ObjectRef& o) override {
    auto& e = by_type[o.facts->type];
    e.first++;
    e.second += o.size;
  }
  std::map<int, std::pair<uint64_t, uint64_t>> by_type;
};

}  // namespace

bool RunHeapCommand(Target& target, const std::string& command, int argc, char** argv) {
  (void)argc;
  (void)argv;
  if (command == "heapwalk") {
    auto t0 = std::chrono::steady_clock::now();
    HeapWalker walker(target.heap());
    walker.pages();
    double found = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    TypeCounter counter;
    WalkReport report = walker.Walk(counter);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::vector<std::pair<int, std::pair<uint64_t, uint64_t>>> rows(counter.by_type.begin(), counter.by_type.end());
    std::sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.second.second > b.second.second; });
    for (auto& [type, cb] : rows) {
      std::printf("%10llu %12llu %s\n", static_cast<unsigned long long>(cb.first),
                  static_cast<unsigned long long>(cb.second), walker.sizer().TypeName(type).c_str());
    }
    std::cout << report.Summary();
    for (auto& [name, sp] : report.spaces) {
      std::printf("  space %-28s %5llu pages %10llu objects %12llu bytes\n", name.c_str(),
                  static_cast<unsigned long long>(sp.pages), static_cast<unsigned long long>(sp.objects),
                  static_cast<unsigned long long>(sp.object_bytes));
    }
    for (const LinearArea& lab : walker.pages().labs) {
      std::printf("  lab %s top %s limit %s (at %s)\n", Hex(lab.start).c_str(), Hex(lab.top).c_str(),
                  Hex(lab.limit).c_str(), Hex(lab.found_at).c_str());
    }
    std::printf("pages found in %.3f s, walk: %.3f s\n", found, s);
    return true;
  }
  return false;
}

}  // namespace nodegdb
