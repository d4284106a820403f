// The heap-walk part of the _nodegdb module: a HeapSession per Target that
// keeps what one walk learnt (the census, instance lists, names per map)
// until GDB drops the Target (the inferior ran). Translation only; the
// walk is core/heap/heap_walk.h and what is built on it.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>
#include <memory>

#include "core/heap/heap_census.h"
#include "core/heap/heap_json.h"
#include "core/heap/heap_refs.h"
#include "core/heap/heap_shapes.h"
#include "core/heap/heap_retainers.h"
#include "core/heap/heap_snapshot.h"
#include "core/heap/heap_strings.h"
#include "core/heap/heap_walk.h"
#include "core/node/node_worker.h"
#include "core/stack/async_functions.h"
#include "core/target.h"
#include "core/view/v8_view.h"
#include "python/bindings/bindings.h"

namespace py = pybind11;

namespace nodegdb {

namespace {

class HeapSession {
 public:
  explicit HeapSession(std::shared_ptr<Target> target)
      : target_(std::move(target)),
        walker_(std::make_unique<HeapWalker>(target_->heap())),
        namer_(std::make_unique<ObjectNamer>(target_->heap(), walker_->sizer())) {}

  py::tuple Census(py::object progress_callback) {
    if (!census_) {
      auto census = std::make_unique<HeapCensus>(*walker_, *namer_);
      Progress progress(progress_callback);
      census->Build(progress.fn());
      progress.Check(census->report());
      census_ = std::move(census);
    }
    py::list rows;
    for (const CensusRow& r : census_->Rows()) rows.append(py::make_tuple(r.name, r.count, r.bytes, r.js));
    return py::make_tuple(rows, census_->report().Summary(), census_->report().failed_bytes());
  }

  bool has_census() const { return census_ != nullptr; }

  // The census (walked if not yet) as one JSON document.
  std::string CensusJsonOf(py::object progress_callback) {
    Census(progress_callback);
    return CensusJson(census_->Rows(), census_->report());
  }

  // v8 findjsobjects -d: ([(class, instances, [(instances, shape text)])], summary, failed bytes),
  // or (JSON, summary, failed bytes). One walk (which also makes the census if there is none); cached.
  py::tuple Shapes(py::object progress_callback, bool json) {
    if (!shapes_) {
      Progress progress(progress_callback);
      WalkReport report;
      std::vector<ClassShapes> found;
      if (!census_) {
        // No census yet: it comes from the same walk, fed beside the shapes.
        auto census = std::make_unique<HeapCensus>(*walker_, *namer_);
        ShapeCounter counter(target_->heap(), *namer_);
        census->Build(progress.fn(), &counter);
        progress.Check(census->report());
        found = counter.Shapes();
        report = census->report();
        census_ = std::move(census);
      } else {
        found = FindShapes(*walker_, *namer_, progress.fn(), &report);
        progress.Check(report);
      }
      shapes_ = std::make_unique<std::vector<ClassShapes>>(std::move(found));
      shapes_report_ = report;
    }
    if (json) return py::make_tuple(ShapesJson(*shapes_, shapes_report_), shapes_report_.Summary(), shapes_report_.failed_bytes());
    py::list rows;
    for (const ClassShapes& c : *shapes_) {
      py::list shapes;
      for (const Shape& sh : c.shapes) shapes.append(py::make_tuple(sh.instances, ShapeText(sh)));
      rows.append(py::make_tuple(c.name, c.instances, shapes));
    }
    return py::make_tuple(rows, shapes_report_.Summary(), shapes_report_.failed_bytes());
  }

  // The census walk's figures, exact (benchmarks, tests).
  py::dict CensusReport() const {
    if (!census_) throw Error("no census yet: run v8 findjsobjects first");
    const WalkReport& r = census_->report();
    py::dict d;
    d["generation"] = r.generation;
    d["isolates"] = r.heaps;
    d["pages"] = r.pages;
    d["area_bytes"] = r.area_bytes;
    d["walked_bytes"] = r.walked_bytes();
    d["objects"] = r.objects;
    d["object_bytes"] = r.object_bytes;
    d["free_bytes"] = r.free_bytes;
    d["garbage_bytes"] = r.garbage_bytes;
    d["failed_bytes"] = r.failed_bytes();
    d["skipped"] = r.skipped;
    d["failed"] = r.failed;
    return d;
  }

