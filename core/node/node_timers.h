// node-timers: what each Environment will run later, from memory alone.
//
//   - setTimeout / setInterval: the Timeout objects linked into the
//     TimersLists of lib/internal/timers.js (one list per duration, timers
//     in insertion order), each with its duration, whether it repeats, its
//     start on Node's timer clock (_idleStart, ms) and so when it is due
//     against the loop's time in the dump (uv_loop_t::time), ref'd or not,
//     and its callback. A Timeout not in a list and not destroyed is the
//     one whose callback is running (listOnTimeout unlinks it first).
//   - setImmediate: the Immediates of the ImmediateLists (immediateQueue,
//     and outstandingQueue after a callback threw); live Immediates in no
//     list are the rest of the batch processImmediate is running.
//   - process.nextTick: the tick objects of the FixedQueue in
//     lib/internal/process/task_queues.js (circular buffers from `tail`).
//   - microtasks: the ring buffer of the isolate's v8::MicrotaskQueue (the
//     pointer after a native context's slots): each job's callback, or the
//     async function an await resumes.
//
// The JS structures are found by one heap walk (by their class names, as
// Node's own lib defines them in every version 20-26) and given to the
// Environment whose isolate's heap holds them.
//
// May fail: every list walk is bounded and cycle-checked and says where it
// stopped (`problems`); an unreadable loop leaves the due times out; an
// unreadable microtask queue is reported, never guessed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/heap/heap_walk.h"
#include "core/node/node_env.h"
#include "core/v8/program.h"

namespace nodegdb {

struct JsCallback {
  uint64_t function = 0;  // tagged; 0 if the callback is not a function
  std::string name;       // "bound f", "f", "" if anonymous
  std::string where;      // "file:line:col" of the (bound target) function, "" if unknown
  std::string Text() const;  // "name (where)"
};

struct PendingTimer {
  uint64_t object = 0;  // tagged Timeout
  double duration = 0;  // _idleTimeout, ms
  bool repeat = false;  // setInterval (_repeat set)
  std::optional<double> start;  // _idleStart: the loop time it was (re)armed at
  bool refed = true;
  bool running = false;  // unlinked while its callback runs
  JsCallback callback;
  size_t arguments = 0;  // _timerArgs
};

struct PendingImmediate {
  uint64_t object = 0;  // tagged Immediate
  bool refed = true;
  bool in_running_batch = false;  // detached by processImmediate
  JsCallback callback;
  size_t arguments = 0;
};

struct PendingTick {
  uint64_t object = 0;  // tagged tick object { callback, args }
  JsCallback callback;
  size_t arguments = 0;
};

struct PendingMicrotask {
  uint64_t task = 0;  // tagged Microtask
  std::string kind;   // "promise fulfill reaction", "callable", ...
  JsCallback callback;
  std::string detail;  // "resumes async function f (file:1:2)", "promise 0x..."
};

struct EnvironmentTimers {
  EnvironmentInfo env;
  std::optional<uint64_t> loop_time;  // ms, uv_loop_t::time
  // Node's timer clock (getLibuvNow(): the loop time minus the
  // Environment's timer_base_), which _idleStart and expiry are on. The
  // base is the word of the Environment that equals the timer handle's
  // due time minus a TimersList's expiry (both set together by
  // ScheduleTimer); nullopt if none does.
  std::optional<uint64_t> timer_base;
  std::optional<double> now;  // loop_time - timer_base
  std::vector<PendingTimer> timers;   // soonest first
  std::vector<PendingImmediate> immediates;
  std::vector<PendingTick> ticks;
  uint64_t microtask_queue = 0;  // v8::internal::MicrotaskQueue*, 0 if not found
  bool microtasks_shown_before = false;  // another Environment of the isolate lists them
  std::vector<PendingMicrotask> microtasks;
  std::vector<std::string> problems;  // where a walk stopped, what could not be read
};

// Collects during a heap walk (possibly shared with other visitors), then
// resolves per Environment.
class TimersFinder {
 public:
  TimersFinder(Program& target, HeapWalker& walker);
  ~TimersFinder();
  ObjectVisitor& visitor();
  std::vector<EnvironmentTimers> Finish(const std::vector<EnvironmentInfo>& environments);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Walks the heap once and resolves.
std::vector<EnvironmentTimers> FindTimers(Program& target, HeapWalker& walker,
                                          const std::vector<EnvironmentInfo>& environments,
                                          WalkReport* report = nullptr, const ProgressFn& progress = {});

// Whether ref'd timers or immediates will keep the loop alive (re-arming
// Node's timer or idle handle): not the running timer unless it repeats.
bool KeepsLoopAlive(const EnvironmentTimers& t);

// node-timers' text for one Environment.
std::string TimersText(const EnvironmentTimers& t, bool verbose);
// The timers and immediates lines only (node-why), "" if none.
std::string TimerLines(const EnvironmentTimers& t, bool refed, const char* indent);

}  // namespace nodegdb
