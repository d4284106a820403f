#include "core/node/node_timers.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "core/errors.h"
#include "core/heap/heap_census.h"
#include "core/node/node_handles.h"
#include "core/node/node_js.h"
#include "core/stack/async_functions.h"
#include "core/v8/context.h"
#include "core/v8/heap_number.h"
#include "core/v8/js_function.h"
#include "core/v8/js_object.h"
#include "core/v8/map.h"
#include "core/v8/shared_function_info.h"
#include "core/view/js_model.h"

namespace nodegdb {

namespace {

// uv_timer_t: type UV_TIMER (13), timeout (uint64_t ms on the loop's clock).
constexpr uint32_t kUvTimer = 13;
constexpr uint64_t kTimerTimeout = 128, kTimerSize = 152;
// How much of an Environment is searched for its timer handle and timer_base_.
constexpr size_t kEnvScanBytes = 16384;
// v8::internal::MicrotaskQueue: vtable, then size_, capacity_, start_,
// ring_buffer_ (microtask-queue.h; the offsets its builtins use).
constexpr uint64_t kQueueSize = 8, kQueueCapacity = 16, kQueueStart = 24, kQueueRing = 32;
// JSBoundFunction: bound_target_function, bound_this after JSObject's header.
constexpr uint64_t kBoundTarget = 24, kBoundThis = 32;
// FixedCircularBuffer's kSize (lib/internal/fixed_queue.js).
constexpr int64_t kTickBufferSize = 2048;
constexpr size_t kMaxListItems = 100000, kMaxTickBuffers = 10000, kMaxMicrotasks = 100000;

enum class Kind : int8_t { kOther, kTimeout, kTimersList, kImmediate, kImmediateList, kFixedQueue };

Kind KindOfName(const std::string& name) {
  static const std::map<std::string, Kind> kKinds = {{"Timeout", Kind::kTimeout},
                                                     {"TimersList", Kind::kTimersList},
                                                     {"Immediate", Kind::kImmediate},
                                                     {"ImmediateList", Kind::kImmediateList},
                                                     {"FixedQueue", Kind::kFixedQueue}};
  auto it = kKinds.find(name);
  return it == kKinds.end() ? Kind::kOther : it->second;
}

std::string Plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string Ms(double ms) { return FormatJsNumber(ms) + " ms"; }

}  // namespace

std::string JsCallback::Text() const {
  std::string n = name.empty() ? "<anonymous>" : name;
  if (!function) return n;
  return where.empty() ? n : n + " (" + where + ")";
}

class TimersFinder::Impl : public ObjectVisitor {
 public:
  Impl(Program& target, HeapWalker& walker)
      : target_(target), heap_(target.heap()), walker_(walker), namer_(heap_, walker.sizer()), js_(heap_) {
    js_object_type_ = heap_.metadata().FindType("JS_OBJECT_TYPE").value_or(-1);
    bound_type_ = heap_.metadata().FindType("JS_BOUND_FUNCTION_TYPE").value_or(-1);
  }

  void Visit(const ObjectRef& o) override {
    if (!o.facts || o.facts->type != js_object_type_) return;
    try {
      const uint32_t id = namer_.ClassOf(o);
      if (id >= kinds_.size()) kinds_.resize(id + 1, -1);
      if (kinds_[id] < 0) kinds_[id] = static_cast<int8_t>(KindOfName(namer_.Name(id)));
      const Kind kind = static_cast<Kind>(kinds_[id]);
      if (kind != Kind::kOther) found_[kind].push_back(o.address + heap_.layout().tagging.heap_object_tag);
    } catch (const Error&) {
      // An unnamable object is none of Node's timer structures.
    }
  }

