// node-gdb-cli's heap commands: the heap walk and what is built on it,
// without GDB (benchmarks and quick looks at big cores), as entries of
// node-gdb-cli's command table (tools/cli_commands.h).
//   heappages                 the pages the walk found
//   heapwalk                  coverage of the walk, objects by V8 type
//   findjsobjects [-d]        objects by class: instances, bytes, name (-d: by shape)
//   findjsinstances NAME [N] [-v]  the first N (default 20) instances of NAME (-v: whole views)
//   findrefs TAGGED           who points to the object
//   findrefs -n NAME          objects with an own property NAME
//   findrefs -s STRING        strings equal to STRING and their holders
//   heapsnapshot FILE.heapsnapshot  the heap as a Chrome DevTools .heapsnapshot
//   retainers TAGGED [N]      the shortest path(s) from the snapshot's root to the object, its retained size
// --json on the last three: the answer as one JSON document.
#include <dirent.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "core/heap/heap_census.h"
#include "core/heap/heap_json.h"
#include "core/heap/heap_refs.h"
#include "core/heap/heap_shapes.h"
#include "core/heap/heap_retainers.h"
#include "core/heap/heap_snapshot.h"
#include "core/heap/heap_strings.h"
#include "core/heap/heap_walk.h"
#include "core/node/node_worker.h"
#include "core/platform/core_file.h"
#include "core/platform/memory.h"
#include "core/target.h"
#include "tools/cli_commands.h"

