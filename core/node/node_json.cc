// The node/ wing's JSON answers: see node_json.h.
#include "core/node/node_json.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>

#include "core/node/node_handles.h"
#include "core/node/node_http.h"
#include "core/node/node_info.h"
#include "core/node/node_js.h"
#include "core/node/node_queries.h"
#include "core/node/node_timers.h"
#include "core/node/node_why.h"
#include "core/node/node_worker.h"
#include "core/platform/proc_sockets.h"
#include "core/stack/async_functions.h"
#include "core/v8/program.h"
#include "core/view/js_model.h"
#include "core/view/json_writer.h"

namespace nodegdb {

namespace {

// An address, or null for none (0).
void Address(JsonWriter& w, std::string_view key, uint64_t address) {
  w.Key(key);
  if (address) {
    w.String(ReportAddress(address));
  } else {
    w.Null();
  }
}

// A string, or null when empty: what the text leaves out.
void Text(JsonWriter& w, std::string_view key, const std::string& text) {
  w.Key(key);
  if (text.empty()) {
    w.Null();
  } else {
    w.String(text);
  }
}

template <typename T>
void Optional(JsonWriter& w, std::string_view key, const std::optional<T>& value) {
  w.Key(key);
  if (value) {
    w.Value(*value);
  } else {
    w.Null();
  }
}

void Strings(JsonWriter& w, std::string_view key, const std::vector<std::string>& items) {
  w.Key(key).BeginArray();
  for (const std::string& s : items) w.String(s);
  w.EndArray();
}

void SearchObject(JsonWriter& w, const EnvironmentSearch& s) {
  w.Key("search").BeginObject();
  w.Field("summary", s.Summary());
  w.Field("method", s.from_handles ? "global handles" : "memory scan");
  w.Field("isolates", static_cast<uint64_t>(s.isolates));
  w.Field("bytes_scanned", s.bytes_scanned);
  w.Field("ranges", static_cast<uint64_t>(s.ranges));
  w.Field("unreadable_ranges", static_cast<uint64_t>(s.unreadable_ranges));
  w.Field("native_context_maps", static_cast<uint64_t>(s.maps));
  w.Key("native_contexts").BeginArray();
  for (uint64_t c : s.native_contexts) w.String(ReportAddress(c));
  w.EndArray();
  w.Field("contexts_without_environment", static_cast<uint64_t>(s.contexts_without_environment));
  Strings(w, "rejected", s.rejected);
  w.EndObject();
}

// An Environment's own fields, inside its object.
void EnvFields(JsonWriter& w, const EnvironmentInfo& e) {
  Address(w, "address", e.address);
  w.Field("thread", ThreadName(e.thread));
  Address(w, "loop", e.loop);
  w.Key("native_contexts").BeginArray();
  for (uint64_t c : e.contexts) w.String(ReportAddress(c));
  w.EndArray();
}

std::string HandleName(const HandleWrapInfo& h) {
  return !h.js_class.empty() ? h.js_class : !h.cpp_class.empty() ? h.cpp_class : "HandleWrap";
}

std::string RequestName(const ReqWrapInfo& r) {
  return !r.js_class.empty() ? r.js_class : !r.cpp_class.empty() ? r.cpp_class : "ReqWrap";
}

// A JS object's constructor name (the JS model's), "" if unknown.
std::string ConstructorName(Heap& heap, uint64_t object) {
  if (!object) return "";
  try {
    JsDescription d = HeapJsModel(heap, InspectOptions{}).Describe(object);
    return d.constructor_name ? *d.constructor_name : d.builtin_name;
  } catch (const Error&) {
    return "";
  }
}

// `requests`: those in flight on this handle are listed with it, as the
// text appends them to its line. `heap`: the owner's class is named too
// (node-why names owners).
void HandleObject(JsonWriter& w, const HandleWrapInfo& h, const RequestList* requests, Heap* heap) {
  w.BeginObject();
  Address(w, "wrap", h.wrap);
  w.Field("class", HandleName(h));
  Text(w, "cpp_class", h.cpp_class);
  Text(w, "js_class", h.js_class);
  Address(w, "js_object", h.js_object);
  Address(w, "uv_handle", h.uv_handle);
  w.Field("uv_type", UvHandleTypeName(h.uv_type));
  w.Field("flags", h.flags);
  w.Field("ref", h.ref());
  w.Field("active", h.active());
  w.Field("state", h.state());
  Optional(w, "fd", DetailNumber(h.details, "fd "));
  Strings(w, "details", h.details);
  Address(w, "owner", h.owner);
  if (heap) Text(w, "owner_class", ConstructorName(*heap, h.owner));
  Text(w, "local", h.local);
  Text(w, "peer", h.peer);
  if (requests) {
    w.Key("pending_requests").BeginArray();
    for (const ReqWrapInfo& r : requests->items) {
      if (!r.stream || r.stream != h.uv_handle) continue;
      w.BeginObject();
      Address(w, "wrap", r.wrap);
      w.Field("what", r.what);
      Strings(w, "details", r.details);
      w.EndObject();
    }
    w.EndArray();
  }
  Text(w, "error", h.error);
  w.EndObject();
}

void RequestObject(JsonWriter& w, const ReqWrapInfo& r) {
  w.BeginObject();
  Address(w, "wrap", r.wrap);
  w.Field("class", RequestName(r));
  Text(w, "cpp_class", r.cpp_class);
  Text(w, "js_class", r.js_class);
  Address(w, "js_object", r.js_object);
  Address(w, "uv_req", r.uv_req);
  w.Field("uv_type", UvReqTypeName(r.uv_type));
  w.Field("dispatched", r.dispatched);
  Text(w, "what", r.what);
  Address(w, "stream", r.stream);
  Optional(w, "fd", DetailNumber(r.details, "fd "));
  Strings(w, "details", r.details);
  Text(w, "error", r.error);
  w.EndObject();
}

// "uv_timer_t": a loop handle's libuv type as the text names it.
std::string UvTypeTName(int type) {
  std::string name = std::string("uv_") + UvHandleTypeName(type) + "_t";
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

void LoopHandleObject(JsonWriter& w, const LoopHandle& h) {
  w.BeginObject();
  Address(w, "address", h.address);
  w.Field("type", UvTypeTName(h.type));
  w.Field("flags", h.flags);
  w.Field("what", h.what);
  w.EndObject();
}

// "libuv_loop": the Environment's "loop" field is its address.
void LoopObject(JsonWriter& w, const LoopInfo& loop) {
  w.Key("libuv_loop").BeginObject();
  Address(w, "address", loop.address);
  w.Field("active_handles", loop.active_handles);
  w.Field("active_requests", loop.active_reqs);
  w.Field("handles", static_cast<uint64_t>(loop.handles));
  w.Field("keeps_running", loop.error.empty() && (loop.active_handles || loop.active_reqs));
  w.Key("others").BeginArray();
  for (const LoopHandle& h : loop.others) LoopHandleObject(w, h);
  w.EndArray();
  Text(w, "error", loop.error);
  w.EndObject();
}

std::map<int, SocketEndpoints> SocketsOf(int pid) {
  return pid > 0 ? ReadProcessSockets(pid) : std::map<int, SocketEndpoints>{};
}

// The document: the search, one object per picked Environment with the
// fields `each` writes, then the members `after` writes.
template <typename Each, typename After>
std::string PerEnvironment(const EnvironmentSearch& search, uint64_t only_env, Each each, After after) {
  std::vector<EnvironmentInfo> picked = PickEnvironments(search, only_env);
  JsonWriter w;
  w.BeginObject();
  SearchObject(w, search);
  w.Key("environments").BeginArray();
  for (const EnvironmentInfo& e : picked) {
    w.BeginObject();
    EnvFields(w, e);
    each(w, e);
    w.EndObject();
  }
  w.EndArray();
  after(w);
  w.EndObject();
  return w.Take();
}

template <typename Each>
std::string PerEnvironment(const EnvironmentSearch& search, uint64_t only_env, Each each) {
  return PerEnvironment(search, only_env, each, [](JsonWriter&) {});
}

// ---- timers ----

void CallbackObject(JsonWriter& w, const JsCallback& c) {
  w.Key("callback").BeginObject();
  Address(w, "function", c.function);
  Text(w, "name", c.name);
  Text(w, "where", c.where);
  w.EndObject();
}

void TimerObject(JsonWriter& w, const PendingTimer& p, const std::optional<double>& now) {
  w.BeginObject();
  Address(w, "object", p.object);
  w.Field("kind", p.repeat ? "setInterval" : "setTimeout");
  w.Field("duration_ms", p.duration);
  w.Field("repeat", p.repeat);
  Optional(w, "start_ms", p.start);
  // On Node's timer clock, as _idleStart; due_in_ms < 0: overdue.
  std::optional<double> due = p.start ? std::optional<double>(*p.start + p.duration) : std::nullopt;
  Optional(w, "due_ms", due);
  Optional(w, "due_in_ms", due && now && !p.running ? std::optional<double>(*due - *now) : std::nullopt);
  w.Field("ref", p.refed);
  w.Field("running", p.running);
  CallbackObject(w, p.callback);
  w.Field("arguments", static_cast<uint64_t>(p.arguments));
  w.EndObject();
}

void ImmediateObject(JsonWriter& w, const PendingImmediate& p) {
  w.BeginObject();
  Address(w, "object", p.object);
  w.Field("ref", p.refed);
  w.Field("in_running_batch", p.in_running_batch);
  CallbackObject(w, p.callback);
  w.Field("arguments", static_cast<uint64_t>(p.arguments));
  w.EndObject();
}

void TimersFields(JsonWriter& w, const EnvironmentTimers& t) {
  Optional(w, "loop_time_ms", t.loop_time);
  Optional(w, "timer_base_ms", t.timer_base);
  Optional(w, "now_ms", t.now);
  w.Key("timers").BeginArray();
  for (const PendingTimer& p : t.timers) TimerObject(w, p, t.now);
  w.EndArray();
  w.Key("immediates").BeginArray();
  for (const PendingImmediate& p : t.immediates) ImmediateObject(w, p);
  w.EndArray();
  w.Key("ticks").BeginArray();
  for (const PendingTick& p : t.ticks) {
    w.BeginObject();
    Address(w, "object", p.object);
    CallbackObject(w, p.callback);
    w.Field("arguments", static_cast<uint64_t>(p.arguments));
    w.EndObject();
  }
  w.EndArray();
  Address(w, "microtask_queue", t.microtask_queue);
  w.Field("microtasks_listed_before", t.microtasks_shown_before);
  w.Key("microtasks").BeginArray();
  for (const PendingMicrotask& m : t.microtasks) {
    w.BeginObject();
    Address(w, "task", m.task);
    w.Field("kind", m.kind);
    CallbackObject(w, m.callback);
    Text(w, "detail", m.detail);
    w.EndObject();
  }
  w.EndArray();
  Strings(w, "problems", t.problems);
}

void WalkObject(JsonWriter& w, const WalkReport& report) {
  w.Key("heap_walk").BeginObject();
  w.Field("interrupted", report.cancelled);
  w.Field("unreadable_bytes", report.failed_bytes());
  w.EndObject();
}

const EnvironmentTimers* TimersOf(const std::vector<EnvironmentTimers>* timers, uint64_t env) {
  for (size_t i = 0; timers && i < timers->size(); i++) {
    if ((*timers)[i].env.address == env) return &(*timers)[i];
  }
  return nullptr;
}

// ---- http ----

void SocketObject(JsonWriter& w, Heap& heap, const HandleWrapInfo* h) {
  w.Key("socket");
  if (!h) {
    w.Null();
    return;
  }
  w.BeginObject();
  Optional(w, "fd", DetailNumber(h->details, "fd "));
  Text(w, "local", h->local);
  Text(w, "peer", h->peer);
  Address(w, "object", h->owner);
  Text(w, "class", ConstructorName(heap, h->owner));
  Address(w, "wrap", h->wrap);
  w.EndObject();
}

void IncomingObject(JsonWriter& w, Heap& heap, const HttpServed& served) {
  const auto& [h, in] = served;
  w.BeginObject();
  Address(w, "message", in.message);
  Address(w, "response", in.response);
  w.Field("method", in.method);
  w.Field("url", in.url);
  Optional(w, "receiving_ms", in.receiving_ms);
  SocketObject(w, heap, h);
  w.EndObject();
}

void HttpFields(JsonWriter& w, Heap& heap, const HttpInFlight& http) {
  w.Key("servers").BeginArray();
  for (const HttpServer& s : http.servers) {
    w.BeginObject();
    Address(w, "object", s.handle->owner);
    Text(w, "class", ConstructorName(heap, s.handle->owner));
    Optional(w, "fd", DetailNumber(s.handle->details, "fd "));
    auto [listening, note] = SplitListening(ServerListeningText(s));
    Text(w, "listening", listening);
    Text(w, "listening_note", note);
    w.Key("requests").BeginArray();
    for (const HttpServed& served : s.requests) IncomingObject(w, heap, served);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("requests_of_other_servers").BeginArray();
  for (const HttpServed& served : http.orphans) IncomingObject(w, heap, served);
  w.EndArray();
  w.Key("outgoing").BeginArray();
  for (const auto& [h, r] : http.outgoing) {
    w.BeginObject();
    Address(w, "request", r.request);
    w.Field("method", r.method);
    Text(w, "host", r.host);
    Text(w, "endpoint", r.endpoint);
    w.Field("path", r.path);
    Address(w, "agent", r.agent);
    w.Field("queued_in_agent", h == nullptr);
    SocketObject(w, heap, h);
    w.EndObject();
  }
  w.EndArray();
}

// ---- why ----

// The async functions part of node-why: every stack with its count.
void AsyncObject(JsonWriter& w, const AsyncStacks& async) {
  w.Key("suspended").BeginObject();
  w.Field("functions", static_cast<uint64_t>(async.functions.size()));
  w.Key("stacks").BeginArray();
  for (const AsyncStacks::Stack& s : async.stacks) {
    if (s.chain.empty()) continue;
    w.BeginObject();
    w.Field("count", static_cast<uint64_t>(s.count));
    w.Key("chain").BeginArray();
    for (int index : s.chain) {
      if (index < 0 || static_cast<size_t>(index) >= async.functions.size()) continue;
      const SuspendedFunction& f = async.functions[static_cast<size_t>(index)];
      w.BeginObject();
      Address(w, "object", f.object);
      w.Field("kind", f.kind);
      Text(w, "name", f.name);
      Text(w, "script", f.script);
      Optional(w, "line", f.line ? std::optional<int64_t>(f.line) : std::nullopt);
      Optional(w, "column", f.column ? std::optional<int64_t>(f.column) : std::nullopt);
      Address(w, "awaited", f.awaited);
      Text(w, "awaited_state", f.awaited_state);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

// What node-why reads of one Environment, read before anything is written
// (a read that throws then leaves the document whole).
struct WhyLists {
  HandleList handles;
  RequestList requests;
  LoopInfo loop;
};

WhyLists ReadWhyLists(Program& target, const NodeLayout& layout, const EnvironmentInfo& e,
                      const std::map<int, SocketEndpoints>* sockets) {
  WhyLists l;
  l.handles = ReadHandleWraps(target, layout, e.address, 100000, sockets);
  l.requests = ReadReqWraps(target, layout, e.address);
  l.loop = ReadLoop(target, layout, e, l.handles);
  return l;
}

void WhyFields(JsonWriter& w, Heap& heap, const WhyLists& lists, const EnvironmentTimers* timers) {
  const HandleList& handles = lists.handles;
  const RequestList& requests = lists.requests;
  const LoopInfo& loop = lists.loop;
  // As node-why's text: ref'd, active and not closing keeps the loop alive.
  auto alive = [](const HandleWrapInfo& h) { return h.ref() && h.active() && !h.closing(); };
  size_t alive_handles = std::count_if(handles.items.begin(), handles.items.end(), alive);
  const size_t reasons = alive_handles + loop.others.size() + requests.items.size();
  w.Field("kept_alive", reasons > 0);
  w.Field("rearmed_by_running_callback", reasons == 0 && timers && KeepsLoopAlive(*timers));
  w.Key("handles").BeginArray();
  for (const HandleWrapInfo& h : handles.items) {
    if (alive(h)) HandleObject(w, h, nullptr, &heap);
  }
  w.EndArray();
  w.Key("loop_handles").BeginArray();
  for (const LoopHandle& h : loop.others) LoopHandleObject(w, h);
  w.EndArray();
  w.Key("requests").BeginArray();
  for (const ReqWrapInfo& r : requests.items) RequestObject(w, r);
  w.EndArray();
  w.Key("not_keeping_alive").BeginArray();
  for (const HandleWrapInfo& h : handles.items) {
    if (alive(h)) continue;
    w.BeginObject();
    w.Field("reason", h.closing() ? "closing" : h.ref() ? "inactive" : "unref'd");
    w.Key("handle");
    HandleObject(w, h, nullptr, &heap);
    w.EndObject();
  }
  w.EndArray();
  if (timers) {
    w.Key("timers").BeginArray();
    for (const PendingTimer& p : timers->timers) TimerObject(w, p, timers->now);
    w.EndArray();
    w.Key("immediates").BeginArray();
    for (const PendingImmediate& p : timers->immediates) ImmediateObject(w, p);
    w.EndArray();
    w.Field("ticks", static_cast<uint64_t>(timers->ticks.size()));
    w.Field("microtasks", static_cast<uint64_t>(timers->microtasks.size()));
  }
  Text(w, "handles_error", handles.error);
  Text(w, "requests_error", requests.error);
  Text(w, "loop_error", loop.error);
}

}  // namespace

std::optional<int64_t> DetailNumber(const std::vector<std::string>& details, const std::string& prefix) {
  for (const std::string& d : details) {
    if (d.size() <= prefix.size() || d.compare(0, prefix.size(), prefix) != 0) continue;
    const char* start = d.c_str() + prefix.size();
    if (!std::isdigit(static_cast<unsigned char>(*start)) && *start != '-') continue;
    char* end = nullptr;
    long long n = std::strtoll(start, &end, 10);
    if (end != start && (*end == '\0' || *end == ' ')) return n;
  }
  return std::nullopt;
}

std::pair<std::string, std::string> SplitListening(std::string text) {
  if (text.rfind("listening ", 0) == 0) text = text.substr(10);
  std::string note;
  size_t paren = text.find(" (");
  if (paren != std::string::npos && text.back() == ')') {
    note = text.substr(paren + 2, text.size() - paren - 3);
    text.resize(paren);
  }
  return {text, note};
}

std::string EnvironmentsJson(Program& target, const EnvironmentSearch& search) {
  WorkerLookup lookup = LookUpWorkers(target, search);
  const std::optional<NodeLayout>& layout = lookup.layout;
  const std::vector<uint64_t>& workers = lookup.workers;
  return PerEnvironment(search, 0, [&](JsonWriter& w, const EnvironmentInfo& e) {
    w.Key("worker");
    if (!layout || e.thread != EnvironmentInfo::Thread::kWorker) {
      w.Null();
      return;
    }
    WorkerInfo info = ReadWorkerInfo(target, *layout, e, workers);
    w.BeginObject();
    Address(w, "worker", info.worker);
    Address(w, "handle", info.handle);
    Optional(w, "thread_id", info.thread_id);
    Text(w, "thread_name", info.thread_name);
    Text(w, "script", info.script);
    Optional(w, "lwp", info.lwp ? std::optional<int64_t>(info.lwp) : std::nullopt);
    Text(w, "error", info.error);
    w.EndObject();
  });
}

std::string HandlesJson(Program& target, const EnvironmentSearch& search, uint64_t only_env, int pid) {
  NodeLayout layout = NodeLayout::Read(target);
  const std::map<int, SocketEndpoints> sockets = SocketsOf(pid);
  return PerEnvironment(search, only_env, [&](JsonWriter& w, const EnvironmentInfo& e) {
    RequestList requests = ReadReqWraps(target, layout, e.address);
    HandleList handles = ReadHandleWraps(target, layout, e.address, 100000, pid > 0 ? &sockets : nullptr);
    LoopInfo loop = ReadLoop(target, layout, e, handles);
    w.Field("handle_count", static_cast<uint64_t>(handles.items.size()));
    w.Field("ref_count", static_cast<uint64_t>(handles.ref_count()));
    LoopObject(w, loop);
    w.Key("handles").BeginArray();
    for (const HandleWrapInfo& h : handles.items) HandleObject(w, h, &requests, nullptr);
    w.EndArray();
    Text(w, "handles_error", handles.error);
  });
}

std::string RequestsJson(Program& target, const EnvironmentSearch& search, uint64_t only_env) {
  NodeLayout layout = NodeLayout::Read(target);
  return PerEnvironment(search, only_env, [&](JsonWriter& w, const EnvironmentInfo& e) {
    RequestList requests = ReadReqWraps(target, layout, e.address);
    w.Field("request_count", static_cast<uint64_t>(requests.items.size()));
    w.Key("requests").BeginArray();
    for (const ReqWrapInfo& r : requests.items) RequestObject(w, r);
    w.EndArray();
    Text(w, "requests_error", requests.error);
  });
}

std::string HttpJson(Program& target, const EnvironmentSearch& search, uint64_t only_env, int pid) {
  NodeLayout layout = NodeLayout::Read(target);
  const std::map<int, SocketEndpoints> sockets = SocketsOf(pid);
  JsObjects js(target.heap());
  return PerEnvironment(search, only_env, [&](JsonWriter& w, const EnvironmentInfo& e) {
    HandleList handles = ReadHandleWraps(target, layout, e.address, 100000, pid > 0 ? &sockets : nullptr);
    HttpInFlight http = CollectHttp(js, handles, &target, ReadLoopTime(target, e.loop));
    HttpFields(w, target.heap(), http);
  });
}

std::string InfoJson(Program& target, const EnvironmentSearch& search, int64_t pid, const std::string& pid_source) {
  NodeProcessInfo info = ReadNodeProcessInfo(target, search, pid, pid_source);
  JsonWriter w;
  w.BeginObject();
  Text(w, "node_version", info.node_version);
  Text(w, "v8_version", info.v8_version);
  Optional(w, "pid", info.pid);
  Text(w, "pid_source", info.pid ? info.pid_source : "");
  Optional(w, "exec_path", info.exec_path);
  // Arrays of their strings; null where the text says "(not readable)".
  for (const auto& [key, list] : {std::pair{"argv", &info.argv_list}, std::pair{"exec_argv", &info.exec_argv_list}}) {
    w.Key(key);
    if (!*list) {
      w.Null();
      continue;
    }
    w.BeginArray();
    for (const std::string& a : **list) w.String(a);
    w.EndArray();
  }
  Address(w, "process_object", info.process_object);
  SearchObject(w, search);
  w.Key("environments").BeginArray();
  for (const EnvironmentInfo& e : search.environments) {
    w.BeginObject();
    EnvFields(w, e);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.Take();
}

std::string TimersJson(Program& target, const EnvironmentSearch& search, uint64_t only_env,
                       const ProgressFn& progress) {
  std::vector<EnvironmentInfo> environments = PickEnvironments(search, only_env);
  HeapWalker walker(target.heap());
  WalkReport report;
  std::vector<EnvironmentTimers> found = FindTimers(target, walker, environments, &report, progress);
  return PerEnvironment(
      search, only_env,
      [&](JsonWriter& w, const EnvironmentInfo& e) {
        if (const EnvironmentTimers* t = TimersOf(&found, e.address)) TimersFields(w, *t);
      },
      [&](JsonWriter& w) { WalkObject(w, report); });
}

std::string WhyJson(Program& target, const EnvironmentSearch& search, uint64_t only_env, int pid, bool with_heap) {
  NodeLayout layout = NodeLayout::Read(target);
  const std::map<int, SocketEndpoints> sockets = SocketsOf(pid);
  std::optional<AsyncStacks> async;
  std::vector<EnvironmentTimers> found;
  if (with_heap) {
    HeapWalker walker(target.heap());
    WhyHeapParts parts(target, walker);
    parts.Finish(PickEnvironments(search, only_env), walker.Walk(parts.visitor()));
    async = std::move(parts.async);
    found = std::move(parts.timers);
  }
  return PerEnvironment(
      search, only_env,
      [&](JsonWriter& w, const EnvironmentInfo& e) {
        // One Environment that cannot be read does not hide the others (as the text).
        std::optional<WhyLists> lists;
        try {
          lists = ReadWhyLists(target, layout, e, pid > 0 ? &sockets : nullptr);
        } catch (const Error& err) {
          w.Field("error", std::string(err.what()));
          return;
        }
        WhyFields(w, target.heap(), *lists, with_heap ? TimersOf(&found, e.address) : nullptr);
      },
      [&](JsonWriter& w) {
        if (!async) return;
        AsyncObject(w, *async);
        WalkObject(w, async->report);
      });
}

}  // namespace nodegdb