  std::vector<EnvironmentTimers> Finish(const std::vector<EnvironmentInfo>& environments) {
    std::vector<EnvironmentTimers> out;
    std::set<uint64_t> queues_shown;
    for (const EnvironmentInfo& e : environments) {
      EnvironmentTimers t;
      t.env = e;
      const uint64_t isolate_heap = HeapOf(e);
      ReadLoopTime(t);
      ReadTimers(t, isolate_heap);
      FindTimerBase(t, isolate_heap);
      ReadImmediates(t, isolate_heap);
      ReadTicks(t, isolate_heap);
      ReadMicrotasks(t);
      if (t.microtask_queue && !queues_shown.insert(t.microtask_queue).second) {
        t.microtasks_shown_before = true;
        t.microtasks.clear();
      }
      out.push_back(std::move(t));
    }
    return out;
  }

 private:
  // The Heap* of the isolate holding an Environment's native contexts (0 if
  // unknown: then every object found is its own).
  uint64_t HeapOf(const EnvironmentInfo& e) {
    for (uint64_t context : e.contexts) {
      if (const HeapPage* page = walker_.pages().PageOf(context)) return page->heap;
    }
    return 0;
  }

  std::vector<uint64_t> Found(Kind kind, uint64_t isolate_heap) {
    std::vector<uint64_t> out;
    for (uint64_t object : found_[kind]) {
      const HeapPage* page = walker_.pages().PageOf(object);
      if (!isolate_heap || (page && page->heap == isolate_heap)) out.push_back(object);
    }
    return out;
  }

  void ReadLoopTime(EnvironmentTimers& t) {
    if (!t.env.loop) {
      t.problems.push_back("its libuv loop was not found: due times are relative to each timer's start");
      return;
    }
    if (auto time = nodegdb::ReadLoopTime(target_, t.env.loop)) {
      t.loop_time = *time;
    } else {
      t.problems.push_back("the loop's time at " + Hex(t.env.loop) + " could not be read");
    }
  }

  // The Environment's uv_timer_t (its loop field is the loop, its type
  // UV_TIMER), within its first bytes as the other loop handles: address or 0.
  // The Environment's uv_timer_t among its first words (its loop field is
  // the loop, its type UV_TIMER), as the other loop handles: address or 0.
  static uint64_t TimerHandle(const EnvironmentTimers& t, const std::vector<uint64_t>& words) {
    for (size_t i = 1; i + 2 < words.size(); i++) {
      if (words[i] == t.env.loop && static_cast<uint32_t>(words[i + 1]) == kUvTimer) return t.env.address + 8 * (i - 1);
    }
    return 0;
  }

  void FindTimerBase(EnvironmentTimers& t, uint64_t isolate_heap) {
    if (!t.loop_time || t.timers.empty()) return;
    std::vector<uint64_t> words(kEnvScanBytes / 8);
    const uint64_t handle =
        target_.memory().Read(t.env.address, words.data(), kEnvScanBytes) ? TimerHandle(t, words) : 0;
    uint64_t timeout = 0;
    if (handle && target_.memory().Read(handle + kTimerTimeout, &timeout, 8)) {
      std::set<uint64_t> bases;
      for (uint64_t list : Found(Kind::kTimersList, isolate_heap)) {
        auto expiry = js_.Number(js_.Get(list, "expiry"));
        if (expiry && *expiry >= 0 && *expiry <= static_cast<double>(timeout)) {
          bases.insert(timeout - static_cast<uint64_t>(*expiry));
        }
      }
      for (size_t i = 0; i < words.size(); i++) {
        const uint64_t at = t.env.address + 8 * i;
        if (at >= handle && at < handle + kTimerSize) continue;  // the handle's own timeout
        if (bases.count(words[i]) && words[i] <= *t.loop_time) {
          t.timer_base = words[i];
          t.now = static_cast<double>(*t.loop_time - words[i]);
          return;
        }
      }
    }
    t.problems.push_back("Node's timer clock base was not found: due times are on that clock, not against the dump");
  }

  // ---- callbacks ----

