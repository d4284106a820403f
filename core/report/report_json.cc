// ReportJson: Node's diagnostic report shape (doc/api/report.md) from a
// DiagnosticReport; see diagnostic_report.h for what is left out.
#include <ctime>

#include "core/node/node_handles.h"
#include "core/report/diagnostic_report.h"
#include "core/view/json_writer.h"

namespace nodegdb {

namespace {

// Node's report fields no memory image holds, always left out.
const char* const kNeverInMemory[] = {
    "header.cwd", "header.glibcVersionRuntime", "header.glibcVersionCompiler", "header.osRelease",
    "header.osVersion", "header.cpus", "header.networkInterfaces", "header.host",
    "javascriptHeap.totalCommittedMemory", "javascriptHeap.availableMemory",
    "javascriptHeap.totalGlobalHandlesMemory", "javascriptHeap.usedGlobalHandlesMemory",
    "javascriptHeap.memoryLimit", "javascriptHeap.mallocedMemory", "javascriptHeap.externalMemory",
    "javascriptHeap.peakMallocedMemory", "javascriptHeap.detachedContextCount", "javascriptHeap.doesZapGarbage",
    "javascriptHeap.heapSpaces.*.committedMemory", "libuv[].sendBufferSize", "libuv[].recvBufferSize",
    "libuv[].localEndpoint", "libuv[].remoteEndpoint", "libuv[loop].loopIdleTimeSeconds", "resourceUsage",
    "uvthreadResourceUsage", "userLimits"};

std::string IsoTime(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string OsMachine(const std::string& arch) { return arch == "arm64" ? "aarch64" : arch == "x64" ? "x86_64" : arch; }

void StringPairs(JsonWriter& w, const std::vector<std::pair<std::string, std::string>>& pairs) {
  w.BeginObject();
  for (const auto& [k, v] : pairs) w.Field(k, v);
  w.EndObject();
}

void Header(JsonWriter& w, const DiagnosticReport& r, const EnvironmentReport* e) {
  const ReportRequest& q = r.request;
  w.Key("header").BeginObject();
  int major = 0;
  if (r.info.node_version.size() > 1) major = std::atoi(r.info.node_version.c_str() + 1);
  w.Field("reportVersion", ReportVersionFor(major));
  w.Field("event", q.event).Field("trigger", q.trigger);
  w.Key("filename");
  if (q.filename.empty()) w.Null(); else w.String(q.filename);
  if (q.dump_time_ms) {
    w.Field("dumpEventTime", IsoTime(q.dump_time_ms)).Field("dumpEventTimeStamp", std::to_string(q.dump_time_ms));
  }
  if (r.info.pid) w.Field("processId", *r.info.pid);
  w.Key("threadId");
  if (e && e->worker && e->worker->thread_id) w.Number(static_cast<int64_t>(*e->worker->thread_id));
  else if (e && e->env.thread == EnvironmentInfo::Thread::kMain) w.Number(0);
  else w.Null();
  if (r.command_line) {
    w.Key("commandLine").BeginArray();
    for (const std::string& a : *r.command_line) w.String(a);
    w.EndArray();
  }
  if (!r.info.node_version.empty()) w.Field("nodejsVersion", r.info.node_version);
  w.Field("wordSize", 64).Field("arch", q.arch).Field("platform", "linux");
  if (!r.versions.empty()) StringPairs(w.Key("componentVersions"), r.versions);
  if (!r.release.empty()) StringPairs(w.Key("release"), r.release);
  w.Field("osName", "Linux").Field("osMachine", OsMachine(q.arch));
  w.EndObject();
}

void JavascriptStack(JsonWriter& w, const DiagnosticReport& r, const EnvironmentReport& e) {
  w.Key("javascriptStack").BeginObject();
  const bool main = e.env.thread == EnvironmentInfo::Thread::kMain;
  std::vector<std::string> lines;
  if (main && !r.request.exception_message.empty()) {
    w.Field("message", r.request.exception_message);
    lines = r.request.exception_stack;
  } else if (e.thread && !e.thread->javascript.empty()) {
    w.Field("message", "(no exception: the JavaScript stack of this thread in the dump)");
    lines = e.thread->javascript;
  } else {
    // What Node writes when there is no JavaScript on the stack.
    w.Field("message", "No stack.");
    lines = {"Unavailable."};
  }
  w.Key("stack").BeginArray();
  for (const std::string& l : lines) w.String(l == "Unavailable." ? l : "at " + l);
  w.EndArray();
  w.Key("errorProperties").BeginObject().EndObject();
  w.EndObject();
}

void JavascriptHeap(JsonWriter& w, const IsolateHeapFacts& heap) {
  uint64_t total = 0, used = 0, executable = 0;
  for (const HeapSpaceFacts& s : heap.spaces) {
    total += s.memory_size;
    used += s.used;
    if (s.name == "code_space" || s.name == "code_large_object_space") executable += s.memory_size;
  }
  w.Key("javascriptHeap").BeginObject();
  w.Field("totalMemory", total).Field("executableMemory", executable).Field("usedMemory", used);
  w.Field("nativeContextCount", heap.native_contexts);
  w.Key("heapSpaces").BeginObject();
  for (const HeapSpaceFacts& s : heap.spaces) {
    w.Key(s.name).BeginObject();
    w.Field("memorySize", s.memory_size).Field("capacity", s.capacity()).Field("used", s.used);
    w.Field("available", s.available).EndObject();
  }
  w.EndObject().EndObject();
}

void NativeStack(JsonWriter& w, const ThreadStack* thread) {
  w.Key("nativeStack").BeginArray();
  if (thread) {
    for (const NativeFrame& f : thread->native) {
      w.BeginObject().Field("pc", ReportAddress(f.pc)).Field("symbol", f.symbol).EndObject();
    }
  }
  w.EndArray();
}

void UvHandle(JsonWriter& w, const UvHandleFacts& h, const LoopHandles& loop) {
  w.BeginObject();
  w.Field("type", UvHandleTypeShortName(h.type)).Field("is_active", h.active()).Field("is_referenced", h.referenced());
  w.Field("address", ReportAddress(h.address));
  if (h.timeout && h.repeat) {
    w.Field("repeat", *h.repeat);
    if (loop.now) {
      w.Field("firesInMsFromNow", static_cast<int64_t>(*h.timeout - *loop.now));
      w.Field("expired", *loop.now >= *h.timeout);
    }
  }
  if (h.pid) w.Field("pid", *h.pid);
  if (h.signum) w.Field("signum", *h.signum).Field("signal", SignalName(static_cast<int>(*h.signum)));
  if (h.fd) {
    w.Field("fd", *h.fd);
    // Node names the standard streams (node_report_utils.cc).
    static const char* const kStdio[] = {"stdin", "stdout", "stderr"};
    if (*h.fd >= 0 && *h.fd <= 2) w.Field("stdio", kStdio[*h.fd]);
    if (h.write_queue_size) {
      w.Field("writeQueueSize", *h.write_queue_size).Field("readable", h.readable()).Field("writable", h.writable());
    }
  }
  w.EndObject();
}

void Libuv(JsonWriter& w, const EnvironmentReport& e) {
  w.Key("libuv").BeginArray();
  for (const UvHandleFacts& h : e.loop.handles) {
    if (!h.internal()) UvHandle(w, h, e.loop);
  }
  if (e.env.loop) {
    w.BeginObject().Field("type", "loop");
    if (e.loop.alive) w.Field("is_active", *e.loop.alive);
    w.Field("address", ReportAddress(e.env.loop)).EndObject();
  }
  w.EndArray();
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void Requests(JsonWriter& w, const EnvironmentReport& e) {
  w.Key("requests").BeginArray();
  for (const ReqWrapInfo& q : e.requests.items) {
    w.BeginObject().Field("type", Lower(UvReqTypeName(q.uv_type))).Field("address", ReportAddress(q.uv_req));
    if (!q.what.empty()) w.Field("operation", q.what);
    if (!q.js_class.empty()) w.Field("wrap", q.js_class);
    w.EndObject();
  }
  w.EndArray();
}

void SharedSections(JsonWriter& w, const DiagnosticReport& r) {
  if (r.environment) StringPairs(w.Key("environmentVariables"), *r.environment);
  w.Key("sharedObjects").BeginArray();
  for (const std::string& s : r.shared_objects) w.String(s);
  w.EndArray();
}

// One thread's report: the whole report for the main thread, each entry of
// `workers` for a Worker (Node nests them the same way).
void ThreadReport(JsonWriter& w, const DiagnosticReport& r, const EnvironmentReport& e,
                  const std::vector<const EnvironmentReport*>& workers) {
  w.BeginObject();
  Header(w, r, &e);
  JavascriptStack(w, r, e);
  if (e.heap) JavascriptHeap(w, *e.heap);
  NativeStack(w, e.thread);
  Libuv(w, e);
  w.Key("workers").BeginArray();
  for (const EnvironmentReport* worker : workers) ThreadReport(w, r, *worker, {});
  w.EndArray();
  SharedSections(w, r);
  Requests(w, e);
  if (workers.size() || e.env.thread == EnvironmentInfo::Thread::kMain) {
    // Only the top level says what node-gdb adds and leaves out.
    w.Key("nodeGdb").BeginObject();
    w.Field("source", r.request.source);
    if (r.request.signal) w.Field("signal", SignalName(r.request.signal));
    w.Key("omitted").BeginArray();
    for (const char* f : kNeverInMemory) w.String(f);
    for (const std::string& f : r.omitted) w.String(f);
    w.EndArray();
    w.Key("notes").BeginArray();
    for (const std::string& n : r.notes) w.String(n);
    w.EndArray();
    w.Key("threads").BeginArray();
    for (const ThreadStack& t : r.request.threads) {
      w.BeginObject().Field("lwp", t.lwp).Field("crashed", t.crashed);
      NativeStack(w, &t);
      w.EndObject();
    }
    w.EndArray();
    if (!r.top_types.empty()) {
      w.Key("heapTopTypes").BeginArray();
      for (const CensusRow& row : r.top_types) {
        w.BeginObject().Field("name", row.name).Field("count", row.count).Field("bytes", row.bytes).EndObject();
      }
      w.EndArray();
    }
    w.EndObject();
  }
  w.EndObject();
}

}  // namespace

std::string ReportJson(const DiagnosticReport& r) {
  JsonWriter w(2);
  const EnvironmentReport* main = nullptr;
  std::vector<const EnvironmentReport*> workers;
  for (const EnvironmentReport& e : r.environments) {
    if (e.env.thread == EnvironmentInfo::Thread::kMain && !main) main = &e;
    else workers.push_back(&e);
  }
  EnvironmentReport none;
  none.env.thread = EnvironmentInfo::Thread::kMain;
  ThreadReport(w, r, main ? *main : none, workers);
  return w.Take() + "\n";
}

}  // namespace nodegdb
