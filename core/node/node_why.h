// node-why: why the process is still running, from memory alone (what the
// npm package why-is-node-running answers, but for a hung process or its
// core, without preloading anything). For each Environment: the ref'd and
// active handles and the requests in flight that keep its libuv loop alive
// (each with its JS owner: the server, socket, child process, watcher),
// the loop's own ref'd handles (the timer handle while ref'd timers are
// pending, the immediate handle), then what is there without keeping the
// loop alive (unref'd handles); and, for the whole heap, the async
// functions that wait on promises (which never keep a process alive).
//
// May fail: each Environment's lists say where their walk stopped, as
// node-handles and node-requests do; nothing here throws past an
// Environment.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/node/node_env.h"
#include "core/node/node_timers.h"
#include "core/stack/async_functions.h"
#include "core/v8/program.h"

namespace nodegdb {

// node-why's heap parts (the suspended async functions and the timers),
// gathered by one walk: WhyAnswer's own, or node-report's census walk
// (visitor() fed every object, then Finish with that walk's report).
class WhyHeapParts {
 public:
  WhyHeapParts(Program& target, HeapWalker& walker) : async_(target.heap()), timers_(target, walker) {}
  ObjectVisitor& visitor() { return both_; }
  void Finish(const std::vector<EnvironmentInfo>& environments, const WalkReport& report) {
    async = async_.Finish(report);
    timers = timers_.Finish(environments);
  }

  AsyncStacks async;
  std::vector<EnvironmentTimers> timers;

 private:
  AsyncStacksFinder async_;
  TimersFinder timers_;
  TeeVisitor both_{async_.visitor(), timers_.visitor()};
};

// `async`: the heap's suspended async functions (FindAsyncStacks), or null
// to leave that part out; `timers` likewise (FindTimers). `pid` > 0: a live
// process (kernel socket tables).
std::string WhyText(Program& target, const EnvironmentSearch& search, const AsyncStacks* async,
                    const std::vector<EnvironmentTimers>* timers, bool verbose, uint64_t only_env = 0, int pid = 0);

}  // namespace nodegdb
