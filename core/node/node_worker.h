// Who a Worker's Environment is: the node::worker::Worker that runs it
// (found by its vtable pointer in writable memory, and whose env_ is the
// Environment: the Environment's own worker_context_ is not at one offset
// one could find in every version), the threadId its JS handle
// on the parent's side holds (Worker::New sets `threadId` on it; Node 24+
// also `threadName`), the script the worker runs (its own process.argv[1],
// which Node's worker bootstrap sets to the filename), and the kernel's id
// of its thread (LWP, as `info threads` and `thread apply all bt` name it),
// from the pthread_t the Worker keeps (uv_thread_t tid_).
//
// What may fail: nothing throws; what is not found stays empty and `error`
// says the first step that failed.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/node/node_env.h"

namespace nodegdb {

class Program;

struct WorkerInfo {
  uint64_t worker = 0;              // node::worker::Worker* (0: not found)
  uint64_t handle = 0;              // tagged JS object of the Worker on the parent's side
  std::optional<double> thread_id;  // worker.threadId
  std::string thread_name;          // worker.threadName (Node 24+), "" if none
  std::string script;               // the worker's process.argv[1], "" if unknown
  uint64_t pthread = 0;             // pthread_t of the worker's thread
  int64_t lwp = 0;                  // its kernel thread id, 0 if unknown
  std::string error;
};

// Every node::worker::Worker in `ranges` (the words equal to its vtable
// pointer), at most `max`; empty if the binary has no such vtable symbol.
std::vector<uint64_t> FindWorkerObjects(Program& target, const std::vector<MemoryRange>& ranges, size_t max = 4096);

// The Workers of a search's worker Environments: among the C++ objects the
// main isolate's global handles hold (a Worker's JS wrapper keeps its
// Worker* in an embedder field, in its first words), or, when those give
// fewer Workers than there are worker Environments, by FindWorkerObjects
// over the scanned ranges.
std::vector<uint64_t> FindWorkers(Program& target, const EnvironmentSearch& search);

// For a worker thread's Environment: the Worker among `workers` whose words
// hold the Environment's address (Worker::env_); `env.contexts` give its
// process object.
WorkerInfo ReadWorkerInfo(Program& target, const NodeLayout& layout, const EnvironmentInfo& env,
                          const std::vector<uint64_t>& workers);

// "threadId 1 \"/srv/jobs/resize.js\" LWP 4242" (the parts known), "" if nothing is.
std::string WorkerText(const WorkerInfo& w);

// Each Environment's isolate, as (Heap*, name) pairs for one heap snapshot
// per isolate (heap_snapshot.h): "main" for the main thread's,
// "worker-<threadId>" for a Worker's ("worker-unknown-N" when its threadId
// is not found), the main thread's first. An Environment's isolate is the
// Heap whose page holds its native context (`heap_of` gives a page's Heap*
// for an untagged address, 0 if none).
std::vector<std::pair<uint64_t, std::string>> IsolateNames(Program& target, const EnvironmentSearch& search,
                                                           const std::function<uint64_t(uint64_t)>& heap_of);

}  // namespace nodegdb
