// The node/ wing's answers as text: what `node-env`, `node-handles`,
// `node-http`, `node-requests` and `node-info` print, composed once here for both front
// ends (python/bindings/node.cc and tools/cli.cc), which only translate.
//
// What may fail: every function throws Error (MissingConstant when Node's
// nodedbg_* constants are absent, MemoryError/CorruptObject from reads) as
// the readers they call do; the per-handle and per-request damage those
// readers find is reported in the text, not thrown.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/heap/heap_walk.h"
#include "core/node/node_env.h"
#include "core/node/node_why.h"

namespace nodegdb {

class Program;

// Where to scan for native contexts: a core's writable segments (core_path
// not empty), else a live process's /proc/PID/maps (pid > 0), else the
// mappings GDB listed (maps_text, remote targets). May be empty.
std::vector<MemoryRange> ScanRangesFor(const std::string& core_path, int pid, const std::string& maps_text);

// FindEnvironments over ScanRangesFor(...); throws Error when no writable
// range is known at all.
EnvironmentSearch SearchEnvironments(Program& target, const std::string& core_path, int pid,
                                     const std::string& maps_text);

// The search's Environments, or only the one at `only` (non-zero); throws
// Error when `only` is none of them.
std::vector<EnvironmentInfo> PickEnvironments(const EnvironmentSearch& search, uint64_t only);

// One line per Environment, in aligned columns: its address, thread, loop
// and native contexts, and for a Worker its threadId, script and LWP
// (node_worker.h): "  0x...  worker thread  loop 0x...  native context 0x...
// threadId 1 "/srv/w.js" LWP 4242".
std::string EnvironmentsText(Program& target, const EnvironmentSearch& search);

// What node-environments needs for the Workers' details: Node's offsets (none
// when the binary lacks them: the Workers are then listed without details)
// and the node::worker::Worker objects, found only when there is a Worker.
struct WorkerLookup {
  std::optional<NodeLayout> layout;
  std::vector<uint64_t> workers;
};
WorkerLookup LookUpWorkers(Program& target, const EnvironmentSearch& search);

// Each picked Environment's handle queue, with its requests and loop facts.
// `pid` > 0 (a live local process): the sockets the kernel lists fill in
// ports and peers. Throws MissingConstant without Node's layout constants.
std::string HandlesText(Program& target, const EnvironmentSearch& search, bool verbose, uint64_t only_env = 0,
                        int pid = 0);

// Each picked Environment's HTTP in flight (node_http.h): servers with the
// requests being handled, outgoing requests. `pid` as for HandlesText.
std::string HttpText(Program& target, const EnvironmentSearch& search, bool verbose = false, uint64_t only_env = 0,
                     int pid = 0);

// Each picked Environment's request queue. Throws like HandlesText.
std::string RequestsText(Program& target, const EnvironmentSearch& search, bool verbose, uint64_t only_env = 0);

// The process facts (node_info.h) as text; `pid` > 0 is the debugger's pid,
// named by `pid_source`, used when process.pid cannot be read.
std::string InfoText(Program& target, const EnvironmentSearch& search, int64_t pid, const std::string& pid_source);

// node-timers: one heap walk, then each Environment's timers, immediates,
// nextTick queue and microtasks (node_timers.h).
std::string TimersAnswer(Program& target, const EnvironmentSearch& search, bool verbose, uint64_t only_env,
                         const ProgressFn& progress = {});

// node-why (node_why.h); `with_heap`: one heap walk adds the suspended async
// functions and each Environment's timers.
std::string WhyAnswer(Program& target, const EnvironmentSearch& search, bool verbose, uint64_t only_env, int pid,
                      bool with_heap);
// The same from heap parts another walk gathered (node-report).
std::string WhyAnswer(Program& target, const EnvironmentSearch& search, const WhyHeapParts& parts, bool verbose,
                      uint64_t only_env, int pid);

}  // namespace nodegdb
