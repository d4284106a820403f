// node-gdb-cli's heap commands: the heap walk and what is built on it,
// without GDB (benchmarks and quick looks at big cores).
//   heapwalk                  coverage of the walk, objects by V8 type
//   findjsobjects             objects by class: instances, bytes, name
//   findjsinstances NAME [N]  the first N (default 20) instances of NAME
//   findrefs TAGGED           who points to the object
//   findrefs -n NAME          objects with an own property NAME
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "core/heap/heap_census.h"
#include "core/heap/heap_refs.h"
#include "core/heap/heap_walk.h"
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
  if (command == "heappages") {
    HeapWalker walker(target.heap());
    const HeapPageSet& set = walker.pages();
    for (const HeapPage& p : set.pages) {
      std::printf("%s meta %s flags %#llx size %#llx area +%#llx..+%#llx %s plan %d end +%#llx sweeping %lld heap %s\n",
                  Hex(p.chunk).c_str(), Hex(p.metadata).c_str(), static_cast<unsigned long long>(p.flags),
                  static_cast<unsigned long long>(p.size), static_cast<unsigned long long>(p.area_start - p.chunk),
                  static_cast<unsigned long long>(p.area_end - p.chunk),
                  p.read_only ? "read-only" : SpaceName(p.generation, p.space).c_str(), static_cast<int>(p.plan),
                  static_cast<unsigned long long>(p.walk_end - p.chunk), static_cast<long long>(p.sweeping),
                  Hex(p.heap).c_str());
    }
    return true;
  }
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
  if (command == "findjsobjects" || command == "findjsinstances") {
    auto t0 = std::chrono::steady_clock::now();
    HeapWalker walker(target.heap());
    ObjectNamer namer(target.heap(), walker.sizer());
    HeapCensus census(walker, namer);
    census.Build({});
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (command == "findjsobjects") {
      std::printf(" Instances  Total Size Name\n ---------- ---------- ----\n");
      for (const CensusRow& r : census.Rows()) {
        std::printf(" %10llu %10llu %s\n", static_cast<unsigned long long>(r.count),
                    static_cast<unsigned long long>(r.bytes), r.name.c_str());
      }
      std::cout << census.report().Summary();
      std::printf("census: %.3f s\n", s);
      return true;
    }
    if (argc < 5) throw Error("usage: findjsinstances NAME [N]");
    int64_t id = namer.Find(argv[4]);
    if (id < 0) throw Error(std::string("no objects named ") + argv[4]);
    std::vector<uint64_t> found = FindInstances(walker, namer, static_cast<uint32_t>(id), {});
    size_t limit = argc > 5 ? std::strtoull(argv[5], nullptr, 0) : 20;
    InspectOptions options;
    options.depth = 0;
    for (size_t i = 0; i < found.size() && i < limit; ++i) {
      uint64_t tagged = found[i] + target.heap().layout().tagging.heap_object_tag;
      std::string text;
      try {
        text = target.Print(tagged, options);
      } catch (const Error& e) {
        text = std::string("<") + e.what() + ">";
      }
      std::printf("%s %s\n", Hex(tagged).c_str(), text.c_str());
    }
    std::printf("%zu instances\n", found.size());
    return true;
  }
  if (command == "findrefs") {
    if (argc < 5) throw Error("usage: findrefs TAGGED | findrefs -n NAME");
    HeapWalker walker(target.heap());
    ObjectNamer namer(target.heap(), walker.sizer());
    WalkReport report;
    if (std::string(argv[4]) == "-n" && argc > 5) {
      for (const PropertyHolder& h : FindPropertyHolders(walker, namer, argv[5], {}, 1000, &report)) {
        std::printf("%s %s .%s = %s\n", Hex(h.object).c_str(), h.object_class.c_str(), argv[5],
                    h.accessor ? "[Getter/Setter]" : Hex(h.value).c_str());
      }
    } else {
      uint64_t tagged = std::strtoull(argv[4], nullptr, 0);
      for (const HeapReference& r : FindReferences(walker, namer, tagged, {}, 1000, &report)) {
        std::printf("%s %s%s%s\n", Hex(r.holder).c_str(), r.slot_name.c_str(), r.weak ? " (weak)" : "",
                    r.owner ? (" in " + Hex(r.owner)).c_str() : "");
      }
    }
    return true;
  }
  return false;
}

}  // namespace nodegdb