  JsCallback Callback(const std::optional<Tagged>& value) {
    JsCallback c;
    if (!value || value->kind != Tagged::Kind::kStrong) return c;
    try {
      // Where it is: the (innermost bound) target function's source.
      uint64_t address = value->address;
      for (int i = 0; i < 16 && heap_.InstanceTypeOf(address) == bound_type_; i++) {
        Tagged next = heap_.ReadTagged(address + kBoundTarget);
        if (next.kind != Tagged::Kind::kStrong) return c;
        address = next.address;
      }
      if (!IsJSFunction(heap_, address)) return c;
      JSFunctionData fn = ReadJSFunction(heap_, address);
      c.function = value->raw;
      // Its name as util.inspect gives it ("bound f", an own `name` first).
      c.name = HeapJsModel(heap_, InspectOptions{}).Describe(value->raw).function.name;
      if (auto loc = LocateFunction(heap_, fn.sfi)) {
        c.where = loc->script_name;
        if (loc->location) {
          c.where += ":" + std::to_string(loc->location->line) + ":" + std::to_string(loc->location->column);
        }
      }
    } catch (const Error&) {
      // The callback stays unnamed.
    }
    return c;
  }

  size_t ArgumentCount(const std::optional<Tagged>& args) {
    if (!args || args->kind != Tagged::Kind::kStrong) return 0;
    return js_.Elements(args, 1024).size();
  }

  // ---- linked lists of lib/internal/linkedlist.js ----

  // The items of a circular list from its head (a TimersList), in order.
  std::vector<uint64_t> Circular(uint64_t head, std::string& error) {
    std::vector<uint64_t> items;
    std::set<uint64_t> seen{head};
    auto next = js_.Get(head, "_idleNext");
    while (next && next->kind == Tagged::Kind::kStrong && next->raw != head) {
      if (!seen.insert(next->raw).second || items.size() >= kMaxListItems) {
        error = "the list at " + Hex(head) + " loops or exceeds " + std::to_string(kMaxListItems) + " items";
        return items;
      }
      if (!js_.Get(next->raw, "_idleTimeout")) {
        error = "the list at " + Hex(head) + " links to " + Hex(next->raw) + ", which is no Timeout";
        return items;
      }
      items.push_back(next->raw);
      next = js_.Get(next->raw, "_idleNext");
    }
    if (!next || next->kind != Tagged::Kind::kStrong) error = "the list at " + Hex(head) + " ends at an unreadable link";
    return items;
  }

  // The items of a null-terminated list from `first` (an ImmediateList's head).
  std::vector<uint64_t> Chain(std::optional<Tagged> next, std::string& error) {
    std::vector<uint64_t> items;
    std::set<uint64_t> seen;
    // The last item's _idleNext is null (not an Immediate: no _onImmediate).
    while (next && next->kind == Tagged::Kind::kStrong && js_.Get(next->raw, "_onImmediate")) {
      if (!seen.insert(next->raw).second || items.size() >= kMaxListItems) {
        error = "an immediate list loops or exceeds " + std::to_string(kMaxListItems) + " items";
        break;
      }
      items.push_back(next->raw);
      next = js_.Get(next->raw, "_idleNext");
    }
    return items;
  }

  // ---- setTimeout / setInterval ----

  PendingTimer Timer(uint64_t object) {
    PendingTimer p;
    p.object = object;
    p.duration = js_.Number(js_.Get(object, "_idleTimeout")).value_or(0);
    p.repeat = js_.Number(js_.Get(object, "_repeat")).has_value();
    p.start = js_.Number(js_.Get(object, "_idleStart"));
    p.refed = js_.Boolean(js_.Get(object, "refed", true)).value_or(false);
    p.callback = Callback(js_.Get(object, "_onTimeout"));
    p.arguments = ArgumentCount(js_.Get(object, "_timerArgs"));
    return p;
  }

