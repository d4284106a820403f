#include "core/node/node_why.h"

#include <map>

#include "core/errors.h"
#include "core/node/node_handles.h"
#include "core/node/node_queries.h"
#include "core/platform/proc_sockets.h"
#include "core/view/js_model.h"

namespace nodegdb {

namespace {

// The JS owner of a handle (wrap[owner_symbol]: a net.Server, a Socket, a
// ChildProcess...) by its constructor name.
std::string OwnerText(Heap& heap, uint64_t owner) {
  if (!owner) return "";
  try {
    InspectOptions options;
    JsDescription d = HeapJsModel(heap, options).Describe(owner);
    std::string name = d.constructor_name ? *d.constructor_name : d.builtin_name;
    return "owner " + name + " " + Hex(owner);
  } catch (const Error&) {
    return "owner " + Hex(owner);
  }
}

std::string HandleText(Heap& heap, const HandleWrapInfo& h) {
  std::string name = !h.js_class.empty() ? h.js_class : !h.cpp_class.empty() ? h.cpp_class : "HandleWrap";
  std::string text = "    " + Pad(name, 13) + Pad(Join(h.details, "  "), 44) + " " + Brief(h.js_object, h.js_class);
  std::string owner = OwnerText(heap, h.owner);
  if (!owner.empty()) text += "  " + owner;
  return text + "\n";
}

std::string RequestText(const ReqWrapInfo& r) {
  std::string name = !r.js_class.empty() ? r.js_class : !r.cpp_class.empty() ? r.cpp_class : "ReqWrap";
  return "    " + Pad(name, 20) + Pad(Join({r.what, Join(r.details, "  ")}, "  "), 37) + " " +
         Brief(r.js_object, r.js_class) + "\n";
}

std::string Count(size_t n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

// The timers part of an Environment's answer: which JS timers and
// immediates the loop handles above run, which are unref'd, and what runs
// before the loop goes on (nextTick callbacks, microtasks).
std::string WhyTimers(const EnvironmentTimers& t, std::string& idle) {
  std::string out;
  const std::string refed = TimerLines(t, true, "      ");
  if (!refed.empty()) out += "  the JS timers and immediates behind them (node-timers shows them all):\n" + refed;
  const std::string unrefed = TimerLines(t, false, "    ");
  if (!unrefed.empty()) idle += unrefed;
  if (!t.ticks.empty() || !t.microtasks.empty()) {
    out += "  queued to run before the loop goes on: " + Count(t.ticks.size(), "nextTick callback", "nextTick callbacks") +
           " and " + Count(t.microtasks.size(), "microtask", "microtasks") + "\n";
  }
  return out;
}

std::string WhyEnvironment(Program& target, const NodeLayout& layout, const EnvironmentInfo& e,
                           const std::map<int, SocketEndpoints>* sockets, bool verbose, const EnvironmentTimers* timers) {
  Heap& heap = target.heap();
  HandleList handles = ReadHandleWraps(target, layout, e.address, 100000, sockets);
  RequestList requests = ReadReqWraps(target, layout, e.address);
  LoopInfo loop = ReadLoop(target, layout, e, handles);
  std::string alive, idle;
  size_t alive_handles = 0;
  for (const HandleWrapInfo& h : handles.items) {
    if (h.ref() && h.active() && !h.closing()) {
      alive += HandleText(heap, h);
      alive_handles++;
    } else if (!h.closing() || verbose) {
      // ref'd but inactive (a pipe nobody reads): libuv does not count it.
      idle += HandleText(heap, h).insert(4, Pad(h.closing() ? "closing" : h.ref() ? "inactive" : "unref'd", 9));
    }
  }
  for (const LoopHandle& h : loop.others) alive += "    " + Pad("(libuv)", 13) + h.what + "\n";
  for (const ReqWrapInfo& r : requests.items) alive += RequestText(r);
  const size_t reasons = alive_handles + loop.others.size() + requests.items.size();
  std::string out = EnvHeader(e) + ": ";
  if (reasons == 0 && timers && KeepsLoopAlive(*timers)) {
    // Inside a timer or immediate callback libuv has stopped the handle;
    // Node re-arms it for the ref'd ones when the callback returns.
    out += "nothing is active in its event loop right now, but ref'd timers or immediates re-arm it when the "
           "running JavaScript returns:\n";
  } else if (reasons == 0) {
    out += "nothing keeps its event loop alive (it would exit once the running JavaScript returns)\n";
  } else {
    out += "its event loop is kept alive by " + Count(alive_handles, "handle", "handles") + ", " +
           Count(loop.others.size(), "loop handle of Node's own", "loop handles of Node's own") + " and " +
           Count(requests.items.size(), "request in flight", "requests in flight") + ":\n" + alive;
  }
  if (timers) out += WhyTimers(*timers, idle);
  if (!idle.empty()) out += "  there without keeping it alive (unref'd, or ref'd but not active):\n" + idle;
  if (!handles.error.empty()) out += "  handle_wrap_queue_ walk stopped: " + handles.error + "\n";
  if (!requests.error.empty()) out += "  req_wrap_queue_ walk stopped: " + requests.error + "\n";
  if (!loop.error.empty()) out += "  libuv loop: " + loop.error + "\n";
  return out;
}

std::string AsyncSummary(const AsyncStacks& async) {
  if (async.functions.empty()) return "No async function or generator is suspended in the heap.\n";
  std::string out = "Waiting without keeping the loop alive: " +
                    Count(async.functions.size(), "suspended async function or generator",
                          "suspended async functions and generators") +
                    " in " + Count(async.stacks.size(), "stack", "stacks") + " (v8 async shows them):\n";
  size_t shown = 0;
  for (const AsyncStacks::Stack& s : async.stacks) {
    if (shown++ == 5) {
      out += "  ...\n";
      break;
    }
    const SuspendedFunction& f = async.functions[static_cast<size_t>(s.chain.front())];
    const SuspendedFunction& outer = async.functions[static_cast<size_t>(s.chain.back())];
    out += "  " + std::to_string(s.count) + " \u00d7 " + (f.name.empty() ? "<anonymous>" : f.name);
    if (f.line) out += " (" + f.script + ":" + std::to_string(f.line) + ":" + std::to_string(f.column) + ")";
    if (!f.awaited_state.empty()) out += " awaiting a " + f.awaited_state + " Promise";
    if (s.chain.size() > 1) out += ", for " + (outer.name.empty() ? std::string("<anonymous>") : outer.name);
    out += "\n";
  }
  return out;
}

}  // namespace

std::string WhyText(Program& target, const EnvironmentSearch& search, const AsyncStacks* async,
                    const std::vector<EnvironmentTimers>* timers, bool verbose, uint64_t only_env, int pid) {
  NodeLayout layout = NodeLayout::Read(target);
  const std::map<int, SocketEndpoints> sockets = pid > 0 ? ReadProcessSockets(pid) : std::map<int, SocketEndpoints>{};
  std::string out;
  for (const EnvironmentInfo& e : PickEnvironments(search, only_env)) {
    try {
      const EnvironmentTimers* mine = nullptr;
      for (size_t i = 0; timers && i < timers->size(); i++) {
        if ((*timers)[i].env.address == e.address) mine = &(*timers)[i];
      }
      out += WhyEnvironment(target, layout, e, pid > 0 ? &sockets : nullptr, verbose, mine);
    } catch (const Error& err) {
      out += EnvHeader(e) + ": cannot be read: " + err.what() + "\n";
    }
  }
  if (async) out += AsyncSummary(*async);
  return out;
}

}  // namespace nodegdb