namespace nodegdb {

namespace {

// Removes `flag` from the arguments; true if it was there.
bool TakeFlag(std::vector<std::string>& args, const std::string& flag) {
  auto it = std::find(args.begin(), args.end(), flag);
  if (it == args.end()) return false;
  args.erase(it);
  return true;
}

class TypeCounter : public ObjectVisitor {
 public:
  void Visit(const ObjectRef& o) override {
    auto& e = by_type[o.facts->type];
    e.first++;
    e.second += o.size;
  }
  std::map<int, std::pair<uint64_t, uint64_t>> by_type;
};

// Every page the walk found: chunk, metadata, flags, area, space and plan.
int HeapPages(Target& target, const CliArgs&) {
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
  return 0;
}

// Coverage of the walk: objects and bytes by V8 type, then by space, the
// linear allocation areas, and the time taken.
int HeapWalk(Target& target, const CliArgs&) {
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
  return 0;
}

// The heap's objects by class, built once (what findjsobjects and
// findjsinstances share), and how long that took.
struct Census {
  explicit Census(Target& target)
      : t0(std::chrono::steady_clock::now()), walker(target.heap()), namer(target.heap(), walker.sizer()),
        census(walker, namer) {
    census.Build({});
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  std::chrono::steady_clock::time_point t0;
  HeapWalker walker;
  ObjectNamer namer;
  HeapCensus census;
  double seconds = 0;
};

// findjsobjects [-d] [--json]: the census, or (-d) each class's shapes; one walk either way.
int FindJsObjects(Target& target, const CliArgs& a) {
  std::vector<std::string> args = a.args;
  const bool json = TakeFlag(args, "--json"), shapes = TakeFlag(args, "-d");
  if (!args.empty()) throw Error("usage: findjsobjects [-d] [--json]");
  if (shapes) {
    HeapWalker walker(target.heap());
    ObjectNamer namer(target.heap(), walker.sizer());
    WalkReport report;
    std::vector<ClassShapes> classes = FindShapes(walker, namer, {}, &report);
    if (json) {
      std::cout << ShapesJson(classes, report) << "\n";
      return 0;
    }
    for (const ClassShapes& c : classes) {
      std::printf("%s: %zu shape%s, %llu instance%s\n", c.name.c_str(), c.shapes.size(), c.shapes.size() == 1 ? "" : "s",
                  static_cast<unsigned long long>(c.instances), c.instances == 1 ? "" : "s");
      for (const Shape& sh : c.shapes) {
        std::printf("  %llu \u00d7 %s\n", static_cast<unsigned long long>(sh.instances), ShapeText(sh).c_str());
      }
    }
    std::cout << report.Summary();
    return 0;
  }
  Census c(target);
  if (json) {
    std::cout << CensusJson(c.census.Rows(), c.census.report()) << "\n";
    return 0;
  }
  std::printf(" Instances  Total Size Name\n ---------- ---------- ----\n");
  for (const CensusRow& r : c.census.Rows()) {
    std::printf(" %10llu %10llu %s\n", static_cast<unsigned long long>(r.count), static_cast<unsigned long long>(r.bytes),
                r.name.c_str());
  }
  std::cout << c.census.report().Summary();
  std::printf("census: %.3f s\n", c.seconds);
  return 0;
}

// findjsinstances NAME [N] [-v] [--json]: the first N instances, each with its
// one-line JS view, or (-v) its whole view as `v8 print` shows it.
int FindJsInstances(Target& target, const CliArgs& a) {
  std::vector<std::string> args = a.args;
  const bool json = TakeFlag(args, "--json"), verbose = TakeFlag(args, "-v");
  if (args.empty() || args.size() > 2) throw Error("usage: findjsinstances NAME [N] [-v] [--json]");
  Census c(target);
  int64_t id = c.namer.Find(args[0]);
  if (id < 0) throw Error("no objects named " + args[0]);
  std::vector<uint64_t> found = FindInstances(c.walker, c.namer, static_cast<uint32_t>(id), {});
  size_t limit = args.size() > 1 ? std::strtoull(args[1].c_str(), nullptr, 0) : 20;
  InspectOptions options;
  if (!verbose) options.depth = 0;
  std::vector<ShownObject> shown;
  for (size_t i = 0; i < found.size() && i < limit; ++i) {
    uint64_t tagged = found[i] + target.heap().layout().tagging.heap_object_tag;
    std::string text;
    try {
      text = target.Print(tagged, options);
    } catch (const Error& e) {
      text = std::string("<") + e.what() + ">";
    }
    shown.push_back({tagged, text});
  }
  if (json) {
    std::cout << InstancesJson(args[0], found.size(), 0, shown) << "\n";
    return 0;
  }
  for (const ShownObject& o : shown) std::printf("%s %s\n", Hex(o.tagged).c_str(), o.view.c_str());
  std::printf("%zu instances", found.size());
  if (limit < found.size()) std::printf(" (listed the first %zu; a larger N lists more)", limit);
  std::printf("\n");
  return 0;
}

// The LIMIT argument of findrefs: a count, or "all"/"unlimited"/0 for no limit.
size_t ParseRefsLimit(const std::string& text) {
  if (text == "all" || text == "unlimited") return SIZE_MAX;
  char* end = nullptr;
  unsigned long long n = std::strtoull(text.c_str(), &end, 0);
  if (end == text.c_str() || *end != '\0') throw Error("findrefs: LIMIT is a number or 'unlimited', not " + text);
  return n == 0 ? SIZE_MAX : static_cast<size_t>(n);
}

// The closing line: the true count, and whether the list stopped before it.
void PrintRefsTotal(uint64_t total, size_t listed, const char* what) {
  std::printf("%llu %s", static_cast<unsigned long long>(total), what);
  if (listed < total) std::printf(" (listed the first %zu; a LIMIT argument, or 'unlimited', lists more)", listed);
  std::printf("\n");
}

// findrefs -s STRING: each string equal to STRING, then its holders.
void PrintStringRefs(const std::string& text, const StringSearch& search) {
  for (const EqualString& e : search.strings) {
    std::printf("%s %s (%s): %llu holders\n", Hex(e.tagged).c_str(), e.representation.c_str(), e.type.c_str(),
                static_cast<unsigned long long>(e.total_holders));
    for (const HeapReference& r : e.holders) {
      std::printf("  %s %s%s%s\n", Hex(r.owner ? r.owner : r.holder).c_str(), r.slot_name.c_str(), r.weak ? " (weak)" : "",
                  r.owner ? (" in " + Hex(r.holder)).c_str() : "");
    }
  }
  std::printf("%zu strings equal to the %zu bytes given, ", search.strings.size(), text.size());
  PrintRefsTotal(search.total_holders, search.listed_holders, "holders");
}

// Who points to TAGGED, or (-n NAME) which objects have an own property
// NAME, or (-s STRING) the strings equal to STRING and who holds them; the
// first LIMIT (default 1000) of them, and how many there are.
int FindRefs(Target& target, const CliArgs& a) {
  std::vector<std::string> args = a.args;
  const bool json = TakeFlag(args, "--json");
  if (args.empty()) throw Error("usage: findrefs TAGGED [LIMIT] | findrefs -n NAME [LIMIT] | findrefs -s STRING [LIMIT] [--json]");
  HeapWalker walker(target.heap());
  ObjectNamer namer(target.heap(), walker.sizer());
  WalkReport report;
  uint64_t total = 0;
  if ((args[0] == "-n" || args[0] == "-s") && args.size() < 2) throw Error("findrefs " + args[0] + ": give the NAME or STRING");
  const bool by_name = args[0] == "-n" && args.size() > 1;
  const bool by_string = args[0] == "-s" && args.size() > 1;
  const size_t limit_at = by_name || by_string ? 2 : 1;
  const size_t limit = args.size() > limit_at ? ParseRefsLimit(args[limit_at]) : 1000;
  if (by_string) {
    StringSearch search = FindEqualStrings(walker, namer, args[1], {}, limit);
    if (json) {
      std::cout << StringSearchJson(args[1], search) << "\n";
    } else {
      PrintStringRefs(args[1], search);
    }
  } else if (by_name) {
    const std::string& name = args[1];
    std::vector<PropertyHolder> found = FindPropertyHolders(walker, namer, name, {}, limit, &report, &total);
    if (json) {
      std::vector<std::string> views;
      InspectOptions options;
      options.depth = 0;
      for (const PropertyHolder& h : found) {
        try {
          views.push_back(h.accessor ? "" : target.Print(h.value, options));
        } catch (const Error& e) {
          views.push_back(std::string("<") + e.what() + ">");
        }
      }
      std::cout << PropertyHoldersJson(name, found, views, total, report) << "\n";
      return 0;
    }
    for (const PropertyHolder& h : found) {
      std::printf("%s %s .%s = %s\n", Hex(h.object).c_str(), h.object_class.c_str(), name.c_str(),
                  h.accessor ? "[Getter/Setter]" : Hex(h.value).c_str());
    }
    PrintRefsTotal(total, found.size(), ("objects with a property " + name).c_str());
  } else {
    uint64_t tagged = std::strtoull(args[0].c_str(), nullptr, 0);
    std::vector<HeapReference> found = FindReferences(walker, namer, tagged, {}, limit, &report, &total);
    if (json) {
      InspectOptions options;
      options.depth = 0;
      std::string view;
      try {
        view = target.Print(tagged, options);
      } catch (const Error& e) {
        view = std::string("<") + e.what() + ">";
      }
      std::cout << ReferencesJson({tagged, view}, found, total, report) << "\n";
      return 0;
    }
    for (const HeapReference& r : found) {
      std::printf("%s %s%s%s\n", Hex(r.holder).c_str(), r.slot_name.c_str(), r.weak ? " (weak)" : "",
                  r.owner ? (" in " + Hex(r.owner)).c_str() : "");
    }
    PrintRefsTotal(total, found.size(), "references");
  }
  return 0;
}

// Each thread's stack pointer: a core's from its NT_PRSTATUS notes; a live
// process's from /proc/PID/task/*/syscall (a thread blocked in a system
// call or stopped shows "NR args... SP PC"; a running one, nothing).
std::vector<uint64_t> ThreadStackPointers(Target& target) {
  if (auto* core = dynamic_cast<CoreFileMemory*>(&target.memory())) return core->stack_pointers();
  std::vector<uint64_t> sps;
  auto* process = dynamic_cast<ProcessMemory*>(&target.memory());
  if (!process) return sps;
  const std::string tasks = "/proc/" + std::to_string(process->pid()) + "/task";
  if (DIR* dir = ::opendir(tasks.c_str())) {
    while (dirent* e = ::readdir(dir)) {
      if (e->d_name[0] == '.') continue;
      std::ifstream in(tasks + "/" + e->d_name + "/syscall");
      std::vector<std::string> words;
      for (std::string w; in >> w;) words.push_back(w);
      if (words.size() >= 3 && words.front() != "running") sps.push_back(std::stoull(words[words.size() - 2], nullptr, 16));
    }
    ::closedir(dir);
  }
  return sps;
}

// heapsnapshot FILE: the heap as a Chrome DevTools heap snapshot (two walks).
int HeapSnapshot(Target& target, const CliArgs& a) {
  if (a.args.size() != 1) throw Error("usage: heapsnapshot FILE.heapsnapshot");
  HeapWalker walker(target.heap());
  ObjectNamer namer(target.heap(), walker.sizer());
  // One file per isolate (a Worker's beside the main thread's), named after its thread.
  std::vector<std::pair<uint64_t, std::string>> isolates;
  if (walker.pages().heaps.size() > 1) {
    isolates = IsolateNames(target, FindCliEnvironments(target, a), [&](uint64_t address) {
      const HeapPage* page = walker.pages().PageOf(address);
      return page ? page->heap : 0;
    });
  }
  for (const SnapshotReport& r :
       WriteIsolateSnapshots(walker, namer, a.args[0], {}, ReadRootNames(target), std::move(isolates),
                             ThreadStackPointers(target))) {
    std::printf("wrote %s%s: %llu nodes, %llu edges, %llu strings\n", r.path.c_str(),
                r.isolate.empty() ? "" : (" (" + r.isolate + " isolate)").c_str(),
                static_cast<unsigned long long>(r.nodes), static_cast<unsigned long long>(r.edges),
                static_cast<unsigned long long>(r.strings));
    std::cout << r.roots;
    if (r.walk.failed_bytes()) std::cout << r.walk.Summary();
  }
  return 0;
}

// retainers TAGGED [N]: what keeps the object alive, from the heap snapshot's root (N paths, each
// through another direct retainer), and its retained size.
int Retainers(Target& target, const CliArgs& a) {
  if (a.args.empty() || a.args.size() > 2) throw Error("usage: retainers TAGGED [N]");
  const uint64_t tagged = std::stoull(a.args[0], nullptr, 0);
  const size_t count = a.args.size() == 2 ? std::stoul(a.args[1]) : 1;
  if (count == 0) throw Error("usage: retainers TAGGED [N]  (N: how many paths, at least 1)");
  HeapWalker walker(target.heap());
  ObjectNamer namer(target.heap(), walker.sizer());
  Heap& heap = target.heap();
  Tagged t = heap.Decode(tagged);
  if (t.kind != Tagged::Kind::kStrong) throw Error(Hex(tagged) + " is not a tagged heap object pointer");
  heap.MapOf(t.address);  // a word that is no object is one line, before two walks
  RetainerGraph graph(walker, namer, {}, GraphOptions{ReadRootNames(target), 0, ThreadStackPointers(target)});
  std::vector<RetainingPath> paths = graph.PathsTo(heap, tagged, count);
  std::cout << RetainingPathsText(paths, tagged);
  return paths.front().found ? 0 : 1;
}

}  // namespace

const std::vector<CliCommand>& HeapCliCommands() {
  static const std::vector<CliCommand> commands = {
      {"heappages", "   (the pages the heap walk found)", HeapPages},
      {"heapwalk", "   (coverage of the walk, objects by V8 type)", HeapWalk},
      {"findjsobjects", "[-d] [--json]   (objects by class: instances, bytes, name; -d: each class's shapes)", FindJsObjects},
      {"findjsinstances", "NAME [N] [-v] [--json]   (the first N, default 20, instances of NAME; -v: whole JS views)", FindJsInstances},
      {"heapsnapshot", "FILE.heapsnapshot   (the heap as a Chrome DevTools .heapsnapshot, V8's JSON format)", HeapSnapshot},
      {"retainers", "TAGGED [N]   (the shortest path of strong references from the heap snapshot's root to the object, N paths through different retainers, and its retained size)", Retainers},
      {"findrefs", "TAGGED [LIMIT] | -n NAME [LIMIT] | -s STRING [LIMIT] [--json]   (who points to the object; objects with an own property NAME; strings equal to STRING and their holders; the first LIMIT, default 1000, 'unlimited' for all, and the true count)", FindRefs},
  };
  return commands;
}

}  // namespace nodegdb