  void ReadTimers(EnvironmentTimers& t, uint64_t isolate_heap) {
    std::set<uint64_t> linked;
    for (uint64_t list : Found(Kind::kTimersList, isolate_heap)) {
      std::string error;
      for (uint64_t item : Circular(list, error)) {
        if (!linked.insert(item).second) continue;
        t.timers.push_back(Timer(item));
      }
      if (!error.empty()) t.problems.push_back("timers: " + error);
    }
    for (uint64_t object : Found(Kind::kTimeout, isolate_heap)) {
      if (linked.count(object) || js_.Boolean(js_.Get(object, "_destroyed")) != false) continue;
      // L.remove() nulls the links of the timer whose callback runs; a
      // timer still linked is in a list we did not find.
      auto next = js_.Get(object, "_idleNext");
      if (!next || (next->kind == Tagged::Kind::kStrong && js_.Get(next->raw, "_idleNext"))) continue;
      PendingTimer p = Timer(object);
      if (p.duration < 0) continue;  // cleared (_idleTimeout -1)
      p.running = true;
      t.timers.push_back(p);
    }
    std::stable_sort(t.timers.begin(), t.timers.end(), [](const PendingTimer& a, const PendingTimer& b) {
      return a.start.value_or(0) + a.duration < b.start.value_or(0) + b.duration;
    });
  }

  // ---- setImmediate ----

  PendingImmediate Immediate(uint64_t object) {
    PendingImmediate p;
    p.object = object;
    p.refed = js_.Boolean(js_.Get(object, "refed", true)).value_or(false);
    p.callback = Callback(js_.Get(object, "_onImmediate"));
    p.arguments = ArgumentCount(js_.Get(object, "_argv"));
    return p;
  }

  void ReadImmediates(EnvironmentTimers& t, uint64_t isolate_heap) {
    std::set<uint64_t> listed;
    for (uint64_t list : Found(Kind::kImmediateList, isolate_heap)) {
      std::string error;
      for (uint64_t item : Chain(js_.Get(list, "head"), error)) {
        if (listed.insert(item).second) t.immediates.push_back(Immediate(item));
      }
      if (!error.empty()) t.problems.push_back("immediates: " + error);
    }
    for (uint64_t object : Found(Kind::kImmediate, isolate_heap)) {
      if (listed.count(object) || js_.Boolean(js_.Get(object, "_destroyed")) != false) continue;
      PendingImmediate p = Immediate(object);
      p.in_running_batch = true;
      t.immediates.push_back(p);
    }
  }

  // ---- process.nextTick ----

  void ReadTicks(EnvironmentTimers& t, uint64_t isolate_heap) {
    for (uint64_t queue : Found(Kind::kFixedQueue, isolate_heap)) {
      std::vector<PendingTick> ticks;
      std::set<uint64_t> seen;
      auto buffer = js_.Get(queue, "tail");
      while (buffer && buffer->kind == Tagged::Kind::kStrong && seen.size() < kMaxTickBuffers) {
        if (!seen.insert(buffer->raw).second) {
          t.problems.push_back("nextTick queue " + Hex(queue) + ": its buffers loop");
          break;
        }
        ReadTickBuffer(buffer->raw, ticks);
        buffer = js_.Get(buffer->raw, "next");
      }
      // Node's other FixedQueues (if any) hold no tick objects.
      if (!ticks.empty()) t.ticks.insert(t.ticks.end(), ticks.begin(), ticks.end());
    }
  }