  // Walks for the instances of `name` (once; cached) and returns how many there are.
  size_t Instances(const std::string& name, py::object progress_callback) { return Find(name, progress_callback).size(); }

  // Tagged addresses [start, end) of the instances of `name` found before.
  std::vector<uint64_t> InstanceRange(const std::string& name, size_t start, size_t end) {
    const std::vector<uint64_t>& all = Find(name, py::none());
    start = std::min(start, all.size());
    end = std::min(std::max(end, start), all.size());
    return std::vector<uint64_t>(all.begin() + static_cast<ptrdiff_t>(start), all.begin() + static_cast<ptrdiff_t>(end));
  }

 private:
  const std::vector<uint64_t>& Find(const std::string& name, py::object progress_callback) {
    if (!census_) Census(progress_callback);
    int64_t id = namer_->Find(name);
    if (id < 0) throw Error("no object in the heap is named " + name + " (v8 findjsobjects lists the names)");
    auto it = instances_.find(static_cast<uint32_t>(id));
    if (it == instances_.end()) {
      Progress progress(progress_callback);
      WalkReport report;
      std::vector<uint64_t> found = FindInstances(*walker_, *namer_, static_cast<uint32_t>(id), progress.fn(), &report);
      progress.Check(report);
      const uint64_t tag = target_->heap().layout().tagging.heap_object_tag;
      for (uint64_t& a : found) a += tag;
      it = instances_.emplace(static_cast<uint32_t>(id), std::move(found)).first;
    }
    return it->second;
  }

 public:
  py::tuple FindRefs(uint64_t tagged, py::object progress_callback, size_t limit, bool json) {
    Progress progress(progress_callback);
    WalkReport report;
    uint64_t total = 0;
    std::vector<HeapReference> refs = FindReferences(*walker_, *namer_, tagged, progress.fn(), limit, &report, &total);
    progress.Check(report);
    if (json) {
      std::string text = ReferencesJson({tagged, Brief(tagged, 0)}, refs, total, report);
      return py::make_tuple(text, report.Summary(), report.failed_bytes(), total);
    }
    py::list out;
    for (const HeapReference& r : refs) {
      out.append(py::make_tuple(r.holder, r.holder_class, r.slot_name, r.weak, r.owner, r.owner_class, r.slot));
    }
    return py::make_tuple(out, report.Summary(), report.failed_bytes(), total);
  }

  py::tuple PropertyHolders(const std::string& name, py::object progress_callback, size_t limit, bool json) {
    Progress progress(progress_callback);
    WalkReport report;
    uint64_t total = 0;
    std::vector<PropertyHolder> holders =
        FindPropertyHolders(*walker_, *namer_, name, progress.fn(), limit, &report, &total);
    progress.Check(report);
    if (json) {
      std::vector<std::string> views;
      for (const PropertyHolder& h : holders) views.push_back(h.accessor ? "" : Brief(h.value, 0));
      return py::make_tuple(PropertyHoldersJson(name, holders, views, total, report), report.Summary(),
                            report.failed_bytes(), total);
    }
    py::list out;
    for (const PropertyHolder& h : holders) {
      out.append(py::make_tuple(h.object, h.object_class, h.accessor ? py::object(py::none()) : py::object(py::int_(h.value))));
    }
    return py::make_tuple(out, report.Summary(), report.failed_bytes(), total);
  }

