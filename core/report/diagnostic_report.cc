#include "core/report/diagnostic_report.h"

#include <algorithm>
#include <ctime>
#include <memory>

#include "core/heap/heap_pages.h"
#include "core/node/node_js.h"
#include "core/node/node_queries.h"
#include "core/node/node_why.h"
#include "core/v8/context.h"
#include "core/v8/program.h"
#include "core/view/json_writer.h"

namespace nodegdb {

namespace {

constexpr size_t kMaxStrings = 4096;     // environment variables, arguments
constexpr size_t kMaxStringBytes = 1 << 16;

// A NUL-terminated C string, read in small pieces (it may end a page
// before an unreadable one); nullopt if unreadable or longer than `max`.
std::optional<std::string> ReadCString(Memory& memory, uint64_t address, size_t max = kMaxStringBytes) {
  std::string out;
  char c;
  for (uint64_t at = address; out.size() < max; at++) {
    if (!memory.Read(at, &c, 1)) return std::nullopt;
    if (c == 0) return out;
    out += c;
  }
  return std::nullopt;
}

// A NULL-terminated `char**` array (argv, environ) read through the
// pointer variable at `variable`; nullopt if any of it is unreadable.
std::optional<std::vector<std::string>> ReadCStringArray(Memory& memory, uint64_t variable) {
  uint64_t array = 0;
  if (!variable || !memory.Read(variable, &array, 8) || !array) return std::nullopt;
  std::vector<std::string> out;
  for (size_t i = 0; i < kMaxStrings; i++) {
    uint64_t p = 0;
    if (!memory.Read(array + 8 * i, &p, 8)) return std::nullopt;
    if (!p) return out;
    auto s = ReadCString(memory, p);
    if (!s) return std::nullopt;
    out.push_back(std::move(*s));
  }
  return std::nullopt;
}

std::string NodeSpaceName(const std::string& v8_name) {
  std::string out = v8_name;
  std::replace(out.begin(), out.end(), '-', '_');
  std::replace(out.begin(), out.end(), ' ', '_');
  return out + "_space";
}

// Counts the native contexts of each isolate (V8's nativeContextCount).
class NativeContextCounter : public ObjectVisitor {
 public:
  NativeContextCounter(int type) : type_(type) {}
  void Visit(const ObjectRef& o) override {
    if (o.facts && o.facts->type == type_ && o.page) counts[o.page->heap]++;
  }
  std::map<uint64_t, uint64_t> counts;