  void ReadTickBuffer(uint64_t buffer, std::vector<PendingTick>& ticks) {
    auto bottom = js_.Number(js_.Get(buffer, "bottom"));
    auto top = js_.Number(js_.Get(buffer, "top"));
    auto list = js_.Get(buffer, "list");
    if (!bottom || !top || !list || list->kind != Tagged::Kind::kStrong) return;
    std::vector<std::pair<int64_t, PendingTick>> found;
    try {
      MapInfo map = ReadMap(heap_, heap_.MapOf(list->address));
      ElementList elements = ReadElements(heap_, list->address, map, kTickBufferSize, kTickBufferSize);
      const int64_t b = static_cast<int64_t>(*bottom);
      for (const auto& [index, slot] : elements.items) {
        Tagged item = heap_.Decode(slot.raw);
        if (item.kind != Tagged::Kind::kStrong) continue;
        auto callback = js_.Get(item.raw, "callback");
        if (!callback) continue;
        PendingTick p;
        p.object = item.raw;
        p.callback = Callback(callback);
        p.arguments = ArgumentCount(js_.Get(item.raw, "args"));
        // Queue order: from bottom, wrapping at the buffer's end.
        found.emplace_back(((static_cast<int64_t>(index) - b) % kTickBufferSize + kTickBufferSize) % kTickBufferSize, p);
      }
    } catch (const Error&) {
      return;
    }
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& f : found) ticks.push_back(std::move(f.second));
  }

  // ---- microtasks ----

  void ReadMicrotasks(EnvironmentTimers& t) {
    for (uint64_t context : t.env.contexts) {
      try {
        ContextInfo c = ReadContext(heap_, heap_.Decode(context).address);
        if (c.microtask_queue) {
          t.microtask_queue = c.microtask_queue;
          break;
        }
      } catch (const Error&) {
      }
    }
    if (!t.microtask_queue) {
      t.problems.push_back("microtasks: no native context of it names its microtask queue");
      return;
    }
    Memory& memory = target_.memory();
    int64_t size = 0, capacity = 0, start = 0;
    uint64_t ring = 0;
    if (!memory.Read(t.microtask_queue + kQueueSize, &size, 8) ||
        !memory.Read(t.microtask_queue + kQueueCapacity, &capacity, 8) ||
        !memory.Read(t.microtask_queue + kQueueStart, &start, 8) ||
        !memory.Read(t.microtask_queue + kQueueRing, &ring, 8) || size < 0 || capacity < size ||
        capacity > (int64_t{1} << 28) || start < 0 || (capacity && start >= capacity) || (size && !ring)) {
      t.problems.push_back("microtasks: the queue at " + Hex(t.microtask_queue) + " does not read as a MicrotaskQueue");
      t.microtask_queue = 0;
      return;
    }
    for (int64_t i = 0; i < size && static_cast<size_t>(i) < kMaxMicrotasks; i++) {
      uint64_t raw = 0;
      if (!memory.Read(ring + 8 * static_cast<uint64_t>((start + i) % capacity), &raw, 8)) {
        t.problems.push_back("microtasks: the ring buffer at " + Hex(ring) + " could not be read");
        return;
      }
      t.microtasks.push_back(Microtask(raw));
    }
  }

  // Node 20-22's queueMicrotask enqueues runMicrotask bound to an
  // AsyncResource whose `callback` is the user's function: name that one.
  JsCallback QueuedMicrotask(const Tagged& callable) {
    JsCallback c = Callback(callable);
    if (c.name != "bound runMicrotask" || c.where.rfind("node:internal/process/task_queues", 0) != 0) return c;
    try {
      const uint64_t resource = heap_.ReadWord(callable.address + kBoundThis);
      JsCallback user = Callback(js_.Get(resource, "callback"));
      if (user.function) return user;
    } catch (const Error&) {
    }
    return c;
  }