  // v8 findrefs -s: ([(string, type, [(holder, holder class, slot name, weak, owner, owner class, slot)],
  // holders in all)], summary, failed bytes, holders listed, holders in all, unreadable strings), or with
  // `json` (JSON text, summary, failed bytes, ...).
  py::tuple StringRefs(const std::string& text, py::object progress_callback, size_t limit, bool json) {
    Progress progress(progress_callback);
    StringSearch search = FindEqualStrings(*walker_, *namer_, text, progress.fn(), limit);
    progress.Check(search.report);
    py::object strings;
    if (json) {
      strings = py::str(StringSearchJson(text, search));
    } else {
      py::list list;
      for (const EqualString& e : search.strings) {
        py::list holders;
        for (const HeapReference& r : e.holders) {
          holders.append(py::make_tuple(r.holder, r.holder_class, r.slot_name, r.weak, r.owner, r.owner_class, r.slot));
        }
        list.append(py::make_tuple(e.tagged, e.type, holders, e.total_holders));
      }
      strings = list;
    }
    return py::make_tuple(strings, search.report.Summary(), search.report.failed_bytes(), search.listed_holders,
                          search.total_holders, search.unreadable);
  }

  // The instances [start, end) of `name` as JSON: each one's JS view, one line
  // (as the text lists them) or whole with `verbose` (as v8 print shows it).
  std::string InstancesJsonOf(const std::string& name, size_t start, size_t end, bool verbose, int depth,
                              size_t string_length, size_t array_length) {
    const size_t total = Find(name, py::none()).size();
    std::vector<ShownObject> shown;
    for (uint64_t tagged : InstanceRange(name, start, end)) {
      shown.push_back({tagged, verbose ? View(tagged, depth, string_length, array_length) : Brief(tagged, 160)});
    }
    return InstancesJson(name, total, std::min(start, total), shown);
  }

  // The whole JS view, as v8 print shows it; V8's brief form for what it cannot show.
  std::string View(uint64_t tagged, int depth, size_t string_length, size_t array_length) {
    InspectOptions options;
    options.depth = depth;
    options.max_string_length = string_length;
    options.max_array_length = array_length;
    try {
      return target_->Print(tagged, options);
    } catch (const Error&) {
      try {
        return V8View(target_->heap()).Brief(tagged);
      } catch (const Error& e) {
        return std::string("<") + e.what() + ">";
      }
    }
  }

  // One line of the JS view (util.inspect at depth 0), or V8's brief form
  // for what the JS view cannot show.
  std::string Brief(uint64_t tagged, size_t width) {
    InspectOptions options;
    options.depth = 0;
    options.max_string_length = 100;
    options.max_array_length = 10;
    std::string text;
    try {
      text = target_->Print(tagged, options);
    } catch (const Error&) {
      try {
        text = V8View(target_->heap()).Brief(tagged);
      } catch (const Error& e) {
        text = std::string("<") + e.what() + ">";
      }
    }
    for (char& c : text) {
      if (c == '\n') c = ' ';
    }
    if (width > 3 && text.size() > width) {
      size_t cut = width - 3;
      while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80) --cut;  // UTF-8 boundary
      text = text.substr(0, cut) + "...";
    }
    return text;
  }

  // v8 async: the suspended async functions and generators, as text.
  py::tuple AsyncStacksTextOf(bool verbose, py::object progress_callback) {
    Progress progress(progress_callback);
    AsyncStacks stacks = FindAsyncStacks(target_->heap(), *walker_, progress.fn());
    progress.Check(stacks.report);
    return py::make_tuple(AsyncStacksText(target_->heap(), stacks, verbose, target_->NodeMajor()), stacks.report.Summary(), stacks.report.failed_bytes());
  }

  // v8 async -json: the same as one JSON document.
  py::tuple AsyncStacksJsonOf(bool verbose, py::object progress_callback) {
    Progress progress(progress_callback);
    AsyncStacks stacks = FindAsyncStacks(target_->heap(), *walker_, progress.fn());
    progress.Check(stacks.report);
    return py::make_tuple(AsyncStacksJson(target_->heap(), stacks, verbose, target_->NodeMajor()),
                          stacks.report.failed_bytes());
  }