 private:
  int type_;
};

// V8's figures (Heap::GetHeapSpaceStatistics) from a walk's tallies. A
// paged space's used bytes are what is not on its free list, and where V8
// says so (lab_tails_count_as_available) not in its allocation buffers'
// unallocated tails either; new space's used bytes are what was
// allocated up to its top, out of the to-space's area; a large object
// space's the objects.
void SpaceFigures(const V8Rules& rules, const std::string& v8_name, const WalkReport::Space& w,
                  HeapSpaceFacts& s) {
  s.memory_size = w.committed_bytes;
  if (v8_name.find("large object") != std::string::npos) {
    s.used = w.object_bytes;
  } else if (v8_name == "new") {
    s.used = w.object_bytes + w.free_bytes + w.garbage_bytes;
    const uint64_t to_space = w.area_bytes - w.out_bytes;
    s.available = to_space > s.used ? to_space - s.used : 0;
  } else {
    const uint64_t in_use = w.area_bytes - w.out_bytes;
    s.available = w.free_bytes + (rules.lab_tails_count_as_available() ? w.unused_bytes : 0);
    s.used = in_use > s.available ? in_use - s.available : 0;
  }
}

IsolateHeapFacts IsolateFacts(const V8Rules& rules, int generation,
                              const std::map<std::string, WalkReport::Space>& spaces,
                              uint64_t native_contexts) {
  IsolateHeapFacts facts;
  facts.native_contexts = native_contexts;
  for (const std::string& name : SpaceNames(generation)) {
    HeapSpaceFacts s;
    s.name = NodeSpaceName(name);
    auto it = spaces.find(name);
    if (it != spaces.end()) SpaceFigures(rules, name, it->second, s);
    facts.spaces.push_back(s);
  }
  return facts;
}

// The heap part: one census walk that also counts native contexts and
// feeds `also` (node-why's heap parts); each Environment gets the figures
// of the isolate its native context lives in. Returns the walk's report.
WalkReport AddHeap(Program& target, HeapWalker& walker, DiagnosticReport& r, const ProgressFn& progress,
                   ObjectVisitor& also) {
  ObjectNamer namer(target.heap(), walker.sizer());
  HeapCensus census(walker, namer);
  std::optional<int> type = NativeContextType(target.heap());
  NativeContextCounter counter(type ? *type : -2);
  TeeVisitor both(counter, also);
  census.Build(progress, &both);
  const WalkReport& walk = census.report();
  r.walk_summary = walk.Summary();
  std::vector<CensusRow> rows = census.Rows();
  if (rows.size() > r.request.top_types) rows.resize(r.request.top_types);
  r.top_types = std::move(rows);
  const HeapPageSet& pages = walker.pages();
  for (EnvironmentReport& e : r.environments) {
    if (e.env.contexts.empty()) continue;
    const HeapPage* page = pages.PageOf(e.env.contexts.front() & ~uint64_t{1});
    if (!page) continue;
    auto it = walk.isolate_spaces.find(page->heap);
    if (it == walk.isolate_spaces.end()) continue;
    e.heap = IsolateFacts(target.heap().rules(), walk.generation, it->second, counter.counts[page->heap]);
  }
  return walk;
}

const ThreadStack* ThreadOf(const ReportRequest& request, int64_t lwp) {
  for (const ThreadStack& t : request.threads) {
    if (lwp && t.lwp == lwp) return &t;
  }
  return nullptr;
}

void AddEnvironments(Program& target, const EnvironmentSearch& search, DiagnosticReport& r) {
  std::optional<NodeLayout> layout;
  try {
    layout = NodeLayout::Read(target);
  } catch (const Error& e) {
    r.notes.push_back(std::string("handles and requests: ") + e.what());
  }
  std::vector<uint64_t> workers;
  for (const EnvironmentInfo& env : search.environments) {
    if (layout && env.thread == EnvironmentInfo::Thread::kWorker && workers.empty()) {
      workers = FindWorkers(target, search);
    }
    EnvironmentReport e;
    e.env = env;
    e.loop = ReadLoopHandles(target, env.loop);
    int64_t lwp = env.thread == EnvironmentInfo::Thread::kMain ? r.info.pid.value_or(0) : 0;
    if (layout) {
      try {
        e.handles = ReadHandleWraps(target, *layout, env.address);
        e.requests = ReadReqWraps(target, *layout, env.address);
        if (env.thread == EnvironmentInfo::Thread::kWorker) {
          e.worker = ReadWorkerInfo(target, *layout, env, workers);
          lwp = e.worker->lwp;
        }
      } catch (const Error& err) {
        e.error = err.what();
      }
    }
    e.thread = ThreadOf(r.request, lwp);
    r.environments.push_back(std::move(e));
  }
}

void AddProcessStrings(Program& target, DiagnosticReport& r) {
  Memory& memory = target.memory();
  if (auto env = ReadCStringArray(memory, r.request.environ_address)) {
    std::vector<std::pair<std::string, std::string>> vars;
    for (const std::string& s : *env) {
      size_t eq = s.find('=');
      if (eq != std::string::npos && eq > 0) vars.emplace_back(s.substr(0, eq), s.substr(eq + 1));
    }
    r.environment = std::move(vars);
  } else {
    r.omitted.push_back("environmentVariables");
    r.notes.push_back("environment variables: libc's environ was not found or not readable");
  }
  // The kernel's copy of argv; process.title overwrites it in place, so it
  // is believed only where it still holds process.execArgv.
  auto argv = ReadCStringArray(memory, r.request.argv_address);
  JsObjects js(target.heap());
  auto exec_argv = r.info.process_object ? js.Strings(js.Get(r.info.process_object, "execArgv")) : std::nullopt;
  bool agrees = argv && !argv->empty() && exec_argv && argv->size() > exec_argv->size() &&
                std::equal(exec_argv->begin(), exec_argv->end(), argv->begin() + 1);
  if (agrees) {
    r.command_line = std::move(argv);
  } else {
    r.omitted.push_back("header.commandLine");
    r.notes.push_back(argv ? "command line: the process's argv strings were overwritten (process.title)"
                           : "command line: ld.so's _dl_argv was not found or not readable");
  }
}

// The loaded objects' names as dl_iterate_phdr gives them (what Node's
// report lists): ld.so's r_debug.r_map, then link_map::l_next; the main
// program (empty name) is left out. nullopt if the chain is unreadable.
std::optional<std::vector<std::string>> LinkMapNames(Memory& memory, uint64_t r_debug) {
  constexpr uint64_t kRMap = 8, kLName = 8, kLNext = 24;
  uint64_t entry = 0;
  if (!r_debug || !memory.Read(r_debug + kRMap, &entry, 8) || !entry) return std::nullopt;
  std::vector<std::string> names;
  for (size_t i = 0; entry && i < kMaxStrings; i++) {
    uint64_t name = 0, next = 0;
    if (!memory.Read(entry + kLName, &name, 8) || !memory.Read(entry + kLNext, &next, 8)) return std::nullopt;
    auto text = name ? ReadCString(memory, name, 4096) : std::optional<std::string>("");
    if (!text) return std::nullopt;
    if (!text->empty()) names.push_back(*text);
    entry = next;
  }
  if (entry) return std::nullopt;  // longer than any process's list: a cycle
  return names;
}

void AddSharedObjects(Program& target, DiagnosticReport& r) {
  if (auto names = LinkMapNames(target.memory(), r.request.r_debug_address)) {
    r.shared_objects = std::move(*names);
    return;
  }
  r.shared_objects = r.request.shared_objects;
  r.notes.push_back("shared objects: ld.so's link_map was not readable; listed from the mappings (real paths)");
}

void AddProcessObject(Program& target, DiagnosticReport& r) {
  if (!r.info.process_object) {
    r.notes.push_back("the process object was not found: no versions, release or pid from it");
    return;
  }
  JsObjects js(target.heap());
  auto strings = [&](const char* name) {
    std::vector<std::pair<std::string, std::string>> out;
    auto object = js.Get(r.info.process_object, name);
    if (!object) return out;
    for (auto& [key, value] : js.StringKeyed(object->raw)) {
      if (auto s = js.String(value)) out.emplace_back(key, *s);
    }
    return out;
  };
  r.versions = strings("versions");
  r.release = strings("release");
}

}  // namespace

int ReportVersionFor(int node_major) { return node_major >= 22 ? 5 : 4; }

DiagnosticReport BuildReport(Program& target, const EnvironmentSearch& search, const ReportRequest& request,
                             const ProgressFn& progress) {
  DiagnosticReport r;
  r.request = request;
  r.search_summary = search.Summary();
  r.info = ReadNodeProcessInfo(target, search, request.pid, "from the debugger");
  AddProcessObject(target, r);
  AddProcessStrings(target, r);
  AddSharedObjects(target, r);
  AddEnvironments(target, search, r);
  // One heap walk serves the census, the isolates' figures and node-why.
  HeapWalker walker(target.heap());
  WhyHeapParts why(target, walker);
  bool walked = false;
  if (request.walk_heap) {
    try {
      why.Finish(PickEnvironments(search, 0), AddHeap(target, walker, r, progress, why.visitor()));
      walked = true;
    } catch (const Error& e) {
      r.notes.push_back(std::string("heap: ") + e.what());
    }
  }
  try {
    r.why = walked ? WhyAnswer(target, search, why, false, 0, 0) : WhyAnswer(target, search, false, 0, 0, false);
  } catch (const Error& e) {
    r.notes.push_back(std::string("node-why: ") + e.what());
  }
  return r;
}

}  // namespace nodegdb