  PendingMicrotask Microtask(uint64_t raw) {
    PendingMicrotask m;
    m.task = raw;
    Tagged task = heap_.Decode(raw);
    if (task.kind != Tagged::Kind::kStrong) {
      m.kind = "not a heap object";
      return m;
    }
    try {
      const int type = heap_.InstanceTypeOf(task.address);
      const std::string name = heap_.metadata().TypeName(type);
      const MapInfo map = ReadMap(heap_, heap_.MapOf(task.address));
      auto field = [&](int index, int fields) {
        // V8 12+ may lead with continuation_preserved_embedder_data
        // (Microtask's own field); V8 11 puts it last in reaction jobs.
        const bool lead = heap_.rules().promise_reaction_embedder_data_first() && map.instance_size == 8 * (fields + 2);
        return heap_.ReadWord(task.address + 8 * static_cast<uint64_t>(1 + (lead ? 1 : 0) + index));
      };
      if (name == "PROMISE_FULFILL_REACTION_JOB_TASK_TYPE" || name == "PROMISE_REJECT_REACTION_JOB_TASK_TYPE") {
        // argument, context, handler, promise_or_capability
        m.kind = name[8] == 'F' ? "promise fulfill reaction" : "promise reject reaction";
        const uint64_t handler = field(2, 4);
        if (auto resumed = ResumedByHandler(heap_, handler)) {
          m.detail = "resumes " + resumed->kind + " " + SuspendedWhere(*resumed);
        } else {
          m.callback = Callback(heap_.Decode(handler));
          if (!m.callback.function) m.detail = "no handler: settles promise " + Hex(field(3, 4));
        }
      } else if (name == "CALLABLE_TASK_TYPE") {
        m.kind = "callable (queueMicrotask)";
        m.callback = QueuedMicrotask(heap_.Decode(field(0, 2)));
      } else if (name == "CALLBACK_TASK_TYPE") {
        m.kind = "native callback";
        m.detail = "C++ callback " + Hex(field(0, 2));
      } else if (name == "PROMISE_RESOLVE_THENABLE_JOB_TASK_TYPE") {
        // context, promise_to_resolve, thenable, then
        m.kind = "resolve thenable";
        m.callback = Callback(heap_.Decode(field(3, 4)));
        m.detail = "resolves promise " + Hex(field(1, 4)) + " with thenable " + Hex(field(2, 4));
      } else {
        m.kind = heap_.TypeName(type);
      }
    } catch (const Error& e) {
      m.kind = std::string("unreadable: ") + e.what();
    }
    return m;
  }

  Program& target_;
  Heap& heap_;
  HeapWalker& walker_;
  ObjectNamer namer_;
  JsObjects js_;
  int js_object_type_ = -1, bound_type_ = -1;
  std::vector<int8_t> kinds_;  // by class id; -1: not classified yet
  std::map<Kind, std::vector<uint64_t>> found_;
};

TimersFinder::TimersFinder(Program& target, HeapWalker& walker) : impl_(std::make_unique<Impl>(target, walker)) {}
TimersFinder::~TimersFinder() = default;
ObjectVisitor& TimersFinder::visitor() { return *impl_; }
std::vector<EnvironmentTimers> TimersFinder::Finish(const std::vector<EnvironmentInfo>& environments) {
  return impl_->Finish(environments);
}

std::vector<EnvironmentTimers> FindTimers(Program& target, HeapWalker& walker,
                                          const std::vector<EnvironmentInfo>& environments, WalkReport* report,
                                          const ProgressFn& progress) {
  TimersFinder finder(target, walker);
  WalkReport r = walker.Walk(finder.visitor(), progress);
  if (report) *report = r;
  return finder.Finish(environments);
}

// ---- text ----