  // v8 heapsnapshot FILE: one file per isolate, [(path, isolate name or "", nodes, edges, strings, GC roots
  // read, walk summary, failed bytes)]. Two walks per isolate, nothing cached. `search` (node-environments)
  // names the isolates after their threads; without it (one isolate) one file.
  py::list Snapshot(const std::string& path, std::shared_ptr<EnvironmentSearch> search, py::object progress_callback,
                    const std::vector<uint64_t>& stack_pointers) {
    Progress progress(progress_callback);
    std::vector<std::pair<uint64_t, std::string>> isolates;
    if (search) {
      isolates = IsolateNames(*target_, *search, [this](uint64_t address) {
        const HeapPage* page = walker_->pages().PageOf(address);
        return page ? page->heap : uint64_t{0};
      });
    }
    py::list out;
    for (const SnapshotReport& r : WriteIsolateSnapshots(*walker_, *namer_, path, progress.fn(),
                                                         ReadRootNames(*target_), std::move(isolates), stack_pointers)) {
      progress.Check(r.walk);  // a cancelled walk (either one) left no file
      out.append(py::make_tuple(r.path, r.isolate, r.nodes, r.edges, r.strings, r.roots, r.walk.Summary(),
                                r.walk.failed_bytes()));
    }
    return out;
  }

  size_t IsolateCount() { return walker_->pages().heaps.size(); }

  // v8 retainers EXPR [-n N]: (found, text, [[(edge type, edge name, node type, node name, tagged,
  // self size, retained size)] per path], summary, failed bytes). The graph is built on first use and
  // kept (two walks once; each path after that costs its length, N paths one scan of the edges).
  py::tuple Retainers(uint64_t tagged, size_t count, py::object progress_callback,
                      const std::vector<uint64_t>& stack_pointers) {
    Heap& heap = target_->heap();
    Tagged t = heap.Decode(tagged);
    if (t.kind != Tagged::Kind::kStrong) throw Error(Hex(tagged) + " is not a tagged heap object pointer");
    heap.MapOf(t.address);  // a word that is no object is one line, before two walks
    if (!retainers_) {
      Progress progress(progress_callback);
      auto graph = std::make_unique<RetainerGraph>(*walker_, *namer_, progress.fn(),
                                                   GraphOptions{ReadRootNames(*target_), 0, stack_pointers});
      progress.Check(graph->report().walk);
      retainers_ = std::move(graph);
    }
    std::vector<RetainingPath> paths = retainers_->PathsTo(heap, tagged, std::max<size_t>(count, 1));
    py::list all;
    for (const RetainingPath& path : paths) {
      py::list steps;
      for (const RetainerStep& s : path.steps) {
        steps.append(py::make_tuple(s.edge_type, s.edge_name, s.node_type, s.node_name, s.tagged, s.self_size,
                                    s.retained_size));
      }
      all.append(steps);
    }
    const RetainingPath& first = paths.front();
    return py::make_tuple(first.found, RetainingPathsText(paths, tagged), all, first.report.walk.Summary(),
                          first.report.walk.failed_bytes());
  }

  std::string Pages() {
    const HeapPageSet& set = walker_->pages();
    std::string out;
    for (const HeapPage& p : set.pages) {
      out += Hex(p.chunk) + " " + (p.read_only ? std::string("read-only") : SpaceName(p.generation, p.space)) +
             " area " + Hex(p.area_start) + "-" + Hex(p.area_end) + (p.not_swept() ? " (not swept)" : "") + "\n";
    }
    return out;
  }

 private:
  std::shared_ptr<Target> target_;
  std::unique_ptr<HeapWalker> walker_;
  std::unique_ptr<ObjectNamer> namer_;
  std::unique_ptr<HeapCensus> census_;
  std::unique_ptr<std::vector<ClassShapes>> shapes_;
  WalkReport shapes_report_;
  std::map<uint32_t, std::vector<uint64_t>> instances_;
  std::unique_ptr<RetainerGraph> retainers_;
};

}  // namespace

void RegisterHeap(py::module_& m) {
  py::class_<HeapSession>(m, "HeapSession")
      .def(py::init<std::shared_ptr<Target>>(), py::arg("target"))
      .def("census", &HeapSession::Census, py::arg("progress") = py::none(),
           "([(name, instances, bytes, is_js)], coverage summary, bytes not walked); cached")
      .def_property_readonly("has_census", &HeapSession::has_census)
      .def("census_json", &HeapSession::CensusJsonOf, py::arg("progress") = py::none(),
           "the census (walked if not yet) as one JSON document")
      .def("shapes", &HeapSession::Shapes, py::arg("progress") = py::none(), py::arg("json") = false,
           "([(class, instances, [(instances, shape text)])] or JSON text, summary, bytes not walked); cached")
      .def("census_report", &HeapSession::CensusReport, "the census walk's exact figures (dict)")
      .def("instances", &HeapSession::Instances, py::arg("name"), py::arg("progress") = py::none(),
           "walks for every object named `name` (cached) and returns how many there are")
      .def("instance_range", &HeapSession::InstanceRange, py::arg("name"), py::arg("start"), py::arg("end"),
           "tagged addresses [start, end) of the instances of `name`, in address order")
      .def("find_refs", &HeapSession::FindRefs, py::arg("tagged"), py::arg("progress") = py::none(),
           py::arg("limit") = 10000, py::arg("json") = false,
           "([(holder, holder class, slot name, weak, owner, owner class, slot address)] (the first `limit`) "
           "or JSON text, summary, bytes not walked, how many references there are)")
      .def("string_refs", &HeapSession::StringRefs, py::arg("text"), py::arg("progress") = py::none(),
           py::arg("limit") = 10000, py::arg("json") = false,
           "([(string, type, [holder tuples as find_refs], holders in all)] or JSON text, summary, bytes not "
           "walked, holders listed, holders in all, unreadable strings)")
      .def("instances_json", &HeapSession::InstancesJsonOf, py::arg("name"), py::arg("start"), py::arg("end"),
           py::arg("verbose") = false, py::arg("depth") = 2, py::arg("string_length") = 10000,
           py::arg("array_length") = 100)
      .def("view", &HeapSession::View, py::arg("tagged"), py::arg("depth") = 2, py::arg("string_length") = 10000,
           py::arg("array_length") = 100, "the whole JS view, as v8 print shows it")
      .def("property_holders", &HeapSession::PropertyHolders, py::arg("name"), py::arg("progress") = py::none(),
           py::arg("limit") = 10000, py::arg("json") = false,
           "([(object, class, value or None)] (the first `limit`) or JSON text, summary, bytes not walked, how many "
           "there are)")
      .def("brief", &HeapSession::Brief, py::arg("tagged"), py::arg("width") = 160)
      .def("pages", &HeapSession::Pages)
      .def("retainers", &HeapSession::Retainers, py::arg("tagged"), py::arg("count") = 1, py::arg("progress") = py::none(),
           py::arg("stack_pointers") = std::vector<uint64_t>{},
           "the shortest path of strong references from the snapshot's root to the object: (found, text, "
           "[[(edge type, edge name, node type, node name, tagged, self size, retained size)] per path], walk summary, bytes not walked)")
      .def("isolate_count", &HeapSession::IsolateCount, "isolates whose heap pages were found")
      .def("snapshot", &HeapSession::Snapshot, py::arg("path"), py::arg("search") = nullptr,
           py::arg("progress") = py::none(), py::arg("stack_pointers") = std::vector<uint64_t>{},
           "writes the heap as Chrome DevTools .heapsnapshot files, one per isolate (`path` the main thread's, "
           "`search` names the others; `stack_pointers`: the threads', for (Stack roots)): [(path, isolate, nodes, "
           "edges, strings, GC roots read, walk summary, bytes not walked)]")
      .def("async_stacks", &HeapSession::AsyncStacksTextOf, py::arg("verbose") = false, py::arg("progress") = py::none(),
           "(text, walk summary, failed bytes) of the suspended async functions and generators")
      .def("async_stacks_json", &HeapSession::AsyncStacksJsonOf, py::arg("verbose") = false,
           py::arg("progress") = py::none(), "(JSON document, failed bytes) of the same (v8 async -json)");
}

}  // namespace nodegdb