namespace {

std::string DueText(const PendingTimer& p, const std::optional<double>& now) {
  if (p.running) return "running now";
  if (!p.start) return "not started";
  const double due = *p.start + p.duration;
  if (!now) return "due at " + FormatJsNumber(due) + " (timer clock)";
  const double in = due - *now;
  return in >= 0 ? "due in " + Ms(in) : "overdue by " + Ms(-in);
}

std::string Arguments(size_t n) { return n ? "  (" + Plural(n, "argument", "arguments") + ")" : ""; }

std::string TimerLine(const PendingTimer& p, const EnvironmentTimers& t, const char* indent, bool verbose = false) {
  const std::string started = verbose && p.start ? "  started at " + Ms(*p.start) : "";
  return indent + Pad(p.repeat ? "setInterval" : "setTimeout", 12) + " " + Pad(Ms(p.duration), 10) + " " +
         Pad(DueText(p, t.now), 22) + " " + Pad(p.refed ? "ref'd" : "unref'd", 7) + "  " + p.callback.Text() +
         Arguments(p.arguments) + "  Timeout " + Hex(p.object) + started + "\n";
}

std::string ImmediateLine(const PendingImmediate& p, const char* indent) {
  return indent + Pad("setImmediate", 12) + " " + Pad(p.in_running_batch ? "in the batch now running" : "queued", 33) +
         " " + Pad(p.refed ? "ref'd" : "unref'd", 7) + "  " + p.callback.Text() + Arguments(p.arguments) +
         "  Immediate " + Hex(p.object) + "\n";
}

std::string Counted(size_t total, size_t refed) {
  return std::to_string(total) + " (" + std::to_string(refed) + " ref'd, " + std::to_string(total - refed) + " unref'd)";
}

}  // namespace

bool KeepsLoopAlive(const EnvironmentTimers& t) {
  for (const PendingTimer& p : t.timers) {
    if (p.refed && (!p.running || p.repeat)) return true;
  }
  for (const PendingImmediate& p : t.immediates) {
    if (p.refed) return true;
  }
  return false;
}

std::string TimerLines(const EnvironmentTimers& t, bool refed, const char* indent) {
  std::string out;
  for (const PendingTimer& p : t.timers) {
    if (p.refed == refed) out += TimerLine(p, t, indent);
  }
  for (const PendingImmediate& p : t.immediates) {
    if (p.refed == refed) out += ImmediateLine(p, indent);
  }
  return out;
}

std::string TimersText(const EnvironmentTimers& t, bool verbose) {
  std::string out = EnvHeader(t.env);
  if (t.now) {
    out += ", Node's timer clock at " + Ms(*t.now) + " (loop time " + std::to_string(*t.loop_time) + " ms):\n";
  } else {
    out += t.loop_time ? ", loop time " + std::to_string(*t.loop_time) + " ms:\n" : ":\n";
  }
  size_t refed = 0;
  for (const PendingTimer& p : t.timers) refed += p.refed ? 1 : 0;
  out += "  timers: " + (t.timers.empty() ? std::string("none") : Counted(t.timers.size(), refed)) + "\n";
  for (const PendingTimer& p : t.timers) out += TimerLine(p, t, "    ", verbose);
  refed = 0;
  for (const PendingImmediate& p : t.immediates) refed += p.refed ? 1 : 0;
  out += "  immediates: " + (t.immediates.empty() ? std::string("none") : Counted(t.immediates.size(), refed)) + "\n";
  for (const PendingImmediate& p : t.immediates) out += ImmediateLine(p, "    ");
  out += "  nextTick queue: " + (t.ticks.empty() ? std::string("empty") : std::to_string(t.ticks.size())) + "\n";
  for (const PendingTick& p : t.ticks) {
    out += "    " + p.callback.Text() + Arguments(p.arguments) + (verbose ? "  " + Hex(p.object) : "") + "\n";
  }
  if (t.microtasks_shown_before) {
    out += "  microtasks: the isolate's queue " + Hex(t.microtask_queue) + " is listed above\n";
  } else if (t.microtask_queue) {
    out += "  microtasks: " + (t.microtasks.empty() ? std::string("none") : std::to_string(t.microtasks.size())) +
           (verbose ? " (queue " + Hex(t.microtask_queue) + ")" : "") + "\n";
    for (const PendingMicrotask& m : t.microtasks) {
      std::string what = m.callback.function ? m.callback.Text() : "";
      if (!m.detail.empty()) what += (what.empty() ? "" : "  ") + m.detail;
      out += "    " + Pad(m.kind, 26) + " " + what + (verbose ? "  " + Hex(m.task) : "") + "\n";
    }
  }
  for (const std::string& p : t.problems) out += "  (" + p + ")\n";
  return out;
}

}  // namespace nodegdb
